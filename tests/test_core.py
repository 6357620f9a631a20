"""The typed core: one registry of field types read everywhere, one CSV reader, no import
cycle. A table with a field of every type the validator accepts is loaded, checked by its
generated pandera model and exported; each must agree with the registry."""

from __future__ import annotations

import ast
import csv
import json
import sqlite3
import warnings
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import japus_data
from japus_data.checks.descriptor import CHECKED_TYPES
from japus_data.codegen import render_models
from japus_data.csvread import parse_csv, read_recorded, sha256_of
from japus_data.descriptor import parse_package
from japus_data.fieldtypes import TYPES, arrow_type, field_type, pandas_dtypes
from japus_data.integrity import refresh_hashes
from japus_data.validation import validate_package

from .conftest import ROOT, change_descriptor

PACKAGE = ROOT / "japus_data"
TABLE = "typed_values"
PATH = f"resources/{TABLE}.csv"
# One field per type, the first a text key; each column's values and what they load as.
COLUMNS: dict[str, tuple[str, list[str], list[Any]]] = {
    "string": ("string", ["a", "b", ""], ["a", "b", None]),
    "integer": ("integer", ["+7", "-2", ""], [7, -2, None]),
    "number": ("number", ["1.5", "2", ""], [1.5, 2.0, None]),
    "boolean": ("boolean", ["true", "0", ""], [True, False, None]),
    "date": (
        "date",
        ["2024-02-29", "1999-12-31", ""],
        [date(2024, 2, 29), date(1999, 12, 31), None],
    ),
    "datetime": (
        "datetime",
        ["2024-01-02T03:04:05Z", "2024-01-02T12:04:05+09:00", ""],
        [datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)] * 2 + [None],
    ),
    "time": (
        "time",
        ["03:04:05", "23:59:59.5", ""],
        [time(3, 4, 5), time(23, 59, 59, 500000), None],
    ),
    "year": ("year", ["2024", "1868", ""], [2024, 1868, None]),
    "yearmonth": ("yearmonth", ["2024-02", "1999-12", ""], ["2024-02", "1999-12", None]),
    "object": ("object", ['{"a": 1}', "{}", ""], ['{"a": 1}', "{}", None]),
    "array": ("array", ["[1]", "[]", ""], ["[1]", "[]", None]),
    "any": ("any", ["x", "1", ""], ["x", "1", None]),
}


def test_every_type_the_validator_accepts_is_in_the_registry_and_tested() -> None:
    assert set(TYPES) == CHECKED_TYPES == {kind for kind, _, _ in COLUMNS.values()}


def _add_typed_table(root: Path) -> None:
    with (root / PATH).open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["key", *COLUMNS])
        out.writerows([f"k{i}", *(v[i] for _, v, _ in COLUMNS.values())] for i in range(3))

    def add(raw: dict[str, Any]) -> None:
        fields = [{"name": "key", "type": "string", "title": "Key", "description": "Key."}]
        fields += [
            {"name": name, "type": kind, "title": name.title(), "description": f"A {kind}."}
            for name, (kind, _, _) in COLUMNS.items()
        ]
        raw["resources"].append(
            {
                "name": TABLE,
                "path": PATH,
                "title": "Typed values",
                "description": "One field of each type.",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": ["key"]},
            }
        )

    change_descriptor(root, add)
    refresh_hashes(root)


@pytest.fixture
def typed_root(package_copy: Path) -> Path:
    _add_typed_table(package_copy)
    report = validate_package(package_copy)
    assert report.valid, [str(p) for p in report.problems]
    return package_copy


def test_every_type_loads_typed_as_the_registry_says(typed_root: Path) -> None:
    frame = japus_data.load(TABLE, typed_root)
    table = parse_package(typed_root).table(TABLE)
    dtypes = pandas_dtypes(table)
    assert {c: frame[c].dtype for c in frame.columns} == dtypes
    for name, (kind, _, expected) in COLUMNS.items():
        assert dtypes[name] == field_type(kind).pandas
        got = [field_type(kind).python(v) if pd.notna(v) else None for v in frame[name]]
        assert got == expected, name
    assert str(frame["datetime"].dtype) == "datetime64[us, UTC]"
    assert str(frame["time"].dtype) == "timedelta64[us]"
    assert str(frame["year"].dtype) == "Int64"


def test_a_verified_file_reads_as_a_general_read_and_as_the_validator_frame(
    typed_root: Path,
) -> None:
    package = parse_package(typed_root)
    for table in package.tables:
        data = (typed_root / table.path).read_bytes()
        with (typed_root / table.path).open("rb") as handle:
            fast, digest, size = read_recorded(table, handle, table.path)
        assert (digest, size) == (sha256_of(data), len(data))
        general = parse_csv(table, data, table.path)
        # ``+7`` is an integer Arrow does not read: that table takes the general read.
        assert (fast is None) == (table.name == TABLE), table.name
        if fast is not None:
            pd.testing.assert_frame_equal(fast, general, check_exact=True)
    frames: dict[str, pd.DataFrame] = {}
    validate_package(typed_root, frames=frames)
    for name, frame in frames.items():
        table = package.table(name)
        loaded = parse_csv(table, (typed_root / table.path).read_bytes(), table.path)
        pd.testing.assert_frame_equal(frame.set_axis(loaded.index), loaded, check_exact=True)


def test_the_generated_pandera_model_accepts_every_type(
    typed_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    module = types.ModuleType("typed_models")  # pandera resolves annotations in the module
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(render_models(parse_package(typed_root)), "typed_models", "exec"), module.__dict__)
    frame = japus_data.load(TABLE, typed_root)
    validated = module.MODELS[TABLE].validate(frame)
    pd.testing.assert_frame_equal(validated, frame)


def test_exports_write_every_type_as_the_registry_says(typed_root: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    table = parse_package(typed_root).table(TABLE)
    japus_data.export("parquet", tmp_path / "pq", typed_root)
    written = pq.read_table(tmp_path / "pq" / f"{TABLE}.parquet")
    for f in table.fields:
        assert written.schema.field(f.name).type == arrow_type(f), f.name
    for name, (_, _, expected) in COLUMNS.items():
        assert written.column(name).to_pylist() == expected, name

    japus_data.export("sqlite", tmp_path / "db", typed_root)
    con = sqlite3.connect(tmp_path / "db" / "japus-data.sqlite")
    declared = {row[1]: row[2] for row in con.execute(f"PRAGMA table_info({TABLE})")}
    assert declared == {f.name: field_type(f.type).sql for f in table.fields}
    row = con.execute(f"SELECT datetime, time, year, date FROM {TABLE} WHERE key = 'k1'").fetchone()
    assert row == ("2024-01-02T03:04:05+00:00", "23:59:59.500000", 1868, "1999-12-31")

    japus_data.export("json", tmp_path / "json", typed_root)
    inline = json.loads(next((tmp_path / "json").glob("*.json")).read_text(encoding="utf-8"))
    data = next(r for r in inline["resources"] if r["name"] == TABLE)["data"]
    assert data[0]["datetime"] == "2024-01-02T03:04:05+00:00"
    assert data[0]["time"] == "03:04:05"
    assert data[0]["year"] == 2024


def test_a_changed_file_is_validated_once_and_its_frame_returned(
    typed_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import japus_data.verify

    with (typed_root / PATH).open("a", encoding="utf-8") as f:
        f.write("k3,c,1,1,false,2000-01-01,2000-01-01T00:00:00Z,00:00:00,2000,2000-01,{},[],y\n")
    import japus_data.validation

    parsed: list[bool] = []
    validations: list[Path] = []
    real_validate = japus_data.validation.validate_package

    def parse(*args: Any, **kw: Any) -> None:
        parsed.append(True)  # a parse after the validation

    def validate(root: Path, **kw: Any) -> Any:
        validations.append(root)
        return real_validate(root, **kw)

    monkeypatch.setattr(japus_data.verify, "parse_csv", parse)
    monkeypatch.setattr(japus_data.validation, "validate_package", validate)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        frame = japus_data.load(TABLE, typed_root)
    assert validations == [typed_root]  # once
    assert parsed == []  # the validator's frame is returned: no parse after it
    assert isinstance(frame.index, pd.RangeIndex) and len(frame) == 4
    assert frame["year"].tolist() == [2024, 1868, pd.NA, 2000]


def _imports(path: Path, module: str) -> set[str]:
    """Every japus_data module that ``module`` (at ``path``) imports, at any depth."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = node.module or ""
            if node.level:
                target = f"{base}.{target}" if target else base
            if not target.startswith("japus_data"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if _module_path(sub) else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("japus_data")}
    return found


def _module_path(module: str) -> Path | None:
    base = ROOT / Path(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def test_no_import_cycle_inside_the_package() -> None:
    """Every import counts: one in a function (a cycle hidden there is still a cycle) and
    one for the type checker alone (``if TYPE_CHECKING:``), which ties the modules as
    closely for a reader."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        graph[module] = {m for m in _imports(path, module) if m != module}
    assert len(graph) > 20 and "japus_data.csvread" in graph["japus_data.checks.rows"]
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            cycle = [*trail[trail.index(module) :], module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(graph.get(module, set())):
            visit(target, [*trail, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
