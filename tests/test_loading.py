"""How loading behaves: cheap import, hash-verified files, clear errors on bad ones."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import japus_data
from japus_data.csvread import read_recorded, sha256_of
from japus_data.descriptor import parse_package
from japus_data.integrity import refresh_hashes
from japus_data.read import parse_csv

from .conftest import ROOT, edit_file

HEAVY = ("pandas", "pandera", "frictionless", "numpy")


def test_import_loads_no_heavy_library() -> None:
    code = (
        "import sys, japus_data\n"
        "japus_data.tables(); japus_data.__version__\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_import_adds_only_the_package_itself() -> None:
    """Keeps ``import japus_data`` near the cost of a bare interpreter (see benchmarks/)."""
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import japus_data\n"
        "print(sorted(set(sys.modules) - before))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    added = eval(result.stdout)  # a list literal printed by the child
    assert {m for m in added if not m.startswith("japus_data")} <= {"__future__"}, added


def test_loading_does_not_import_pandera_or_frictionless() -> None:
    """A file whose hash is recorded is not validated again: nor is the validator imported."""
    code = (
        "import sys, japus_data\n"
        "japus_data.load_student_exchange()\n"
        "print([m for m in ('pandera', 'frictionless', 'japus_data.validation')"
        " if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_version_is_the_data_package_version() -> None:
    assert japus_data.__version__ == parse_package(ROOT).version


def test_every_table_has_a_public_loader() -> None:
    for name in japus_data.tables():
        assert f"load_{name}" in japus_data.__all__
        assert callable(getattr(japus_data, f"load_{name}"))


def test_a_changed_but_valid_file_is_validated_then_loaded(package_copy: Path) -> None:
    path = package_copy / "resources" / "meetings.csv"
    edit_file(path, lambda t: t.replace("Japan–US summit meeting", "Japan–US summit", 1))
    with pytest.warns(UserWarning, match="passed full validation"):
        frame = japus_data.load_meetings(package_copy)
    assert frame.loc[0, "title_en"] == "Japan–US summit"


def test_a_changed_invalid_file_is_refused_with_its_rows(package_copy: Path) -> None:
    path = package_copy / "resources" / "student_exchange.csv"
    edit_file(path, lambda t: t.replace("US,inbound,enrolled,3918", "US,inbound,enrolled,-3918", 1))
    with pytest.raises(japus_data.DataIntegrityError) as caught:
        japus_data.load_student_exchange(package_copy)
    assert "resources/student_exchange.csv:2:students:" in str(caught.value)
    assert "refusing to load it" in str(caught.value)


def test_an_unchanged_file_loads_without_warning(package_copy: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = japus_data.load_claims(package_copy)
    assert len(frame) == 4


def test_a_missing_file_is_a_clear_error(package_copy: Path) -> None:
    (package_copy / "resources" / "claims.csv").unlink()
    with pytest.raises(japus_data.JapusDataError, match=r"resources/claims.csv: cannot read"):
        japus_data.load_claims(package_copy)


def test_loader_accepts_a_descriptor_path(package_copy: Path) -> None:
    frame = japus_data.load("countries", package_copy / "datapackage.json")
    assert len(frame) == 7


def test_unknown_code_is_never_turned_into_a_missing_value() -> None:
    table = parse_package(ROOT).table("cooperation_areas")
    data = (ROOT / table.path).read_bytes()
    frame = parse_csv(table, data, table.path)
    assert frame["source_id"].notna().all()
    directions = parse_package(ROOT).table("student_exchange")
    bad = (ROOT / directions.path).read_bytes().replace(b"US,inbound,", b"US,sideways,", 1)
    with pytest.raises(japus_data.JapusDataError, match=r"student_exchange.csv:2:direction"):
        parse_csv(directions, bad, directions.path)


def test_the_recorded_read_leaves_an_unknown_code_to_the_general_read(tmp_path: Path) -> None:
    table = parse_package(ROOT).table("student_exchange")
    bad = (ROOT / table.path).read_bytes().replace(b"US,inbound,", b"US,sideways,", 1)
    (tmp_path / "t.csv").write_bytes(bad)
    with (tmp_path / "t.csv").open("rb") as handle:
        frame, digest, size = read_recorded(table, handle, table.path)
    assert frame is None
    assert (digest, size) == (sha256_of(bad), len(bad))  # the whole file, read once


@pytest.mark.parametrize("late", [False, True])
def test_the_recorded_read_of_quoted_cells_matches_the_general_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: bool
) -> None:
    """A file without quotes is read with quoting off; one whose first quote comes after the
    first block is read again with quoting on, never split inside a quoted cell."""
    import japus_data.csvread as csvread

    monkeypatch.setattr(csvread, "BLOCK", 1 << 14)
    table = parse_package(ROOT).table("student_exchange")
    header, first, *_ = (ROOT / table.path).read_bytes().split(b"\n")
    plain = (
        first.split(b',"')[0]
        + b",locator,jasso-2024-international-students,"
        + (b"single_secondary_source,,,")
    )
    quoted = plain.removesuffix(b",") + b',"a, ""quoted"" note\nover two lines"'
    body = [plain] * 400
    body.insert(len(body) - 3 if late else 3, quoted)
    data = b"\n".join([header, *body]) + b"\n"
    (tmp_path / "t.csv").write_bytes(data)
    with (tmp_path / "t.csv").open("rb") as handle:
        frame, digest, size = read_recorded(table, handle, table.path)
    assert (digest, size) == (sha256_of(data), len(data))
    assert frame is not None
    general = parse_csv(table, data, table.path)
    pd.testing.assert_frame_equal(frame, general, check_exact=True)
    assert frame["note"].dropna().tolist() == ['a, "quoted" note\nover two lines']


def test_the_recorded_read_leaves_text_that_is_not_utf8_to_the_general_read(
    tmp_path: Path,
) -> None:
    table = parse_package(ROOT).table("student_exchange")
    data = (ROOT / table.path).read_bytes()
    bad = data.replace("国費留学生".encode(), "国費留学生".encode()[:-1], 1)  # a cut character
    (tmp_path / "t.csv").write_bytes(bad)
    with (tmp_path / "t.csv").open("rb") as handle:
        frame, digest, size = read_recorded(table, handle, table.path)
    assert frame is None
    assert (digest, size) == (sha256_of(bad), len(bad))
    with pytest.raises(japus_data.JapusDataError, match="cannot be parsed"):
        parse_csv(table, bad, table.path)


def test_a_recorded_but_unvalidated_unknown_code_is_refused(package_copy: Path) -> None:
    path = package_copy / "resources" / "student_exchange.csv"
    edit_file(path, lambda t: t.replace("US,inbound,", "US,sideways,", 1))
    refresh_hashes(package_copy)  # recorded without validating: the loader must still refuse
    with pytest.raises(japus_data.JapusDataError, match=r"student_exchange.csv:2:direction"):
        japus_data.load_student_exchange(package_copy)


def test_a_non_integer_count_is_an_error_not_a_float() -> None:
    table = parse_package(ROOT).table("student_exchange")
    bad = (ROOT / table.path).read_bytes().replace(b",3918,", b",3918.5,", 1)
    with pytest.raises(japus_data.JapusDataError, match="cannot be parsed with its schema"):
        parse_csv(table, bad, table.path)


def test_a_date_that_is_not_a_date_is_an_error() -> None:
    table = parse_package(ROOT).table("meetings")
    bad = (ROOT / table.path).read_bytes().replace(b"2025-04-03,2025-04-03", b"2025-04-03,April", 1)
    with pytest.raises(japus_data.JapusDataError):
        parse_csv(table, bad, table.path)


def test_na_text_is_kept_as_text() -> None:
    """'NA' is a valid code (Namibia): only an empty cell is missing."""
    table = parse_package(ROOT).table("countries")
    data = (ROOT / table.path).read_bytes().replace(b"\nIT,ITA,", b"\nNA,ITA,", 1)
    frame = parse_csv(table, data, table.path)
    assert "NA" in list(frame["country_code"])
