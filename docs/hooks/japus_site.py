"""The data package as the pages need it: the parsed descriptor and each table's rows.

Generic: nothing here knows a particular table but ``sources``, the table the Frictionless
``sources`` of the descriptor cite (a package without it is shown without links into it).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

from japus_render import anchor, code, md
from markupsafe import Markup

from japus_data.citation import japanese_source_citation
from japus_data.csvread import text_records
from japus_data.descriptor import Field, Package, Table, parse_package
from japus_data.safepath import output_name, read_package_file

DATA_DIR = "data"  # site folder of the downloadable files
SOURCES, SOURCE_ID = "sources", "source_id"  # the table every row cites, and its key


@dataclass(frozen=True)
class Site:
    """The data package as the pages need it: parsed descriptor and each table's rows."""

    root: Path
    package: Package
    rows: dict[str, list[dict[str, str]]]
    files: dict[str, bytes] = dataclass_field(default_factory=dict)  # each table's file, as read

    def table_title(self, table: Table, lang: str) -> str:
        return (table.title_ja or table.title) if lang == "ja" else table.title

    def title_md(self, table: Table, lang: str) -> Markup:
        """The table's title as Markdown text (escaped)."""
        return md(self.table_title(table, lang))

    def table_description(self, table: Table, lang: str) -> str:
        return (table.description_ja or table.description) if lang == "ja" else table.description

    def field_description(self, field: Field, lang: str) -> str:
        return (field.description_ja or field.description) if lang == "ja" else field.description

    def label(self, table: Table, field: str, value: str, lang: str) -> str:
        """The English or Japanese label of a category code; the code if it has none."""
        for cat in table.field(field).category_items or ():
            if cat.labelled and str(cat.value) == value:
                text = cat.label_ja if lang == "ja" else cat.label
                return str(text or cat.label or value)
        return value

    def lookup(self, table: str, key: str, value: str) -> dict[str, str]:
        for row in self.rows.get(table, []):
            if row.get(key) == value:
                return row
        return {}


def read_rows(table: Table, data: bytes) -> list[dict[str, str]]:
    """Each row of a table's file by column name, as text, read with its dialect by the
    library's CSV record reader (no limit on a cell's size)."""
    header, *rows = text_records(data, table.dialect) or [()]
    return [
        dict(zip(header, row + ("",) * (len(header) - len(row)), strict=False))
        for row in rows
        if row
    ]


def load_site(root: Path) -> Site:
    """The package and its rows. Every file is read by the library's one safe reader: a
    resource path outside the package (``../secret.txt``, a symlink out, a FIFO) fails the
    build with one line naming it, and is never published."""
    package = parse_package(root)
    files = {t.name: read_package_file(root, t.path) for t in package.tables}
    rows = {t.name: read_rows(t, files[t.name]) for t in package.tables}
    return Site(root=root, package=package, rows=rows, files=files)


def download_name(table: Table) -> str:
    """The published file of a table: named from its validated name, never from its path."""
    return output_name(table.name, ".csv")


def row_anchor(table: Table, row: dict[str, str]) -> str:
    """The HTML id of a row: ``row-`` and its primary key values (``_`` for any character
    but letters, digits, ``-`` and ``.``), safe in an attribute and in a link's fragment."""
    return "row-" + anchor("--".join(row.get(k, "") for k in table.primary_key))


def fk_targets(site: Site, table: Table) -> dict[str, tuple[Table, str]]:
    """Single-column foreign keys whose target is a one-column primary key: column → target."""
    targets: dict[str, tuple[Table, str]] = {}
    for fk in table.foreign_keys:
        target = site.package.table(fk.resource)
        if len(fk.fields) == 1 and target.primary_key == fk.reference_fields:
            targets[fk.fields[0]] = (target, fk.reference_fields[0])
    return targets


def package_sources(site: Site) -> list[dict[str, Any]]:
    """The descriptor's package-level ``sources``."""
    return list(site.package.sources)


def citation(site: Site, source: dict[str, Any], lang: str, words: dict[str, Markup]) -> Markup:
    """A full citation of one of a table's sources, in Markdown.

    The Japanese wording (出典) is ``japus_data.citation``'s, as ``cite(..., lang="ja")`` gives.
    """
    sid = str(source.get("source_id", ""))
    row = site.lookup(SOURCES, SOURCE_ID, sid)
    title_en = str(source.get("title") or row.get("title_en", ""))
    title_ja = str(source.get("title_ja") or row.get("title_ja", ""))
    published = str(source.get("date_published") or row.get("date_published", ""))
    if lang == "ja":
        # The Japanese wording is japus_data.citation's, as `japus-data cite --lang ja` prints.
        given = {"publisher_en": str(source.get("publisher", "")), "date_published": published}
        text = str(
            md(
                japanese_source_citation(
                    {**given, **row, "title_en": title_en, "title_ja": title_ja}
                )
            )
        )
    else:
        # The full English citation is kept on the descriptor's source entry (built from
        # sources.csv by japus_data.citation, and tested to match it): one wording everywhere.
        text = str(md(source.get("citation") or title_en))
    text = text.rstrip(". 。")
    text += "." if lang == "en" else "。"
    if sid and row:
        anchor = row_anchor(site.package.table(SOURCES), row)
        text += f" [{code(sid)}](sources.md#{anchor})"
    elif sid:
        text += f" {code(sid)}"
    return Markup(text)
