"""Hostile input, rendered: a pull request's text never becomes markup, code or a broken file.

Each case is a copy of the package with one hostile change (issue 10, classes 3, 7, 11, 18,
19, 22, 25, 27), and checks the output of the renderer that owns the format: HTML and
Markdown of the documentation site (built and opened in headless Chromium), the Mermaid
diagram, SQL of the SQLite export, OOXML of the xlsx export, JSON, BibTeX and the Markdown
of ``diff``. Every renderer escapes through ``japus_data.render``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import sys
import zipfile
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest

import japus_data
from japus_data import render
from japus_data.citing import cite
from japus_data.descriptor import parse_package
from japus_data.diff import diff_packages, render_markdown
from japus_data.errors import JapusDataError
from japus_data.exports import InvalidPackageError
from japus_data.exports.to_sqlite import create_table
from japus_data.integrity import refresh_hashes
from japus_data.validation import validate_package

from .conftest import ROOT, build_site, change_descriptor, chromium_context, field, resource, served

HOOKS = ROOT / "docs" / "hooks"

# --------------------------------------------------------------------------------- helpers


def edit_rows(root: Path, table: str, change: Callable[[list[list[str]]], None]) -> None:
    """Rewrite a table's CSV file (header first) and re-record its hash."""
    path = root / "resources" / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    change(rows)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    refresh_hashes(root)


def set_cell(root: Path, table: str, column: str, row: int, value: str) -> None:
    def change(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value

    edit_rows(root, table, change)


def rename_table(raw: dict[str, Any], old: str, new: str) -> None:
    """Rename a table and every foreign key that names it."""
    for res in raw["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            if fk["reference"].get("resource") == old:
                fk["reference"]["resource"] = new
    resource(raw, old)["name"] = new


def problems(root: Path) -> list[str]:
    return [str(p) for p in validate_package(root).problems]


REPO_TEXTS = ("CHANGELOG.md", "CONTRIBUTING.md", "CONTRIBUTING.ja.md")


def generate_pages(root: Path, out: Path) -> None:
    """The hooks' generated pages for the package in ``root``, written under ``out``."""
    for name in REPO_TEXTS:
        if not (root / name).exists():
            shutil.copy2(ROOT / name, root / name)
    load_pages().generate(root, out)


def load_pages() -> Any:
    sys.path.insert(0, str(HOOKS))
    try:
        import japus_pages
    finally:
        sys.path.remove(str(HOOKS))
    return japus_pages


# ------------------------------------------------------------------ the escaping functions


def test_markdown_text_is_never_syntax() -> None:
    text = "<script>x</script> [a](javascript:b) *c* `d` | e _f_ @g #1 $h$ ~i~ {: #j }"
    out = render.markdown(text)
    assert not set("<>[]`|*_@#$~{}") & set(out.replace("&#", "").replace(";", ""))
    assert render.markdown("- item") == "&#45; item"
    assert render.markdown("1. item") == "1&#46; item"
    assert render.markdown("a\nb\r\nc") == "a b c"


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/", True),
        ("../data/x.csv", True),
        ("#row-1", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:x", False),
        ("//evil.example/", False),
    ],
)
def test_only_http_and_relative_links(url: str, safe: bool) -> None:
    assert (render.safe_url(url) is not None) == safe


# ----------------------------------------------------- class 3: script runs in the docs (HTML)

PWN = "window.__pwned"
HOSTILE_TITLE = f"<script>{PWN}='title'</script>Hostile </title><script>{PWN}='t2'</script>"
HOSTILE_DESCRIPTION = f"Look <img src=x onerror=\"{PWN}='img'\"> here"
HOSTILE_LINK = f"Click [me](javascript:{PWN}='link') or [data](data:text/html,x)"
HOSTILE_KEY = "org<img src=x onerror=window.__pwned='key'>"


def hostile_docs(root: Path) -> None:
    """The docs' hostile changes, all in one copy (one site build for the browser)."""

    def change(raw: dict[str, Any]) -> None:
        resource(raw, "countries")["title"] = HOSTILE_TITLE
        resource(raw, "countries")["title_ja"] = HOSTILE_TITLE
        resource(raw, "organizations")["description"] = HOSTILE_DESCRIPTION
        resource(raw, "programs")["description"] = HOSTILE_LINK
        # class 27: a key column whose name is markup, drawn in the Mermaid diagram
        orgs = resource(raw, "organizations")["schema"]
        field(raw, "organizations", "parent_organization_id")["name"] = HOSTILE_KEY
        for fk in orgs["foreignKeys"]:
            if fk["fields"] == ["parent_organization_id"]:
                fk["fields"] = [HOSTILE_KEY]

    change_descriptor(root, change)

    def header(rows: list[list[str]]) -> None:
        rows[0][rows[0].index("parent_organization_id")] = HOSTILE_KEY

    edit_rows(root, "organizations", header)


def test_generated_pages_escape_every_text(package_copy: Path, tmp_path: Path) -> None:
    """The Markdown the hooks generate: no tag, link or script from the package survives."""
    hostile_docs(package_copy)
    assert problems(package_copy) == []  # all of it is valid data
    out = tmp_path / "docs"
    generate_pages(package_copy, out)
    # The pages made from the package (not the changelog and guide, included as written).
    included = {"changelog", "contributing"}
    generated = {
        p: p.read_text(encoding="utf-8")
        for p in out.rglob("*.md")
        if p.name.split(".")[0] not in included
    }
    assert out / "tables" / "countries.md" in generated
    for path, text in generated.items():
        assert "<script" not in text and "<img" not in text, path
        assert "](javascript" not in text and "](data:" not in text, path
    relationships = generated[out / "relationships.md"]
    diagram = relationships.split("```mermaid", 1)[1].split("```", 1)[0]
    assert "<" not in diagram and ">" not in diagram.replace("--o{", "")
    assert "org#lt;img" in diagram


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation site built (strictly) from a copy with the docs' hostile changes."""
    root = tmp_path_factory.mktemp("hostile-site")
    for name in ("datapackage.json", "mkdocs.yml", *REPO_TEXTS):
        shutil.copy2(ROOT / name, root / name)
    for folder in ("resources", "source", "docs"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "japus_data").symlink_to(ROOT / "japus_data", target_is_directory=True)
    hostile_docs(root)
    return build_site(root, root / "site")


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    with served(hostile_site) as url:
        yield url


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium_context(tmp_path_factory.mktemp("hostile-chromium")) as context:
        yield context


HOSTILE_PAGES = [
    "tables/countries/",
    "tables/organizations/",
    "tables/programs/",
    "tables/",
    "relationships/",
    "ja/tables/countries/",
    "ja/tables/",
    "ja/relationships/",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_no_script_runs_in_the_browser(
    hostile_site: Path, hostile_url: str, chromium: Any, path: str
) -> None:
    page = chromium.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        response = page.goto(hostile_url + path)
        assert response is not None and response.ok
        page.wait_for_load_state("load")
        if "relationships" in path:
            # Mermaid parses and draws the diagram, the hostile column name shown as text.
            html = page.content()
            source = re.search(r'<pre class="mermaid"><code>(.*?)</code></pre>', html, re.S)
            if source is None:  # Material has already replaced it with the drawing
                text = (hostile_site / path / "index.html").read_text("utf-8")
                source = re.search(r'<pre class="mermaid"><code>(.*?)</code></pre>', text, re.S)
            assert source is not None
            diagram = unescape(source.group(1))
            drawn = page.evaluate(
                "async (text) => (await mermaid.render('hostile', text)).svg", diagram
            )
            assert "Syntax error" not in drawn
            assert "org&lt;img src=x" in drawn or "org<img src=x" in drawn
        page.wait_for_timeout(300)
        assert page.evaluate(f"typeof {PWN}") == "undefined", path
        assert dialogs == []
        # No link leads to a script or data URL.
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert not [h for h in hrefs if re.match(r"\s*(javascript|data|vbscript):", h, re.I)]
        body = page.locator("body").inner_text()
        assert "Hostile" in page.title() or "tables/countries" not in path
        if path.endswith("tables/countries/"):
            assert "<script>" in body  # shown as the text it is
        if path == "tables/organizations/":
            assert "<img src=x" in body
        if path == "tables/programs/":
            assert "[me](javascript:" in body
    finally:
        page.close()


# --------------------------------------------------------- class 19: a date minimum in the docs


def test_date_minimum_is_shown(package_copy: Path, tmp_path: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        # organizations has no date: a date field's minimum on the sources table
        field(raw, "sources", "date_published").setdefault("constraints", {})["minimum"] = (
            "1900-01-01"
        )

    change_descriptor(package_copy, change)
    assert problems(package_copy) == []
    generate_pages(package_copy, tmp_path / "docs")
    text = (tmp_path / "docs" / "tables" / "sources.md").read_text(encoding="utf-8")
    assert "≥ 1900-01-01" in text


# -------------------------------------------------- class 7: a minimum not of its field's type

INJECTION = "0) OR 1=1 OR (0"


@pytest.mark.parametrize("value", [INJECTION, "1", 1.5, True, [1]])
def test_limit_of_the_wrong_type_is_refused(package_copy: Path, value: Any) -> None:
    def change(raw: dict[str, Any]) -> None:
        field(raw, "countries", "table_column")["constraints"]["minimum"] = value

    change_descriptor(package_copy, change)
    found = problems(package_copy)
    assert any("/constraints/minimum" in p and p.endswith("[schema]") for p in found), found
    with pytest.raises(InvalidPackageError):
        japus_data.export("sqlite", package_copy / "out", package_copy)


def test_sqlite_never_splices_a_wrong_value(package_copy: Path) -> None:
    """Given such a descriptor anyway, the writer fails before any of it reaches SQL."""

    def change(raw: dict[str, Any]) -> None:
        field(raw, "countries", "table_column")["constraints"]["minimum"] = INJECTION

    change_descriptor(package_copy, change)
    table = parse_package(package_copy).table("countries")
    with pytest.raises(JapusDataError, match="not a value of type 'integer'"):
        create_table(table)


def test_sql_literals_and_identifiers_are_quoted() -> None:
    con = sqlite3.connect(":memory:")
    name = "we\"ird'; DROP TABLE x; --"
    con.execute(f"CREATE TABLE {render.sql_identifier(name)} (v TEXT)")
    con.execute(f"INSERT INTO {render.sql_identifier(name)} VALUES ({render.sql_literal(name)})")
    assert con.execute(f"SELECT v FROM {render.sql_identifier(name)}").fetchall() == [(name,)]
    assert render.sql_literal(3) == "3" and render.sql_literal(None) == "NULL"
    for bad in (float("inf"), float("nan")):
        with pytest.raises(ValueError):
            render.sql_literal(bad)
    with pytest.raises(TypeError):
        render.sql_literal([1])


# --------------------------------------------- class 11: control characters in the xlsx export


@pytest.mark.parametrize("text", ["a\x01b", "tab\x0bvt", "esc\x1b[31m", "nonchar\uffff", "_x0041_"])
def test_xlsx_writes_any_text(package_copy: Path, text: str) -> None:
    set_cell(package_copy, "countries", "note", 1, text)
    assert problems(package_copy) == []
    (path,) = japus_data.export("xlsx", package_copy / "out", package_copy)
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        for name in book.namelist():
            if name.endswith(".xml"):
                xml = book.read(name).decode("utf-8")
                assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", xml), name
    from openpyxl import load_workbook

    sheet = load_workbook(path)["countries"]
    header = [c.value for c in sheet[1]]
    value = sheet.cell(row=2, column=header.index("note") + 1).value
    assert value == render.xlsx_text(text)
    # OOXML's escape, read back the way Excel reads it, gives the text itself.
    from openpyxl.utils.escape import unescape

    assert unescape(value) == text


def test_xlsx_text_escapes() -> None:
    assert render.xlsx_text("a\x01b") == "a_x0001_b"
    assert render.xlsx_text("\uffff") == "_xFFFF_"
    assert render.xlsx_text("_x0041_") == "_x005F_x0041_"
    assert render.xlsx_text("tab\tnew\nline") == "tab\tnew\nline"


# --------------------------------------------- classes 11 and 22: names an export cannot keep


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("pro/grams", "worksheet name cannot hold /"),
        ("programs_" + "x" * 30, "31 characters"),
        ("README", "README sheet"),
        ("readme", "README sheet"),
        ("Countries", "differs only in case"),
        ("_tables", "reserved by the SQLite export"),
        ("History", "reserved by Excel"),
    ],
)
def test_table_names_every_export_keeps(package_copy: Path, name: str, why: str) -> None:
    change_descriptor(package_copy, lambda raw: rename_table(raw, "programs", name))
    found = problems(package_copy)
    assert any(why in p and "[name]" in p for p in found), found
    for fmt in ("xlsx", "sqlite"):
        with pytest.raises(InvalidPackageError):
            japus_data.export(fmt, package_copy / fmt, package_copy)


def test_field_names_differing_in_case(package_copy: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        field(raw, "countries", "note")["name"] = "Name_en"

    change_descriptor(package_copy, change)
    set_cell(package_copy, "countries", "note", 0, "Name_en")
    found = problems(package_copy)
    assert any("differs only in case" in p for p in found), found


# ------------------------------------------------------ class 18: INF and NaN in the JSON export


@pytest.mark.parametrize(
    ("cell", "written"), [("INF", "INF"), ("-INF", "-INF"), ("1e400", "INF"), ("NaN", None)]
)
def test_json_export_is_json(package_copy: Path, cell: str, written: str) -> None:
    def change(raw: dict[str, Any]) -> None:
        amount = field(raw, "programs", "funding_amount")
        amount["type"] = "number"
        amount.get("constraints", {}).pop("minimum", None)

    change_descriptor(package_copy, change)
    set_cell(package_copy, "programs", "funding_amount", 1, cell)
    assert problems(package_copy) == []
    (path,) = japus_data.export("json", package_copy / "out", package_copy)

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    data = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)
    rows = resource(data, "programs")["data"]
    assert rows[0]["funding_amount"] == written


# ------------------------------------------- class 25: names in Markdown diff and BibTeX output


def test_markdown_diff_escapes_names(package_copy: Path) -> None:
    # The cell first: recording its hash needs a package whose names are identifiers.
    set_cell(package_copy, "countries", "note", 1, "a | b ` c <img src=x> @team")
    change_descriptor(package_copy, lambda raw: rename_table(raw, "programs", "pro|grams"))
    out = render_markdown(diff_packages(str(ROOT), str(package_copy)))
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert rows
    for line in rows:
        cells = re.split(r"(?<!\\)\|", line)
        assert len(cells) == 10, line  # 8 columns between the outer pipes
    prose = re.sub(r"(`+).+?\1", "", out)  # a code span shows its text as it is
    assert "<img" not in prose and "@team" not in prose and "`" not in prose
    assert "| `pro\\|grams` | added |" in out


def test_bibtex_fields_stay_closed(package_copy: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        raw["title"] = "Data}, url = {https://evil.example/} , x = {"
        raw["version"] = "1.0.0}, note = {injected"
        raw["name"] = "japus data,evil"

    change_descriptor(package_copy, change)
    text = cite(style="bibtex", root=package_copy)
    entry = text.split("\n\n")[0]
    assert entry.startswith("@misc{japus-data-evil-1.0.0-")
    depth, fields = 0, []
    for i, char in enumerate(entry):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            assert depth >= 0, entry
        elif depth == 1 and char == "=":
            fields.append(entry[:i].rsplit("\n", 1)[-1].strip())
    assert depth == 0, entry
    assert fields == ["author", "title", "year", "date", "version", "howpublished", "note"]
    assert "url" not in fields


def test_bibtex_escapes() -> None:
    assert render.bibtex("a}b{c\\d") == "a{\\textbraceright}b{\\textbraceleft}c{\\textbackslash}d"
    assert render.bibtex_key("a b,c}") == "a-b-c-"
