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


def test_a_text_column_of_distinct_values_still_finds_repeats(tmp_path: Path) -> None:
    """``locator`` is distinct per row at 3,000 rows, so it is checked as read, not encoded:
    a repeated row, and a repeated locator declared unique, are still found (``keys_at``)."""
    from japus_data.integrity import refresh_hashes

    from .conftest import change_descriptor, edit_file

    bench().make_package(tmp_path, 3000, errors=False)
    path = tmp_path / "resources" / "student_exchange.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    twin = lines[2000].replace("generated row 2001,", "generated row 11,")  # row 11's locator
    edit_file(path, lambda text: text + lines[1500] + twin)

    def unique_locator(raw: dict) -> None:  # type: ignore[type-arg]
        for resource in raw["resources"]:
            for field in resource["schema"]["fields"]:
                if field["name"] == "locator":
                    field.setdefault("constraints", {})["unique"] = True

    change_descriptor(tmp_path, unique_locator)
    refresh_hashes(tmp_path)
    found = {(p.row, p.check, p.message) for p in validate_package(tmp_path).problems}
    assert (3002, "duplicate-row", "repeats row 1501") in found
    assert any(row == 3003 and check == "unique" and "row 11" in msg for row, check, msg in found)
