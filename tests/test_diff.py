"""`japus-data diff`: rows, schema and version changes between two versions of the package."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from japus_data.cli import main
from japus_data.descriptor import parse_package
from japus_data.diff import diff_packages

from .conftest import ROOT, change_descriptor, csv_records, git, resource

OLD = str(ROOT)
N = csv_records(ROOT, "resources/student_exchange.csv")  # however many rows there are
V = parse_package(ROOT).version  # the repository's version, and the recipe's next ones
_major, _minor, _patch = (int(part) for part in V.split("."))
MAJOR, MINOR, PATCH = (
    f"{_major + 1}.0.0",
    f"{_major}.{_minor + 1}.0",
    f"{_major}.{_minor}.{_patch + 1}",
)
Rows = list[list[str]]


def edit_rows(root: Path, table: str, change: Callable[[Rows], None]) -> None:
    """Rewrite ``resources/<table>.csv`` after ``change`` edits its rows (header first)."""
    path = root / "resources" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def set_version(root: Path, version: str) -> None:
    change_descriptor(root, lambda raw: raw.update(version=version))


def append_korea(rows: Rows) -> None:
    rows.append(
        ["KR", "KOR", "410", "韓国", "Republic of Korea", "true", "false", "", *rows[1][8:]]
    )


def delete_row(key: str) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        rows[:] = [r for r in rows if r[0] != key]

    return change


def set_cell(key: str, column: str, value: str) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        col = rows[0].index(column)
        for r in rows[1:]:
            if r[0] == key:
                r[col] = value

    return change


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- folders


def test_identical_versions(capsys: pytest.CaptureFixture[str], package_copy: Path) -> None:
    code, out, err = run(capsys, OLD, str(package_copy))
    assert (code, err) == (0, "")
    assert out == (
        f"diff {OLD} ({V}) → {package_copy} ({V})\n"
        "\n"
        "no changes\n"
        "\n"
        f"version: {V} → {V}\n"
        f"suggested version: {V} (no change)\n"
    )


def test_appended_row_is_minor(capsys: pytest.CaptureFixture[str], package_copy: Path) -> None:
    edit_rows(package_copy, "countries", append_korea)
    code, out, _ = run(capsys, OLD, str(package_copy))
    assert code == 0
    assert out == (
        f"diff {OLD} ({V}) → {package_copy} ({V})\n"
        f"WARNING: NEW's version is {V}; the recipe gives {MINOR} (minor)\n"
        "\n"
        "countries: 7 → 8 rows: 1 added, 0 removed, 0 changed\n"
        "  + KR\n"
        "\n"
        f"version: {V} → {V}\n"
        f"suggested version: {MINOR} (minor: rows appended to countries)\n"
    )
    # Bumped as the recipe says: no warning, and --fail-on-version passes.
    set_version(package_copy, MINOR)
    code, out, _ = run(capsys, OLD, str(package_copy), "--fail-on-version")
    assert code == 0
    assert "WARNING" not in out
    set_version(package_copy, PATCH)
    assert run(capsys, OLD, str(package_copy), "--fail-on-version")[0] == 1


def test_deleted_row_warns_and_can_fail(
    capsys: pytest.CaptureFixture[str], package_copy: Path
) -> None:
    edit_rows(package_copy, "countries", delete_row("IT"))
    set_version(package_copy, MAJOR)
    code, out, _ = run(capsys, OLD, str(package_copy))
    assert code == 0
    assert out == (
        f"diff {OLD} ({V}) → {package_copy} ({MAJOR})\n"
        "WARNING: countries lost 1 row (7 → 6 rows; 0 added)\n"
        "\n"
        "countries: 7 → 6 rows: 0 added, 1 removed, 0 changed\n"
        "  - IT\n"
        "\n"
        f"version: {V} → {MAJOR}\n"
        f"suggested version: {MAJOR} (major: rows removed from countries)\n"
    )
    code, _, err = run(capsys, OLD, str(package_copy), "--fail-on-removed", "--format", "json")
    assert code == 1
    assert "japus-data: warning: countries lost 1 row" in err


def test_changed_value_by_composite_key(
    capsys: pytest.CaptureFixture[str], package_copy: Path
) -> None:
    def change(rows: Rows) -> None:
        header = rows[0]
        for r in rows[1:]:
            if r[1:4] == ["FR", "inbound", "enrolled"] and "2024-05-01" in r:
                r[header.index("students")] = "2013"
                r[header.index("note")] = "Fixed | checked"

    edit_rows(package_copy, "student_exchange", change)
    set_version(package_copy, PATCH)
    code, out, _ = run(capsys, OLD, str(package_copy))
    assert code == 0
    assert out == (
        f"diff {OLD} ({V}) → {package_copy} ({PATCH})\n"
        "\n"
        f"student_exchange: {N} → {N} rows: 0 added, 0 removed, 1 changed\n"
        "  ~ series_id=jasso-international-students, country_code=FR, direction=inbound, "
        "measure=enrolled, period_start=2024-05-01\n"
        "      students: '2012' → '2013'\n"
        "      note: '' → 'Fixed | checked'\n"
        "\n"
        f"version: {V} → {PATCH}\n"
        f"suggested version: {PATCH} (patch: values fixed in student_exchange)\n"
    )
    code, out, _ = run(capsys, OLD, str(package_copy), "--format", "markdown")
    assert code == 0
    assert f"| `student_exchange` | changed | {N} | {N} | 0 | 0 | 1 |  |" in out
    assert "  - `note`: `∅` → `Fixed \\| checked`" in out
    assert f"Version: {V} → {PATCH} ✅ follows the recipe" in out


def test_added_column_and_retyped_field_are_major(
    capsys: pytest.CaptureFixture[str], package_copy: Path
) -> None:
    def add_field(raw: dict[str, Any]) -> None:
        fields = resource(raw, "countries")["schema"]["fields"]
        fields.append({"name": "region", "type": "string"})
        fields = resource(raw, "student_exchange")["schema"]["fields"]
        next(f for f in fields if f["name"] == "students")["type"] = "number"

    def add_column(rows: Rows) -> None:
        rows[0].append("region")
        for r in rows[1:]:
            r.append("Asia" if r[0] == "JP" else "")

    change_descriptor(package_copy, add_field)
    edit_rows(package_copy, "countries", add_column)
    code, out, _ = run(capsys, OLD, str(package_copy))
    assert code == 0
    assert out == (
        f"diff {OLD} ({V}) → {package_copy} ({V})\n"
        f"WARNING: NEW's version is {V}; the recipe gives {MAJOR} (major)\n"
        "\n"
        "countries: 7 → 7 rows: 0 added, 0 removed, 0 changed\n"
        "  schema: column added: region (string)\n"
        "\n"
        f"student_exchange: {N} → {N} rows: 0 added, 0 removed, 0 changed\n"
        "  schema: column retyped: students integer → number\n"
        "\n"
        f"version: {V} → {V}\n"
        f"suggested version: {MAJOR} (major: column countries.region added; "
        "column student_exchange.students retyped integer → number)\n"
    )


def test_file_column_the_schema_lacks(
    capsys: pytest.CaptureFixture[str], package_copy: Path
) -> None:
    def drop_note(rows: Rows) -> None:
        for r in rows:
            del r[-1]

    edit_rows(package_copy, "countries", drop_note)
    code, out, _ = run(capsys, OLD, str(package_copy))
    assert code == 0
    assert "countries: 7 → 7 rows: 0 added, 0 removed, 0 changed\n" in out
    assert "  file: column removed: note (still in the schema)\n" in out
    assert (
        f"suggested version: {MAJOR} (major: column countries.note removed from the CSV file)"
        in out
    )


def test_dropped_and_added_tables(capsys: pytest.CaptureFixture[str], package_copy: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        claims = resource(raw, "claims")
        raw["resources"].remove(claims)
        extra = json.loads(json.dumps(resource(raw, "countries")))
        extra.update(name="countries_copy", path="resources/countries.csv")
        raw["resources"].append(extra)

    change_descriptor(package_copy, change)
    code, out, _ = run(capsys, OLD, str(package_copy), "--fail-on-removed")
    assert code == 1
    assert out == (
        f"diff {OLD} ({V}) → {package_copy} ({V})\n"
        "WARNING: table claims removed: 4 rows lost\n"
        f"WARNING: NEW's version is {V}; the recipe gives {MAJOR} (major)\n"
        "tables added: countries_copy\n"
        "tables removed: claims\n"
        "\n"
        "countries_copy: table added, 7 rows\n"
        "\n"
        "claims: table removed, 4 rows lost\n"
        "\n"
        f"version: {V} → {V}\n"
        f"suggested version: {MAJOR} (major: table claims removed)\n"
    )


def test_metadata_change_is_a_patch(package_copy: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        resource(raw, "countries")["description"] = "Countries."
        resource(raw, "countries")["schema"]["fields"][0]["description"] = "Code."
        raw["keywords"] = ["Japan"]

    change_descriptor(package_copy, change)
    result = diff_packages(OLD, str(package_copy)).to_dict()
    assert result["tables"]["countries"]["metadata"] == ["description", "country_code.description"]
    assert result["metadata"] == ["keywords"]
    assert (result["bump"], result["suggested_version"]) == ("patch", f"{PATCH}")


def test_json_report(capsys: pytest.CaptureFixture[str], package_copy: Path) -> None:
    edit_rows(package_copy, "countries", append_korea)
    edit_rows(package_copy, "countries", delete_row("IT"))
    edit_rows(package_copy, "countries", set_cell("FR", "iso_numeric", "251"))
    code, out, _ = run(capsys, OLD, str(package_copy), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["old"] == {"label": OLD, "version": V}
    assert report["rows_lost"] == {"countries": 1}
    assert report["tables"] == {
        "countries": {
            "status": "changed",
            "rows_old": 7,
            "rows_new": 7,
            "added": 1,
            "removed": 1,
            "changed": 1,
            "primary_key": ["country_code"],
            "added_rows": [{"country_code": "KR"}],
            "removed_rows": [{"country_code": "IT"}],
            "changed_rows": [
                {
                    "key": {"country_code": "FR"},
                    "fields": {"iso_numeric": {"old": "250", "new": "251"}},
                }
            ],
            "schema": {
                "fields_added": [],
                "fields_removed": [],
                "fields_retyped": [],
                "primary_key": None,
                "file_columns_added": [],
                "file_columns_removed": [],
            },
            "metadata": [],
        }
    }
    assert (report["bump"], report["suggested_version"]) == ("major", MAJOR)
    assert report["version_follows_recipe"] is False


def test_data_the_schema_rejects_is_still_compared(package_copy: Path) -> None:
    """Text cells: a non-number, a ragged row and a duplicate key are reported, not refused."""

    def break_rows(rows: Rows) -> None:
        rows[1][rows[0].index("iso_numeric")] = "eight hundred"
        rows.append(list(rows[2]))  # FR again: a duplicate primary key
        rows.append(["XX", "only two cells"])

    edit_rows(package_copy, "countries", break_rows)
    table = diff_packages(OLD, str(package_copy)).to_dict()["tables"]["countries"]
    assert table["added_rows"] == [{"country_code": "FR"}, {"country_code": "XX"}]
    assert table["changed_rows"] == [
        {
            "key": {"country_code": "US"},
            "fields": {"iso_numeric": {"old": "840", "new": "eight hundred"}},
        }
    ]


# --------------------------------------------------------------------------- git revisions


@pytest.fixture
def repo(package_copy: Path) -> Path:
    """A git repository holding the package in ``pkg/``: HEAD~1 as released, HEAD with a row
    appended, and an uncommitted value change in the working tree."""
    top = package_copy.parent
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "pkg")
    git(top, "commit", "-q", "-m", "1.0.0")
    edit_rows(package_copy, "countries", append_korea)
    git(top, "commit", "-q", "-am", "append KR")
    edit_rows(package_copy, "countries", set_cell("FR", "name_en", "French Republic"))
    return top


def test_git_revisions(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    code, out, err = run(capsys, "git:HEAD~1:pkg", "git:main:pkg", "--repo", str(repo))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"diff git:HEAD~1:pkg ({V}) → git:main:pkg ({V})"
    assert "countries: 7 → 8 rows: 1 added, 0 removed, 0 changed\n  + KR\n" in out


def test_git_revision_against_the_working_tree(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    pkg = repo / "pkg"
    # --repo inside the package: revision paths are relative to it, like paths on disk.
    code, out, _ = run(capsys, "git:HEAD~1", str(pkg), "--repo", str(pkg))
    assert code == 0
    assert "countries: 7 → 8 rows: 1 added, 0 removed, 1 changed\n" in out
    assert "  ~ FR\n      name_en: 'France' → 'French Republic'\n" in out
    # REV: with an empty folder, as git writes it, is the same as REV.
    again = run(capsys, "git:HEAD~1:", str(pkg), "--repo", str(pkg))[1]
    assert again.replace("git:HEAD~1:", "git:HEAD~1", 1) == out
    # A name that is no path is tried as a revision: HEAD:pkg has KR already.
    code, out, _ = run(capsys, "HEAD:pkg", str(pkg), "--repo", str(repo))
    assert code == 0
    assert "countries: 8 → 8 rows: 0 added, 0 removed, 1 changed\n" in out


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("old", "message"),
    [
        ("no/such/folder", "japus-data: no/such/folder: no such file or folder, nor a git "),
        ("git:no-such-rev", "japus-data: git:no-such-rev: unknown git revision 'no-such-rev'"),
        ("git:HEAD:nowhere", "japus-data: git:HEAD:nowhere: nowhere/datapackage.json: not in "),
        ("git:--help", "japus-data: git:--help: not a git revision"),
    ],
)
def test_bad_versions_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], repo: Path, old: str, message: str
) -> None:
    code, out, err = run(capsys, old, str(repo / "pkg"), "--repo", str(repo))
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1, err


def test_not_a_git_repository(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "git:HEAD", OLD, "--repo", str(tmp_path))
    assert code == 2
    assert err == f"japus-data: {tmp_path}: not a git repository (needed for git:HEAD)\n"


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("{ not json", "datapackage.json:1:3: not valid JSON"),
        ('{"name": "x"}', "datapackage.json: not a data package (no resources list)"),
        (
            '{"resources": [{"name": "t"}]}',
            "datapackage.json: /resources/0/path (resource 't'): a resource path must be",
        ),
        (
            '{"resources": [{"name": "t", "path": "t.csv", "schema": {"fields": []}}]}',
            "t.csv: file",
        ),
    ],
)
def test_broken_descriptor_exits_2_without_traceback(
    package_copy: Path, breakage: str, message: str
) -> None:
    (package_copy / "datapackage.json").write_text(breakage, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "japus_data", "diff", OLD, str(package_copy)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- unsafe paths


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/etc/passwd", "is absolute"),
        ("../outside.csv", "contains '..'"),
        ("resources/../../outside.csv", "contains '..'"),
        ("https://example.org/t.csv", "is a URL"),
        ("file:///etc/passwd", "is a URL"),
        ("link/outside.csv", "leads out of the package through a symlink"),
    ],
)
def test_paths_outside_the_package_are_refused(
    capsys: pytest.CaptureFixture[str], package_copy: Path, path: str, why: str
) -> None:
    """Nothing outside the package is read, let alone printed into a CI job summary."""
    secret = package_copy.parent / "outside.csv"
    secret.write_text("code\nSECRET\n", encoding="utf-8")
    (package_copy / "link").symlink_to(package_copy.parent, target_is_directory=True)
    change_descriptor(package_copy, lambda raw: resource(raw, "countries").update(path=path))
    for args in ((OLD, str(package_copy)), (str(package_copy), OLD)):
        code, out, err = run(capsys, *args, "--format", "markdown")
        assert (code, out) == (2, ""), out
        assert "SECRET" not in err and "root:" not in err
        assert why in err and "'countries'" in err and err.count("\n") == 1, err


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.csv", "https://example.org/t.csv"])
def test_paths_outside_a_revision_are_refused(
    capsys: pytest.CaptureFixture[str], repo: Path, path: str
) -> None:
    (repo / "outside.csv").write_text("code\nSECRET\n", encoding="utf-8")
    git(repo, "add", "outside.csv")
    change_descriptor(repo / "pkg", lambda raw: resource(raw, "countries").update(path=path))
    git(repo, "commit", "-q", "-am", "point outside")
    code, out, err = run(capsys, "git:HEAD~1:pkg", "git:HEAD:pkg", "--repo", str(repo))
    assert (code, out) == (2, ""), out
    assert "SECRET" not in err and "'countries'" in err and err.count("\n") == 1, err


# --------------------------------------------------------------------------- odd descriptors


def _countries(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return lambda raw: change(resource(raw, "countries"))


PK = "/resources/1/schema/primaryKey (resource 'countries'): must be a field name or a list"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # The one structural check's line, as the validator and the loader give it.
        (_countries(lambda r: r["schema"].update(primaryKey=5)), PK),
        (_countries(lambda r: r["schema"].update(primaryKey=[1])), PK),
        (_countries(lambda r: r["schema"].update(primaryKey={"a": 1})), PK),
        (_countries(lambda r: r.pop("schema")), "give the table schema inline"),
        (
            _countries(lambda r: r["schema"].update(fields={})),
            "/resources/1/schema/fields (resource 'countries'): must be a list of fields",
        ),
        (
            _countries(lambda r: r["schema"].update(fields=["code"])),
            "/resources/1/schema/fields/0 (resource 'countries'): a field must be an object",
        ),
        (
            _countries(lambda r: r["schema"].update(fields=[{"name": ["x"]}])),
            "/resources/1/schema/fields/0/name (resource 'countries'): must be a non-empty",
        ),
        (lambda raw: raw.update(resources={}), "not a data package (no resources list)"),
        (lambda raw: raw.update(resources=[5]), "/resources/0: a resource must be an object"),
    ],
)
def test_odd_descriptors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], package_copy: Path, change: Any, message: str
) -> None:
    change_descriptor(package_copy, change)
    for args in ((OLD, str(package_copy)), (str(package_copy), OLD)):
        code, out, err = run(capsys, *args)
        assert (code, out) == (2, ""), out
        assert message in err and err.count("\n") == 1, err


def test_deeply_nested_descriptor_exits_2(
    capsys: pytest.CaptureFixture[str], package_copy: Path
) -> None:
    (package_copy / "datapackage.json").write_text("[" * 100_000, encoding="utf-8")
    code, out, err = run(capsys, OLD, str(package_copy))
    assert (code, out) == (2, "")
    assert "datapackage.json" in err and err.count("\n") == 1, err


# --------------------------------------------------------------------------- file columns, dialect


def test_file_column_never_in_the_schema(
    capsys: pytest.CaptureFixture[str], package_copy: Path, tmp_path: Path
) -> None:
    """A column only OLD's file had, undeclared in either schema, is not 'still in the schema'."""
    old = tmp_path / "old"
    shutil.copytree(package_copy, old)

    def add_extra(rows: Rows) -> None:
        rows[0].append("scratch")
        for r in rows[1:]:
            r.append("x")

    edit_rows(old, "countries", add_extra)
    code, out, _ = run(capsys, str(old), str(package_copy))
    assert code == 0
    assert "  file: column removed: scratch (never declared in the schema)\n" in out
    assert "still in the schema" not in out
    # Reversed: the column appears in the file, undeclared.
    out = run(capsys, str(package_copy), str(old))[1]
    assert "  file: column added: scratch (not declared in the schema)\n" in out


def _rewrite(root: Path, table: str, **dialect: str) -> None:
    path = root / "resources" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n", **dialect).writerows(rows)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "dialect",
    [{"delimiter": ";"}, {"delimiter": "\t", "quotechar": "'"}, {"quotechar": "'"}],
)
def test_the_resource_dialect_is_honoured(
    capsys: pytest.CaptureFixture[str], package_copy: Path, dialect: dict[str, str]
) -> None:
    _rewrite(package_copy, "countries", quoting=csv.QUOTE_ALL, **dialect)  # type: ignore[arg-type]
    keys = {"delimiter": "delimiter", "quotechar": "quoteChar"}
    change_descriptor(
        package_copy,
        lambda raw: resource(raw, "countries")["dialect"].update(
            {keys[k]: v for k, v in dialect.items()}
        ),
    )
    code, out, _ = run(capsys, OLD, str(package_copy))
    assert code == 0
    assert "countries: 7 → 7 rows: 0 added, 0 removed, 0 changed\n" in out
    assert "  metadata changed: dialect\n" in out
    assert "file:" not in out and "~" not in out


@pytest.mark.parametrize(
    "dialect", [{"delimiter": ";;"}, {"delimiter": 5}, {"quoteChar": ""}, "dialect.json", [1]]
)
def test_an_odd_dialect_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], package_copy: Path, dialect: Any
) -> None:
    change_descriptor(package_copy, lambda raw: resource(raw, "countries").update(dialect=dialect))
    code, out, err = run(capsys, OLD, str(package_copy))
    assert (code, out) == (2, "")
    assert "'countries'" in err and "dialect" in err and err.count("\n") == 1, err
