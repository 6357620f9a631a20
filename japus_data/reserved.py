"""Names the exports create themselves, which a table may therefore not take.

Below both the writers (``japus_data.exports``) and the validator (``checks.names``), which
refuses them: the validator imports no export module.
"""

from __future__ import annotations

SQLITE_METADATA_TABLES = ("_package", "_tables", "_columns", "_categories")
XLSX_README_SHEET = "README"
