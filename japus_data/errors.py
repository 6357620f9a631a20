"""Every exception japus-data defines, in one closed vocabulary: each derives from
``JapusDataError``, so ``except JapusDataError`` catches whatever the library raises
about its data, its input or its optional dependencies. Errors about data name the file,
and the rows where known.

The classes are re-exported where they were first defined (``japus_data.diff.DiffError``,
``japus_data.exports.InvalidPackageError``, ...), so older imports keep working.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from .problem import Problem, Report

__all__ = [
    "DataIntegrityError",
    "DescriptorError",
    "DiffError",
    "InvalidPackageError",
    "JapusDataError",
    "MissingDependencyError",
    "PackageFileError",
    "UnknownTableError",
]


class JapusDataError(Exception):
    """Base class of the errors japus-data raises about its data."""


class DescriptorError(JapusDataError, ValueError):
    """``datapackage.json`` is missing, unreadable or not shaped like a data package."""


class PackageFileError(JapusDataError):
    """A file of the package that may not or cannot be read.

    ``check`` is ``"path"`` when japus-data refuses to read it (outside the package, not a
    regular file, too large) and ``"io"`` when reading it failed (missing, no permission).
    """

    def __init__(self, path: str, reason: str, check: str | None = None) -> None:
        from .codes import Check  # not at import: ``import japus_data`` stays bare

        self.path = path
        self.reason = reason
        self.check = Check.IO if check is None else Check(check)
        super().__init__(f"{path}: {reason}")


class UnknownTableError(JapusDataError):
    """A table name the package does not have; the message lists the tables it has.

    The one wording of this error, whichever entry point meets it (``load``, ``cite``, the
    generated loaders, ``japus-data show``/``cite``).
    """

    def __init__(self, name: str, tables: Sequence[str]) -> None:
        self.name = name
        self.tables = list(tables)
        super().__init__(f"no table {name!r}; tables: {', '.join(self.tables)}")


class DiffError(JapusDataError):
    """A version cannot be read: missing path, unknown revision, broken descriptor or CSV."""


class MissingDependencyError(JapusDataError):
    """An optional library an export format needs is not installed."""


class InvalidPackageError(JapusDataError):
    """The package to export does not pass validation; nothing was written."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.problems = list(report.problems)
        self.summary = report.summary  # the validator's own "invalid: ..." line
        super().__init__(
            f"{self.summary}; nothing exported\n" + "\n".join(str(p) for p in self.problems)
        )


class DataIntegrityError(JapusDataError):
    """The package differs from what was recorded (a file's hash, the descriptor's
    ``schemaHash``) and does not pass validation as a whole."""

    def __init__(self, path: str, problems: Sequence[Problem], changed: Sequence[str] = ()) -> None:
        self.path = path
        self.problems = list(problems)
        self.changed = list(changed) or [path]
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"{path}: {', '.join(self.changed)} differ(s) from what datapackage.json records "
            f"and the package is invalid; refusing to load it:\n{shown}{tail}"
        )
