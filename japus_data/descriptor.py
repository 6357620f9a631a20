"""The contract, read with the standard library only: tables, fields, keys, hashes.

``datapackage.json`` is the single source of truth for structure. Everything here is a
read-only view of it, cheap enough to use on import paths that must not load pandas.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache
from pathlib import Path
from typing import Any

from .checks.codes import Check
from .errors import DescriptorError as DescriptorError
from .errors import UnknownTableError
from .locate import DESCRIPTOR, package_root


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    description_ja: str
    required: bool
    unique: bool
    pattern: str | None
    minimum: float | None
    maximum: float | None
    categories: tuple[str, ...] | None
    unit: str | None


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    title: str
    title_ja: str
    description: str
    description_ja: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    hash: str | None
    bytes: int | None
    sources: tuple[dict[str, Any], ...] = ()
    # The resource as written, for the validator's checks of properties not modelled above.
    raw: dict[str, Any] = dataclass_field(default_factory=dict, repr=False, compare=False)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")


@dataclass(frozen=True)
class Package:
    root: Path
    raw: dict[str, Any]
    tables: tuple[Table, ...]

    @property
    def version(self) -> str:
        return str(self.raw.get("version", ""))

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise UnknownTableError(name, self.table_names)


def _field(raw: dict[str, Any]) -> Field:
    constraints = raw.get("constraints", {})
    cats = raw.get("categories")
    values: tuple[str, ...] | None = None
    if cats is not None:
        values = tuple(str(c["value"]) if isinstance(c, dict) else str(c) for c in cats)
    return Field(
        name=raw["name"],
        type=raw.get("type", "any"),
        title=raw.get("title", raw["name"]),
        description=raw.get("description", ""),
        description_ja=raw.get("description_ja", ""),
        required=bool(constraints.get("required", False)),
        unique=bool(constraints.get("unique", False)),
        pattern=constraints.get("pattern"),
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        categories=values,
        unit=raw.get("unit"),
    )


def _as_tuple(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _table(raw: dict[str, Any]) -> Table:
    schema = raw["schema"]
    fks = tuple(
        ForeignKey(
            fields=_as_tuple(fk["fields"]),
            # Data Package v2: a reference without ``resource`` points at the same table.
            resource=fk["reference"].get("resource") or raw["name"],
            reference_fields=_as_tuple(fk["reference"]["fields"]),
        )
        for fk in schema.get("foreignKeys", [])
    )
    return Table(
        name=raw["name"],
        path=raw["path"],
        title=raw.get("title", raw["name"]),
        title_ja=raw.get("title_ja", ""),
        description=raw.get("description", ""),
        description_ja=raw.get("description_ja", ""),
        fields=tuple(_field(f) for f in schema["fields"]),
        primary_key=_as_tuple(schema.get("primaryKey", [])),
        foreign_keys=fks,
        hash=raw.get("hash"),
        bytes=raw.get("bytes"),
        sources=tuple(raw.get("sources", [])),
        raw=raw,
    )


# A real descriptor nests 7 levels deep; parsing and checking deeper input could exhaust the
# stack (a RecursionError), so deeper JSON is refused with where it goes too deep.
MAX_DEPTH = 64
# Recorded by ``japus-data hash``: the sha256 of what decides how the files are read and
# checked (see :func:`schema_hash`). The loader re-validates the package when it differs.
SCHEMA_HASH = "schemaHash"
# Left out of ``schemaHash``: words for readers, which change no reading of a file.
DESCRIPTIVE = frozenset(
    {"title", "title_ja", "description", "description_ja", "label", "label_ja", "example"}
)


def _pointer(parts: list[str | int]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _is_text(value: str) -> bool:
    """Valid Unicode: JSON's ``\\ud800`` escapes can give lone surrogates, which no
    encoder writes (a print, a file, a database)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def tree_problem(raw: object) -> str | None:
    """Where parsed JSON nests deeper than :data:`MAX_DEPTH` or holds a string that is not
    valid Unicode, or None. Iterative: no input can exhaust the stack here."""
    stack: list[tuple[object, list[str | int]]] = [(raw, [])]
    while stack:
        value, at = stack.pop()
        if len(at) > MAX_DEPTH:
            return f"{_pointer(at[:MAX_DEPTH])}: nested deeper than {MAX_DEPTH} levels"
        if isinstance(value, str):
            if not _is_text(value):
                return f"{_pointer(at)}: a lone surrogate (e.g. \\ud800) is not valid text"
        elif isinstance(value, dict):
            for key, item in value.items():
                if not _is_text(key):
                    return f"{_pointer(at)}: a key with a lone surrogate is not valid text"
                stack.append((item, [*at, key]))
        elif isinstance(value, list):
            stack.extend((item, [*at, i]) for i, item in enumerate(value))
    return None


def loads_descriptor(text: str, where: str) -> dict[str, Any]:
    """The one parse of a descriptor's text: JSON, an object, bounded depth, valid text.

    Raises :class:`DescriptorError` (one line, starting with ``where``) on anything else.
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            f"{where}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise DescriptorError(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(raw, dict):
        raise DescriptorError(f"{where}: the descriptor must be a JSON object")
    why = tree_problem(raw)
    if why:
        raise DescriptorError(f"{where}: {why}")
    return raw


def write_descriptor(root: Path, raw: dict[str, Any]) -> None:
    """Write the descriptor as the repository keeps it: UTF-8, two-space indent, key order."""
    text = json.dumps(raw, ensure_ascii=False, indent=2) + "\n"
    (root / DESCRIPTOR).write_text(text, encoding="utf-8")


def read_descriptor(root: Path) -> dict[str, Any]:
    """The descriptor of the package in ``root``: a regular file of bounded size, parsed by
    :func:`loads_descriptor`."""
    from .errors import PackageFileError
    from .safepath import MAX_DESCRIPTOR_BYTES, read_regular_file

    path = root / DESCRIPTOR
    try:
        data = read_regular_file(path, str(path), MAX_DESCRIPTOR_BYTES)
    except PackageFileError as exc:
        reason = exc.reason.removeprefix("cannot read: ")
        prefix = "" if reason == "file not found" or exc.check == Check.PATH else "cannot read: "
        raise DescriptorError(f"{path}: {prefix}{reason}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DescriptorError(f"{path}: cannot read: {exc}") from None
    return loads_descriptor(text, str(path))


def schema_hash(raw: dict[str, Any]) -> str:
    """sha256 of what decides how each file is read and checked: every resource as written
    (name, path, dialect, schema: types, constraints, keys, ``missingValues``, ``trueValues``
    ...) without its ``hash`` and ``bytes`` and without titles, descriptions and labels."""
    import hashlib

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in DESCRIPTIVE}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    resources = raw.get("resources")
    kept = [
        strip({k: v for k, v in r.items() if k not in ("hash", "bytes", "sources")})
        if isinstance(r, dict)
        else r
        for r in (resources if isinstance(resources, list) else [])
    ]
    text = json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_package(root: Path) -> Package:
    """The package in ``root``, read by the one guarded parse: every property japus-data
    reads has the type it needs, every resource name is an identifier and every path is
    safe by its text (see :mod:`japus_data.safepath`). Raises :class:`DescriptorError`
    naming the first problem and where it is."""
    from .checks.descriptor import descriptor_shape_problems

    raw = read_descriptor(root)
    problems = descriptor_shape_problems(raw)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more: run `japus-data validate`)" if problems[1:] else ""
        raise DescriptorError(f"{root / DESCRIPTOR}: {first.field or '/'}: {first.message}{more}")
    try:
        tables = tuple(_table(r) for r in raw["resources"])
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise DescriptorError(
            f"{root / DESCRIPTOR}: a resource lacks a required property ({exc})"
        ) from None
    return Package(root=root, raw=raw, tables=tables)


@cache
def installed_package() -> Package:
    """The package shipped with the library, parsed once per process."""
    return parse_package(package_root())
