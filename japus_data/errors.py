"""Exceptions the library raises on bad data: each names the file, and the rows where known."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from .checks.problem import Problem

__all__ = ["DataIntegrityError", "DescriptorError", "JapusDataError", "UnknownTableError"]


class DescriptorError(ValueError):
    """``datapackage.json`` is missing, unreadable or not shaped like a data package."""


class JapusDataError(Exception):
    """Base class of the errors japus-data raises about its data."""


class UnknownTableError(JapusDataError):
    """A table name the package does not have; the message lists the tables it has."""

    def __init__(self, name: str, tables: Sequence[str]) -> None:
        self.name = name
        self.tables = list(tables)
        super().__init__(f"no table {name!r}; tables: {', '.join(self.tables)}")


class DataIntegrityError(JapusDataError):
    """A data file differs from its recorded hash and does not pass validation."""

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"{path} differs from the hash recorded in datapackage.json and is invalid; "
            f"refusing to load it:\n{shown}{tail}"
        )
