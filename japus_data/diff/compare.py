"""Comparing two versions: rows matched by key, schema and file columns, the version recipe.

Typed results (:class:`PackageDiff`, :class:`TableDiff`) for ``japus_data.diff.render`` and
for callers. The recipe is CONTRIBUTING.md's: adding or removing a column (or a table, or
rows) is a major change, appending rows or adding a table a minor one, fixing a value or the
metadata a patch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..descriptor import package_metadata_changes, table_metadata_changes
from .sources import Row, Snapshot, TableText

LEVELS = ("none", "patch", "minor", "major")

Key = tuple[str, ...]


@dataclass(frozen=True)
class CellChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    key: Key
    cells: tuple[CellChange, ...]


@dataclass
class TableDiff:
    name: str
    status: str  # added, removed, changed, unchanged
    key_fields: tuple[str, ...]
    rows_old: int
    rows_new: int
    added: list[Key] = field(default_factory=list)
    removed: list[Key] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    fields_added: list[tuple[str, str]] = field(default_factory=list)
    fields_removed: list[tuple[str, str]] = field(default_factory=list)
    fields_retyped: list[tuple[str, str, str]] = field(default_factory=list)
    primary_key_change: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    # Columns of the CSV files that the schema change does not account for.
    file_columns_added: list[str] = field(default_factory=list)
    file_columns_removed: list[str] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)
    # NEW's declared fields: a column removed from the file may still be one of them.
    schema_fields: tuple[str, ...] = ()

    @property
    def schema_changed(self) -> bool:
        return bool(
            self.fields_added
            or self.fields_removed
            or self.fields_retyped
            or self.primary_key_change
            or self.file_columns_added
            or self.file_columns_removed
        )

    @property
    def lost_rows(self) -> int:
        """Rows of OLD with no counterpart in NEW (all of them when the table was dropped)."""
        return self.rows_old if self.status == "removed" else len(self.removed)

    def key_text(self, key: Key) -> str:
        return format_key(self.key_fields, key)


@dataclass
class PackageDiff:
    old_label: str
    new_label: str
    old_version: str
    new_version: str
    tables: list[TableDiff]
    metadata: list[str]

    @property
    def tables_added(self) -> list[TableDiff]:
        return [t for t in self.tables if t.status == "added"]

    @property
    def tables_removed(self) -> list[TableDiff]:
        return [t for t in self.tables if t.status == "removed"]

    @property
    def tables_changed(self) -> list[TableDiff]:
        return [t for t in self.tables if t.status == "changed"]

    @property
    def lost_rows(self) -> list[TableDiff]:
        """Tables that lost rows, or were dropped: what a truncation would look like."""
        return [t for t in self.tables if t.lost_rows]

    @property
    def has_changes(self) -> bool:
        return bool(self.tables_added or self.tables_removed or self.tables_changed) or bool(
            self.metadata
        )

    def bump(self) -> tuple[str, list[str]]:
        """The recipe's level (none/patch/minor/major) and the reasons for it."""
        reasons: dict[str, list[str]] = {level: [] for level in LEVELS}
        for t in self.tables:
            if t.status == "removed":
                reasons["major"].append(f"table {t.name} removed")
                continue
            if t.status == "added":
                reasons["minor"].append(f"table {t.name} added")
                continue
            for name, _ in t.fields_added:
                reasons["major"].append(f"column {t.name}.{name} added")
            for name, _ in t.fields_removed:
                reasons["major"].append(f"column {t.name}.{name} removed")
            for name, old, new in t.fields_retyped:
                reasons["major"].append(f"column {t.name}.{name} retyped {old} → {new}")
            for name in t.file_columns_added:
                reasons["major"].append(f"column {t.name}.{name} added to the CSV file")
            for name in t.file_columns_removed:
                reasons["major"].append(f"column {t.name}.{name} removed from the CSV file")
            if t.primary_key_change:
                reasons["major"].append(f"primary key of {t.name} changed")
            if t.removed:
                reasons["major"].append(f"rows removed from {t.name}")
            if t.added:
                reasons["minor"].append(f"rows appended to {t.name}")
            if t.changed:
                reasons["patch"].append(f"values fixed in {t.name}")
            if t.metadata:
                reasons["patch"].append(f"metadata of {t.name} changed")
        if self.metadata:
            reasons["patch"].append("package metadata changed")
        for level in reversed(LEVELS[1:]):
            if reasons[level]:
                return level, reasons[level]
        return "none", []

    def suggested_version(self) -> str | None:
        parts = _semver(self.old_version)
        if parts is None:
            return None
        major, minor, patch = parts
        level, _ = self.bump()
        if level == "major":
            return f"{major + 1}.0.0"
        if level == "minor":
            return f"{major}.{minor + 1}.0"
        if level == "patch":
            return f"{major}.{minor}.{patch + 1}"
        return f"{major}.{minor}.{patch}"

    @property
    def version_follows_recipe(self) -> bool:
        suggested = self.suggested_version()
        return suggested is None or suggested == self.new_version

    def warnings(self) -> list[str]:
        out = []
        for t in self.lost_rows:
            if t.status == "removed":
                out.append(f"table {t.name} removed: {t.rows_old} rows lost")
            else:
                n = len(t.removed)
                out.append(
                    f"{t.name} lost {n} row{'s' if n != 1 else ''} "
                    f"({t.rows_old} → {t.rows_new} rows; {len(t.added)} added)"
                )
        suggested = self.suggested_version()
        if suggested is None:
            out.append(f"OLD's version {self.old_version!r} is not MAJOR.MINOR.PATCH")
        elif suggested != self.new_version:
            level, _ = self.bump()
            out.append(
                f"NEW's version is {self.new_version or '(none)'}; the recipe gives {suggested} "
                f"({'no change' if level == 'none' else level})"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        level, reasons = self.bump()
        return {
            "old": {"label": self.old_label, "version": self.old_version},
            "new": {"label": self.new_label, "version": self.new_version},
            "changed": self.has_changes,
            "tables_added": [t.name for t in self.tables_added],
            "tables_removed": [t.name for t in self.tables_removed],
            "rows_lost": {t.name: t.lost_rows for t in self.lost_rows},
            "tables": {t.name: _table_dict(t) for t in self.tables if t.status != "unchanged"},
            "metadata": self.metadata,
            "bump": level,
            "bump_reasons": reasons,
            "suggested_version": self.suggested_version(),
            "version_follows_recipe": self.version_follows_recipe,
            "warnings": self.warnings(),
        }


def _table_dict(t: TableDiff) -> dict[str, Any]:
    def key(k: Key) -> dict[str, str]:
        return dict(zip(t.key_fields, k, strict=True))

    return {
        "status": t.status,
        "rows_old": t.rows_old,
        "rows_new": t.rows_new,
        "added": len(t.added) if t.status != "added" else t.rows_new,
        "removed": len(t.removed) if t.status != "removed" else t.rows_old,
        "changed": len(t.changed),
        "primary_key": list(t.key_fields),
        "added_rows": [key(k) for k in t.added],
        "removed_rows": [key(k) for k in t.removed],
        "changed_rows": [
            {"key": key(c.key), "fields": {x.field: {"old": x.old, "new": x.new} for x in c.cells}}
            for c in t.changed
        ],
        "schema": {
            "fields_added": [{"name": n, "type": ty} for n, ty in t.fields_added],
            "fields_removed": [{"name": n, "type": ty} for n, ty in t.fields_removed],
            "fields_retyped": [{"name": n, "old": o, "new": w} for n, o, w in t.fields_retyped],
            "primary_key": (
                None
                if t.primary_key_change is None
                else {"old": list(t.primary_key_change[0]), "new": list(t.primary_key_change[1])}
            ),
            "file_columns_added": t.file_columns_added,
            "file_columns_removed": t.file_columns_removed,
        },
        "metadata": t.metadata,
    }


def _semver(version: str) -> tuple[int, int, int] | None:
    parts = version.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def format_key(fields: tuple[str, ...], key: Key) -> str:
    if len(key) == 1:
        return key[0]
    return ", ".join(f"{f}={v}" for f, v in zip(fields, key, strict=True))


def _key_fields(old: TableText, new: TableText) -> tuple[str, ...]:
    """OLD's primary key if both files have its columns, else NEW's, else every column.

    OLD's first: a row of OLD is removed when no row of NEW has its key, as OLD defines it.
    Judged by NEW's key, a pull request that changes the key could replace a row unseen.
    """
    for pk in (old.primary_key, new.primary_key):
        if pk and all(f in old.header and f in new.header for f in pk):
            return pk
    return tuple(f for f in new.header if f in old.header)


def _index(table: TableText, key_fields: tuple[str, ...]) -> dict[Key, list[Row]]:
    positions = [table.header.index(f) for f in key_fields]
    rows: dict[Key, list[Row]] = {}
    for row in table.rows:
        rows.setdefault(tuple(row[i] for i in positions), []).append(row)
    return rows


def compare_tables(old: TableText, new: TableText, metadata: list[str] | None = None) -> TableDiff:
    """What changed in one table: schema, file columns, and rows matched by key.

    ``metadata``: the changed descriptor properties (``table_metadata_changes``)."""
    key_fields = _key_fields(old, new)
    diff = TableDiff(
        name=new.name,
        status="unchanged",
        key_fields=key_fields,
        rows_old=len(old.rows),
        rows_new=len(new.rows),
    )
    old_types, new_types = dict(old.fields), dict(new.fields)
    diff.fields_added = [(n, t) for n, t in new.fields if n not in old_types]
    diff.fields_removed = [(n, t) for n, t in old.fields if n not in new_types]
    diff.fields_retyped = [
        (n, old_types[n], t) for n, t in new.fields if n in old_types and old_types[n] != t
    ]
    if old.primary_key != new.primary_key:
        diff.primary_key_change = (old.primary_key, new.primary_key)
    diff.metadata = list(metadata or [])
    diff.schema_fields = tuple(n for n, _ in new.fields)
    declared_added = {n for n, _ in diff.fields_added}
    declared_removed = {n for n, _ in diff.fields_removed}
    diff.file_columns_added = [
        c for c in new.header if c not in old.header and c not in declared_added
    ]
    diff.file_columns_removed = [
        c for c in old.header if c not in new.header and c not in declared_removed
    ]

    common = [f for f in new.header if f in old.header]
    old_pos = [old.header.index(f) for f in common]
    new_pos = [new.header.index(f) for f in common]
    old_rows, new_rows = _index(old, key_fields), _index(new, key_fields)
    for key, rows in old_rows.items():
        extra = len(rows) - len(new_rows.get(key, []))
        diff.removed += [key] * max(extra, 0)
    for key, rows in new_rows.items():
        before = old_rows.get(key, [])
        diff.added += [key] * max(len(rows) - len(before), 0)
        for a, b in zip(before, rows, strict=False):
            cells = tuple(
                CellChange(f, a[i], b[j])
                for f, i, j in zip(common, old_pos, new_pos, strict=True)
                if a[i] != b[j]
            )
            if cells:
                diff.changed.append(RowChange(key, cells))
    if diff.added or diff.removed or diff.changed or diff.schema_changed or diff.metadata:
        diff.status = "changed"
    return diff


def compare(old: Snapshot, new: Snapshot) -> PackageDiff:
    tables: list[TableDiff] = []
    for name, table in new.tables.items():
        before = old.tables.get(name)
        if before is None:
            tables.append(
                TableDiff(
                    name,
                    "added",
                    table.primary_key,
                    0,
                    len(table.rows),
                    fields_added=list(table.fields),
                )
            )
        else:
            changes = table_metadata_changes(old.package, new.package, name)
            tables.append(compare_tables(before, table, changes))
    for name, table in old.tables.items():
        if name not in new.tables:
            tables.append(
                TableDiff(
                    name,
                    "removed",
                    table.primary_key,
                    len(table.rows),
                    0,
                    fields_removed=list(table.fields),
                )
            )
    metadata = package_metadata_changes(old.package, new.package)
    return PackageDiff(old.label, new.label, old.version, new.version, tables, metadata)
