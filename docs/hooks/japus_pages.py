"""The generic pages of the documentation site, in English and Japanese, and ``generate``.

Every page here is made from ``datapackage.json`` (through ``japus_data.descriptor``), the CSV
files and the generated loaders alone, for any table: a new table gets its page, its place in
the diagram and in the table index without any edit to the documentation. The pages that know
particular tables (claims, corrections, charts) are in ``japus_domain``; the series pages in
``japus_series``.

Pages are rendered from ``docs/templates`` with the words of ``docs/i18n`` (``japus_render``);
every text taken from the package is escaped there, by ``japus_data.render``.

``generate(root, out)`` writes the pages (``<page>.md`` and ``<page>.ja.md``, the suffix
structure of mkdocs-static-i18n) and byte-identical copies of the CSV files under ``out``.
"""

from __future__ import annotations

import inspect
import posixpath
import re
import shutil
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from japus_domain import DOMAIN_PAGES, TABLE_CHARTS
from japus_render import LANGS, block, figure, page, words
from japus_site import (
    DATA_DIR,
    SOURCE_ID,
    SOURCES,
    Site,
    citation,
    download_name,
    fk_targets,
    load_site,
    package_sources,
    row_anchor,
)
from markupsafe import Markup

from japus_data.descriptor import Field, ForeignKey, Table
from japus_data.render import mermaid_id, safe_url
from japus_data.safepath import output_name

__all__ = ["generate", "include", "load_site", "rewrite_links", "site_link"]

# --------------------------------------------------------------------------------------------
# Table pages
# --------------------------------------------------------------------------------------------


def loader_signature(name: str) -> tuple[str, str] | None:
    """``japus_data.load_<name>(...) -> DataFrame[Model]`` and the loader's name, from the
    generated loader; None for a table not generated yet (``japus-data generate``)."""
    from japus_data.loaders import LOADERS

    if name not in LOADERS:
        return None
    loader = LOADERS[name]
    signature = inspect.signature(loader)
    params = ", ".join(
        f"{p.name}: {p.annotation} = {p.default!r}" for p in signature.parameters.values()
    )
    returned = str(signature.return_annotation)
    return f"japus_data.{loader.__name__}({params}) -> {returned}", loader.__name__


def model_name(name: str) -> str | None:
    """The generated pandera model of a table (None if not generated yet)."""
    from japus_data.models import MODELS

    return MODELS[name].__name__ if name in MODELS else None


def dtype_names(table: Table) -> dict[str, str]:
    """The pandas dtype of each column, as the loader returns it (``japus_data.read``)."""
    from japus_data.read import pandas_dtypes

    return {name: str(dtype) for name, dtype in pandas_dtypes(table).items()}


def limit_text(value: object) -> str:
    """A ``minimum`` or ``maximum`` as written: a number, or a date as text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def column(site: Site, table: Table, field: Field, dtype: str, lang: str) -> dict[str, Any]:
    """What the column dictionary shows of one field (as text: the template escapes it)."""
    title = field.title_ja or None if lang == "ja" else None
    return {
        "field": field,
        "dtype": dtype,
        "minimum": limit_text(field.minimum),
        "maximum": limit_text(field.maximum),
        "categories": [(v, site.label(table, field.name, v, lang)) for v in field.categories or ()],
        "title": str(title) if title else "",
        "description": site.field_description(field, lang),
    }


def data_table(site: Site, table: Table) -> Markup:
    """The rows exactly as in the CSV file; keys link to the row they reference."""
    links = fk_targets(site, table)
    rows = []
    for row in site.rows[table.name]:
        cells = []
        for f in table.fields:
            value = row.get(f.name, "")
            href = None
            if value and f.name in links:
                target, _ = links[f.name]
                anchor = row_anchor(target, {target.primary_key[0]: value})
                there = "" if target.name == table.name else f"../{target.name}/"
                href = f"{there}#{anchor}"
            cells.append({"text": value, "href": href})
        rows.append({"id": row_anchor(table, row), "cells": cells})
    return block("data.html.j2", name=table.name, fields=table.field_names, rows=rows)


def table_page(site: Site, table: Table, lang: str) -> str:
    t = words(lang, "pages")
    signature, loader = loader_signature(table.name) or (None, None)
    dtypes = dtype_names(table)
    columns = [column(site, table, f, dtypes[f.name], lang) for f in table.fields]
    sources = list(table.sources) or package_sources(site)
    charts = TABLE_CHARTS.get(table.name)
    return page(
        "table.md.j2",
        site=site,
        table=table,
        lang=lang,
        t=t,
        rows=site.rows[table.name],
        csv_name=download_name(table),
        data_dir=DATA_DIR,
        signature=signature,
        loader=loader,
        model=model_name(table.name),
        columns=block("columns.html.j2", t=t, table=table, columns=columns),
        links_to=[(fk, site.package.table(fk.resource)) for fk in table.foreign_keys],
        linked_from=[
            (other, fk)
            for other in site.package.tables
            for fk in other.foreign_keys
            if fk.resource == table.name and other.name != table.name
        ],
        citations=[citation(site, source, lang, dict(t)) for source in sources],
        charts=[] if charts is None else [figure(svg) for svg in charts(site, lang)],
        data_table=data_table(site, table),
    )


def tables_index(site: Site, lang: str) -> str:
    return page(
        "tables_index.md.j2",
        site=site,
        lang=lang,
        t=words(lang, "pages"),
        tables=site.package.tables,
        data_dir=DATA_DIR,
    )


# --------------------------------------------------------------------------------------------
# The relationship diagram
# --------------------------------------------------------------------------------------------


def mermaid_type(field: Field) -> str:
    return re.sub(r"\W", "_", field.type, flags=re.ASCII) or "any"


def relationships_page(site: Site, lang: str) -> str:
    # Every table cites ``sources`` through ``source_id``: drawn, those edges would hide the
    # rest, so the diagram leaves them out and says so; the list below has every key.
    def drawn(fk: ForeignKey) -> bool:
        return not (fk.resource == SOURCES and fk.fields == (SOURCE_ID,))

    # Mermaid reads identifiers as bare words: a name that is not one is drawn under a safe
    # identifier (render.mermaid_id, written as it is), with the name itself as the entity's
    # label or the column's comment.
    ids: dict[str, str] = {}
    for table in site.package.tables:
        ids[table.name] = mermaid_id(table.name, ids.values())
    entities = []
    for table in site.package.tables:
        # Only the key columns: the column dictionary of each table is on its own page.
        fk_cols = {c for fk in table.foreign_keys if drawn(fk) for c in fk.fields}
        taken: list[str] = []
        columns = []
        for f in table.fields:
            keys = [
                Markup(k)
                for k, on in (("PK", f.name in table.primary_key), ("FK", f.name in fk_cols))
                if on
            ]
            if keys:
                taken.append(mermaid_id(f.name, taken))
                columns.append(
                    {
                        "type": Markup(mermaid_type(f)),
                        "id": Markup(taken[-1]),
                        "marks": keys,
                        "comment": None if taken[-1] == f.name else f.name,
                    }
                )
        entity = ids[table.name]
        label = None if entity == table.name else table.name
        entities.append({"id": Markup(entity), "label": label, "columns": columns})
    edges = [
        {
            "parent": Markup(ids[fk.resource]),
            "child": Markup(ids[table.name]),
            "left": Markup("||" if all(table.field(c).required for c in fk.fields) else "|o"),
            "label": ", ".join(fk.fields),
        }
        for table in site.package.tables
        for fk in table.foreign_keys
        if drawn(fk) and fk.resource in ids
    ]
    citing = [tb for tb in site.package.tables if any(not drawn(fk) for fk in tb.foreign_keys)]
    return page(
        "relationships.md.j2",
        site=site,
        lang=lang,
        t=words(lang, "pages"),
        entities=entities,
        edges=edges,
        citing=len(citing),
        foreign_keys=[
            (table, fk, site.package.table(fk.resource))
            for table in site.package.tables
            for fk in table.foreign_keys
        ],
    )


# --------------------------------------------------------------------------------------------
# Files included from the repository root
# --------------------------------------------------------------------------------------------

LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")  # [label](target)
REFERENCE = re.compile(r"^( {0,3}\[[^\]]+\]:[ \t]*)(\S+)", re.MULTILINE)  # [label]: target
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|#|/)")  # a URL, an anchor or an absolute path


def site_link(target: str, tables: Collection[str]) -> str | None:
    """Where a repository-relative link of README/CHANGELOG/CONTRIBUTING points in the site."""
    path, _, fragment = target.partition("#")
    path = path.removeprefix("./")
    known = {
        "README.md": "index.md",
        "CHANGELOG.md": "changelog.md",
        "CONTRIBUTING.md": "contributing.md",
        "CONTRIBUTING.ja.md": "contributing.md",
        "datapackage.json": f"{DATA_DIR}/datapackage.json",
    }
    mapped: str | None = known.get(path)
    if mapped is None and path.startswith("docs/") and path.endswith(".md"):
        mapped = path.removeprefix("docs/")
    if mapped is None and path.startswith("resources/") and path.endswith(".csv"):
        name = Path(path).stem
        mapped = f"tables/{name}.md" if name in tables else None
    if mapped is None:
        return None
    return mapped + (f"#{fragment}" if fragment else "")


def rewrite_links(text: str, target_for: Callable[[str], str | None]) -> str:
    """Apply ``target_for`` to every relative link target of a Markdown text.

    ``target_for`` returns the new target, the same one to keep it, or None when the link has
    no place in the site: an inline link then becomes its plain label, a reference definition
    an anchor-only link.
    """

    def inline(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if safe_url(target) is None:
            return label  # a javascript:, data: or other link that is not http(s)
        if EXTERNAL.match(target):
            return match.group(0)
        new = target_for(target)
        return label if new is None else f"[{label}]({new})"

    def reference(match: re.Match[str]) -> str:
        head, target = match.group(1), match.group(2)
        if safe_url(target) is None:
            return head + "#"
        if EXTERNAL.match(target):
            return match.group(0)
        return head + (target_for(target) or "#")

    return REFERENCE.sub(reference, LINK.sub(inline, text))


def include(
    text: str,
    site: Site,
    note: str,
    original: tuple[str, str] | None = None,
    lang: str = LANGS[-1],
) -> str:
    """A repository Markdown file, as a page at the root of the site (``note``, in ``lang``,
    under its title).

    ``original`` is given for a translation: the repository file it translates and the URL of
    that file's page, relative to this page. Links to the original then lead to its page in
    the default language, as raw HTML: a Markdown link would be resolved by
    mkdocs-static-i18n to the page of the current language, this very page.
    """
    if original is not None:
        source, url = original

        def to_original(match: re.Match[str]) -> str:
            path = match.group(2).partition("#")[0].removeprefix("./")
            if path != source:
                return match.group(0)
            # The label is the repository's own Markdown, kept as it is.
            return block("link.html.j2", url=url, text=Markup(match.group(1)), hreflang="en")

        text = LINK.sub(to_original, text)
    body = rewrite_links(text, lambda target: site_link(target, site.rows))
    if not note:
        return body
    lines = body.split("\n")
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
    # The repository's own Markdown, with its links made to fit the site: written as it is.
    return page(
        "included.md.j2",
        t=words(lang, "pages"),
        head=Markup("\n".join(lines[: title + 1])),
        note=Markup(note),
        tail=Markup("\n".join(lines[title + 1 :])),
    )


# --------------------------------------------------------------------------------------------
# Writing it all
# --------------------------------------------------------------------------------------------


def page_path(out: Path, name: str, lang: str) -> Path:
    suffix = "" if lang == "en" else f".{lang}"
    return out / f"{name}{suffix}.md"


# Pages included from a repository file, and the file for each language. A page whose file is
# the English one in another language gets the ``<page>_note`` of docs/i18n under its title.
INCLUDED: dict[str, dict[str, str]] = {
    "changelog": {"en": "CHANGELOG.md", "ja": "CHANGELOG.md"},
    "contributing": {"en": "CONTRIBUTING.md", "ja": "CONTRIBUTING.ja.md"},
}


def page_url(name: str, lang: str, directory_urls: bool) -> str:
    """The URL of a page of the site, relative to the site root."""
    prefix = "" if lang == LANGS[0] else f"{lang}/"
    return f"{prefix}{name}/" if directory_urls else f"{prefix}{name}.html"


def generate(
    root: Path,
    out: Path,
    directory_urls: bool = True,
    extra_pages: Mapping[str, Callable[[Site, str], str]] | None = None,
) -> list[str]:
    """Write every generated page and data file under ``out``; return the table page names.

    ``directory_urls`` is MkDocs' ``use_directory_urls``: the form of the URLs that link a
    translated page to the page of its original. ``extra_pages`` adds pages made by other
    modules (name → function of the site and the language), such as ``japus_series.PAGES``.
    """
    site = load_site(root)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    (out / DATA_DIR).mkdir(parents=True, exist_ok=True)
    for table in site.package.tables:
        # The download is the file itself, byte for byte, as the safe reader read it.
        (out / DATA_DIR / download_name(table)).write_bytes(site.files[table.name])
    shutil.copyfile(root / "datapackage.json", out / DATA_DIR / "datapackage.json")
    pages: dict[str, Callable[[Site, str], str]] = {
        "tables/index": tables_index,
        "relationships": relationships_page,
        **DOMAIN_PAGES,
        **(extra_pages or {}),
    }
    for lang in LANGS:
        for table in site.package.tables:
            page_path(out, f"tables/{output_name(table.name)}", lang).write_text(
                table_page(site, table, lang), encoding="utf-8"
            )
        for name, make in pages.items():
            page_path(out, name, lang).write_text(make(site, lang), encoding="utf-8")
        for name, sources in INCLUDED.items():
            source, english = sources[lang], sources[LANGS[0]]
            text = (root / source).read_text(encoding="utf-8")
            note = str(words(lang, "pages").get(f"{name}_note", "")) if source == english else ""
            original = None
            if source != english:
                here = page_url(name, lang, directory_urls)
                there = page_url(name, LANGS[0], directory_urls)
                # A browser resolves a link against the page's folder: the URL itself when it
                # ends in "/", else the folder the URL's file is in.
                base = here.rstrip("/") if here.endswith("/") else posixpath.dirname(here)
                url = posixpath.relpath(there, base or ".")
                original = (english, url + ("/" if there.endswith("/") else ""))
            included = include(text, site, note, original, lang)
            page_path(out, name, lang).write_text(included, encoding="utf-8")
    return [f"tables/{t.name}.md" for t in site.package.tables]
