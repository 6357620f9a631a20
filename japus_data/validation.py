"""Validate a copy of the data package: descriptor, files, rows, keys, rules, hashes.

A thin orchestrator over ``japus_data.checks``: every problem names its file, row (as
numbered in the file, header = 1) and field, and all of them are reported at once.
frictionless is not used here (it is the reference in the tests and benchmarks); each
check is implemented on pandas and numpy, vectorised over rows.

1. ``checks.descriptor``: well-formed JSON, the official Data Package v2 profile, resource
   paths inside the package, what the schema refers to exists;
2. ``checks.files``: readable, UTF-8 (a Shift_JIS or cp1252 file is named), no BOM, one
   newline style, no empty lines, the header exactly the schema's fields, recorded hashes;
3. ``checks.rows`` and ``checks.fields``: cells per row, then every cell against its field:
   missing values, type, constraints, ``categories``, stray whitespace, full-width digits and
   thousands separators, spreadsheet formulas;
4. ``checks.keys``: primary keys, unique fields, ``uniqueKeys``, foreign keys, repeated rows;
5. ``checks.rules``: reference periods, subsets, claims, the corrections log.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .codes import Check
from .descriptor import (
    DescriptorError,
    Package,
    Table,
    read_descriptor,
    resource_model,
    whole_count,
)
from .locate import DESCRIPTOR
from .problem import Found, Problem, Report

if TYPE_CHECKING:
    import pandas as pd

    from .checks.rows import Rows


def validate_package(root: Path, frames: dict[str, pd.DataFrame] | None = None) -> Report:
    """Run every check on the package in ``root``. Never raises on bad data.

    ``frames``, if given, receives each readable table's typed frame (the loader's dtypes,
    indexed by row number minus 2): the loader returns it rather than parse the file again.
    """
    found = Found()
    rows: dict[str, int] = {}
    frames = {} if frames is None else frames
    descriptor = root / DESCRIPTOR  # what the report is about
    try:
        raw = read_descriptor(root)
    except DescriptorError as exc:
        found.append(Problem(DESCRIPTOR, None, None, _after_path(exc), Check.DESCRIPTOR))
        return found.report(descriptor, rows)
    try:
        package, unusable = _package(root, raw, found)
    except Exception as exc:  # a safety net: one line, never a traceback
        message = f"could not be checked: {type(exc).__name__}: {exc}"
        found.append(Problem(DESCRIPTOR, None, None, message[:300], Check.INTERNAL))
        return found.report(descriptor, rows)
    texts: dict[str, Rows] = {}
    for table in package.tables:
        if table.name in unusable:
            continue
        try:
            _check_table(package, table, found, texts, frames)
        except Exception as exc:  # a safety net: one line, never a traceback
            message = f"could not be checked: {type(exc).__name__}: {exc}"
            found.append(Problem(table.path, None, None, message[:300], Check.INTERNAL))
        if table.name in frames:
            rows[table.name] = len(frames[table.name])
    try:
        _check_across(package, found, texts, frames)
    except Exception as exc:
        message = f"could not be checked: {type(exc).__name__}: {exc}"
        found.append(Problem(DESCRIPTOR, None, None, message[:300], Check.INTERNAL))
    return found.report(descriptor, rows)


def _after_path(exc: Exception) -> str:
    text = str(exc)
    _, _, rest = text.partition(f"{DESCRIPTOR}:")
    return rest.strip() if rest else text


def _package(root: Path, raw: dict[str, Any], found: Found) -> tuple[Package, set[str]]:
    """The tables that can be checked, and the names of those that cannot."""
    from .checks.descriptor import (
        duplicate_key_problems,
        package_shape_problems,
        profile_problems,
        resource_problems,
    )
    from .safepath import path_problem

    found.extend(duplicate_key_problems(root))
    found.extend(profile_problems(raw))
    found.extend(package_shape_problems(raw))
    tables: list[Table] = []
    unusable: set[str] = set()
    shaped: dict[int, list[Problem]] = {}
    resources = raw.get("resources")
    for i, resource in enumerate(resources if isinstance(resources, list) else []):
        # The one structural check: the model, or the problems (the rest cannot rely on it).
        table, shaped[i] = resource_model(f"/resources/{i}", resource)
        found.extend(shaped[i])
        if table is None:
            continue
        found.extend(_min_rows_shape(i, resource))
        names = table.field_names
        if path_problem(root, table.path) or len(set(names)) != len(names):
            unusable.add(table.name)
        tables.append(table)
    found.extend(resource_problems(root, raw, shaped))
    return Package(root=root, raw=raw, tables=tuple(tables)), unusable


def _check_table(
    package: Package,
    table: Table,
    found: Found,
    texts: dict[str, Rows],
    frames: dict[str, pd.DataFrame],
) -> None:
    from .checks import files

    data, problems = files.read_file(package.root, table)
    found.extend(problems)
    if data is None:
        return
    with ThreadPoolExecutor(1) as pool:
        # sha256 releases the GIL: the recorded hash is checked beside the rest. (A hash
        # problem is its own check: where it is added does not change the report.)
        hashed = pool.submit(files.hash_problems, table, data)
        try:
            _check_text(table, data, found, texts, frames)
        finally:
            found.extend(hashed.result())


def _check_text(
    table: Table,
    data: bytes,
    found: Found,
    texts: dict[str, Rows],
    frames: dict[str, pd.DataFrame],
) -> None:
    from .checks import files
    from .checks.keys import key_problems
    from .checks.rows import check_rows

    encoding = files.encoding_problems(table, data)
    found.extend(encoding)
    if encoding:
        return
    layout, problems = files.layout(table, data)
    found.extend(problems)
    if layout is None:
        return
    rows = check_rows(table, layout)
    found.extend(rows.problems)
    found.extend(key_problems(table, rows))
    found.extend(_min_rows_problems(table, len(rows.typed)))
    texts[table.name] = rows
    frames[table.name] = rows.typed


def _check_across(
    package: Package,
    found: Found,
    texts: dict[str, Rows],
    frames: dict[str, pd.DataFrame],
) -> None:
    from .checks.keys import foreign_key_problems
    from .checks.rules import rule_problems

    failing = _failing(package, found)
    for table in package.tables:
        if table.name in texts:
            found.extend(foreign_key_problems(table, texts[table.name], texts, failing))
    found.extend(rule_problems(package, frames, _failing(package, found)))


# A custom resource property (Table Schema has no minimum of rows): the rows a table must
# have for the package to make sense. A header-only file then fails as itself.
MIN_ROWS = "minRows"


def _min_rows_shape(i: int, resource: dict[str, Any]) -> list[Problem]:
    value = resource.get(MIN_ROWS)
    if value is None or whole_count(value) is not None:
        return []
    message = f"{MIN_ROWS} must be a whole number, 0 or more, not {value!r}"[:200]
    return [Problem(DESCRIPTOR, None, f"/resources/{i}/{MIN_ROWS}", message, Check.RESOURCE)]


def _min_rows_problems(table: Table, count: int) -> list[Problem]:
    wanted = table.min_rows
    if wanted is None or count >= wanted:
        return []
    have = "has a header but no rows" if count == 0 else f"has {count} rows"
    message = f"{have}; the package needs at least {wanted} ({MIN_ROWS})"
    return [Problem(table.path, None, None, message, Check.MIN_ROWS)]


def _failing(package: Package, found: Found) -> dict[str, set[str | None]]:
    """Per table, the fields its problems are about (None: the whole file). A hash that
    differs says nothing about the values, so it does not count."""
    names = {t.path: t.name for t in package.tables}
    failing: dict[str, set[str | None]] = {}
    for p in found:
        if p.file in names and p.check != Check.HASH:
            fields = p.field.split(",") if p.field else [None]
            failing.setdefault(names[p.file], set()).update(fields)
    for file, check in found.omitted:
        if file in names and check != Check.HASH:
            failing.setdefault(names[file], set()).add(None)
    return failing


__all__ = ["DescriptorError", "Problem", "Report", "validate_package"]
