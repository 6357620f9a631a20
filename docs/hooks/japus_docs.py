"""MkDocs hook: build the site from a staged copy of ``docs/`` plus the generated pages.

The generated pages (one per table, the table index, the relationship diagram, the charts,
the series and their sources and coverage (``japus_series``), claims, corrections, and the
changelog and contributing guide included from the repository root) and byte-identical
copies of the CSV files are written, with a copy of ``docs/``, to a temporary folder that
becomes the build's ``docs_dir``. Nothing generated is written to the repository. Staging real
files (rather than adding virtual files in ``on_files``) lets mkdocs-static-i18n treat
generated pages exactly like hand-written ones: it rebuilds the ``File`` objects of every
language from ``docs_dir``.

The "Tables" entry of ``nav`` (``tables/index.md``) is expanded into a section listing every
table, so that a new table in ``datapackage.json`` appears in the site with no edit.
"""

from __future__ import annotations

import atexit
import json
import posixpath
import shutil
import tempfile
from pathlib import Path
from typing import Any

from japus_pages import generate, rewrite_links, site_link
from japus_series import PAGES as SERIES_PAGES
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

HOOKS_DIR = Path(__file__).resolve().parent
TABLES_INDEX = "tables/index.md"
_staged: set[str] = set()
_tables: list[str] = []


def _expand_nav(nav: list[Any], table_pages: list[str]) -> list[Any]:
    expanded: list[Any] = []
    for item in nav:
        if isinstance(item, dict):
            ((title, value),) = item.items()
            if value == TABLES_INDEX:
                expanded.append({title: [TABLES_INDEX, *table_pages]})
                continue
            if isinstance(value, list):
                expanded.append({title: _expand_nav(value, table_pages)})
                continue
        expanded.append(item)
    return expanded


def _remove(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # mkdocs-static-i18n runs on_config again for each language, on the same config.
    if config.docs_dir in _staged:
        return config
    source = Path(config.docs_dir)
    root = Path(config.config_file_path).resolve().parent
    staging = tempfile.mkdtemp(prefix="japus-docs-")
    atexit.register(_remove, staging)
    docs = Path(staging) / "docs"
    shutil.copytree(
        source,
        docs,
        ignore=shutil.ignore_patterns("hooks", "overrides", "templates", "i18n", "__pycache__"),
    )
    table_pages = generate(root, docs, config.use_directory_urls, SERIES_PAGES)
    _tables[:] = [Path(p).stem for p in table_pages]
    config.docs_dir = str(docs)
    _staged.add(config.docs_dir)
    if config.nav is not None:
        config.nav = _expand_nav(config.nav, table_pages)
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Links that leave ``docs/`` (to a repository file) point into the site, or become text."""
    del config, files
    page_dir = posixpath.dirname(page.file.src_uri)

    def target_for(target: str) -> str | None:
        resolved = posixpath.normpath(posixpath.join(page_dir, target))
        if not resolved.startswith("../"):
            return target
        mapped = site_link(resolved.removeprefix("../"), _tables)
        return None if mapped is None else posixpath.relpath(mapped, page_dir or ".")

    return rewrite_links(markdown, target_for)


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built every language
def on_post_build(config: MkDocsConfig) -> None:
    """Split the search index that mkdocs-static-i18n merges into one index per language.

    Entries of a language other than the default go to ``<locale>/search/search_index.json``
    with their locations made relative to that folder; the default language keeps
    ``search/search_index.json``. ``docs/overrides/main.html`` points each page at its own.
    """
    i18n = config.plugins.get("i18n")
    if i18n is None or getattr(i18n, "building", False):
        return  # a nested build of one language: the merged index is not written yet
    site = Path(config.site_dir)
    merged_path = site / "search" / "search_index.json"
    if not merged_path.is_file():
        return
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    locales = [lang.locale for lang in i18n.config.languages if lang.build and not lang.default]
    by_locale: dict[str, list[dict[str, Any]]] = {locale: [] for locale in ["", *locales]}
    for entry in merged["docs"]:
        locale = next((x for x in locales if entry["location"].startswith(f"{x}/")), "")
        if locale:
            entry = {**entry, "location": entry["location"].removeprefix(f"{locale}/")}
        by_locale[locale].append(entry)
    for locale, docs in by_locale.items():
        path = site / locale / "search" / "search_index.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({**merged, "docs": docs}, ensure_ascii=False, separators=(",", ":"))
        path.write_text(text, encoding="utf-8")
