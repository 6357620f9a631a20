"""japus-data: Japan–US cooperation in people-to-people exchange and science & technology.

Every figure and fact of the MEXT briefing of 2025-12-18 as tables of a Frictionless Data
Package, with one typed loader per table::

    import japus_data
    exchange = japus_data.load_student_exchange()   # DataFrame[StudentExchange]
    japus_data.tables()                              # names of all tables
    japus_data.load("claims")                        # any table by name
    japus_data.validate().valid                      # every check, as a report

Importing this package loads neither pandas nor pandera (nor pyarrow): they load when a
table is first read or validated.
"""

from __future__ import annotations

from .errors import DataIntegrityError, DescriptorError, JapusDataError, UnknownTableError
from .loaders import *  # noqa: F403  (the generated loaders, listed in their own __all__)
from .loaders import __all__ as _loader_names

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    import pandas as pd

    from .problem import Report

__all__ = [
    *_loader_names,
    "DataIntegrityError",
    "DescriptorError",
    "JapusDataError",
    "UnknownTableError",
    "__version__",  # noqa: F405  (read on demand by __getattr__ below)
    "cite",
    "export",
    "load",
    "package_root",
    "tables",
    "validate",
]


def tables(root: str | Path | None = None) -> list[str]:
    """Names of the tables in the data package, in descriptor order."""
    from .verify import package_at

    return package_at(root).table_names


def load(name: str, root: str | Path | None = None) -> pd.DataFrame:
    """Load the table called ``name``; see :func:`tables` for the names."""
    from .read import read_table

    return read_table(name, root)


def validate(path: str | Path | None = None) -> Report:
    """Run every check on the package at ``path`` (``datapackage.json`` or its folder;
    default: the installed package) and return the report: ``report.valid``,
    ``report.problems`` (each with file, row, field, message and check code),
    ``report.summary`` and ``report.to_json()``. Bad data is reported, never raised; a path
    that is not a package's raises ``DescriptorError``."""
    from .locate import resolve_root
    from .validation import validate_package

    return validate_package(resolve_root(path))


def export(format: str, out: str | Path, root: str | Path | None = None) -> list[Path]:
    """Validate the package and write it as ``format`` (parquet, sqlite, xlsx, json) into
    the folder ``out``; returns the files written. See :mod:`japus_data.exports`."""
    from .exports import export as _export

    return _export(format, out, root)


def cite(
    table: str | None = None,
    style: str = "text",
    root: str | Path | None = None,
    lang: str = "en",
) -> str:
    """How to cite the package, or ``table`` with its sources; style text, apa, apa-md,
    apa-html, bibtex or csl-json; ``lang="ja"`` for the Japanese (出典) form."""
    from .citing import cite as _cite

    return _cite(table, style, root, lang)


def package_root() -> Path:
    """Folder of the installed ``datapackage.json``, to read the CSV files directly."""
    from .locate import package_root as _root

    return _root()


def __getattr__(name: str) -> Any:
    # The version lives in datapackage.json, its one source; read it only when asked.
    if name == "__version__":
        from .descriptor import installed_package

        return installed_package().version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
