"""Every table, parametrised from the descriptor: it loads, with the declared dtypes."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import japus_data
from japus_data.descriptor import Package, parse_package
from japus_data.models import MODELS
from japus_data.read import pandas_dtypes

from .conftest import ROOT, csv_records

TABLES = parse_package(ROOT).table_names


def test_tables_lists_the_descriptor_order() -> None:
    assert japus_data.tables() == TABLES


@pytest.mark.parametrize("name", TABLES)
def test_loader_returns_declared_dtypes_and_rows(name: str, package: Package) -> None:
    loader = getattr(japus_data, f"load_{name}")
    frame = loader()
    table = package.table(name)
    assert list(frame.columns) == table.field_names
    assert len(frame) == csv_records(package.root, table.path) > 0
    expected = pandas_dtypes(table)
    assert {c: frame[c].dtype for c in frame.columns} == expected
    assert isinstance(frame.index, pd.RangeIndex)


@pytest.mark.parametrize("name", TABLES)
def test_dtypes_are_what_analysts_expect(name: str, package: Package) -> None:
    frame = japus_data.load(name)
    for field in package.table(name).fields:
        dtype = frame[field.name].dtype
        if field.categories is not None:
            assert isinstance(dtype, pd.CategoricalDtype)
            assert list(dtype.categories) == list(field.categories)
        elif field.type == "integer":
            assert dtype == "Int64"
        elif field.type == "date":
            assert pd.api.types.is_datetime64_dtype(dtype)
        elif field.type == "boolean":
            assert dtype == "boolean"
        elif field.type == "string":
            assert pd.api.types.is_string_dtype(dtype)


@pytest.mark.parametrize("name", TABLES)
def test_pandera_model_accepts_the_loaded_frame(name: str) -> None:
    frame = japus_data.load(name)
    validated = MODELS[name].validate(frame)
    pd.testing.assert_frame_equal(validated, frame)


@pytest.mark.parametrize("name", TABLES)
def test_loader_keeps_every_value_and_the_file_order(name: str, package: Package) -> None:
    """Compare with the standard library's csv reader: nothing dropped, coerced or reordered."""
    table = package.table(name)
    with (ROOT / table.path).open(encoding="utf-8", newline="") as handle:
        raw = list(csv.DictReader(handle))
    frame = japus_data.load(name)
    assert len(frame) == len(raw)
    for field in table.fields:
        column = frame[field.name]
        for i, row in enumerate(raw):
            text, value = row[field.name], column.iloc[i]
            if text == "":
                assert pd.isna(value), (name, i + 2, field.name)
            elif field.type == "date":
                assert value.strftime("%Y-%m-%d") == text
            elif field.type == "boolean":
                assert bool(value) is (text == "true")
            elif field.type in ("integer", "number"):
                assert float(value) == float(text)
            else:
                assert str(value) == text


@pytest.mark.parametrize("name", TABLES)
def test_frame_carries_its_metadata(name: str, package: Package) -> None:
    attrs = japus_data.load(name).attrs
    table = package.table(name)
    assert attrs["name"] == name
    assert attrs["title"] == table.title
    assert attrs["title_ja"] == table.title_ja
    assert attrs["licenses"][0]["name"] == "CC-BY-4.0"
    assert "MEXT" in attrs["attribution"]
    assert attrs["version"] == package.version
    assert attrs["sources"][0]["source_id"] == "mext-2025-12-18"
    cited = set(japus_data.load(name)["source_id"]) if "source_id" in table.field_names else set()
    assert cited <= {s["source_id"] for s in attrs["sources"]}


@pytest.mark.parametrize("name", TABLES)
def test_primary_key_is_unique_and_complete(name: str, package: Package) -> None:
    table = package.table(name)
    frame = japus_data.load(name)
    key = frame[list(table.primary_key)]
    assert not key.isna().any().any()
    assert not key.duplicated().any()


@pytest.mark.parametrize("name", TABLES)
def test_every_foreign_key_resolves(name: str, package: Package) -> None:
    table = package.table(name)
    frame = japus_data.load(name)
    for fk in table.foreign_keys:
        target = japus_data.load(fk.resource)
        have = frame[list(fk.fields)].dropna()
        known = set(map(tuple, target[list(fk.reference_fields)].astype(str).to_numpy()))
        missing = [tuple(r) for r in have.astype(str).to_numpy() if tuple(r) not in known]
        assert not missing, f"{name}.{fk.fields} -> {fk.resource}: {missing}"


def test_every_data_row_cites_a_source_with_a_locator(package: Package) -> None:
    sources = set(japus_data.load_sources()["source_id"])
    for table in package.tables:
        if "source_id" not in table.field_names:
            continue
        frame = japus_data.load(table.name)
        assert frame["source_id"].isin(sources).all(), table.name
        if table.name != "corrections":
            assert frame["locator"].str.len().gt(0).all(), table.name


def test_load_by_unknown_name_is_a_clear_error() -> None:
    with pytest.raises(japus_data.UnknownTableError, match=r"^no table 'nope'; tables: sources"):
        japus_data.load("nope")


def test_package_root_holds_the_csv_files() -> None:
    root = japus_data.package_root()
    assert (root / "resources" / "student_exchange.csv").is_file()
    assert Path(root, "datapackage.json").is_file()
