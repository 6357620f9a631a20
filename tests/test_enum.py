"""Coded fields carry their codes twice: v2 ``categories`` and, for Table Schema v1 readers,
``constraints.enum`` derived from them by ``japus-data hash``."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from japus_data.derive import derived_enums, refresh_enums
from japus_data.descriptor import parse_package, read_descriptor
from japus_data.integrity import refresh_derived

from .conftest import ROOT, change_descriptor, edit_file, field, run_clean


def test_every_coded_field_has_its_categories_as_enum() -> None:
    raw = read_descriptor(ROOT)
    coded = [
        (r["name"], f["name"])
        for r in raw["resources"]
        for f in r["schema"]["fields"]
        if "categories" in f
    ]
    assert ("student_exchange", "direction") in coded
    for table, name in coded:
        f = field(raw, table, name)
        assert f["constraints"]["enum"] == [c["value"] for c in f["categories"]], (table, name)
    # Nothing left to derive: the recorded enums are what `make hash` writes.
    assert refresh_enums(parse_package(ROOT), copy.deepcopy(raw)) == []


def test_a_field_without_categories_gets_no_enum() -> None:
    enums = derived_enums(parse_package(ROOT))
    assert enums[("student_exchange", "direction")] == ["inbound", "outbound"]
    assert ("student_exchange", "students") not in enums  # an integer count has no codes


def test_a_stale_enum_is_reported_and_make_hash_rewrites_it(package_copy: Path) -> None:
    def add_code(raw: dict[str, object]) -> None:
        direction = field(raw, "student_exchange", "direction")
        direction["categories"].append({"value": "transit", "label": "in transit"})

    change_descriptor(package_copy, add_code)
    result = run_clean(sys.executable, "-m", "japus_data", "validate", package_copy)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "[enum-derived]" in line]
    assert len(lines) == 1, result.stdout
    assert "'student_exchange'" in lines[0] and "'direction'" in lines[0]
    assert "run `make hash`" in lines[0]

    assert "enum of student_exchange.direction" in refresh_derived(package_copy)
    enum = field(read_descriptor(package_copy), "student_exchange", "direction")["constraints"]
    assert enum["enum"] == ["inbound", "outbound", "transit"]
    result = run_clean(sys.executable, "-m", "japus_data", "validate", package_copy)
    assert result.returncode == 0, result.stdout


def frictionless_direction_errors(root: Path) -> list[str]:
    """frictionless-py's (Table Schema v1 only) errors in student_exchange.direction."""
    import frictionless

    report = frictionless.validate(str(root / "datapackage.json"))
    return [
        error.type
        for task in report.tasks
        for error in task.errors
        if getattr(error, "field_name", None) == "direction"
        and "student_exchange" in str(task.place or task.name)
    ]


def test_frictionless_rejects_an_unknown_code_only_thanks_to_the_enum(package_copy: Path) -> None:
    """No network: frictionless reads the local copy (its profile is bundled)."""
    path = package_copy / "resources" / "student_exchange.csv"
    edit_file(path, lambda text: text.replace(",US,inbound,", ",US,sideways,", 1))
    assert frictionless_direction_errors(package_copy) == ["constraint-error"]

    # Without the derived enum, a v1 reader sees no codes at all and accepts the row.
    def drop_enum(raw: dict[str, object]) -> None:
        del field(raw, "student_exchange", "direction")["constraints"]["enum"]

    change_descriptor(package_copy, drop_enum)
    assert frictionless_direction_errors(package_copy) == []
