"""The generated pages come from templates and word files, and from the data alone.

- ``docs/i18n/en.yml`` and ``ja.yml`` hold the same words; templates hold none of their own.
- A Markdown template cannot write package text without an explicit escape.
- A new table and a new statistical series, added to a copy of the package with no code
  change, get their pages in a built site.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from .conftest import ROOT, build_site, change_descriptor, resource

DOCS = ROOT / "docs"
TEMPLATES = DOCS / "templates"
I18N = DOCS / "i18n"


def words(lang: str) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load(
        (I18N / f"{lang}.yml").read_text(encoding="utf-8")
    )
    return data


def test_both_languages_have_the_same_words() -> None:
    en, ja = words("en"), words("ja")
    assert list(en) == list(ja)
    for section in en:
        assert set(en[section]) == set(ja[section]), section
        for key, text in en[section].items():
            assert isinstance(text, str) and isinstance(ja[section][key], str), key
            # The same places to fill in, in both languages.
            assert set(re.findall(r"\{(\w+)\}", text)) == set(
                re.findall(r"\{(\w+)\}", ja[section][key])
            ), key


def template_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(TEMPLATES.glob("*.j2"))}


def test_every_word_a_template_uses_exists() -> None:
    known = {key for section in words("en").values() for key in section}
    used = {
        name: {a or b for a, b in re.findall(r"\bt\.(\w+)|\bt\[\"(\w+)\"\]", text)}
        for name, text in template_texts().items()
    }
    assert any(used.values())
    missing = {name: keys - known for name, keys in used.items() if keys - known}
    assert not missing


def literal_text(template: str) -> str:
    """What a template writes of its own: no Jinja, front matter, code, tags or link targets."""
    text = re.sub(r"\{#.*?#\}", "", template, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)
    text = re.sub(r"^---\n.*?\n---$", "", text, flags=re.S | re.M)  # front matter
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)  # code and diagrams
    text = re.sub(r"^!!! \w+", "", text, flags=re.M)  # an admonition's type
    text = re.sub(r"<[^>]*>", "", text)  # HTML tags and their attributes
    text = re.sub(r"\{[^}]*\}", "", text)  # attribute lists
    return re.sub(r"\]\([^)\s]*\)", "]", text)  # link targets


def test_templates_hold_no_sentence_of_their_own() -> None:
    texts = template_texts()
    assert "table.md.j2" in texts and "relationships.md.j2" in texts
    for name, template in texts.items():
        found = re.findall(r"[A-Za-z]{2,}|[\u3000-\u9fff\uff00-\uffef]+", literal_text(template))
        assert not found, f"{name}: {found}"
    # The check finds a sentence where there is one.
    assert re.findall(r"[A-Za-z]{2,}", literal_text("# Tables\n\n{{ t.rows }} rows"))


@pytest.fixture
def hooks() -> Iterator[ModuleType]:
    sys.path.insert(0, str(DOCS / "hooks"))
    try:
        import japus_render

        yield japus_render
    finally:
        sys.path.remove(str(DOCS / "hooks"))


def test_markdown_templates_write_only_escaped_text(hooks: Any) -> None:
    import jinja2

    env = hooks.environment().overlay(
        loader=jinja2.DictLoader(
            {"x.md.j2": "{{ value }}", "y.md.j2": "{{ value | md }}", "z.html.j2": "{{ value }}"}
        )
    )
    evil = "<b>[x](javascript:y)</b>"
    with pytest.raises(TypeError, match="unescaped"):
        env.get_template("x.md.j2").render(value=evil)
    shown = env.get_template("y.md.j2").render(value=evil)
    assert "<b>" not in shown and "](" not in shown
    # HTML templates escape by themselves, with japus_data.render.html.
    from japus_data.render import html

    assert env.get_template("z.html.j2").render(value=evil) == html(evil)
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("y.md.j2").render()
    with pytest.raises(TypeError, match="escape it"):
        hooks.fill("{n} of {name}", n=1, name=evil)


# ------------------------------------------------------------ a new table and a new series


def append_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + out.getvalue(), "utf-8")


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture
def repository_copy(package_copy: Path) -> Path:
    """The package copy with what ``mkdocs build`` reads from the repository."""
    for name in ("mkdocs.yml", "README.md", "CHANGELOG.md", "CONTRIBUTING.md"):
        shutil.copy2(ROOT / name, package_copy / name)
    shutil.copy2(ROOT / "CONTRIBUTING.ja.md", package_copy / "CONTRIBUTING.ja.md")
    shutil.copytree(DOCS, package_copy / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    os.symlink(ROOT / "japus_data", package_copy / "japus_data")  # watched by mkdocs serve
    return package_copy


def test_a_new_table_and_a_new_series_get_their_pages(
    repository_copy: Path, tmp_path: Path
) -> None:
    root = repository_copy
    # A table: a copy of countries under another name, with a title of its own.
    shutil.copy2(root / "resources" / "countries.csv", root / "resources" / "regions.csv")

    def add_table(raw: dict[str, Any]) -> None:
        entry = dict(resource(raw, "countries"))
        entry |= {"name": "regions", "path": "resources/regions.csv"}
        entry |= {"title": "Regions of the test", "title_ja": "試験の地域"}
        raw["resources"].append(entry)

    change_descriptor(root, add_table)
    # A series: a copy of the last series and its figures under a new id.
    series_csv = root / "resources" / "statistical_series.csv"
    header, *series = rows_of(series_csv)
    new = dict(zip(header, series[-1], strict=True))
    new |= {"series_id": "test-new-series", "name_en": "The test's series"}
    new |= {"name_ja": "試験の系列", "preceded_by_series_id": "", "break_en": ""}
    append_rows(series_csv, [[new[h] for h in header]])
    exchange_csv = root / "resources" / "student_exchange.csv"
    header, *observations = rows_of(exchange_csv)
    copied = [r for r in observations if r[0] == series[-1][0]]
    assert copied
    append_rows(exchange_csv, [["test-new-series", *r[1:]] for r in copied])

    site = build_site(root, tmp_path / "site")

    for lang in ("", "ja/"):
        page = (site / f"{lang}tables/regions/index.html").read_text(encoding="utf-8")
        assert ("Regions of the test" if not lang else "試験の地域") in page
        assert 'class="japus-data" data-table="regions"' in page
        # No generated loader yet: the page shows the generic one and how to generate it.
        assert "<code>make generate</code>" in page
        index = (site / f"{lang}tables/index.html").read_text(encoding="utf-8")
        assert 'href="regions/"' in index
        diagram = (site / f"{lang}relationships/index.html").read_text(encoding="utf-8")
        assert "regions" in diagram
        series_page = (site / f"{lang}series/index.html").read_text(encoding="utf-8")
        assert 'id="chart-series-test-new-series"' in series_page
        assert ("The test&#x27;s series" if not lang else "試験の系列") in series_page
        coverage = (site / f"{lang}coverage/index.html").read_text(encoding="utf-8")
        assert 'id="test-new-series"' in coverage
    # Under "Tables" in the navigation of every page.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="tables/regions/"' in home
