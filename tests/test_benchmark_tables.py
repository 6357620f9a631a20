"""The benchmark's generated tables: at 10^3 rows, japus-data catches every injected error
and everything frictionless catches in them, and passes the valid variant."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from japus_data.validation import validate_package

from .conftest import ROOT
from .test_corpus import covered, frictionless_locations, schema_fields


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_validate", ROOT / "benchmarks" / "validate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_valid_variant_passes(tmp_path: Path) -> None:
    bench().make_package(tmp_path, 1000, errors=False)
    report = validate_package(tmp_path)
    assert report.problems == [] and report.rows["student_exchange"] == 1000


def test_the_scattered_errors_are_caught_as_frictionless_catches_them(tmp_path: Path) -> None:
    broken = bench().make_package(tmp_path, 1000, errors=True)
    assert len(broken) >= 30
    ours = {(p.file, p.row, p.field) for p in validate_package(tmp_path).problems}
    table = "resources/student_exchange.csv"
    assert {(table, row, field) for row, field in broken} <= ours
    theirs = frictionless_locations(tmp_path)
    assert theirs, "frictionless should flag some of them"
    fields = schema_fields(tmp_path)
    assert [t for t in theirs if not covered(t, ours, fields)] == []
