"""Compatibility names for what ``japus_data.descriptor`` now models once.

A field's reading options (``missingValues``, ``trueValues`` / ``falseValues``,
``groupChar`` / ``decimalChar`` / ``bareNumber``, ``format``) are attributes of
:class:`japus_data.descriptor.Field`; ``FieldSpec`` is that class and ``field_specs`` the
fields of a table. Kept until every caller imports from ``japus_data.descriptor``.
"""

from __future__ import annotations

from .descriptor import (
    ALLOW_FORMULA,
    FALSE_VALUES,
    FORMULA_PREFIXES,
    TRUE_VALUES,
    Table,
    values_of,
)
from .descriptor import Field as FieldSpec


def field_specs(table: Table) -> list[FieldSpec]:
    """Each field of ``table``, in order, as the validator and the loader read it."""
    return list(table.fields)


__all__ = [
    "ALLOW_FORMULA",
    "FALSE_VALUES",
    "FORMULA_PREFIXES",
    "TRUE_VALUES",
    "FieldSpec",
    "field_specs",
    "values_of",
]
