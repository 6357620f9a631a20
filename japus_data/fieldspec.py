"""Spellings shared by the validator, the loader and the exports, defined once.

Standard library only: safe on import paths that must not load pandas.
"""

from __future__ import annotations

# Table Schema's default boolean spellings (``trueValues`` / ``falseValues``).
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
# A text cell starting with one of these would be run as a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@")
