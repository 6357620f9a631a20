"""Exports of the validated data package: Parquet, SQLite, Excel and inline-data JSON.

Each format is one small module with a ``write(bundle, out) -> list[Path]`` function,
registered in :data:`FORMATS`. An export is built only from a package that passes
validation; heavy libraries (pyarrow, openpyxl) are imported by the format that needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidPackageError, MissingDependencyError

if TYPE_CHECKING:
    from ._common import Bundle

__all__ = [
    "FORMATS",
    "InvalidPackageError",
    "MissingDependencyError",
    "export",
]

# format name -> what it writes; the writer is ``japus_data.exports.to_<format>.write``.
FORMATS: dict[str, str] = {
    "parquet": "one .parquet file per table",
    "sqlite": "one SQLite database with every table",
    "xlsx": "one Excel workbook, a sheet per table",
    "json": "datapackage.json with inline data",
}

INSTALL_HINT = 'pip install "japus-data[export]"'


def require(module: str, fmt: str) -> None:
    """Fail with one clear line if ``module`` (needed by ``fmt``) cannot be imported."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"the {fmt} export needs {module}, which is not installed: {INSTALL_HINT}"
        ) from None


def _writer(fmt: str) -> Callable[[Bundle, Path], list[Path]]:
    import importlib

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.to_{fmt}")
    for name in module.REQUIRES:
        require(name, fmt)
    writer: Callable[[Bundle, Path], list[Path]] = module.write
    return writer


def export(fmt: str, out: str | Path, root: str | Path | None = None) -> list[Path]:
    """Validate the package (default: the installed one) and write it as ``fmt`` into ``out``.

    Returns the files written. Raises :class:`InvalidPackageError` with the validator's
    problems if the package is invalid, :class:`MissingDependencyError` if the format's
    optional library is missing, and ``ValueError`` for an unknown format.
    """
    from ..locate import resolve_root
    from ..validation import validate_package
    from ._common import load_bundle

    writer = _writer(fmt)
    path = resolve_root(root)
    report = validate_package(path)
    if not report.valid:
        raise InvalidPackageError(report)
    bundle = load_bundle(path)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return writer(bundle, out)
