"""Each Table Schema and Data Package v2 feature the validator enforces, one test each, on a
copy of the package whose descriptor or files are changed to use or break it.

Several features are not used by the descriptor yet (``uniqueKeys``, labelled
``missingValues``, ``enum``, lengths, exclusive bounds): the tests add them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from japus_data.cli import main
from japus_data.integrity import refresh_hashes
from japus_data.validate import validate_package

from .conftest import ROOT, Descriptor, change_descriptor, edit_file, field, resource


def edit_table(root: Path, table: str, old: str, new: str) -> None:
    """Change a table and record its new hash, so that only the change itself is judged."""
    edit_file(root / "resources" / f"{table}.csv", lambda t: t.replace(old, new, 1))
    refresh_hashes(root)


def problems(root: Path) -> set[tuple[str, int | None, str | None, str]]:
    return {(p.file, p.row, p.field, p.check) for p in validate_package(root).problems}


COUNTRIES = "resources/countries.csv"
EXCHANGE = "resources/student_exchange.csv"


def test_categories_are_enforced(package_copy: Path) -> None:
    edit_table(package_copy, "student_exchange", "US,inbound,enrolled", "US,inbound,enroled")
    assert (EXCHANGE, 2, "measure", "categories") in problems(package_copy)


def test_labelled_missing_values(package_copy: Path) -> None:
    def labelled(raw: Descriptor) -> None:
        resource(raw, "student_exchange")["schema"]["missingValues"] = [
            {"value": "", "label": "blank"},
            {"value": "n/a", "label": "not applicable"},
        ]

    change_descriptor(package_copy, labelled)
    assert validate_package(package_copy).problems == []
    # "n/a" is now a missing value: fine where a value is optional, refused where required.
    edit_table(
        package_copy,
        "student_exchange",
        "US,inbound,enrolled,3918,,",
        "US,inbound,enrolled,3918,n/a,",
    )
    assert problems(package_copy) == set()
    edit_table(
        package_copy, "student_exchange", "US,inbound,enrolled,3918", "US,inbound,enrolled,n/a"
    )
    # (The claims recomputed from the table fail too: the US figure is gone.)
    assert (EXCHANGE, 2, "students", "required") in problems(package_copy)


def test_field_missing_values_override_the_schema(package_copy: Path) -> None:
    change_descriptor(
        package_copy, lambda raw: field(raw, "countries", "note").update(missingValues=["-"])
    )
    note = "Codes and English name per ISO 3166-1 (source iso-3166-1).\n"
    edit_table(package_copy, "countries", note, "-\n")
    assert problems(package_copy) == set()


def test_unique_keys(package_copy: Path) -> None:
    def add(raw: Descriptor) -> None:
        resource(raw, "countries")["schema"]["uniqueKeys"] = [["name_en"]]
        resource(raw, "student_exchange")["schema"]["uniqueKeys"] = [["note"]]

    change_descriptor(package_copy, add)
    found = problems(package_copy)
    # Repeated notes are flagged; the empty notes are nulls and are not compared.
    assert {(f, n, c) for f, _, n, c in found} == {(EXCHANGE, "note", "unique-key")}
    import pandas as pd

    notes = pd.read_csv(package_copy / "resources" / "student_exchange.csv")["note"]
    empty = {int(i) + 2 for i in notes.index[notes.isna()]}
    flagged = {row for _, row, _, _ in found}
    assert len(empty) > 1 and flagged and not (flagged & empty)
    edit_table(package_copy, "countries", "フランス,France", "フランス,United States of America")
    assert (COUNTRIES, 3, "name_en", "unique-key") in problems(package_copy)


@pytest.mark.parametrize(
    ("constraint", "value", "old", "new", "row", "name", "check"),
    [
        ("enum", ["USA", "FRA"], None, None, 4, "iso_alpha3", "enum"),
        ("minLength", 4, None, None, 2, "iso_alpha3", "minLength"),
        ("maxLength", 2, None, None, 2, "iso_alpha3", "maxLength"),
        ("maximum", 5, None, None, 7, "table_column", "maximum"),
        ("exclusiveMinimum", 1, None, None, 2, "table_column", "exclusiveMinimum"),
        ("exclusiveMaximum", 6, None, None, 7, "table_column", "exclusiveMaximum"),
        ("minimum", 2, None, None, 2, "table_column", "minimum"),
        ("pattern", "^[A-Z]{3}$", "US,USA", "US,USa", 2, "iso_alpha3", "pattern"),
    ],
)
def test_each_constraint(
    package_copy: Path,
    constraint: str,
    value: Any,
    old: str | None,
    new: str | None,
    row: int,
    name: str,
    check: str,
) -> None:
    change_descriptor(
        package_copy,
        lambda raw: (
            field(raw, "countries", name).setdefault("constraints", {}).update({constraint: value})
        ),
    )
    if old is not None and new is not None:
        edit_table(package_copy, "countries", old, new)
    assert (COUNTRIES, row, name, check) in problems(package_copy)


def test_a_declared_formula_prefix_is_allowed(package_copy: Path) -> None:
    edit_table(package_copy, "countries", ",Codes and English", ",=Codes and English")
    assert problems(package_copy) == {(COUNTRIES, 2, "note", "formula")}
    change_descriptor(
        package_copy, lambda raw: field(raw, "countries", "note").update(allowFormulaPrefix=True)
    )
    assert problems(package_copy) == set()


def test_descriptor_against_the_data_package_v2_profile(package_copy: Path) -> None:
    change_descriptor(package_copy, lambda raw: raw.update(name=5, resources=raw["resources"]))
    assert ("datapackage.json", None, "/name", "profile") in problems(package_copy)


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "../outside.csv",
        "resources/../../outside.csv",
        "https://example.org/x.csv",
        "C:\\data\\x.csv",
        "resources\\countries.csv",
    ],
)
def test_resource_paths_stay_inside_the_package(
    package_copy: Path, path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    change_descriptor(package_copy, lambda raw: resource(raw, "countries").update(path=path))
    assert main(["validate", str(package_copy)]) == 1
    out = capsys.readouterr().out
    assert "datapackage.json:-:/resources/1/path:" in out and "[path]" in out, out


def test_a_symlink_leading_out_is_refused(package_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    target = package_copy / "resources" / "countries.csv"
    outside.write_bytes(target.read_bytes())
    target.unlink()
    os.symlink(outside, target)
    found = problems(package_copy)
    assert ("datapackage.json", None, "/resources/1/path", "path") in found


def test_a_50_mb_cell_is_reported_briefly(package_copy: Path) -> None:
    path = package_copy / "resources" / "countries.csv"
    edit_file(path, lambda t: t.replace(",Codes and English", ",=" + "x" * 50_000_000, 1))
    report = validate_package(package_copy)
    assert (COUNTRIES, 2, "note", "formula") in {
        (p.file, p.row, p.field, p.check) for p in report.problems
    }
    assert max(len(str(p)) for p in report.problems) < 400


def test_validation_does_not_use_frictionless() -> None:
    code = (
        "import sys, pathlib\n"
        "from japus_data.validate import validate_package\n"
        f"assert validate_package(pathlib.Path({str(ROOT)!r})).valid\n"
        "print(sorted(m for m in ('frictionless', 'pandera') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_one_consistent_newline_style_is_fine(package_copy: Path) -> None:
    path = package_copy / "resources" / "countries.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert problems(package_copy) == {(COUNTRIES, None, None, "hash")}
    refresh_hashes(package_copy)
    assert problems(package_copy) == set()


def test_a_broken_pattern_is_a_descriptor_problem(package_copy: Path) -> None:
    change_descriptor(
        package_copy,
        lambda raw: field(raw, "countries", "name_en").update(constraints={"pattern": "(["}),
    )
    found = problems(package_copy)
    assert {(f, c) for f, _, _, c in found} == {("datapackage.json", "schema")}


def test_the_installed_package_is_validated_without_a_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("valid:")


def test_a_primary_key_must_be_complete_even_if_not_required(package_copy: Path) -> None:
    change_descriptor(
        package_copy,
        lambda raw: field(raw, "countries", "country_code")["constraints"].pop("required"),
    )
    edit_table(package_copy, "countries", "US,USA,840", ",USA,840")
    assert (COUNTRIES, 2, "country_code", "required") in problems(package_copy)


def test_hash_refuses_a_path_outside_the_package(package_copy: Path) -> None:
    change_descriptor(package_copy, lambda raw: resource(raw, "countries").update(path="../x.csv"))
    # A descriptor that cannot be used safely is bad input (exit 2), as for every command
    # but validate and export, which report it as the validator's problems.
    assert main(["hash", str(package_copy)]) == 2


def test_shared_spellings_are_defined_once() -> None:
    """The boolean spellings and formula prefixes are assigned in japus_data.descriptor only
    (the model; ``japus_data.fieldspec`` re-exports them)."""
    import re

    for name in ("TRUE_VALUES", "FALSE_VALUES", "FORMULA_PREFIXES", "ALLOW_FORMULA"):
        assigned = re.compile(rf"^{name}\b.*=", re.M)
        where = [
            p.relative_to(ROOT).as_posix()
            for p in sorted((ROOT / "japus_data").rglob("*.py"))
            if assigned.search(p.read_text(encoding="utf-8"))
        ]
        assert where == ["japus_data/descriptor.py"], (name, where)


def test_profile_formats_are_checked(package_copy: Path) -> None:
    change_descriptor(package_copy, lambda raw: raw.update(created="2025-1x-18T00:00:00Z"))
    assert ("datapackage.json", None, "/created", "profile") in problems(package_copy)


def _at(raw: Descriptor, table: str) -> tuple[int, Descriptor]:
    i = next(k for k, r in enumerate(raw["resources"]) if r["name"] == table)
    return i, raw["resources"][i]


def _set_field(table: str, name: str, key: str, value: Any) -> Callable[[Descriptor], str]:
    def change(raw: Descriptor) -> str:
        i, r = _at(raw, table)
        k = next(k for k, f in enumerate(r["schema"]["fields"]) if f["name"] == name)
        r["schema"]["fields"][k][key] = value
        return f"/resources/{i}/schema/fields/{k}/{key}"

    return change


def _set_schema(table: str, key: str, value: Any) -> Callable[[Descriptor], str]:
    def change(raw: Descriptor) -> str:
        i, r = _at(raw, table)
        r["schema"][key] = value
        return f"/resources/{i}/schema/{key}"

    return change


def _set_resource(table: str, key: str, value: Any) -> Callable[[Descriptor], str]:
    def change(raw: Descriptor) -> str:
        i, r = _at(raw, table)
        r[key] = value
        return f"/resources/{i}/{key}"

    return change


def _replace_resource(raw: Descriptor) -> str:
    i, _ = _at(raw, "countries")
    raw["resources"][i] = "countries"
    return f"/resources/{i}"


ODD_DESCRIPTORS = {
    "constraints-list": _set_field("countries", "iso_alpha3", "constraints", []),
    "constraints-string": _set_field("countries", "iso_alpha3", "constraints", "x"),
    "min-length-string": _set_field("countries", "iso_alpha3", "constraints", {"minLength": "3"}),
    "unique-keys-number": _set_schema("student_exchange", "uniqueKeys", 5),
    "foreign-keys-number": _set_schema("student_exchange", "foreignKeys", 5),
    "foreign-key-string": _set_schema("student_exchange", "foreignKeys", ["x"]),
    "type-list": _set_field("student_exchange", "students", "type", ["integer"]),
    "resource-name-list": _set_resource("countries", "name", ["countries"]),
    "field-name-list": _set_field("countries", "note", "name", ["note"]),
    "resource-string": _replace_resource,
    "schema-list": _set_resource("countries", "schema", []),
    "fields-dict": _set_schema("countries", "fields", {"name": "country_code"}),
    "missing-values-number": _set_schema("countries", "missingValues", 5),
    "categories-string": _set_field("student_exchange", "measure", "categories", "x"),
    "true-values-string": _set_field("countries", "is_partner", "trueValues", "yes"),
    "dialect-string": _set_resource("countries", "dialect", "x"),
}


@pytest.mark.parametrize("case", ODD_DESCRIPTORS, ids=list(ODD_DESCRIPTORS))
def test_wrongly_typed_descriptor_values_are_reported_not_raised(
    case: str, package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pointer = ""

    def change(raw: Descriptor) -> None:
        nonlocal pointer
        pointer = ODD_DESCRIPTORS[case](raw)

    change_descriptor(package_copy, change)
    found = validate_package(package_copy).problems
    assert not [p for p in found if p.check == "internal"], found
    mine = [
        p for p in found if p.file == "datapackage.json" and (p.field or "").startswith(pointer)
    ]
    assert any(p.check in ("descriptor", "resource") for p in mine), found
    assert main(["validate", str(package_copy)]) == 1
    assert f"datapackage.json:-:{pointer}" in capsys.readouterr().out


def test_an_unreadable_referenced_table_is_one_problem_per_foreign_key(
    package_copy: Path,
) -> None:
    # One Shift_JIS byte pair in countries.csv: countries cannot be read.
    path = package_copy / "resources" / "countries.csv"
    path.write_bytes(path.read_bytes().replace("米国".encode(), "米国".encode("cp932"), 1))
    found = validate_package(package_copy).problems
    keys = [p for p in found if p.check == "foreign-key"]
    assert keys, found
    assert all(p.row is None and "countries, which could not be read" in p.message for p in keys)
    assert len(keys) == len({(p.file, p.field) for p in keys})
    assert len(found) < 10, found


def test_the_loader_reads_custom_missing_and_boolean_values_as_the_validator(
    package_copy: Path,
) -> None:
    import pandas as pd

    import japus_data

    def custom(raw: Descriptor) -> None:
        resource(raw, "countries")["schema"]["missingValues"] = ["", "n/a"]
        field(raw, "countries", "is_partner")["trueValues"] = ["true", "yes"]

    change_descriptor(package_copy, custom)
    note = "Codes and English name per ISO 3166-1 (source iso-3166-1).\n"
    edit_table(package_copy, "countries", ",true,true,1,mext", ",yes,true,n/a,mext")
    edit_table(package_copy, "countries", note, "n/a\n")
    assert problems(package_copy) == set()
    frame = japus_data.load("countries", package_copy)
    us = frame[frame["country_code"] == "US"].iloc[0]
    assert pd.isna(us["table_column"]) and bool(us["is_partner"]) is True
    assert pd.isna(us["note"])
    assert frame["table_column"].dtype == "Int64" and frame["is_partner"].dtype == "boolean"


def test_the_loader_honours_number_and_date_options() -> None:
    import pandas as pd

    from japus_data.descriptor import _table
    from japus_data.read import parse_csv

    table = _table(
        {
            "name": "t",
            "path": "t.csv",
            "schema": {
                "missingValues": ["", "-"],
                "fields": [
                    {"name": "d", "type": "date", "format": "%d/%m/%Y"},
                    {"name": "n", "type": "number", "groupChar": " ", "decimalChar": ","},
                    {"name": "i", "type": "integer", "bareNumber": False},
                    {"name": "b", "type": "boolean", "trueValues": ["ja"], "falseValues": ["nein"]},
                ],
            },
        }
    )
    frame = parse_csv(table, b'd,n,i,b\n18/12/2025,"1 234,5",42%,ja\n-,-,-,nein\n', "t.csv")
    assert frame["d"].iloc[0] == pd.Timestamp("2025-12-18") and pd.isna(frame["d"].iloc[1])
    assert frame["n"].iloc[0] == 1234.5 and frame["i"].iloc[0] == 42
    assert list(frame["b"]) == [True, False]
