"""Exports: every table in every format, read back by a tool that is not ours.

Each export is read with pyarrow or DuckDB (Parquet), sqlite3 (SQLite), openpyxl (xlsx) or
the json module (JSON) and compared with the loader's frame: same columns, rows, values and
types. The expected values and types come from the loader and the schema, never from the
exporter.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import japus_data
from japus_data.cli import main
from japus_data.descriptor import Field, Package, Table, parse_package
from japus_data.exports import FORMATS, INSTALL_HINT, InvalidPackageError
from japus_data.integrity import refresh_hashes

from .conftest import ROOT, edit_file

TABLES = japus_data.tables()
Rows = list[list[Any]]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every format exported once, by the public function."""
    out = tmp_path_factory.mktemp("exports")
    dirs = {}
    for fmt in FORMATS:
        written = japus_data.export(fmt, out / fmt)
        assert written and all(p.is_file() and p.parent == out / fmt for p in written)
        dirs[fmt] = out / fmt
    return dirs


def expected_rows(frame: pd.DataFrame) -> Rows:
    """The loader's frame as plain Python values: None, str, int, float, bool, date."""

    def plain(value: Any) -> Any:
        if pd.isna(value):
            return None
        if isinstance(value, pd.Timestamp):
            assert value == value.normalize()
            return value.date()
        return value.item() if hasattr(value, "item") else value

    return [[plain(v) for v in row] for row in frame.astype(object).itertuples(index=False)]


# --- readers: (export folder, table) -> rows of plain Python values, after type checks -----


def read_parquet_pyarrow(folder: Path, table: Table) -> Rows:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = pq.read_table(folder / f"{table.name}.parquet")
    assert data.schema.names == table.field_names
    for field in table.fields:
        arrow = data.schema.field(field.name)
        if field.categories is not None:
            assert pa.types.is_dictionary(arrow.type), field.name
            assert pa.types.is_string(arrow.type.value_type)
            for chunk in data.column(field.name).chunks:
                assert chunk.dictionary.to_pylist() == list(field.categories), field.name
        else:
            expected = {
                "integer": pa.int64(),
                "number": pa.float64(),
                "boolean": pa.bool_(),
                "date": pa.date32(),
            }.get(field.type, pa.string())
            assert arrow.type == expected, field.name
        assert arrow.nullable == (not field.required), field.name
    return [[row[n] for n in table.field_names] for row in data.to_pylist()]


def read_parquet_duckdb(folder: Path, table: Table) -> Rows:
    import duckdb

    path = str(folder / f"{table.name}.parquet")
    con = duckdb.connect()
    describe = "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))"
    types = dict(con.execute(describe, [path]).fetchall())
    for field in table.fields:
        expected = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}
        assert types[field.name] == expected.get(field.type, "VARCHAR"), field.name
    return [list(row) for row in con.execute("SELECT * FROM read_parquet(?)", [path]).fetchall()]


def read_sqlite(folder: Path, table: Table) -> Rows:
    con = sqlite3.connect(folder / "japus-data.sqlite")
    info = con.execute(f'PRAGMA table_info("{table.name}")').fetchall()
    assert [c[1] for c in info] == table.field_names
    sql = {"integer": "INTEGER", "boolean": "INTEGER", "number": "REAL"}
    storage = {"INTEGER": int, "REAL": float, "TEXT": str}
    for column, field in zip(info, table.fields, strict=True):
        assert column[2] == sql.get(field.type, "TEXT"), field.name
        assert bool(column[5]) == (field.name in table.primary_key), field.name
    rows = con.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid').fetchall()
    out = []
    for row in rows:
        values = []
        for value, field in zip(row, table.fields, strict=True):
            if value is not None:
                assert type(value) is storage[sql.get(field.type, "TEXT")], field.name
                if field.type == "date":
                    assert isinstance(value, str)
                    value = date.fromisoformat(value)
                elif field.type == "boolean":
                    assert value in (0, 1)
                    value = bool(value)
            values.append(value)
        out.append(values)
    return out


def read_xlsx(folder: Path, table: Table) -> Rows:
    import openpyxl

    sheet = openpyxl.load_workbook(folder / "japus-data.xlsx")[table.name]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == table.field_names
    out = []
    for row in rows[1:]:
        values = []
        for cell, field in zip(row, table.fields, strict=True):
            value = cell.value
            if value is not None:
                if field.type == "date":
                    assert cell.is_date and isinstance(value, datetime), field.name
                    assert value.time() == datetime.min.time()
                    value = value.date()
                elif field.type == "integer":
                    assert cell.data_type == "n" and isinstance(value, int), field.name
                elif field.type == "number":
                    assert cell.data_type == "n" and isinstance(value, int | float), field.name
                    value = float(value)
                elif field.type == "boolean":
                    assert cell.data_type == "b" and isinstance(value, bool), field.name
                else:
                    # Text stays text: stored as a string, formatted as text.
                    assert cell.data_type == "s" and isinstance(value, str), field.name
                    assert cell.number_format == "@", field.name
            values.append(value)
        out.append(values)
    return out


def read_json(folder: Path, table: Table) -> Rows:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in descriptor["resources"] if r["name"] == table.name]
    assert "path" not in resource
    kinds: dict[str, type | tuple[type, ...]] = {
        "integer": int,
        "number": (int, float),
        "boolean": bool,
    }
    out = []
    for record in resource["data"]:
        assert list(record) == table.field_names
        values = []
        for field in table.fields:
            value = record[field.name]
            if value is not None:
                assert isinstance(value, kinds.get(field.type, str)), field.name
                if field.type == "integer":
                    assert not isinstance(value, bool)
                if field.type == "date":
                    assert isinstance(value, str)
                    value = date.fromisoformat(value)
                if field.type == "number":
                    value = float(value)
            values.append(value)
        out.append(values)
    return out


READERS: dict[str, tuple[str, Callable[[Path, Table], Rows]]] = {
    "parquet-pyarrow": ("parquet", read_parquet_pyarrow),
    "parquet-duckdb": ("parquet", read_parquet_duckdb),
    "sqlite-sqlite3": ("sqlite", read_sqlite),
    "xlsx-openpyxl": ("xlsx", read_xlsx),
    "json-json": ("json", read_json),
}


def test_every_format_has_an_independent_reader() -> None:
    assert {fmt for fmt, _ in READERS.values()} == set(FORMATS)


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("reader", list(READERS))
def test_round_trip(reader: str, name: str, exported: dict[str, Path], package: Package) -> None:
    fmt, read = READERS[reader]
    table = package.table(name)
    frame = japus_data.load(name)
    rows = read(exported[fmt], table)
    expected = expected_rows(frame)
    assert len(rows) == len(expected) == len(frame)
    for number, (got, want) in enumerate(zip(rows, expected, strict=True), 2):
        for field, g, w in zip(table.fields, got, want, strict=True):
            assert g == w, f"{name}:{number}:{field.name}: {g!r} != {w!r}"
            assert type(g) is type(w), f"{name}:{number}:{field.name}: {type(g)} != {type(w)}"


# --- what each format carries beyond the values ---------------------------------------------


def _categories(package: Package, table: Table, field: Field) -> list[dict[str, str]]:
    (resource,) = [r for r in package.raw["resources"] if r["name"] == table.name]
    (raw,) = [f for f in resource["schema"]["fields"] if f["name"] == field.name]
    return list(raw["categories"])


def test_parquet_carries_table_and_column_metadata(
    exported: dict[str, Path], package: Package
) -> None:
    import pyarrow.parquet as pq

    for table in package.tables:
        schema = pq.read_schema(exported["parquet"] / f"{table.name}.parquet")
        meta = {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}
        assert meta["description"] == table.description
        assert meta["description_ja"] == table.description_ja
        assert "Creative Commons Attribution 4.0" in meta["license"]
        assert meta["attribution"] == package.raw["attribution"]
        assert json.loads(meta["source"]) == list(table.sources)
        for field in table.fields:
            raw = schema.field(field.name).metadata or {}
            fmeta = {k.decode(): v.decode() for k, v in raw.items()}
            assert fmeta["description"] == field.description
            assert fmeta["description_ja"] == field.description_ja
            assert fmeta["type"] == field.type
            if field.unit:
                assert fmeta["unit"] == field.unit
            if field.categories is not None:
                assert json.loads(fmeta["categories"]) == _categories(package, table, field)


def test_sqlite_keys_are_declared_and_enforced(exported: dict[str, Path], package: Package) -> None:
    con = sqlite3.connect(exported["sqlite"] / "japus-data.sqlite", isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    for table in package.tables:
        info = con.execute(f'PRAGMA table_info("{table.name}")').fetchall()
        pk = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]]
        assert tuple(pk) == table.primary_key
        declared = con.execute(f'PRAGMA foreign_key_list("{table.name}")').fetchall()
        got: dict[int, tuple[str, list[tuple[str, str]]]] = {}
        for row in declared:
            got.setdefault(row[0], (row[2], []))[1].append((row[3], row[4]))
        want = {
            (fk.resource, tuple(zip(fk.fields, fk.reference_fields, strict=True)))
            for fk in table.foreign_keys
        }
        assert {(res, tuple(pairs)) for res, pairs in got.values()} == want, table.name
    # Enforced: a dangling reference is refused when the transaction commits ...
    con.execute("BEGIN")
    con.execute(
        "INSERT INTO claims (claim_id, statement_ja, statement_en, qualifier, value_stated,"
        ' value_computed, unit, tolerance_relative, "check", computation_en, source_id,'
        " locator, attestation) SELECT 'x', statement_ja, statement_en, qualifier, value_stated,"
        " value_computed, unit, tolerance_relative, \"check\", computation_en, 'no-such-source',"
        " locator, attestation FROM claims LIMIT 1"
    )
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        con.execute("COMMIT")
    con.execute("ROLLBACK")
    # ... and so are a bad code and a date that is not a date.
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute("UPDATE student_exchange SET direction = 'sideways' WHERE rowid = 1")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute("UPDATE meetings SET date_start = '2025-13-01' WHERE rowid = 1")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute("UPDATE student_exchange SET students = '12' || 'x' WHERE rowid = 1")


def test_sqlite_keeps_descriptions_licence_and_japanese(
    exported: dict[str, Path], package: Package
) -> None:
    con = sqlite3.connect(exported["sqlite"] / "japus-data.sqlite")
    meta = dict(con.execute("SELECT key, value FROM _package").fetchall())
    assert meta["attribution"] == package.raw["attribution"]
    assert "Creative Commons Attribution 4.0" in meta["license"]
    assert meta["version"] == package.version
    columns = {
        (t, c): (d, dj)
        for t, c, d, dj in con.execute(
            "SELECT table_name, column_name, description, description_ja FROM _columns"
        )
    }
    for table in package.tables:
        for field in table.fields:
            assert columns[table.name, field.name] == (field.description, field.description_ja)
    tables = dict(con.execute("SELECT table_name, title_ja FROM _tables").fetchall())
    assert tables == {t.name: t.title_ja for t in package.tables}
    query = "SELECT name_ja FROM organizations WHERE organization_id = 'mext'"
    (name,) = con.execute(query).fetchone()
    assert name == "文部科学省"
    labels = con.execute(
        "SELECT label_ja FROM _categories WHERE table_name = 'sources' AND column_name = 'kind'"
        " ORDER BY position"
    ).fetchall()
    assert labels[0] == ("説明資料",)


def test_xlsx_has_no_formulas_and_describes_itself(
    exported: dict[str, Path], package: Package
) -> None:
    import openpyxl

    path = exported["xlsx"] / "japus-data.xlsx"
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(member) and b"<f " not in archive.read(member)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", *package.table_names]
    readme = [c for row in book["README"].iter_rows(values_only=True) for c in row if c]
    assert package.raw["attribution"] in readme
    assert any("Creative Commons Attribution 4.0" in str(c) for c in readme)
    for table in package.tables:
        assert table.description_ja in readme
        for field in table.fields:
            assert field.description in readme


def test_xlsx_stores_formula_like_text_as_text(package_copy: Path, tmp_path: Path) -> None:
    """Text that a spreadsheet would run (= + - @) stays a string; leading zeros stay."""
    import openpyxl

    # The validator refuses such text unless the schema allows it on the field.
    descriptor_path = package_copy / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "organizations")
    note_field = next(f for f in resource["schema"]["fields"] if f["name"] == "note")
    note_field["allowFormulaPrefix"] = True
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    path = package_copy / "resources" / "organizations.csv"
    risky = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "0042"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[: len(risky) - 1, "note"] = risky
    frame.to_csv(path, index=False, lineterminator="\n")
    assert path.read_text(encoding="utf-8").splitlines(keepends=True)[0] == lines[0]
    refresh_hashes(package_copy)
    japus_data.export("xlsx", tmp_path, package_copy)
    sheet = openpyxl.load_workbook(tmp_path / "japus-data.xlsx")["organizations"]
    note = sheet[1][[c.value for c in sheet[1]].index("note")].column
    cells = [sheet.cell(row=r, column=note) for r in range(2, len(risky) + 2)]
    assert [c.value for c in cells] == risky
    assert all(c.data_type == "s" for c in cells)
    # Excel's quote prefix: shown and kept as text even when the cell is edited.
    assert [bool(c.quotePrefix) for c in cells] == [True, True, True, True, False]


def test_json_export_is_a_valid_data_package_v2(
    exported: dict[str, Path], package: Package
) -> None:
    import dplib
    import jsonschema

    profiles = Path(dplib.__file__).parent / "profiles" / "2.0"
    descriptor = json.loads((exported["json"] / "datapackage.json").read_text(encoding="utf-8"))
    for kind in ("datapackage", "dataresource"):
        profile = json.loads((profiles / f"{kind}.json").read_text(encoding="utf-8"))
        targets = [descriptor] if kind == "datapackage" else descriptor["resources"]
        for target in targets:
            jsonschema.validate(target, profile)
    assert descriptor["licenses"] == package.raw["licenses"]
    assert descriptor["attribution"] == package.raw["attribution"]
    for resource in descriptor["resources"]:
        assert isinstance(resource["data"], list)
        assert not {"path", "hash", "bytes", "dialect"} & resource.keys()


def test_json_export_passes_frictionless_validation(exported: dict[str, Path]) -> None:
    """Another implementation reads the inline data with the schema: types, keys, references."""
    import frictionless

    report = frictionless.validate(str(exported["json"] / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_invalid_package_is_not_exported(
    package_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = package_copy / "resources" / "student_exchange.csv"
    edit_file(path, lambda t: t.replace("US,inbound,enrolled,3918", "US,inbound,enrolled,-3918", 1))
    assert main(["validate", str(package_copy)]) == 1
    *validator_lines, summary = capsys.readouterr().out.splitlines()
    assert validator_lines and summary.startswith("invalid: ")
    out = tmp_path / "out"
    assert main(["export", "--format", "json", "--out", str(out), "--path", str(package_copy)]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed == [*validator_lines, f"{summary}; nothing exported"]
    assert not out.exists() or not any(out.iterdir())
    with pytest.raises(InvalidPackageError) as caught:
        japus_data.export("sqlite", out, package_copy)
    assert [str(p) for p in caught.value.problems] == validator_lines
    assert caught.value.summary == summary
    assert str(caught.value).splitlines() == [f"{summary}; nothing exported", *validator_lines]


def test_missing_optional_dependency_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for module in ("pyarrow", "pyarrow.parquet", "openpyxl"):
        monkeypatch.setitem(sys.modules, module, None)  # makes the import fail
    for fmt in ("parquet", "xlsx"):
        assert main(["export", "--format", fmt, "--out", str(tmp_path)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and INSTALL_HINT in err, err
        assert "Traceback" not in err
    assert not any(tmp_path.iterdir())


def test_exporters_import_heavy_libraries_lazily() -> None:
    code = (
        "import sys, japus_data.exports.to_parquet, japus_data.exports.to_xlsx, japus_data.cli\n"
        "print([m for m in ('pyarrow', 'openpyxl', 'pandas') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["export", "--format", "csv", "--out", "x"])
    assert caught.value.code == 2
    with pytest.raises(ValueError, match="unknown export format"):
        japus_data.export("csv", "x")


def test_cli_export_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "sqlite", "--out", str(tmp_path), "--path", str(ROOT)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {tmp_path / 'japus-data.sqlite'}"
    assert parse_package(ROOT).version  # the package itself is untouched


def test_out_that_is_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "taken"
    out.write_text("", encoding="utf-8")
    assert main(["export", "--format", "json", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("japus-data: ") and len(err.splitlines()) == 1


def test_broken_descriptor_is_reported_like_the_validator(
    package_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (package_copy / "datapackage.json").write_text("{", encoding="utf-8")
    args = ["export", "--format", "json", "--out", str(tmp_path / "o"), "--path", str(package_copy)]
    assert main(args) == 1
    assert capsys.readouterr().out.startswith("datapackage.json:-:-: ")


def test_exports_and_the_citation_name_the_licences_alike(
    package_copy: Path, tmp_path: Path
) -> None:
    """One helper writes the licences: the SQLite export's and the citation's agree."""
    path = package_copy / "datapackage.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["licenses"].append({"name": "ODC-By-1.0", "title": "Open Data Commons Attribution"})
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    japus_data.export("sqlite", tmp_path, package_copy)
    with sqlite3.connect(tmp_path / "japus-data.sqlite") as con:
        rows = dict(con.execute("SELECT key, value FROM _package").fetchall())
    assert "Open Data Commons Attribution" in rows["license"]
    assert f"Licence: {rows['license']}. " in rows["citation"]
    assert f"Licence: {rows['license']}. " in japus_data.cite(root=package_copy)


def test_bundle_metadata_comes_from_the_table_and_the_frames(package: Package) -> None:
    """Field metadata from the table's own resource; table metadata and the citation from
    the ``.attrs`` every loaded frame carries (not recomputed)."""
    from dataclasses import replace

    from japus_data.exports._common import Bundle
    from japus_data.exports.to_parquet import _field_metadata

    frames = {name: japus_data.load(name) for name in ("countries", "sources")}
    for frame in frames.values():
        frame.attrs["citation"] = "cite me like this"
    bundle = Bundle(package=replace(package, raw={}), frames=frames)
    countries = package.table("countries")
    # The package's JSON is gone: field metadata comes from the model alone.
    name_ja = countries.field("name_ja")
    field_meta = _field_metadata(bundle, countries, name_ja)
    assert (field_meta["title"], field_meta["type"]) == (name_ja.title, name_ja.type)
    meta = bundle.table_meta(countries)
    assert meta["citation"] == bundle.citation == "cite me like this"
    assert {k: v for k, v in meta.items() if k != "foreign_keys"} == frames["countries"].attrs
    assert meta["foreign_keys"] == [
        {
            "fields": list(fk.fields),
            "resource": fk.resource,
            "reference_fields": list(fk.reference_fields),
        }
        for fk in countries.foreign_keys
    ]
