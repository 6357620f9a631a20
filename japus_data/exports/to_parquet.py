"""Parquet: one file per table, Arrow types from the schema, metadata embedded.

Types: ``string`` -> string; a field with ``categories`` -> dictionary<int32, string>;
``integer`` and ``year`` -> int64 (nullable); ``number`` -> float64; ``boolean`` -> bool;
``date`` -> date32; ``datetime`` -> timestamp[us, UTC]; ``time`` -> time64[us] (see
``japus_data.fieldtypes``). The file's schema metadata holds the table's titles and
descriptions (en/ja), licence, attribution, sources and citation; each column's metadata its title,
descriptions (en/ja), Table Schema type, unit and categories with their labels.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..descriptor import Field, Table
from ..fieldtypes import arrow_type
from ..safepath import output_name
from ._common import Bundle, dumps

if TYPE_CHECKING:
    import pyarrow as pa

REQUIRES = ("pyarrow",)


def _field_metadata(bundle: Bundle, table: Table, field: Field) -> dict[str, str]:
    meta = {
        "title": field.title,
        "title_ja": field.title_ja,
        "description": field.description,
        "description_ja": field.description_ja,
        "type": field.type,
        "required": "true" if field.required else "false",
    }
    if field.unit:
        meta["unit"] = field.unit
    if field.category_items is not None:
        meta["categories"] = dumps(field.categories_json)
    if field.constraints:
        meta["constraints"] = dumps(dict(field.constraints))
    return meta


def _schema_metadata(bundle: Bundle, table: Table) -> dict[str, str]:
    meta = bundle.table_meta(table)
    return {
        "title": table.title,
        "title_ja": table.title_ja,
        "description": table.description,
        "description_ja": table.description_ja,
        "license": bundle.licence_text(),
        "attribution": bundle.package.attribution,
        "source": dumps(meta["sources"]),
        "citation": bundle.citation,
        "japus_data": dumps(meta),
    }


def arrow_table(bundle: Bundle, table: Table) -> pa.Table:
    import pyarrow as pa

    frame = bundle.frames[table.name]
    arrays: list[Any] = []
    fields = []
    for field in table.fields:
        target = arrow_type(field)
        series = frame[field.name]
        if field.categories is not None:
            codes = series.cat.codes.to_numpy().astype("int32")
            indices = pa.array(codes, type=pa.int32(), mask=codes < 0)
            dictionary = pa.array(list(field.categories), type=pa.string())
            array: Any = pa.DictionaryArray.from_arrays(indices, dictionary)
        elif field.type == "date":
            array = pa.array(series, from_pandas=True).cast(pa.date32())
        elif field.type == "time":  # a duration since midnight -> a time of day
            micros = series.to_numpy(dtype="timedelta64[us]").astype("int64")
            array = pa.array(micros, mask=series.isna().to_numpy()).cast(target)
        else:
            array = pa.array(series, type=target, from_pandas=True)
        arrays.append(array)
        fields.append(
            pa.field(
                field.name,
                target,
                nullable=not field.required,
                metadata=_field_metadata(bundle, table, field),
            )
        )
    schema = pa.schema(fields, metadata=_schema_metadata(bundle, table))
    return pa.Table.from_arrays(arrays, schema=schema)


def write(bundle: Bundle, out: Path) -> list[Path]:
    import pyarrow.parquet as pq

    written = []
    for table in bundle.package.tables:
        path = out / output_name(table.name, ".parquet")  # a validated identifier
        pq.write_table(arrow_table(bundle, table), path)
        written.append(path)
    return written
