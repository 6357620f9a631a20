"""What changed between two versions of the data package, table by table and row by row.

Three layers, one module each: :mod:`.sources` reads a version (a folder, or a git revision
read with ``git cat-file``) into the descriptor model and the CSV cells as text;
:mod:`.compare` matches rows by primary key and computes the typed changes and the version
the recipe in CONTRIBUTING.md suggests; :mod:`.render` writes them as text, Markdown or JSON.
"""

from __future__ import annotations

from pathlib import Path

from .compare import (
    LEVELS,
    CellChange,
    Key,
    PackageDiff,
    RowChange,
    TableDiff,
    compare,
    compare_tables,
    format_key,
)
from .render import RENDERERS, render_json, render_markdown, render_text
from .sources import EXTRA, GIT_PREFIX, DiffError, Row, Snapshot, TableText, load_snapshot


def diff_packages(old: str, new: str, repo: str | Path = ".") -> PackageDiff:
    """Compare the versions named ``old`` and ``new`` (see :func:`load_snapshot`)."""
    return compare(load_snapshot(old, repo), load_snapshot(new, repo))


__all__ = [
    "EXTRA",
    "GIT_PREFIX",
    "LEVELS",
    "RENDERERS",
    "CellChange",
    "DiffError",
    "Key",
    "PackageDiff",
    "Row",
    "RowChange",
    "Snapshot",
    "TableDiff",
    "TableText",
    "compare",
    "compare_tables",
    "diff_packages",
    "format_key",
    "load_snapshot",
    "render_json",
    "render_markdown",
    "render_text",
]
