"""Names every export can take unchanged, and limits of a field's own type.

The exports name their output after the tables and fields, and none of them renames
anything silently: so a name that one of them could not keep is refused here.

- A table is a worksheet of the xlsx workbook (at most 31 characters, none of ``[]:*?/\\``,
  not ``History``, and not the workbook's own ``README`` sheet) and a table of the SQLite
  database (not one of its metadata tables ``_package``, ``_tables``, ``_columns``,
  ``_categories``, nor ``sqlite_...``). Excel and SQLite both compare names ignoring case,
  so two tables (or two fields of a table) may not differ only in case.
- A field's ``minimum``, ``maximum``, ``exclusiveMinimum`` and ``exclusiveMaximum`` are
  values of the field's own type (the SQLite export writes them into its CHECK constraints).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from ..codes import Check
from ..locate import DESCRIPTOR
from ..problem import Problem, shown
from ..render import sheet_name_problem
from ..reserved import SQLITE_METADATA_TABLES as SQLITE_TABLES
from ..reserved import XLSX_README_SHEET as README_SHEET

LIMITS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
YEAR = re.compile(r"[+-]?[0-9]{4}")


def _problem(where: str, message: str) -> Problem:
    return Problem(DESCRIPTOR, None, where, message, Check.NAME)


def table_name_problem(name: str) -> str | None:
    """Why a table could not keep ``name`` in every export, or None."""
    why = sheet_name_problem(name)
    if why is not None:
        return f"table name {shown(name)}: {why} (the xlsx export)"
    if name.lower() == README_SHEET.lower():
        return f"table name {shown(name)} is the xlsx export's {README_SHEET} sheet"
    if name.lower() in SQLITE_TABLES or name.lower().startswith("sqlite_"):
        return f"table name {shown(name)} is reserved by the SQLite export"
    return None


def _case_clashes(names: list[Any]) -> dict[int, Any]:
    """Positions of names equal, ignoring case, to an earlier different name: -> that name."""
    first: dict[str, Any] = {}
    clashes: dict[int, Any] = {}
    for i, name in enumerate(names):
        if not isinstance(name, str):
            continue
        folded = name.casefold()
        if folded in first and first[folded] != name:
            clashes[i] = first[folded]
        first.setdefault(folded, name)
    return clashes


def name_problems(resources: list[Any]) -> Iterator[Problem]:
    """Each table or field name that an export could not keep as it is."""
    names = [r.get("name") if isinstance(r, dict) else None for r in resources]
    clashes = _case_clashes(names)
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name:
            continue  # reported by the descriptor's shape checks
        why = table_name_problem(name)
        if why is not None:
            yield _problem(f"/resources/{i}/name", why)
        if i in clashes:
            yield _problem(
                f"/resources/{i}/name",
                f"table name {shown(name)} differs only in case from {shown(clashes[i])}; "
                "Excel and SQLite would take them for one table",
            )
    for i, resource in enumerate(resources):
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list):
            continue
        field_names = [f.get("name") if isinstance(f, dict) else None for f in fields]
        for k, other in _case_clashes(field_names).items():
            yield _problem(
                f"/resources/{i}/schema/fields/{k}/name",
                f"field name {shown(field_names[k])} differs only in case from {shown(other)}; "
                "SQLite would take them for one column",
            )
        for k, field in enumerate(fields):
            if isinstance(field, dict):
                yield from _limit_problems(f"/resources/{i}/schema/fields/{k}", field)


def _is_of_type(kind: str, value: object) -> bool:
    """Whether ``value`` (as JSON gives it) is a value of a field of type ``kind``."""
    if isinstance(value, bool):
        return False
    if kind == "integer":
        return isinstance(value, int)
    if kind == "number":
        return isinstance(value, int | float) and math.isfinite(value)
    if kind == "year":
        return isinstance(value, int) or (isinstance(value, str) and bool(YEAR.fullmatch(value)))
    if not isinstance(value, str):
        return False
    try:
        if kind == "date":
            date.fromisoformat(value)
            return len(value) == 10
        if kind == "datetime":
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            return True
        if kind == "time":
            datetime.strptime(value[:8], "%H:%M:%S")
            return True
        if kind == "yearmonth":
            datetime.strptime(value, "%Y-%m")
            return True
    except ValueError:
        return False
    return False


def _limit_problems(where: str, field: Mapping[str, Any]) -> Iterator[Problem]:
    constraints = field.get("constraints")
    if not isinstance(constraints, dict):
        return
    kind = str(field.get("type", "any"))
    for key in LIMITS:
        if key in constraints and not _is_of_type(kind, constraints[key]):
            yield Problem(
                DESCRIPTOR,
                None,
                f"{where}/constraints/{key}",
                f"{shown(constraints[key])} is not a value of the field's type {kind!r}",
                Check.SCHEMA,
            )
