"""Load one table: its typed frame (``japus_data.verify``) with the metadata that travels
with it (``DataFrame.attrs``).

The top of the loading stack: the CSV reader (``japus_data.csvread``) sits below the
validator, the validator below ``verify``, and ``verify`` below this module and citation.
pandas is imported on first use, never by ``import japus_data``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .csvread import parse_csv
from .descriptor import Package, Table
from .fieldtypes import pandas_dtypes

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["pandas_dtypes", "parse_csv", "read_table", "table_attrs"]


def table_attrs(package: Package, table: Table) -> dict[str, Any]:
    """Metadata that travels with the frame: what it is, where it comes from, its licence."""
    from .citation import format_reference, package_reference

    return {
        "name": table.name,
        "title": table.title,
        "title_ja": table.title_ja,
        "description": table.description,
        "description_ja": table.description_ja,
        "path": table.path,
        "primary_key": list(table.primary_key),
        # The documents this table's rows cite, else the package's.
        "sources": list(table.sources) or package.sources,
        "licenses": package.licenses,
        "attribution": package.attribution,
        "citation": format_reference(package_reference(package), "text"),
        "package": package.name,
        "version": package.version,
    }


def read_table(name: str, root: str | Path | None = None) -> pd.DataFrame:
    """Load table ``name`` from the installed package, or from the package at ``root``.

    The loader's promise: a frame is returned only from a package that is what was
    validated (every file's recorded ``hash``/``bytes`` and the descriptor's
    ``schemaHash`` match), or that passes validation as a whole now.
    """
    from . import verify

    package = verify.package_at(root)
    frame = verify.load_frame(package, name)
    frame.attrs.update(table_attrs(package, package.table(name)))
    return frame
