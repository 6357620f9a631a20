"""SQLite: one database with every table, its keys declared and enforced.

Types (``japus_data.fieldtypes``): ``integer``, ``year`` and ``boolean`` (0/1) -> INTEGER,
``number`` -> REAL, everything else TEXT; dates, datetimes and times are ISO 8601 text.
Each column has CHECK constraints for what its schema states (categories, booleans, date
shape, minimum and maximum) and the declared type (``typeof``), so that SQLite's type
affinity cannot change a value. Foreign keys are ``DEFERRABLE INITIALLY DEFERRED`` (the
tables refer to each other in a cycle: sources -> organizations -> countries -> sources),
checked when the load commits and again with ``PRAGMA foreign_key_check``. Metadata tables:
``_package``, ``_tables``, ``_columns``, ``_categories``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ..descriptor import Field, Table
from ..errors import JapusDataError
from ..fieldtypes import field_type
from ..render import sql_identifier, sql_literal
from ..reserved import SQLITE_METADATA_TABLES
from ._common import Bundle, dumps, python_rows

REQUIRES: tuple[str, ...] = ()
FILENAME = "japus-data.sqlite"


def sql_type(field: Field) -> str:
    return field_type(field.type).sql


def ident(name: str) -> str:
    return sql_identifier(name)


def literal(value: object) -> str:
    return sql_literal(value)


def _limit(field: Field, key: str, value: object) -> str:
    """A ``minimum``/``maximum`` as a SQL literal of the column's own type.

    The validator refuses a limit that is not a value of the field's type; a writer given one
    anyway fails here, before any of it reaches SQL.
    """
    if field.type in ("integer", "year"):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif field.type == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:  # dates and times are ISO 8601 text, which compares in order
        ok = isinstance(value, str) and field.type in ("date", "datetime", "time", "yearmonth")
    if not ok:
        raise JapusDataError(
            f"{field.name}: the {key} {value!r} is not a value of type {field.type!r}"
        )
    return sql_literal(value)


def _checks(field: Field) -> list[str]:
    col = ident(field.name)
    typeof = {"INTEGER": "integer", "REAL": "real", "TEXT": "text"}[sql_type(field)]
    checks = [f"typeof({col}) = {literal(typeof)}"]
    if field.categories is not None:
        checks.append(f"{col} IN ({', '.join(literal(c) for c in field.categories)})")
    check = field_type(field.type).sql_check
    if check is not None:
        checks.append(check.format(col=col))
    if field.minimum is not None:
        checks.append(f"{col} >= {_limit(field, 'minimum', field.minimum)}")
    if field.maximum is not None:
        checks.append(f"{col} <= {_limit(field, 'maximum', field.maximum)}")
    joined = " AND ".join(f"({c})" for c in checks)
    return [f"CHECK ({col} IS NULL OR ({joined}))"]


def create_table(table: Table) -> str:
    lines = []
    for field in table.fields:
        parts = [ident(field.name), sql_type(field)]
        if field.required or field.name in table.primary_key:
            parts.append("NOT NULL")
        if field.unique and (field.name,) != table.primary_key:
            parts.append("UNIQUE")
        parts += _checks(field)
        lines.append(" ".join(parts))
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(ident(n) for n in table.primary_key)})")
    for fk in table.foreign_keys:
        lines.append(
            f"FOREIGN KEY ({', '.join(ident(n) for n in fk.fields)}) "
            f"REFERENCES {ident(fk.resource)} ({', '.join(ident(n) for n in fk.reference_fields)}) "
            "DEFERRABLE INITIALLY DEFERRED"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {ident(table.name)} (\n  {body}\n)"


METADATA_TABLES = SQLITE_METADATA_TABLES  # created by META_TABLES
META_TABLES = [
    "CREATE TABLE _package (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE _tables (table_name TEXT PRIMARY KEY, position INTEGER NOT NULL, "
    "title TEXT, title_ja TEXT, description TEXT, description_ja TEXT, "
    "primary_key TEXT, sources TEXT, row_count INTEGER NOT NULL)",
    "CREATE TABLE _columns (table_name TEXT NOT NULL REFERENCES _tables (table_name), "
    "column_name TEXT NOT NULL, position INTEGER NOT NULL, type TEXT NOT NULL, "
    "sql_type TEXT NOT NULL, required INTEGER NOT NULL, title TEXT, title_ja TEXT, "
    "description TEXT, description_ja TEXT, unit TEXT, constraints TEXT, "
    "PRIMARY KEY (table_name, column_name))",
    "CREATE TABLE _categories (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
    "position INTEGER NOT NULL, value TEXT NOT NULL, label TEXT, label_ja TEXT, "
    "PRIMARY KEY (table_name, column_name, value), "
    "FOREIGN KEY (table_name, column_name) REFERENCES _columns (table_name, column_name))",
]


def _sql_value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _metadata(con: sqlite3.Connection, bundle: Bundle) -> None:
    meta = bundle.package_meta()
    package_rows = [
        ("name", meta["name"]),
        ("title", meta["title"]),
        ("title_ja", meta["title_ja"]),
        ("version", meta["version"]),
        ("license", bundle.licence_text()),
        ("licenses", dumps(meta["licenses"])),
        ("attribution", meta["attribution"]),
        ("citation", meta["citation"]),
        ("sources", dumps(meta["sources"])),
    ]
    con.executemany("INSERT INTO _package VALUES (?, ?)", package_rows)
    for position, table in enumerate(bundle.package.tables, 1):
        con.execute(
            "INSERT INTO _tables VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                table.name,
                position,
                table.title,
                table.title_ja,
                table.description,
                table.description_ja,
                dumps(list(table.primary_key)),
                dumps(list(table.sources)),
                len(bundle.frames[table.name]),
            ),
        )
        for number, field in enumerate(table.fields, 1):
            con.execute(
                "INSERT INTO _columns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    table.name,
                    field.name,
                    number,
                    field.type,
                    sql_type(field),
                    int(field.required),
                    field.title,
                    field.title_ja or None,
                    field.description,
                    field.description_ja,
                    field.unit,
                    dumps(dict(field.constraints)) if field.constraints else None,
                ),
            )
            for order, cat in enumerate(field.category_items or (), 1):
                con.execute(
                    "INSERT INTO _categories VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        table.name,
                        field.name,
                        order,
                        str(cat.value),
                        cat.label,
                        cat.label_ja,
                    ),
                )


def write(bundle: Bundle, out: Path) -> list[Path]:
    path = out / FILENAME
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA encoding = 'UTF-8'")
        con.execute("BEGIN")
        for statement in META_TABLES:
            con.execute(statement)
        for table in bundle.package.tables:
            con.execute(create_table(table))
        _metadata(con, bundle)
        for table in bundle.package.tables:
            marks = ", ".join("?" for _ in table.fields)
            rows = [
                [_sql_value(v) for v in row]
                for row in python_rows(bundle.frames[table.name], table)
            ]
            con.executemany(f"INSERT INTO {ident(table.name)} VALUES ({marks})", rows)
        con.execute("COMMIT")  # the deferred foreign keys are checked here
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise sqlite3.IntegrityError(f"foreign key check failed: {broken[:5]}")
        con.execute("VACUUM")
    except (sqlite3.Error, ValueError, TypeError) as exc:
        con.close()
        path.unlink(missing_ok=True)
        raise JapusDataError(f"{path}: cannot write the SQLite export: {exc}") from None
    except BaseException:
        con.close()
        path.unlink(missing_ok=True)
        raise
    con.close()
    return [path]
