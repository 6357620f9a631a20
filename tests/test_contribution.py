"""A new survey year, contributed as CONTRIBUTING.md's first walkthrough says, end to end.

On a copy of the package: add the ``sources`` row of the document read, append one row per
partner country to ``student_exchange``, run the one documented command (``japus-data hash``),
then validate, load, build the table's documentation page and ``diff`` against the original.
No test file names a row total, so the contribution needs no test edit; this test proves it.
The counts below are test data for a hypothetical survey, never shipped.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

import japus_data
from japus_data.cli import main

from .conftest import ROOT, run_clean

NEW_SOURCE = "jasso-2025-international-students"
COUNTS = {"US": 4001, "FR": 2101, "GB": 1001, "DE": 1301, "IT": 901, "CA": 601}


def append_csv(path: Path, rows: list[dict[str, str]]) -> None:
    """Append rows under the file's own header, as a spreadsheet or editor would."""
    text = path.read_text(encoding="utf-8")
    header = next(csv.reader([text.splitlines()[0]]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    for row in rows:
        assert set(row) <= set(header), set(row) - set(header)
        writer.writerow(row)
    path.write_text(text + out.getvalue(), encoding="utf-8")


def contribute_survey_year(root: Path) -> None:
    append_csv(
        root / "resources" / "sources.csv",
        [
            {
                "source_id": NEW_SOURCE,
                "kind": "statistical_survey",
                "publisher_ja": "日本学生支援機構",
                "publisher_en": "Japan Student Services Organization (JASSO)",
                "publisher_organization_id": "jasso",
                "title_ja": "2025(令和7)年度外国人留学生在籍状況調査結果",
                "title_en": "Result of the Survey of International Students in Japan, 2025",
                "title_en_basis": "rendering",
                "reference_period_as_stated": "2025年5月1日現在",
                "reference_period_en": "as of 1 May 2025",
                "date_published": "2026-03-31",
                "url": "https://www.studyinjapan.go.jp/ja/statistics/zaiseki/",
                "locator": "the result report",
                "note": "Test data for a hypothetical contribution.",
            }
        ],
    )
    append_csv(
        root / "resources" / "student_exchange.csv",
        [
            {
                "series_id": "jasso-international-students",
                "country_code": country,
                "direction": "inbound",
                "measure": "enrolled",
                "students": str(count),
                "period_type": "point_in_time",
                "period_start": "2025-05-01",
                "period_end": "2025-05-01",
                "period_as_stated": "2025年5月1日現在",
                "source_id": NEW_SOURCE,
                "locator": f"p. 5, table 6, row {country}",
                "attestation": "primary_publication",
            }
            for country, count in COUNTS.items()
        ],
    )


@pytest.fixture
def contributed(package_copy: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    contribute_survey_year(package_copy)
    assert main(["hash", "--path", str(package_copy)]) == 0
    out = capsys.readouterr().out
    for what in ("sources list of student_exchange", "hash of student_exchange", "hash of sources"):
        assert what in out
    return package_copy


def test_before_the_hash_the_validator_says_what_to_run(package_copy: Path) -> None:
    contribute_survey_year(package_copy)
    result = run_clean(sys.executable, "-m", "japus_data", "validate", "--path", package_copy)
    assert result.returncode == 1
    assert "run `japus-data hash`" in result.stdout
    assert f"rows cite {NEW_SOURCE} but the list lacks it" in result.stdout
    assert "[sources-list]" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_contribution_validates_and_loads(contributed: Path) -> None:
    result = run_clean(sys.executable, "-m", "japus_data", "validate", "--path", contributed)
    assert result.returncode == 0, result.stdout
    frame = japus_data.load("student_exchange", contributed)
    new = frame[frame["source_id"] == NEW_SOURCE]
    assert dict(zip(new["country_code"], new["students"], strict=True)) == COUNTS
    assert str(new["period_start"].iloc[0].date()) == "2025-05-01"
    # The resource's sources list now names the new document, with its full citation.
    listed = {s["source_id"]: s for s in frame.attrs["sources"]}
    assert NEW_SOURCE in listed
    assert "2025" in listed[NEW_SOURCE]["citation"]
    # The briefing's own table, and so the claims, are untouched.
    briefing = frame[frame["source_id"] == "mext-2025-12-18"]
    assert len(briefing) == 24


def test_the_descriptor_lists_it_with_nothing_else_changed(contributed: Path) -> None:
    before = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    after = json.loads((contributed / "datapackage.json").read_text(encoding="utf-8"))
    changed = [
        r["name"]
        for r, s in zip(before["resources"], after["resources"], strict=True)
        if r.get("sources") != s.get("sources")
    ]
    assert changed == ["sources", "student_exchange"]
    for r, s in zip(before["resources"], after["resources"], strict=True):
        assert r["schema"] == s["schema"]


def test_the_table_page_shows_the_new_rows(contributed: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        from japus_pages import generate
    finally:
        sys.path.remove(str(ROOT / "docs" / "hooks"))
    for included in ROOT.glob("*.md"):  # the pages the site includes from the repository root
        (contributed / included.name).write_bytes(included.read_bytes())
    generate(contributed, tmp_path / "docs")
    page = (tmp_path / "docs" / "tables" / "student_exchange.md").read_text(encoding="utf-8")
    for count in COUNTS.values():
        assert f"{count:,}" in page or str(count) in page
    assert NEW_SOURCE in page
    download = tmp_path / "docs" / "data" / "student_exchange.csv"
    assert download.read_bytes() == (contributed / "resources/student_exchange.csv").read_bytes()


def test_diff_lists_the_rows_as_added(
    contributed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(ROOT), str(contributed)]) == 0
    out = capsys.readouterr().out
    assert "student_exchange:" in out and f"{len(COUNTS)} added, 0 removed, 0 changed" in out
    for country in COUNTS:
        assert (
            f"+ series_id=jasso-international-students, country_code={country}, "
            "direction=inbound, measure=enrolled, period_start=2025-05-01"
        ) in out
    assert f"+ {NEW_SOURCE}" in out
    assert "(minor: rows appended to" in out
