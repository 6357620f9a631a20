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


def scale() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "benchmarks" / "scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_median_interval_is_the_order_statistics_one() -> None:
    """The ranks of a distribution-free 95% interval for a median: 21 values give the 6th
    and 16th (tables of the sign test), 9 give the 2nd and 8th, 5 give the whole range."""
    interval = scale().median_interval
    assert interval(range(1, 22)) == (6, 11, 16)
    assert interval([9, 1, 8, 2, 7, 3, 6, 4, 5]) == (2, 5, 8)  # sorted first
    assert interval(range(1, 6)) == (1, 3, 5)
    assert interval([1.5]) == (1.5, 1.5, 1.5)


def test_the_median_interval_covers_at_least_95_percent_and_no_more_than_it_must() -> None:
    """For every n, the chosen ranks cover the median with probability >= 95% (exact binomial
    sum, computed here apart from the script), and one rank further in would not."""
    from math import comb

    def coverage(n: int, k: int) -> float:  # P(k-th smallest <= median <= k-th largest)
        return 1 - 2 * sum(comb(n, i) for i in range(k)) / 2.0**n

    interval = scale().median_interval
    for n in range(6, 80):
        low, _, high = interval(range(1, n + 1))
        k = int(low)
        assert high == n + 1 - k
        assert coverage(n, k) >= 0.95
        assert coverage(n, k + 1) < 0.95


def test_a_target_is_met_only_when_the_whole_interval_is_within_it() -> None:
    verdict = scale().verdict
    assert verdict((1.05, 1.10, 1.19), 1.2) == "met"
    assert verdict((1.05, 1.15, 1.25), 1.2) == "at the limit"
    assert verdict((1.21, 1.25, 1.30), 1.2) == "not met"


def test_paired_ratios_are_taken_round_by_round() -> None:
    """A drift of the machine between rounds cancels: each round's load over the same round's
    read_csv, not one median over the other."""
    seen = {
        "read_csv": [(1.0, 100.0), (2.0, 100.0), (1.0, 100.0), (2.0, 100.0), (1.0, 100.0)],
        "load": [(1.1, 80.0), (2.2, 80.0), (1.1, 80.0), (2.2, 80.0), (1.1, 80.0)],
    }
    low, median, high = scale().paired(seen, "load")
    assert (round(low, 9), round(median, 9), round(high, 9)) == (1.1, 1.1, 1.1)
    assert scale().paired(seen, "load", memory=True)[1] == 0.8
