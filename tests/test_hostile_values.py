"""Hostile values: a permanent corpus of copies of the package, each with one change, that
once passed, crashed or flooded the validator, the loader or the diff (issue 10).

Each case names the class it stands for. Every command is run in-process, so a traceback
fails the test; every problem must be one line naming its file, row and field.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from japus_data.cli import main
from japus_data.diff import diff_packages
from japus_data.integrity import refresh_hashes
from japus_data.read import read_table
from japus_data.validation import validate_package

from .conftest import ROOT, Descriptor, change_descriptor, edit_file, field

COUNTRIES = "resources/countries.csv"
ORGANIZATIONS = "resources/organizations.csv"
PROGRAMS = "resources/programs.csv"
LINE = re.compile(r"^[^:]+:(-|\d+):[^:]*: .* \[[a-z0-9-]+\]$")


def schema(raw: Descriptor, table: str) -> Descriptor:
    found: Descriptor = next(r for r in raw["resources"] if r["name"] == table)["schema"]
    return found


def edit_table(root: Path, table: str, old: str, new: str) -> None:
    """Change a table and record its new hash, so that only the change itself is judged."""
    edit_file(root / "resources" / f"{table}.csv", lambda t: t.replace(old, new, 1))
    refresh_hashes(root)


def write_table(root: Path, table: str, data: bytes) -> None:
    (root / "resources" / f"{table}.csv").write_bytes(data)
    refresh_hashes(root)


def checks(root: Path) -> set[tuple[str, int | None, str | None, str]]:
    return {(p.file, p.row, p.field, p.check) for p in validate_package(root).problems}


def lines_of(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["validate", "--path", str(root)])
    out = capsys.readouterr().out.rstrip().splitlines()
    return code, out


# --------------------------------------------------------------------------- class 5
# Keys compare typed values: 02, +2 and 2 are one integer.


def _key(kind: str) -> Callable[[Descriptor], None]:
    def change(raw: Descriptor) -> None:
        countries = schema(raw, "countries")
        if kind == "primary-key":
            countries["primaryKey"] = ["table_column"]
            field(raw, "countries", "table_column")["constraints"]["required"] = True
        elif kind == "unique":
            field(raw, "countries", "table_column")["constraints"]["unique"] = True
        else:
            countries["uniqueKeys"] = [["table_column"]]

    return change


@pytest.mark.parametrize("kind", ["primary-key", "unique", "unique-key"])
@pytest.mark.parametrize("spelling", ["02", "+2", "+0002"])
def test_keys_compare_integers_as_numbers(package_copy: Path, kind: str, spelling: str) -> None:
    if kind == "primary-key":  # JP has no table column: a primary key needs one
        edit_table(package_copy, "countries", "Japan,false,true,,", "Japan,false,true,8,")
    change_descriptor(package_copy, _key(kind))
    assert validate_package(package_copy).problems == []
    # US (row 2) takes FR's column 2, spelled another way.
    edit_table(package_copy, "countries", "America,true,true,1,", f"America,true,true,{spelling},")
    found = {(p.row, p.check) for p in validate_package(package_copy).problems}
    assert found == {(3, kind)}


def test_foreign_keys_compare_typed_values(package_copy: Path) -> None:
    """A reference spelled 02 finds the row whose key is 2 (and 9 finds none)."""

    def refer(raw: Descriptor) -> None:
        schema(raw, "countries")["foreignKeys"].append(
            {
                "fields": ["table_column"],
                "reference": {"resource": "cooperation_areas", "fields": ["list_order"]},
            }
        )

    change_descriptor(package_copy, refer)
    assert validate_package(package_copy).problems == []
    edit_table(package_copy, "countries", "France,true,true,2,", "France,true,true,02,")
    edit_table(package_copy, "countries", "Canada,true,true,6,", "Canada,true,true,+6,")
    assert validate_package(package_copy).problems == []
    edit_table(package_copy, "countries", "Italy,true,true,5,", "Italy,true,true,9,")
    assert checks(package_copy) == {(COUNTRIES, 6, "table_column", "foreign-key")}


def test_multi_field_foreign_keys_compare_typed_values(package_copy: Path) -> None:
    def refer(raw: Descriptor) -> None:
        schema(raw, "countries")["foreignKeys"].append(
            {
                "fields": ["table_column", "g7_member"],
                "reference": {"resource": "countries", "fields": ["table_column", "is_partner"]},
            }
        )

    change_descriptor(package_copy, refer)
    assert validate_package(package_copy).problems == []
    edit_table(package_copy, "countries", "France,true,true,2,", "France,true,TRUE,002,")
    assert validate_package(package_copy).problems == []
    edit_table(package_copy, "countries", "Italy,true,true,5,", "Italy,true,false,5,")
    # The claims read g7_member: they wait, in one line, until countries is fixed.
    assert checks(package_copy) == {
        (COUNTRIES, 6, "table_column,g7_member", "foreign-key"),
        ("resources/claims.csv", None, None, "claim"),
    }


# --------------------------------------------------------------------------- class 6
# One parse: what the validator accepts, the loader reads with the same meaning.


def test_integer_categories_are_one_parse(package_copy: Path) -> None:
    def categorise(raw: Descriptor) -> None:
        field(raw, "countries", "table_column")["categories"] = list(range(1, 8))
        # and its enum, as `make hash` derives it (else the validator reports it stale)
        field(raw, "countries", "table_column")["constraints"]["enum"] = list(range(1, 8))

    change_descriptor(package_copy, categorise)
    edit_table(package_copy, "countries", "France,true,true,2,", "France,true,true,02,")
    report = validate_package(package_copy)
    assert report.problems == []
    frame = read_table("countries", package_copy)
    assert list(frame["table_column"].astype(object))[:3] == ["1", "2", "3"]
    edit_table(package_copy, "countries", "Italy,true,true,5,", "Italy,true,true,8,")
    assert checks(package_copy) == {(COUNTRIES, 6, "table_column", "categories")}


# --------------------------------------------------------------------------- class 10
# A foreign key names fields that exist, as many as it refers from.


@pytest.mark.parametrize(
    ("index", "reference", "where"),
    [
        (0, {"resource": "countries", "fields": ["no_such_field"]}, "reference/fields"),
        (1, {"fields": ["no_such_field"]}, "reference/fields"),
        (
            0,
            {"resource": "countries", "fields": ["country_code", "iso_alpha3"]},
            "reference/fields",
        ),
    ],
)
def test_foreign_key_to_a_missing_field(
    package_copy: Path, index: int, reference: Descriptor, where: str
) -> None:
    def refer(raw: Descriptor) -> None:
        schema(raw, "organizations")["foreignKeys"][index]["reference"] = reference

    change_descriptor(package_copy, refer)
    names = [
        r["name"] for r in json.loads((package_copy / "datapackage.json").read_text())["resources"]
    ]
    at = f"/resources/{names.index('organizations')}/schema/foreignKeys/{index}/{where}"
    found = [p for p in validate_package(package_copy).problems if p.check == "schema"]
    assert [p.field for p in found] == [at]
    assert main(["validate", "--path", str(package_copy)]) == 1


# --------------------------------------------------------------------------- class 12
# The diff reads any cell the validator reads.


def test_diff_reads_a_cell_beyond_the_csv_module_limit(package_copy: Path) -> None:
    long = "x" * 200_000
    edit_table(package_copy, "countries", "France,true,true,2,", f"France,true,true,2,{long}")
    diff = diff_packages(str(ROOT), str(package_copy))
    (countries,) = [t for t in diff.tables if t.name == "countries"]
    assert [c.key for c in countries.changed] == [("FR",)]
    assert countries.changed[0].cells[0].new.startswith(long)


def test_docs_read_a_cell_beyond_the_csv_module_limit(package_copy: Path) -> None:
    import sys

    long = "x" * 200_000
    edit_table(package_copy, "countries", "France,true,true,2,", f"France,true,true,2,{long}")
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        from japus_pages import load_site
    finally:
        sys.path.pop(0)
    site = load_site(package_copy)
    (france,) = [row for row in site.rows["countries"] if row["country_code"] == "FR"]
    assert france["source_id"].startswith(long)


# --------------------------------------------------------------------------- class 14
# The report is bounded: per check and per file, with a count of what was left out.


def test_the_report_is_bounded(package_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from japus_data.problem import PER_CHECK, PER_FILE

    header = (package_copy / COUNTRIES).read_bytes().split(b"\n", 1)[0]
    write_table(package_copy, "countries", header + b"\n" + b"XX\n" * 400_000)
    start = time.perf_counter()
    code, out = lines_of(package_copy, capsys)
    assert time.perf_counter() - start < 60
    assert code == 1
    *problems, summary = out
    assert all(LINE.match(line) for line in problems), problems[:3]
    mine = [line for line in problems if line.startswith(COUNTRIES)]
    assert len(mine) <= PER_FILE + 20
    missing = [line for line in mine if line.endswith("[missing-cell]")]
    assert len(missing) == PER_CHECK + 1
    # Each row has one cell of the header's; the rest are missing, and all but PER_CHECK untold.
    absent = 400_000 * (len(header.split(b",")) - 1)
    untold = absent - PER_CHECK
    assert re.search(rf": {untold} more problems of this check not shown \[", "\n".join(missing))
    # The summary counts every problem, shown or not.
    errors = int(re.match(r"invalid: (\d+) errors", summary)[1])  # type: ignore[index]
    assert errors >= absent


# --------------------------------------------------------------------------- class 17
# A pattern cannot make validation take exponential time.


@pytest.mark.parametrize("pattern", [r"^(?=a)(a+)+$", r"^(a|aa)+(?!b)$", r"^(a+)+\1$"])
def test_catastrophic_patterns_are_refused(package_copy: Path, pattern: str) -> None:
    """Patterns are run by a linear-time engine (RE2); one it cannot run (look-arounds,
    back-references: not in XML Schema's regular expressions either) is refused in the
    descriptor, and the other patterns still judge their cells."""

    def constrain(raw: Descriptor) -> None:
        field(raw, "countries", "note")["constraints"] = {"pattern": pattern}

    change_descriptor(package_copy, constrain)
    edit_table(package_copy, "countries", "France,true,true,2,", "France,true,true,2," + "a" * 40)
    edit_table(package_copy, "countries", "FR,FRA,250", "FR,FRA,25O")
    start = time.perf_counter()
    found = validate_package(package_copy).problems
    assert time.perf_counter() - start < 20
    where = {(p.file, p.row, p.field, p.check) for p in found}
    assert (COUNTRIES, 3, "iso_numeric", "pattern") in where
    (refused,) = [p for p in found if p.check == "schema"]
    assert refused.field is not None and refused.field.endswith("/constraints/pattern")
    assert not [p for p in found if p.field == "note"]


# --------------------------------------------------------------------------- class 20
# A row is removed when OLD's key for it is gone, whatever NEW calls its key.


def test_fail_on_removed_judges_by_old_key(package_copy: Path) -> None:
    change_descriptor(
        package_copy, lambda raw: schema(raw, "countries").update(primaryKey="name_en")
    )
    edit_file(package_copy / COUNTRIES, lambda t: t.replace("FR,FRA,250", "XF,XFA,999", 1))
    diff = diff_packages(str(ROOT), str(package_copy))
    (countries,) = [t for t in diff.tables if t.name == "countries"]
    assert countries.removed == [("FR",)]
    assert countries.added == [("XF",)]
    code = main(["diff", str(ROOT), str(package_copy), "--fail-on-removed"])
    assert code == 1


# --------------------------------------------------------------------------- class 23
# Odd files are named for what they are, never [internal]; int64 is read in full.


def test_only_carriage_returns(package_copy: Path) -> None:
    data = (package_copy / COUNTRIES).read_bytes().replace(b"\n", b"\r")
    write_table(package_copy, "countries", data)
    found = [p for p in validate_package(package_copy).problems if p.file == COUNTRIES]
    assert [(p.row, p.check) for p in found] == [(1, "newline")]
    assert "CR" in found[0].message


def test_a_five_megabyte_header_label(package_copy: Path) -> None:
    label = "y" * 5_000_000
    edit_table(package_copy, "countries", "country_code,iso_alpha3", f"{label},iso_alpha3")
    found = [p for p in validate_package(package_copy).problems if p.file == COUNTRIES]
    assert {(p.row, p.check) for p in found} == {(1, "header")}
    assert all(len(p.message) < 300 for p in found)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named(package_copy: Path, codec: str) -> None:
    text = (package_copy / COUNTRIES).read_text(encoding="utf-8")
    write_table(package_copy, "countries", text.encode(codec))
    found = [p for p in validate_package(package_copy).problems if p.file == COUNTRIES]
    assert [(p.row, p.check) for p in found] == [(1, "encoding")]
    assert "UTF-16" in found[0].message


@pytest.mark.parametrize(
    "cell",
    [
        "1000000000000000000",
        "9223372036854775807",
        "+0009223372036854775807",
        "-9223372036854775808",
    ],
)
def test_int64_is_read_in_full(package_copy: Path, cell: str) -> None:
    def signed(raw: Descriptor) -> None:
        del field(raw, "programs", "funding_amount")["constraints"]["minimum"]

    change_descriptor(package_copy, signed)
    edit_table(package_copy, "programs", ",12000000,", f",{cell},")
    assert validate_package(package_copy).problems == []
    frame = read_table("programs", package_copy)
    assert frame["funding_amount"].iloc[3] == int(cell)
    # One more is beyond int64: not an integer the loader could return.
    beyond = str(int(cell) + (1 if int(cell) > 0 else -1) * 2**63)
    edit_table(package_copy, "programs", f",{cell},", f",{beyond},")
    assert checks(package_copy) == {(PROGRAMS, 5, "funding_amount", "type")}


# --------------------------------------------------------------------------- class 26
# A quote inside a cell, and a key given twice in the descriptor, are reported.


@pytest.mark.parametrize(
    "cell", ['"Michael" Kratsios', 'Michael "Kratsios"', '"Mi""chael" K', 'Mi"chael', '"Mi"c"']
)
def test_a_stray_quote_in_a_cell(package_copy: Path, cell: str) -> None:
    edit_table(package_copy, "countries", ",France,", f",{cell},")
    # A quoted cell with its quotes doubled is fine.
    edit_table(package_copy, "countries", ",Germany,", ',"The ""German"" Republic",')
    found = checks(package_copy)
    assert (COUNTRIES, 3, "name_en", "quote") in found
    assert not {p for p in found if p[3] == "internal"}
    if cell.count('"') % 2 == 0:  # the rows are still told apart: nothing else to say
        assert found == {(COUNTRIES, 3, "name_en", "quote")}


def test_a_key_given_twice_in_the_descriptor(package_copy: Path) -> None:
    edit_file(
        package_copy / "datapackage.json",
        lambda t: t.replace('"name": "countries",', '"name": "countries", "name": "countries",', 1),
    )
    found = validate_package(package_copy).problems
    assert [(p.file, p.check) for p in found] == [("datapackage.json", "descriptor")]
    assert "'name'" in found[0].message and "twice" in found[0].message
