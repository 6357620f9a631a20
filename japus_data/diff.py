"""What changed between two versions of the data package, table by table and row by row.

Each version is a folder (or its ``datapackage.json``) or a git revision, read with
``git cat-file`` without checking anything out. Cells are compared as the text in the CSV
files, read with the standard library's ``csv`` module (``japus_data.csvtext``: no
limit on a cell's size), so that the diff works for data the
current schema would reject. Rows are matched by the table's primary key.

The report also suggests the next version by the recipe in CONTRIBUTING.md: adding or
removing a column (or a table, or rows) is a major change, appending rows or adding a table a
minor one, fixing a value or the metadata a patch.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .csvtext import records as csv_records
from .descriptor import SCHEMA_HASH, loads_descriptor
from .errors import DescriptorError, PackageFileError
from .errors import DiffError as DiffError  # its first home: still importable from here
from .locate import DESCRIPTOR, resolve_root
from .render import markdown, markdown_code
from .safepath import (
    MAX_DESCRIPTOR_BYTES,
    path_problem,
    path_text_problem,
    read_package_file,
    read_regular_file,
)

if TYPE_CHECKING:
    import subprocess

GIT_PREFIX = "git:"
LEVELS = ("none", "patch", "minor", "major")
EXTRA = "(extra cells)"  # cells beyond the header, kept rather than dropped

Key = tuple[str, ...]
Row = tuple[str, ...]


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class TableText:
    """One table of one version: its schema as declared and its cells as text."""

    name: str
    path: str
    fields: tuple[tuple[str, str], ...]  # (name, type) as declared in the descriptor
    primary_key: tuple[str, ...]
    header: tuple[str, ...]  # as in the CSV file
    rows: tuple[Row, ...]
    raw: dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    label: str
    raw: dict[str, Any]
    tables: dict[str, TableText]

    @property
    def version(self) -> str:
        return str(self.raw.get("version", ""))


class _Folder:
    def __init__(self, root: Path, label: str) -> None:
        self.root, self.label = root, label

    def problem(self, path: str) -> str | None:
        """Why ``path`` is not a file inside the package, or None."""
        return path_problem(self.root, path)

    def read(self, path: str) -> bytes:
        """A file of the package, read by the library's one safe reader."""
        try:
            if path == DESCRIPTOR:
                return read_regular_file(self.root / path, path, MAX_DESCRIPTOR_BYTES)
            return read_package_file(self.root, path)
        except PackageFileError as exc:
            reason = exc.reason.removeprefix("cannot read: ")
            reason = reason if reason == "file not found" else exc.reason
            raise DiffError(f"{self.root / path}: {reason}") from None


class _GitRevision:
    def __init__(self, repo: Path, rev: str, subdir: str, label: str) -> None:
        self.repo, self.rev, self.subdir, self.label = repo, rev, subdir.strip("/"), label
        if not rev or rev.startswith("-"):
            raise DiffError(f"{label}: not a git revision")
        self.commit = self._git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        if self.commit is None:
            raise DiffError(f"{label}: unknown git revision {rev!r} in {repo}")

    def _git(self, *args: str) -> str | None:
        result = self._run(*args)
        return result.stdout.decode().strip() if result.returncode == 0 else None

    def _run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        import subprocess

        try:
            result = subprocess.run(
                ["git", "-C", str(self.repo), *args], capture_output=True, check=False
            )
        except FileNotFoundError:
            raise DiffError("git is not installed; cannot read " + self.label) from None
        except OSError as exc:
            raise DiffError(f"cannot run git: {exc}") from None
        if result.returncode != 0 and b"not a git repository" in result.stderr:
            raise DiffError(f"{self.repo}: not a git repository (needed for {self.label})")
        return result

    def problem(self, path: str) -> str | None:
        """Why ``path`` is not a file inside the package, or None, judged by its text alone:
        absolute, with ``..`` or a URL (the revision's files are not on disk to resolve)."""
        return path_text_problem(path)

    def read(self, path: str) -> bytes:
        # ./ makes the path relative to the repo folder given, like a path on disk would be.
        inner = "/".join(p for p in (".", self.subdir, path) if p)
        result = self._run("cat-file", "blob", f"{self.commit}:{inner}")
        if result.returncode != 0:
            raise DiffError(f"{self.label}: {inner.removeprefix('./')}: not in revision")
        return result.stdout


def _source(spec: str, repo: Path) -> _Folder | _GitRevision:
    """A version named by SPEC: ``git:REV[:SUBDIR]``, an existing path, else a git revision."""
    if spec.startswith(GIT_PREFIX):
        rev, _, subdir = spec.removeprefix(GIT_PREFIX).partition(":")
        return _GitRevision(repo, rev, subdir, spec)
    path = Path(spec)
    if path.exists():
        try:
            root = resolve_root(path)
        except DescriptorError as exc:
            raise DiffError(str(exc)) from None
        if not (root / DESCRIPTOR).is_file():
            raise DiffError(f"{root / DESCRIPTOR}: file not found")
        return _Folder(root, spec)
    rev, _, subdir = spec.partition(":")
    try:
        return _GitRevision(repo, rev, subdir, spec)
    except DiffError:
        raise DiffError(f"{spec}: no such file or folder, nor a git revision in {repo}") from None


def _primary_key(value: Any, where: str) -> tuple[str, ...]:
    """A schema's primaryKey as a tuple of field names: absent, one name or a list of names."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise DiffError(f"{where}: primaryKey is neither a field name nor a list of field names")


def _dialect(value: Any, where: str) -> tuple[str, str]:
    """The delimiter and quote character of a resource's ``dialect`` (CSV's by default)."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise DiffError(f"{where}: dialect must be an object written in the descriptor")
    chars = {"delimiter": ",", "quoteChar": '"'}
    for key in chars:
        char = value.get(key, chars[key])
        if not isinstance(char, str) or len(char) != 1:
            raise DiffError(f"{where}: dialect {key} must be one character, not {char!r}")
        chars[key] = char
    return chars["delimiter"], chars["quoteChar"]


def _parse_csv(
    data: bytes, where: str, dialect: tuple[str, str] = (",", '"')
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    delimiter, quotechar = dialect
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DiffError(f"{where}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        records = csv_records(text, delimiter, quotechar)
    except csv.Error as exc:
        raise DiffError(f"{where}: not a readable CSV file: {exc}") from None
    if not records:
        return (), ()
    header = tuple(records[0])
    width = len(header)
    rows = []
    for record in records[1:]:
        if not record:
            continue  # a blank line is no row
        cells = record[:width] + [""] * (width - len(record))
        if len(record) > width:
            cells.append(delimiter.join(record[width:]))
        rows.append(tuple(cells))
    if any(len(r) > width for r in rows):
        header = (*header, EXTRA)
        rows = [r + ("",) * (width + 1 - len(r)) for r in rows]
    return header, tuple(rows)


def _table(raw: Any, source: _Folder | _GitRevision) -> TableText:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise DiffError(f"{source.label}: {DESCRIPTOR}: a resource has no name")
    name = raw["name"]
    path, schema = raw.get("path"), raw.get("schema")
    if not isinstance(path, str):
        raise DiffError(f"{source.label}: {DESCRIPTOR}: resource {name!r} has no single path")
    why = source.problem(path)
    if why:
        raise DiffError(f"{source.label}: {DESCRIPTOR}: resource {name!r}: {why}")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        raise DiffError(f"{source.label}: {DESCRIPTOR}: resource {name!r} has no schema fields")
    if not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in schema["fields"]):
        raise DiffError(f"{source.label}: {DESCRIPTOR}: a field of {name!r} has no name")
    fields = tuple((f["name"], str(f.get("type", "any"))) for f in schema["fields"])
    primary_key = _primary_key(
        schema.get("primaryKey"), f"{source.label}: {DESCRIPTOR}: resource {name!r}"
    )
    dialect = _dialect(raw.get("dialect"), f"{source.label}: {DESCRIPTOR}: resource {name!r}")
    header, rows = _parse_csv(source.read(path), f"{source.label}: {path}", dialect)
    return TableText(
        name=name,
        path=path,
        fields=fields,
        primary_key=primary_key,
        header=header,
        rows=rows,
        raw=raw,
    )


def load_snapshot(spec: str, repo: str | Path = ".") -> Snapshot:
    """Read the version named by ``spec`` (a path, ``git:REV[:SUBDIR]`` or a revision)."""
    source = _source(spec, Path(repo))
    data = source.read(DESCRIPTOR)
    if len(data) > MAX_DESCRIPTOR_BYTES:
        raise DiffError(f"{source.label}: {DESCRIPTOR}: larger than {MAX_DESCRIPTOR_BYTES} bytes")
    try:
        raw = loads_descriptor(data.decode("utf-8-sig"), f"{source.label}: {DESCRIPTOR}")
    except UnicodeDecodeError:
        raise DiffError(f"{source.label}: {DESCRIPTOR}: not UTF-8") from None
    except DescriptorError as exc:
        raise DiffError(str(exc)) from None
    if not isinstance(raw.get("resources"), list):
        raise DiffError(f"{source.label}: {DESCRIPTOR}: not a data package (no resources list)")
    tables: dict[str, TableText] = {}
    for i, resource in enumerate(raw["resources"]):
        if not isinstance(resource, dict):
            raise DiffError(
                f"{source.label}: {DESCRIPTOR}: /resources/{i}: a resource has no name "
                "(a resource must be an object)"
            )
        table = _table(resource, source)
        if table.name in tables:
            raise DiffError(f"{source.label}: {DESCRIPTOR}: two resources named {table.name!r}")
        tables[table.name] = table
    return Snapshot(label=source.label, raw=raw, tables=tables)


# --------------------------------------------------------------------------- comparing


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


def _without(raw: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k not in keys}


def _changed_keys(old: dict[str, Any], new: dict[str, Any], prefix: str) -> Iterator[str]:
    for k in [*old, *(k for k in new if k not in old)]:
        if old.get(k) != new.get(k):
            yield f"{prefix}{k}"


def _metadata(old: TableText, new: TableText) -> list[str]:
    """Descriptor properties that changed, other than hashes and what the schema diff says."""
    out = list(
        _changed_keys(
            _without(old.raw, "hash", "bytes", "schema"),
            _without(new.raw, "hash", "bytes", "schema"),
            "",
        )
    )
    old_schema, new_schema = old.raw["schema"], new.raw["schema"]
    out += _changed_keys(
        _without(old_schema, "fields", "primaryKey"),
        _without(new_schema, "fields", "primaryKey"),
        "schema.",
    )
    old_fields = {str(f["name"]): f for f in old_schema["fields"]}
    for f in new_schema["fields"]:
        before = old_fields.get(str(f["name"]))
        if before is not None:
            out += _changed_keys(_without(before, "type"), _without(f, "type"), f"{f['name']}.")
    return out


def compare_tables(old: TableText, new: TableText) -> TableDiff:
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
    diff.metadata = _metadata(old, new)
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
            tables.append(compare_tables(before, table))
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
    # schemaHash is derived (by `japus-data hash`) from the resources, compared table by table.
    ignored = ("resources", "version", SCHEMA_HASH)
    metadata = list(_changed_keys(_without(old.raw, *ignored), _without(new.raw, *ignored), ""))
    return PackageDiff(old.label, new.label, old.version, new.version, tables, metadata)


def diff_packages(old: str, new: str, repo: str | Path = ".") -> PackageDiff:
    """Compare the versions named ``old`` and ``new`` (see :func:`load_snapshot`)."""
    return compare(load_snapshot(old, repo), load_snapshot(new, repo))


# --------------------------------------------------------------------------- rendering


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(t: TableDiff) -> str:
    if t.status == "added":
        return f"table added, {_plural(t.rows_new, 'row')}"
    if t.status == "removed":
        return f"table removed, {_plural(t.rows_old, 'row')} lost"
    return (
        f"{t.rows_old} → {t.rows_new} rows: {len(t.added)} added, {len(t.removed)} removed, "
        f"{len(t.changed)} changed"
    )


def _schema_lines(t: TableDiff) -> list[str]:
    if t.status != "changed":
        return []
    out = [f"schema: column added: {n} ({ty})" for n, ty in t.fields_added]
    out += [f"schema: column removed: {n} ({ty})" for n, ty in t.fields_removed]
    out += [f"schema: column retyped: {n} {o} → {w}" for n, o, w in t.fields_retyped]
    if t.primary_key_change:
        old, new = t.primary_key_change
        out.append(
            f"schema: primary key {', '.join(old) or '(none)'} → {', '.join(new) or '(none)'}"
        )
    out += [f"file: column added: {c} (not declared in the schema)" for c in t.file_columns_added]
    out += [
        f"file: column removed: {c} "
        + ("(still in the schema)" if c in t.schema_fields else "(never declared in the schema)")
        for c in t.file_columns_removed
    ]
    if t.metadata:
        out.append(f"metadata changed: {', '.join(t.metadata)}")
    return out


def _version_line(d: PackageDiff) -> str:
    level, reasons = d.bump()
    suggested = d.suggested_version()
    if suggested is None:
        return "suggested version: unknown (OLD's version is not MAJOR.MINOR.PATCH)"
    if level == "none":
        return f"suggested version: {suggested} (no change)"
    return f"suggested version: {suggested} ({level}: {'; '.join(reasons)})"


def render_text(d: PackageDiff) -> str:
    lines = [f"diff {d.old_label} ({d.old_version}) → {d.new_label} ({d.new_version})"]
    lines += [f"WARNING: {w}" for w in d.warnings()]
    if d.tables_added:
        lines.append(f"tables added: {', '.join(t.name for t in d.tables_added)}")
    if d.tables_removed:
        lines.append(f"tables removed: {', '.join(t.name for t in d.tables_removed)}")
    for t in d.tables:
        if t.status == "unchanged":
            continue
        lines.append("")
        lines.append(f"{t.name}: {_summary(t)}")
        lines += [f"  {s}" for s in _schema_lines(t)]
        lines += [f"  + {t.key_text(k)}" for k in t.added]
        lines += [f"  - {t.key_text(k)}" for k in t.removed]
        for c in t.changed:
            lines.append(f"  ~ {t.key_text(c.key)}")
            lines += [f"      {x.field}: {x.old!r} → {x.new!r}" for x in c.cells]
    if d.metadata:
        lines += ["", f"package metadata changed: {', '.join(d.metadata)}"]
    if not d.has_changes:
        lines += ["", "no changes"]
    lines += ["", f"version: {d.old_version} → {d.new_version}", _version_line(d)]
    return "\n".join(lines)


def _md(text: str) -> str:
    """A text as a Markdown code span (see japus_data.render.markdown_code)."""
    return markdown_code(text)


def render_markdown(d: PackageDiff) -> str:
    lines = [
        "## Data diff",
        "",
        f"{_md(d.old_label)} ({markdown(d.old_version)}) → "
        f"{_md(d.new_label)} ({markdown(d.new_version)})",
        "",
    ]
    warnings = d.warnings()
    if warnings:
        lines += ["> [!WARNING]", *[f"> - {markdown(w)}" for w in warnings], ""]
    changed = [t for t in d.tables if t.status != "unchanged"]
    if changed:
        lines += [
            "| table | status | rows before | rows after | added | removed | changed | schema |",
            "|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for t in changed:
            schema = (
                "; ".join(markdown(s) for s in _schema_lines(t)) if t.status == "changed" else ""
            )
            added = t.rows_new if t.status == "added" else len(t.added)
            removed = t.rows_old if t.status == "removed" else len(t.removed)
            lines.append(
                f"| {_md(t.name)} | {t.status} | {t.rows_old} | {t.rows_new} | {added} | "
                f"{removed} | {len(t.changed)} | {schema} |"
            )
        lines.append("")
    for t in changed:
        if not (t.added or t.removed or t.changed):
            continue
        lines += [f"### {_md(t.name)}", ""]
        lines += [f"- added {_md(t.key_text(k))}" for k in t.added]
        lines += [f"- **removed** {_md(t.key_text(k))}" for k in t.removed]
        for c in t.changed:
            lines.append(f"- changed {_md(t.key_text(c.key))}")
            lines += [f"  - {_md(x.field)}: {_md(x.old)} → {_md(x.new)}" for x in c.cells]
        lines.append("")
    if d.metadata:
        lines += [f"Package metadata changed: {', '.join(_md(m) for m in d.metadata)}", ""]
    if not d.has_changes:
        lines += ["No changes.", ""]
    mark = "✅ follows the recipe" if d.version_follows_recipe else "⚠️ does not follow the recipe"
    lines += [
        f"Version: {markdown(d.old_version)} → {markdown(d.new_version)} {mark}",
        "",
        f"**{markdown('S' + _version_line(d)[1:])}**",
    ]
    return "\n".join(lines)


def render_json(d: PackageDiff) -> str:
    return json.dumps(d.to_dict(), ensure_ascii=False, indent=2)


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
