"""What every export format shares: the validated frames and the metadata to embed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..descriptor import Package, Table, parse_package

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Bundle:
    """A validated package with every table loaded by the library's own loader."""

    package: Package
    frames: dict[str, pd.DataFrame]

    @property
    def raw(self) -> dict[str, Any]:
        return self.package.raw

    @property
    def citation(self) -> str:
        """The package's citation, as every loaded frame carries it in ``.attrs``."""
        for frame in self.frames.values():
            return str(frame.attrs["citation"])
        from ..citation import format_reference, package_reference

        return format_reference(package_reference(self.package), "text")

    def licence_text(self) -> str:
        from ..citation import licence_text

        return licence_text(self.package)

    def package_meta(self) -> dict[str, Any]:
        """Package-level metadata that travels with every export."""
        package = self.package
        return {
            "name": package.name,
            "title": package.title,
            "title_ja": package.title_ja,
            "version": package.version,
            "licenses": package.licenses,
            "attribution": package.attribution,
            "citation": self.citation,
            "sources": package.sources,
        }

    def table_meta(self, table: Table) -> dict[str, Any]:
        """What the loaded frame's ``.attrs`` carry, plus the table's foreign keys."""
        meta: dict[str, Any] = {str(k): v for k, v in self.frames[table.name].attrs.items()}
        meta["foreign_keys"] = [
            {
                "fields": list(fk.fields),
                "resource": fk.resource,
                "reference_fields": list(fk.reference_fields),
            }
            for fk in table.foreign_keys
        ]
        return meta


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def load_bundle(path: Path) -> Bundle:
    """Load every table of the package at ``path``, validated by the caller."""
    from ..read import read_table

    package = parse_package(path)
    frames = {name: read_table(name, path) for name in package.table_names}
    return Bundle(package=package, frames=frames)


def python_rows(frame: pd.DataFrame, table: Table) -> list[list[Any]]:
    """The frame's rows as plain Python values (``japus_data.fieldtypes``): None for
    missing, ``date`` for dates, ``datetime`` (UTC) for datetimes, ``time`` for times."""
    from ..fieldtypes import python_value

    kinds = {f.name: "string" if f.categories is not None else f.type for f in table.fields}
    columns = [
        [python_value(kinds.get(str(name), "any"), v) for v in frame[name].astype(object)]
        for name in frame.columns
    ]
    return [list(row) for row in zip(*columns, strict=True)] if columns else []
