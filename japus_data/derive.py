"""What ``datapackage.json`` records that is derived from the data, and how to refresh it.

Each resource's ``sources`` list is every document its rows cite (through any foreign key
into the ``sources`` table) plus the standard a field's codes come from (a field's
``source_id`` property), in the order of ``sources.csv``, each with its full citation. It is
never kept by hand: ``japus-data hash`` rewrites it, and the validator reports a list that
differs from what the rows cite (check ``sources-list``).

Each coded field's ``constraints.enum`` repeats the values of its v2 ``categories``, for
readers of Table Schema v1 (frictionless-py 5, R's ``frictionless``) that know no
``categories``: ``japus-data hash`` writes it (:func:`refresh_enums`), the validator reports
one that differs (check ``enum-derived``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .descriptor import Package, Table, written_fields

SOURCES_TABLE = "sources"
SOURCE_KEY = "source_id"


def source_fields(table: Table) -> list[str]:
    """The fields whose values name a document of the sources table."""
    fields = [fk.fields[0] for fk in table.foreign_keys if fk.resource == SOURCES_TABLE]
    if table.name == SOURCES_TABLE and SOURCE_KEY in table.field_names:
        fields.insert(0, SOURCE_KEY)  # the catalogue lists every document in it
    return list(dict.fromkeys(fields))


def field_standards(table: Table) -> list[str]:
    """Documents named by a field's ``source_id`` property (the standard of its codes)."""
    return [f.source_id for f in table.fields if f.source_id]


def cited_ids(table: Table, columns: Mapping[str, Iterable[object]], order: list[str]) -> list[str]:
    """The source ids a table cites, given its source columns' values, in ``order``."""
    ids = set(field_standards(table))
    for name in source_fields(table):
        ids.update(str(v) for v in columns.get(name, ()) if isinstance(v, str) and v)
    rank = {sid: i for i, sid in enumerate(order)}
    return sorted(ids, key=lambda sid: (rank.get(sid, len(rank)), sid))


def source_entry(row: Mapping[str, str], rows: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The descriptor's ``sources`` entry for one row of ``sources.csv``."""
    from .citation import source_citation

    entry: dict[str, Any] = {
        "title": row.get("title_en") or row.get("title_ja", ""),
        SOURCE_KEY: row[SOURCE_KEY],
        "publisher": row.get("publisher_en", ""),
    }
    optional = {
        "title_ja": "title_ja",
        "date_published": "date_published",
        "reference_period": "reference_period_en",
        "path": "url",
        "terms": "terms_en",
    }
    for key, column in optional.items():
        if row.get(column):
            entry[key] = row[column]
    entry["citation"] = source_citation(dict(row), {k: dict(v) for k, v in rows.items()})
    return entry


def _csv_columns(package: Package, table: Table, names: list[str]) -> dict[str, list[str]]:
    """The text of some columns of a table's file, read as written (before any hash is
    recorded, so without the loader's verification)."""
    from .csvread import text_records
    from .safepath import read_package_file

    if not names:
        return {}
    data = read_package_file(package.root, table.path)
    header, *rows = text_records(data, table.dialect) or [()]
    where = {n: header.index(n) for n in names if n in header}
    return {n: [row[i] if i < len(row) else "" for row in rows if row] for n, i in where.items()}


def derived_sources(package: Package) -> dict[str, list[dict[str, Any]]]:
    """Each table's ``sources`` list as the rows and the descriptor determine it."""
    catalogue = package.table(SOURCES_TABLE)
    rows = _csv_columns(package, catalogue, catalogue.field_names)
    by_id = {
        sid: {name: rows[name][i] for name in catalogue.field_names}
        for i, sid in enumerate(rows[SOURCE_KEY])
    }
    order = list(by_id)
    result = {}
    for table in package.tables:
        # The catalogue was read whole above; every other table, its source columns only.
        columns = rows if table is catalogue else _csv_columns(package, table, source_fields(table))
        ids = cited_ids(table, columns, order)
        result[table.name] = [source_entry(by_id[i], by_id) for i in ids if i in by_id]
    return result


def refresh_sources(package: Package, raw: dict[str, Any]) -> list[str]:
    """Write each resource's derived ``sources`` list into ``raw``; return changed names."""
    derived = derived_sources(package)
    changed = []
    for resource in raw.get("resources", []):
        entries = derived.get(resource.get("name"))
        if entries is not None and resource.get("sources") != entries:
            resource["sources"] = entries
            changed.append(str(resource["name"]))
    return changed


def derived_enums(package: Package) -> dict[tuple[str, str], list[Any]]:
    """The ``constraints.enum`` each coded field's ``categories`` give, by (table, field):
    their values, in order."""
    return {
        (table.name, f.name): f.category_values
        for table in package.tables
        for f in table.fields
        if f.category_values is not None
    }


def refresh_enums(package: Package, raw: dict[str, Any]) -> list[str]:
    """Write each coded field's derived ``constraints.enum`` into ``raw``; return the
    changed fields as ``table.field``."""
    enums = derived_enums(package)
    changed = []
    for table, entry in written_fields(raw):
        name = entry.get("name")
        enum = enums.get((table, str(name)))
        if enum is None:
            continue
        constraints = entry.setdefault("constraints", {})
        if isinstance(constraints, dict) and constraints.get("enum") != enum:
            constraints["enum"] = enum
            changed.append(f"{table}.{name}")
    return changed
