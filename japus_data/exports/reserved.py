"""Names the exports create themselves, which a table may therefore not take.

Kept apart from the writers so that the validator (``checks.names``) can refuse them without
importing an export module (and, through it, the reader it depends on).
"""

from __future__ import annotations

SQLITE_METADATA_TABLES = ("_package", "_tables", "_columns", "_categories")
XLSX_README_SHEET = "README"
