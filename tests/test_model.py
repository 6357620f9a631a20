"""One descriptor model (issue 11): every module reads tables and fields through
``japus_data.descriptor``, and a resource's ``dialect`` is read once, the same way by the
validator, the loader and the diff."""

from __future__ import annotations

import ast
import csv
import dataclasses
from pathlib import Path
from typing import Any

import pytest

import japus_data
from japus_data.checks import files
from japus_data.cli import main
from japus_data.descriptor import DescriptorError, Field, Table, parse_package
from japus_data.diff import DiffError, diff_packages, render_text
from japus_data.validation import validate_package

from .conftest import ROOT, change_descriptor, resource

# Properties only a table schema or a field has: read from the JSON by the structural check
# and the model alone (checks/names.py checks names in the JSON before a model exists).
SCHEMA_KEYS = {
    "schema",
    "fields",
    "dialect",
    "primaryKey",
    "foreignKeys",
    "uniqueKeys",
    "missingValues",
    "categories",
    "trueValues",
    "falseValues",
    "groupChar",
    "decimalChar",
    "bareNumber",
}
MODEL = {
    "japus_data/descriptor.py",
    "japus_data/checks/descriptor.py",
    "japus_data/checks/names.py",
}
# ``Package.raw`` is the descriptor as written, for what reproduces or hashes it.
RAW_ALLOWED = {
    "japus_data/descriptor.py",
    "japus_data/verify.py",  # schemaHash of the descriptor as written
    "japus_data/exports/_common.py",  # Bundle.raw, for the JSON export's copy
    "japus_data/exports/to_json.py",  # writes the descriptor as written
}
# Same words, other dicts: the docs' UI strings (``t["categories"]`` is a column heading).
NOT_JSON = {("docs/hooks/japus_pages.py", "categories")}
SOURCES = sorted([*(ROOT / "japus_data").rglob("*.py"), *(ROOT / "docs" / "hooks").glob("*.py")])


def _json_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a schema or field property is read from a dict: ``x["fields"]``, ``x.get(...)``."""
    found = []
    for node in ast.walk(tree):
        key: object = None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if isinstance(node.slice, ast.Constant):
                key = node.slice.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            key = node.args[0].value
        if isinstance(node, ast.expr) and key in SCHEMA_KEYS:
            found.append((node.lineno, str(key)))
    return found


def test_no_module_reads_tables_or_fields_from_the_json() -> None:
    reads = {}
    for path in SOURCES:
        name = path.relative_to(ROOT).as_posix()
        if name not in MODEL:
            found = [
                (line, key)
                for line, key in _json_reads(ast.parse(path.read_text(encoding="utf-8")))
                if (name, key) not in NOT_JSON
            ]
            if found:
                reads[name] = found
    assert reads == {}


def test_the_json_reads_check_can_fail() -> None:
    """The scan finds each way a property is read (so that the test above can fail)."""
    code = 'a["schema"]["fields"]; b.get("dialect"); c["categories"] = 1; d.get("title")'
    assert sorted(_json_reads(ast.parse(code))) == [(1, "dialect"), (1, "fields"), (1, "schema")]


def test_raw_is_read_only_where_the_descriptor_is_reproduced() -> None:
    reads = {}
    for path in SOURCES:
        name = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = [
            n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "raw"
        ]
        if lines and name not in RAW_ALLOWED:
            reads[name] = lines
    assert reads == {}


def test_tables_and_fields_carry_no_json() -> None:
    for cls in (Table, Field):
        names = {f.name for f in dataclasses.fields(cls)}
        assert "raw" not in names, cls


def test_the_model_holds_what_the_descriptor_says() -> None:
    """Labels, Japanese titles, units, reading options and keys, from the model alone."""
    import json

    raw = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    package = parse_package(ROOT)
    for written in raw["resources"]:
        table = package.table(written["name"])
        schema = written["schema"]
        assert table.title_ja == written.get("title_ja", "")
        assert table.dialect.delimiter == written.get("dialect", {}).get("delimiter", ",")
        for entry in schema["fields"]:
            f = table.field(entry["name"])
            assert f.title_ja == entry.get("title_ja", "")
            assert f.categories_json == entry.get("categories"), (table.name, f.name)
            assert dict(f.constraints) == entry.get("constraints", {})
            assert f.missing == tuple(schema.get("missingValues", [""]))
            assert f.required == (
                entry.get("constraints", {}).get("required", False) or f.name in table.primary_key
            )
    labelled = package.table("student_exchange").field("direction").category_items
    assert labelled is not None and labelled[0].label_ja == "受入れ（相手国から日本へ）"


def test_field_specs_is_the_model(package: Any) -> None:
    from japus_data.fieldspec import FieldSpec, field_specs

    table = package.table("countries")
    assert FieldSpec is Field and field_specs(table) == list(table.fields)


# --------------------------------------------------------------------------- dialect


def _semicolons(root: Path) -> None:
    """countries.csv written with ``;`` and every cell quoted, declared so, hashes recorded."""
    path = root / "resources" / "countries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    change_descriptor(root, lambda raw: resource(raw, "countries")["dialect"].update(delimiter=";"))
    assert main(["hash", "--path", str(root)]) == 0


def test_a_semicolon_dialect_validates_loads_and_diffs_identically(package_copy: Path) -> None:
    _semicolons(package_copy)
    table = parse_package(package_copy).table("countries")
    assert table.dialect.delimiter == ";" and files.dialect(table) == (";", '"')
    report = validate_package(package_copy)
    assert report.valid, [str(p) for p in report.problems]
    assert report.rows["countries"] == validate_package(ROOT).rows["countries"]
    loaded, original = japus_data.load("countries", package_copy), japus_data.load("countries")
    assert loaded.equals(original) and list(loaded.dtypes) == list(original.dtypes)
    (countries,) = [
        t for t in diff_packages(str(ROOT), str(package_copy)).tables if t.name == "countries"
    ]
    assert (countries.added, countries.removed, countries.changed) == ([], [], [])
    assert countries.metadata == ["dialect"]


BAD_DIALECTS: list[tuple[dict[str, Any], str, str]] = [
    ({"delimiter": '"'}, "quoteChar", "the delimiter and the quote character must differ"),
    ({"delimiter": "\n"}, "delimiter", "a line break cannot be the delimiter"),
    ({"quoteChar": "\r"}, "quoteChar", "a line break cannot be the quote character"),
    ({"delimiter": ";;"}, "delimiter", "must be one character"),
    ({"header": False}, "header", "tables must have a header row"),
    ({"doubleQuote": False}, "doubleQuote", "japus-data reads only true"),
    ({"skipInitialSpace": True}, "skipInitialSpace", "japus-data reads only false"),
    ({"lineTerminator": "\r"}, "lineTerminator", "japus-data reads lines ending in"),
    ({"escapeChar": "\\"}, "escapeChar", "not supported by japus-data"),
    ({"commentChar": "#"}, "commentChar", "not supported by japus-data"),
]


@pytest.mark.parametrize(("dialect", "key", "message"), BAD_DIALECTS)
def test_a_bad_dialect_is_one_problem_from_validate_load_and_diff(
    package_copy: Path, dialect: dict[str, Any], key: str, message: str
) -> None:
    change_descriptor(
        package_copy, lambda raw: resource(raw, "countries")["dialect"].update(dialect)
    )
    index = [r["name"] for r in japus_data.descriptor.read_descriptor(package_copy)["resources"]]
    pointer = f"/resources/{index.index('countries')}/dialect/{key}"
    report = validate_package(package_copy)
    about = [p for p in report.problems if p.field == pointer]
    assert len(about) == 1 and about[0].message.startswith(message), [str(p) for p in about]
    line = f"{pointer}: {about[0].message}"
    with pytest.raises(DescriptorError) as loading:
        japus_data.load("countries", package_copy)
    assert line in str(loading.value) and "\n" not in str(loading.value)
    with pytest.raises(DiffError) as diffing:
        diff_packages(str(ROOT), str(package_copy))
    said = str(diffing.value).replace(" (resource 'countries')", "")
    assert line in said and "\n" not in said


def test_the_diff_reads_the_dialect_the_model_reads(package_copy: Path) -> None:
    """A quote character other than ``"``: the diff splits cells as the loader does."""
    path = package_copy / "resources" / "countries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][-1] = "a|b"  # a delimiter inside a quoted cell
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(
            fh, delimiter="|", quotechar="'", quoting=csv.QUOTE_ALL, lineterminator="\n"
        ).writerows(rows)
    change_descriptor(
        package_copy,
        lambda raw: resource(raw, "countries")["dialect"].update(delimiter="|", quoteChar="'"),
    )
    diff = diff_packages(str(ROOT), str(package_copy))
    (countries,) = [t for t in diff.tables if t.name == "countries"]
    assert countries.file_columns_added == [] and len(countries.changed) == 1
    (change,) = countries.changed[0].cells
    assert change.new == "a|b"
    assert "(extra cells)" not in render_text(diff)


def test_the_structural_check_runs_once_per_resource_per_validate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from japus_data.checks import descriptor as checks

    seen: list[str] = []
    original = checks.shape_problems

    def counted(where: str, resource: object) -> list[Any]:
        seen.append(where)
        return original(where, resource)

    monkeypatch.setattr(checks, "shape_problems", counted)
    validate_package(ROOT)
    assert sorted(seen) == sorted(f"/resources/{i}" for i in range(len(parse_package(ROOT).tables)))
