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

from .errors import DescriptorError as DescriptorError
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
        raise KeyError(f"no table named {name!r}; tables: {', '.join(self.table_names)}")


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


def read_descriptor(root: Path) -> dict[str, Any]:
    path = root / DESCRIPTOR
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DescriptorError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DescriptorError(f"{path}: cannot read: {exc}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    if not isinstance(raw, dict):
        raise DescriptorError(f"{path}: the descriptor must be a JSON object")
    return raw


def write_descriptor(root: Path, raw: dict[str, Any]) -> None:
    """Write the descriptor as the repository keeps it: UTF-8, two-space indent, key order."""
    text = json.dumps(raw, ensure_ascii=False, indent=2) + "\n"
    (root / DESCRIPTOR).write_text(text, encoding="utf-8")


def parse_package(root: Path) -> Package:
    raw = read_descriptor(root)
    try:
        tables = tuple(_table(r) for r in raw["resources"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise DescriptorError(
            f"{root / DESCRIPTOR}: a resource lacks a required property ({exc})"
        ) from None
    return Package(root=root, raw=raw, tables=tables)


@cache
def installed_package() -> Package:
    """The package shipped with the library, parsed once per process."""
    return parse_package(package_root())
