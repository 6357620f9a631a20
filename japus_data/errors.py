"""Exceptions the library raises on bad data: each names the file, and the rows where known."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from .checks.problem import Problem

__all__ = [
    "DataIntegrityError",
    "DescriptorError",
    "JapusDataError",
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

    def __init__(self, path: str, reason: str, check: str = "io") -> None:
        self.path = path
        self.reason = reason
        self.check = check
        super().__init__(f"{path}: {reason}")


class UnknownTableError(JapusDataError):
    """A table name the package does not have; the message lists the tables it has."""

    def __init__(self, name: str, tables: Sequence[str]) -> None:
        self.name = name
        self.tables = list(tables)
        super().__init__(f"no table {name!r}; tables: {', '.join(self.tables)}")


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
