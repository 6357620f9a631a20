"""What a field's descriptor says about reading its cells, and spellings shared by the
validator, the loader and the exports, each defined once.

``field_spec`` is the one reading of a field's options (``missingValues``, ``trueValues`` /
``falseValues``, ``groupChar`` / ``decimalChar`` / ``bareNumber``, ``format``): the
validator checks cells with it and the loader parses them with it, so that whatever the
validator accepts the loader reads with the same meaning.

Standard library only: safe on import paths that must not load pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .descriptor import Table

# Table Schema's default boolean spellings (``trueValues`` / ``falseValues``).
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
# A text cell starting with one of these would be run as a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@")
ALLOW_FORMULA = "allowFormulaPrefix"


@dataclass
class FieldSpec:
    """What the descriptor declares about one field, with the Table Schema defaults."""

    name: str
    type: str
    format: str
    constraints: dict[str, Any]
    categories: list[Any] | None
    missing: list[str]
    true_values: list[str]
    false_values: list[str]
    allow_formula: bool
    bare_number: bool
    group_char: str | None
    decimal_char: str
    required: bool = False


def values_of(items: Any) -> list[str]:
    """Values of a list that may hold plain values or labelled ``{"value", "label"}`` objects."""
    if not isinstance(items, list):
        return []
    return [str(i.get("value")) if isinstance(i, dict) else str(i) for i in items]


def field_spec(raw: dict[str, Any], schema: dict[str, Any], in_primary_key: bool) -> FieldSpec:
    given = raw.get("constraints") or {}
    constraints: dict[str, Any] = given if isinstance(given, dict) else {}
    categories = raw.get("categories")
    missing = raw.get("missingValues", schema.get("missingValues", [""]))
    return FieldSpec(
        name=str(raw.get("name")),
        type=str(raw.get("type", "any")),
        format=str(raw.get("format", "default")),
        constraints=constraints,
        categories=None
        if categories is None
        else [c.get("value") if isinstance(c, dict) else c for c in categories],
        missing=values_of(missing),
        true_values=values_of(raw.get("trueValues", TRUE_VALUES)),
        false_values=values_of(raw.get("falseValues", FALSE_VALUES)),
        allow_formula=raw.get(ALLOW_FORMULA) is True,
        bare_number=raw.get("bareNumber", True) is not False,
        group_char=raw.get("groupChar"),
        decimal_char=str(raw.get("decimalChar", ".")),
        required=bool(constraints.get("required", False)) or in_primary_key,
    )


def field_specs(table: Table) -> list[FieldSpec]:
    """Each field of ``table``, in order, as the validator and the loader read it."""
    schema = table.raw.get("schema") or {}
    in_key = set(table.primary_key)
    return [field_spec(f, schema, f.get("name") in in_key) for f in schema.get("fields") or []]
