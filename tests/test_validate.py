"""`japus-data validate`: what it catches, how it reports it, and that it changes nothing."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from japus_data.cli import main
from japus_data.validation import validate_package

from .conftest import ROOT, edit_file, package_size, summary_line


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "japus_data", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_repository_package_is_valid() -> None:
    report = validate_package(ROOT)
    assert report.problems == []
    assert sum(report.rows.values()) == package_size()[1]


def test_cli_valid_package_exits_0_with_a_summary() -> None:
    result = run_cli("validate", "--path", str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid:" in result.stdout and summary_line() in result.stdout


def test_the_program_keeps_numpy_off_huge_pages_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import japus_data.cli as cli

    seen: list[str | None] = []

    def main() -> int:
        seen.append(os.environ.get(HUGE))
        return 0

    monkeypatch.setattr(cli, "main", main)
    # A copy of the environment: what ``run`` sets stays in this test.
    monkeypatch.setattr(os, "environ", dict(os.environ))
    for given in (None, "1"):  # unset: the program's setting; set: the user's
        if given is None:
            monkeypatch.delenv(HUGE, raising=False)
        else:
            monkeypatch.setenv(HUGE, given)
        with pytest.raises(SystemExit) as stop:
            cli.run()
        assert stop.value.code == 0
    assert seen == ["0", "1"]


HUGE = "NUMPY_MADVISE_HUGEPAGE"


# (file, text to replace, replacement, row in the file, field named in the error)
MUTATIONS = [
    ("student_exchange", "US,inbound,enrolled,3918", "US,inbund,enrolled,3918", 2, "direction"),
    ("student_exchange", "US,inbound,enrolled,3918", "US,inbound,enrolled,3918x", 2, "students"),
    ("student_exchange", "US,inbound,enrolled,3918", "US,inbound,enrolled,-5", 2, "students"),
    (
        "student_exchange",
        "FR,inbound,government_sponsored,38",
        "FR,inbound,government_sponsored,3800",
        5,
        "students",
    ),
    (
        "student_exchange",
        "FR,outbound,mainly_short_to_mid_term,3022,,japanese_fiscal_year,2023-04-01",
        "FR,outbound,mainly_short_to_mid_term,3022,,japanese_fiscal_year,2023-01-01",
        15,
        "period_start",
    ),
    (
        "student_exchange",
        "CA,outbound,mainly_long_term,1734,,statistical_year,2022-01-01,2022-12-31",
        "CA,outbound,mainly_long_term,1734,,statistical_year,2022-01-01,2022-12-30",
        25,
        "period_end",
    ),
    (
        "student_exchange",
        "US,inbound,government_sponsored,153,enrolled",
        "US,inbound,government_sponsored,153,enroled",
        3,
        "subset_of_measure",
    ),
    ("countries", "US,USA,840", "US,US1,840", 2, "iso_alpha3"),
    (
        "countries",
        "FR,FRA,250,フランス,France,true,true",
        "FR,FRA,250,フランス,France,true,maybe",
        3,
        "g7_member",
    ),
    (
        "organizations",
        "General Atomics,official,GA,ジェネラル・アトミックス社 (GA),US",
        "General Atomics,official,GA,ジェネラル・アトミックス社 (GA),XX",
        18,
        "country_code",
    ),
    ("organizations", "cao,内閣府,Cabinet Office,", "cao,内閣府,,", 3, "name_en"),
    (
        "organizations",
        "riken,理化学研究所,RIKEN,official,,理化学研究所,JP,research_institute",
        "riken,理化学研究所,RIKEN,official,,理化学研究所,JP,laboratory",
        7,
        "kind",
    ),
    (
        "cooperation_areas",
        "ai,1,AI,artificial intelligence (AI),tpd-moc-2025-10-28",
        "ai,1,AI,artificial intelligence (AI),tpd-moc-2099",
        2,
        "agreement_id",
    ),
    ("program_participants", "stem,US,7,", "stem,US,70,", 3, "participants"),
    (
        "program_participants",
        "outbound,participated,stem,,7,",
        "outbound,participated,stem,,70,",
        4,
        "participants",
    ),
    (
        "meetings",
        "summit-2024-04,leaders_summit,日米首脳会談,Japan–US summit meeting,2024-04-01,2024-04-30",
        "summit-2024-04,leaders_summit,日米首脳会談,Japan–US summit meeting,2024-04-01,2024-04-29",
        2,
        "date_end",
    ),
    ("meetings", "2025-04-03,2025-04-03,day", "2025-04-03,2025-04-02,day", 5, "date_end"),
    ("sources", ",2025-12-18,,,title page", ",2025-13-18,,,title page", 2, "date_published"),
    ("claims", "approximately,4000,3918,", "approximately,4000,3919,", 2, "value_computed"),
    (
        "claims",
        "approximately,28000,27476,persons,0.05",
        "approximately,28000,27476,persons,0.01",
        3,
        "value_stated",
    ),
    (
        "corrections",
        "ocr-pressurized-rover,mext-2025-12-18,58,",
        "ocr-pressurized-rover,mext-2025-12-18,57,",
        2,
        "original_text",
    ),
    (
        "organizations",
        "ga,ジェネラル・アトミックス社,",
        "ga,ジェネラル・アトムクス社,",
        3,
        "original_text",
    ),
    (
        "activity_organizations",
        "iter-cooperation,iter,project",
        "iter-cooperation,iter,sponsor",
        14,
        "role",
    ),
]


# Each mutation above is a case of the corpus in tests/test_corpus.py, which also runs
# frictionless on it.


def test_duplicate_primary_key_is_caught(package_copy: Path) -> None:
    path = package_copy / "resources" / "cooperation_areas.csv"
    edit_file(path, lambda text: text.replace("quantum,5,", "ai,5,", 1))
    report = validate_package(package_copy)
    rows = {(p.file, p.row) for p in report.problems if "primary" in p.check or "unique" in p.check}
    assert ("resources/cooperation_areas.csv", 6) in rows


def test_a_changed_file_without_a_new_hash_is_reported(package_copy: Path) -> None:
    path = package_copy / "resources" / "meetings.csv"
    edit_file(path, lambda text: text.replace("Japan–US summit meeting", "Japan–US summit", 1))
    report = validate_package(package_copy)
    assert [(p.file, p.check) for p in report.problems] == [("resources/meetings.csv", "hash")]
    assert main(["hash", "--path", str(package_copy)]) == 0
    assert validate_package(package_copy).problems == []


def test_all_errors_are_reported_at_once(package_copy: Path) -> None:
    chosen = [MUTATIONS[0], MUTATIONS[7], MUTATIONS[11], MUTATIONS[12], MUTATIONS[-1]]
    for file, old, new, _, _ in chosen:
        text = (package_copy / "resources" / f"{file}.csv").read_text(encoding="utf-8")
        (package_copy / "resources" / f"{file}.csv").write_text(
            text.replace(old, new, 1), encoding="utf-8"
        )
    # A second unknown code in the same file as the first.
    edit_file(
        package_copy / "resources" / "student_exchange.csv",
        lambda t: t.replace("FR,inbound,enrolled", "FR,inbound,enroled", 1),
    )
    found = {(p.file, p.row, p.field) for p in validate_package(package_copy).problems}
    expected = {(f"resources/{file}.csv", row, field) for file, _, _, row, field in chosen}
    assert expected | {("resources/student_exchange.csv", 4, "measure")} <= found


def test_json_report(package_copy: Path) -> None:
    edit_file(
        package_copy / "resources" / "countries.csv", lambda t: t.replace("US,USA", "US,US1", 1)
    )
    descriptor = package_copy / "datapackage.json"
    result = run_cli("validate", "--path", str(descriptor), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert {"file": "resources/countries.csv", "row": 2, "field": "iso_alpha3"}.items() <= next(
        e for e in report["errors"] if e["field"] == "iso_alpha3"
    ).items()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "datapackage.json"),
        (b"{not json", "not valid JSON"),
        (b"\x00\xff\xfe binary", "datapackage.json"),
        (b"[]", "must be a JSON object"),
        (b'{"resources": [{"name": "x"}]}', "datapackage.json"),
    ],
)
def test_broken_descriptor_is_invalid_without_traceback(
    package_copy: Path, content: bytes, expected: str
) -> None:
    (package_copy / "datapackage.json").write_bytes(content)
    result = run_cli("validate", "--path", str(package_copy))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert expected in output
    assert "Traceback" not in output


def test_binary_garbage_in_a_table_is_invalid_without_traceback(package_copy: Path) -> None:
    (package_copy / "resources" / "claims.csv").write_bytes(b"\x00\x01\xff\xfe" * 100)
    result = run_cli("validate", "--path", str(package_copy))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "resources/claims.csv" in output
    assert "Traceback" not in output


def test_missing_table_file_is_reported(package_copy: Path) -> None:
    (package_copy / "resources" / "claims.csv").unlink()
    result = run_cli("validate", "--path", str(package_copy))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "resources/claims.csv" in output
    assert "Traceback" not in output


def test_missing_package_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("validate", "--path", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "file not found" in result.stderr


def test_bad_arguments_are_a_usage_error() -> None:
    assert run_cli("validate", "--format", "xml").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("show", "no_such_table").returncode == 2


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_validation_never_rewrites_a_file(package_copy: Path) -> None:
    before = _digests(package_copy)
    assert run_cli("validate", "--path", str(package_copy)).returncode == 0
    edit_file(
        package_copy / "resources" / "countries.csv", lambda t: t.replace("US,USA", "US,US1", 1)
    )
    mutated = _digests(package_copy)
    assert run_cli("validate", "--path", str(package_copy)).returncode == 1
    assert _digests(package_copy) == mutated
    assert mutated != before


def test_frictionless_accepts_the_package() -> None:
    import frictionless

    report = frictionless.validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_descriptor_matches_the_data_package_v2_profile() -> None:
    import dplib
    import jsonschema

    profiles = Path(dplib.__file__).parent / "profiles" / "2.0"
    profile = json.loads((profiles / "datapackage.json").read_text(encoding="utf-8"))
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    jsonschema.validate(descriptor, profile)
