"""Excel: one workbook, a ``README`` sheet describing the package, its tables and columns
(with the licence, attribution and citation), then one sheet per table.

Text is stored as text strings with the text number format ``@`` (codes keep their leading
zeros; nothing becomes a date or a number); a string starting with ``=``, ``+``, ``-`` or
``@`` is also stored as a string, with Excel's quote prefix, never as a formula. Integers and
numbers are numbers, booleans booleans, and dates real dates formatted ``yyyy-mm-dd``.

Every text (cells, the document properties) goes through :func:`japus_data.render.xlsx_text`:
a character XML cannot hold (a control character, U+FFFF) is written as OOXML's ``_xHHHH_``,
which Excel and LibreOffice read back as that character. Each sheet is named after its table
unchanged: the validator refuses a table name that cannot be a sheet name (see
``japus_data.checks.names``), and the writer fails rather than rename one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..descriptor import FORMULA_PREFIXES
from ..errors import JapusDataError
from ..fieldtypes import excel_format
from ..render import sheet_name_problem, xlsx_text
from ..reserved import XLSX_README_SHEET
from ._common import Bundle, dumps, python_rows

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

REQUIRES = ("openpyxl",)
FILENAME = "japus-data.xlsx"
README = XLSX_README_SHEET
TEXT_FORMAT = "@"


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return
    if isinstance(value, str):
        cell.value = xlsx_text(value)
        cell.data_type = "s"  # openpyxl would take a leading '=' as a formula
        cell.number_format = TEXT_FORMAT
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    elif isinstance(value, date | time):
        if isinstance(value, datetime) and value.tzinfo is not None:
            # Excel has no time zones: the instant in UTC, as the type reads it.
            value = value.astimezone(UTC).replace(tzinfo=None)
        cell.value = value
        cell.number_format = excel_format(value)
    else:
        cell.value = value


def _rows(sheet: Worksheet, start: int, rows: list[list[Any]]) -> int:
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, 1):
            _put(sheet, start + offset, column, value)
    return start + len(rows)


def _readme(sheet: Worksheet, bundle: Bundle) -> None:
    from openpyxl.styles import Font

    meta = bundle.package_meta()
    row = _rows(
        sheet,
        1,
        [
            [meta["title"]],
            [meta["title_ja"]],
            ["version", meta["version"]],
            ["license", bundle.licence_text()],
            ["attribution", meta["attribution"]],
            ["citation", meta["citation"]],
            ["sources", "; ".join(str(s.get("citation", s.get("title"))) for s in meta["sources"])],
            [],
            ["Tables"],
        ],
    )
    header = ["table", "title", "title_ja", "description", "description_ja", "rows", "sources"]
    tables = [
        [
            t.name,
            t.title,
            t.title_ja,
            t.description,
            t.description_ja,
            len(bundle.frames[t.name]),
            "; ".join(str(s.get("source_id", s.get("title"))) for s in t.sources),
        ]
        for t in bundle.package.tables
    ]
    tables_at = row
    row = _rows(sheet, row, [header, *tables, [], ["Columns"]])
    columns_header = [
        "table",
        "column",
        "type",
        "required",
        "title",
        "description",
        "description_ja",
        "unit",
        "categories",
    ]
    columns = []
    for t in bundle.package.tables:
        for f in t.fields:
            columns.append(
                [
                    t.name,
                    f.name,
                    f.type,
                    f.required,
                    f.title,
                    f.description,
                    f.description_ja,
                    f.unit,
                    None if f.category_items is None else dumps(f.categories_json),
                ]
            )
    columns_at = row
    _rows(sheet, row, [columns_header, *columns])
    for r in (1, tables_at - 1, tables_at, columns_at - 1, columns_at):
        for cell in sheet[r]:
            cell.font = Font(bold=True)


def sheet_name(name: str, taken: list[str]) -> str:
    """The sheet of table ``name``: the name itself, or an error if a sheet cannot take it."""
    why = sheet_name_problem(name)
    if why is None and name.casefold() in {t.casefold() for t in taken}:
        why = "another sheet has that name (ignoring case)"
    if why is not None:
        raise JapusDataError(f"table {name!r} cannot be an xlsx sheet: {why}")
    return name


def write(bundle: Bundle, out: Path) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = README
    _readme(readme, bundle)
    sheets = [README]
    for table in bundle.package.tables:
        sheets.append(sheet_name(table.name, sheets))
        sheet = workbook.create_sheet(sheets[-1])
        _rows(sheet, 1, [table.field_names, *python_rows(bundle.frames[table.name], table)])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    workbook.properties.title = xlsx_text(bundle.package.title)
    workbook.properties.creator = "japus-data"
    workbook.properties.description = xlsx_text(
        f"{bundle.licence_text()}. {bundle.package.attribution}"
    )
    path = out / FILENAME
    workbook.save(path)
    return [path]
