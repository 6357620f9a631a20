"""Every cell of one column against its field: missing values, type, constraints, categories,
whitespace, number formatting, spreadsheet formulas.

Vectorised: a column is factorised once, each check runs on its distinct values (with pandas
string methods), and the verdicts are mapped back to the rows through the codes. Python
loops only over the cells found wrong, to word their messages.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` is refused because a spreadsheet
would run it as a formula, unless it is one of the field's ``categories`` or ``enum`` values,
or the field sets the custom property ``"allowFormulaPrefix": true``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..fieldspec import ALLOW_FORMULA, FORMULA_PREFIXES, FieldSpec, values_of
from .codes import Check
from .problem import Problem, bounded, shown

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

INTEGER = r"[+-]?[0-9]+"
NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|NaN|INF|-INF"
FULL_WIDTH = r".*[０-９，．－＋].*"
THOUSANDS = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?"
SIMPLE_FORMATS = {
    ("date", "default"): r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    ("datetime", "default"): (
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?"
    ),
    ("time", "default"): r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?",
    ("year", "default"): r"[+-]?[0-9]{4}",
    ("yearmonth", "default"): r"[0-9]{4}-(0[1-9]|1[0-2])",
    ("string", "email"): r"[^@\s]+@[^@\s]+\.[^@\s]+",
    ("string", "uri"): r"[A-Za-z][A-Za-z0-9+.-]*:\S+",
    ("string", "uuid"): r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}",
    ("string", "binary"): r"[A-Za-z0-9+/]*={0,2}",
}
INT64_MAX = str(2**63 - 1)  # 19 digits; the loader's Int64 holds -2**63 .. 2**63 - 1
INT64_MIN = str(2**63)  # its magnitude


@dataclass
class Checked:
    """A column's verdicts: the problems, and its values typed for the package's rules."""

    problems: list[Problem]
    typed: pd.Series  # per row, NA where missing or wrong
    missing: npt.NDArray[np.bool_]  # per distinct value: one of the missing values
    ok: npt.NDArray[np.bool_]  # per distinct value: present and of the field's type
    values: pd.Series  # per distinct value: its typed value, NA where missing or wrong
    key: npt.NDArray[np.int64]  # per distinct value: equal where the typed values are equal
    category: npt.NDArray[np.int64] | None  # per distinct value: its category's position, or -1


def _fullmatch(s: pd.Series, pattern: str) -> pd.Series:
    """``str.fullmatch`` by Arrow's RE2 only: linear in the text whatever the pattern.

    Never Python's ``re``, whose backtracking a pattern such as ``(?=a)(a+)+$`` makes
    exponential. A pattern RE2 refuses is reported on the descriptor
    (``checks.descriptor.pattern_problem``), and no cell is judged by it.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # alone first: then the pattern's parentheses are its own, and it can be wrapped
        pc.match_substring_regex(pa.array([""], pa.string()), pattern)
    except pa.ArrowException:  # refused by RE2: reported on the descriptor
        return pd.Series(True, index=s.index)
    # pandas' ``str.fullmatch`` would fall back to Python's ``re``: Arrow is called directly.
    if getattr(s.dtype, "storage", None) != "pyarrow":
        s = s.astype(pd.StringDtype("pyarrow", na_value=float("nan")))
    text = pa.array(s.array)
    matched = pc.fill_null(pc.match_substring_regex(text, f"^(?:{pattern})$"), False)
    return pd.Series(matched.to_numpy(zero_copy_only=False), index=s.index, dtype=bool)


def check_column(
    path: str,
    spec: FieldSpec,
    codes: npt.NDArray[np.int64],
    u: pd.Series,
    rows: npt.NDArray[np.int64],
) -> Checked:
    """Check every cell of a column given as ``codes`` into its distinct texts ``u``."""
    import numpy as np
    import pandas as pd

    verdicts: list[tuple[npt.NDArray[np.bool_], str, Callable[[str], str]]] = []

    def flag(bad: pd.Series | npt.NDArray[np.bool_], check: str, say: Callable[[str], str]) -> None:
        verdicts.append((np.asarray(bad, dtype=bool), check, say))

    missing = u.isin(spec.missing).to_numpy()
    present = ~missing
    if spec.required:
        flag(missing, Check.REQUIRED, lambda v: "a value is required")
    stripped = u.str.strip()
    flag(
        present & (u != stripped).to_numpy(),
        Check.WHITESPACE,
        lambda v: f"{shown(v)} has stray whitespace",
    )

    ok, typed = _parse(spec, stripped, present, flag)
    ok = ok & present
    items = spec.category_values
    category = None if items is None else positions(spec, items, typed, ok)
    _constraints(spec, stripped, typed, ok, category, flag)

    if spec.type == "string" and not spec.allow_formula:
        declared = set(values_of(spec.category_values)) | set(
            values_of(spec.constraints.get("enum"))
        )
        formula = present & stripped.str[:1].isin(FORMULA_PREFIXES).to_numpy()
        formula = formula & ~u.isin(declared).to_numpy()
        flag(
            formula,
            Check.FORMULA,
            lambda v: (
                f"{shown(v)} starts with {v.strip()[:1]!r}: a spreadsheet would run it as a "
                f"formula (set {ALLOW_FORMULA!r} on the field if intended)"
            ),
        )

    problems: list[Problem] = []
    for bad, check, say in verdicts:
        if not bad.any():
            continue

        def problem(position: int, say: Callable[[str], str] = say, check: str = check) -> Problem:
            value = str(u.iloc[codes[position]])
            return Problem(path, int(rows[position]), spec.name, say(value), check)

        problems.extend(bounded(path, check, np.flatnonzero(bad[codes]), problem))

    result = pd.Series(typed.array.take(codes), name=spec.name)
    if not ok.all():
        result = result.where(ok[codes])
    values = typed if ok.all() else typed.where(ok)
    return Checked(problems, result, missing, ok, values, key_codes(spec, values), category)


# Types whose values are compared as values in keys, not as the text that spells them:
# ``02``, ``+2`` and ``2`` are one integer; ``true`` and ``TRUE`` one boolean.
TYPED_KEYS = ("integer", "number", "boolean", "date", "datetime", "year")


def key_codes(spec: FieldSpec, values: pd.Series) -> npt.NDArray[np.int64]:
    """Per distinct text: a code shared by the texts whose typed values are equal. Texts
    that are not of the field's type (NA in ``values``) keep a code of their own (they are
    reported as such)."""
    import numpy as np
    import pandas as pd

    n = len(values)
    if spec.type not in TYPED_KEYS or n == 0:
        return np.arange(n, dtype=np.int64)
    codes, _ = pd.factorize(key_values(spec, values), use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    alone = codes < 0
    codes[alone] = codes.max(initial=-1) + 1 + np.arange(int(alone.sum()))
    return codes


def listed_values(spec: FieldSpec, items: list[Any]) -> pd.Series:
    """A list of the descriptor's values (``categories``, ``enum``) as typed values, read by
    the same parse as the cells: NA where one is not of the field's type."""
    import numpy as np
    import pandas as pd

    if spec.type not in TYPED_KEYS:
        return pd.Series(pd.array([str(i) for i in items], dtype="str"))
    if spec.type == "boolean":  # JSON true/false are the values themselves
        given = pd.Series([i if isinstance(i, bool) else pd.NA for i in items], dtype="boolean")
        text = pd.Series(pd.array(["" if isinstance(i, bool) else str(i) for i in items], "str"))
        ok, typed = parse_values(spec, text, np.ones(len(items), dtype=bool))
        return given.fillna(typed.where(ok))
    text = pd.Series(
        pd.array([json.dumps(i) if isinstance(i, int | float) else str(i) for i in items], "str")
    )
    ok, typed = parse_values(spec, text, np.ones(len(items), dtype=bool))
    return typed.where(ok)


def positions(
    spec: FieldSpec, items: list[Any], typed: pd.Series, ok: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Per distinct value (``typed``, of the field's type where ``ok``): the position in
    ``items`` (``categories`` or ``enum``) of the first item with the same typed value, or
    -1. The one reading of a cell against a list, for the validator and the loader."""
    import numpy as np
    import pandas as pd

    listed = listed_values(spec, items)
    if spec.type in ("datetime", "year"):  # text in the frame, compared as values
        listed = pd.Series(key_values(spec, listed))
        typed = pd.Series(key_values(spec, typed))
    usable = np.flatnonzero(listed.notna().to_numpy() & ~listed.duplicated().to_numpy())
    index = pd.Index(listed.iloc[usable])
    try:
        found = index.get_indexer(typed)
    except (TypeError, ValueError):  # values of another type than the list's: none match
        return np.full(len(typed), -1, dtype=np.int64)
    where = np.where(found >= 0, usable[np.maximum(found, 0)] if len(usable) else -1, -1)
    return np.where(ok, where, -1).astype(np.int64)


def key_values(spec: FieldSpec, values: pd.Series) -> pd.Series:
    """Typed values as keys compare them: datetimes (text in the frame) as instants, years
    as integers."""
    import pandas as pd

    if spec.type == "datetime":
        return pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True)
    if spec.type == "year":
        return pd.to_numeric(values, errors="coerce").astype("Int64")
    return values


def parse_values(
    spec: FieldSpec, u: pd.Series, present: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.bool_], pd.Series]:
    """Which of the distinct texts ``u`` are of the field's type, and their typed values:
    the validator's own reading, for the loader (``japus_data.read.parse_csv``)."""
    ok, typed = _parse(spec, u, present, lambda bad, check, say: None)
    return ok & present, typed


Flag = Callable[["pd.Series | npt.NDArray[np.bool_]", str, Callable[[str], str]], None]


def _parse(
    spec: FieldSpec, s: pd.Series, present: npt.NDArray[np.bool_], flag: Flag
) -> tuple[npt.NDArray[np.bool_], pd.Series]:
    """Which distinct values are of the field's type, and their typed values."""
    import numpy as np
    import pandas as pd

    kind = spec.type
    if kind in ("integer", "number"):
        text = s
        if spec.group_char:
            text = text.str.replace(spec.group_char, "", regex=False)
        if spec.decimal_char != ".":
            text = text.str.replace(spec.decimal_char, ".", regex=False)
        if not spec.bare_number:
            text = text.str.replace(r"^[^0-9+.-]+|[^0-9.]+$", "", regex=True)
        ok = _fullmatch(text, INTEGER if kind == "integer" else NUMBER).to_numpy() & present
        beyond = np.zeros(len(s), dtype=bool)
        if kind == "integer":
            beyond = ok & ~_in_int64(text)
            flag(beyond, Check.TYPE, lambda v: f"{shown(v)} is beyond the 64-bit integer range")
            ok = ok & ~beyond
        wide = present & ~ok & _fullmatch(s, FULL_WIDTH).to_numpy()
        thousands = present & ~ok & ~wide & _fullmatch(s, THOUSANDS).to_numpy()
        flag(wide, Check.NUMBER_FORMAT, lambda v: f"{shown(v)} has full-width characters: use 0-9")
        flag(thousands, Check.NUMBER_FORMAT, lambda v: f"{shown(v)} has a thousands separator")
        flag(
            present & ~ok & ~wide & ~thousands & ~beyond,
            Check.TYPE,
            lambda v: f"{shown(v)} is not {'an' if kind == 'integer' else 'a'} {kind}",
        )
        if kind == "integer":
            return ok, _int64(text, ok)
        numbers = pd.to_numeric(text.where(ok), errors="coerce")
        return ok, numbers.astype("Float64")
    if kind == "boolean":
        ok = s.isin([*spec.true_values, *spec.false_values]).to_numpy()
        flag(present & ~ok, Check.TYPE, lambda v: f"{shown(v)} is not a boolean")
        truth = s.isin(spec.true_values).astype("boolean").where(ok)
        return ok, truth
    if kind == "date":
        fmt = spec.format
        if fmt == "default":
            ok = _fullmatch(s, SIMPLE_FORMATS[("date", "default")]).to_numpy()
            dates = pd.to_datetime(s.where(ok), format="%Y-%m-%d", errors="coerce")
        elif fmt == "any":
            dates = pd.to_datetime(s, format="mixed", errors="coerce")
            ok = np.ones(len(s), dtype=bool)
        else:
            dates = pd.to_datetime(s, format=fmt, errors="coerce")
            ok = np.ones(len(s), dtype=bool)
        ok = ok & dates.notna().to_numpy()
        flag(present & ~ok, Check.TYPE, lambda v: f"{shown(v)} is not a date ({fmt})")
        return ok, dates.astype("datetime64[us]")
    if kind in ("object", "array"):
        want = dict if kind == "object" else list

        def parses(value: str) -> bool:  # a loop over distinct values, for JSON only
            try:
                return isinstance(json.loads(value), want)
            except ValueError:
                return False

        ok = np.array([parses(v) for v in s], dtype=bool) if len(s) else np.zeros(0, bool)
        flag(present & ~ok, Check.TYPE, lambda v: f"{shown(v)} is not a JSON {kind}")
        return ok, s.astype("str")
    pattern = SIMPLE_FORMATS.get((kind, spec.format))
    if pattern is None and spec.format != "default" and (kind, "default") in SIMPLE_FORMATS:
        pattern = SIMPLE_FORMATS[(kind, "default")]
    ok = np.ones(len(s), dtype=bool) if pattern is None else _fullmatch(s, pattern).to_numpy()
    if kind in ("datetime", "time") and pattern is not None:
        fmt = "ISO8601" if kind == "datetime" else "%H:%M:%S"
        parsed = pd.to_datetime(
            s.where(ok).str.slice(0, 8 if kind == "time" else None),
            format=fmt,
            errors="coerce",
            utc=kind == "datetime",
        )
        ok = ok & parsed.notna().to_numpy()
    what = kind if spec.format == "default" else f"{kind} ({spec.format})"
    flag(present & ~ok, Check.TYPE, lambda v: f"{shown(v)} is not a {what}")
    return ok, s.astype("str")


def _in_int64(text: pd.Series) -> npt.NDArray[np.bool_]:
    """Per integer text (``[+-]?[0-9]+``): within int64, judged on the digits (exactly; a
    float would round 2**63 - 1), with leading zeros and sign set aside."""
    import numpy as np

    digits = text.str.replace(r"^[+-]?0*", "", regex=True)
    count = digits.str.len().to_numpy()
    limit = np.where(text.str.startswith("-").to_numpy(dtype=bool), INT64_MIN, INT64_MAX)
    at_most = (digits <= limit).to_numpy(dtype=bool)
    return np.asarray((count < len(INT64_MAX)) | ((count == len(INT64_MAX)) & at_most))


def _int64(text: pd.Series, ok: npt.NDArray[np.bool_]) -> pd.Series:
    """The integer texts ``text[ok]`` as Int64, exactly (Arrow's cast, no float between)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    clean = text.str.replace(r"^\+", "", regex=True).where(ok, "0")
    values = pc.cast(pa.array(clean.array), pa.int64())
    typed = pd.Series(pd.array(values, dtype=pd.ArrowDtype(pa.int64())), index=text.index)
    return typed.astype("Int64").where(ok)


def _limit(spec: FieldSpec, value: Any) -> Any:
    import pandas as pd

    if spec.type in ("date", "datetime"):
        return pd.Timestamp(str(value))
    if spec.type == "year":
        return int(value)
    return value


def _constraints(
    spec: FieldSpec,
    s: pd.Series,
    typed: pd.Series,
    ok: npt.NDArray[np.bool_],
    category: npt.NDArray[np.int64] | None,
    flag: Flag,
) -> None:
    import numpy as np
    import pandas as pd

    c = spec.constraints
    if "pattern" in c:
        matches = _fullmatch(s, str(c["pattern"])).to_numpy()
        flag(ok & ~matches, Check.PATTERN, lambda v: f"{shown(v)} does not match {c['pattern']!r}")
    # An enum that repeats the categories (derived for Table Schema v1 readers) adds no check:
    # a code outside them is reported once, as outside its categories.
    if "enum" in c and not (category is not None and c["enum"] == spec.category_values):
        enum = c["enum"] if isinstance(c["enum"], list) else []
        inside = positions(spec, enum, typed, ok) >= 0
        flag(ok & ~inside, Check.ENUM, lambda v: f"{shown(v)} is not one of {enum}")
    if category is not None:
        outside = ok & (category < 0)
        flag(outside, Check.CATEGORIES, lambda v: f"{shown(v)} is not one of its categories")
    lengths = s.str.len().to_numpy()
    if "minLength" in c:
        flag(
            ok & (lengths < c["minLength"]),
            Check.MIN_LENGTH,
            lambda v: f"shorter than {c['minLength']}",
        )
    if "maxLength" in c:
        flag(
            ok & (lengths > c["maxLength"]),
            Check.MAX_LENGTH,
            lambda v: f"longer than {c['maxLength']}",
        )
    comparable = spec.type in ("integer", "number", "date", "datetime", "year")
    if not comparable:
        return
    values = (
        typed
        if spec.type not in ("datetime", "year")
        else (
            pd.to_datetime(s.where(ok), format="ISO8601", errors="coerce", utc=True).dt.tz_localize(
                None
            )
            if spec.type == "datetime"
            else pd.to_numeric(s.where(ok), errors="coerce")
        )
    )
    for name, op, words in (
        (Check.MINIMUM, np.less, "less than"),
        (Check.MAXIMUM, np.greater, "greater than"),
        (Check.EXCLUSIVE_MINIMUM, np.less_equal, "not greater than"),
        (Check.EXCLUSIVE_MAXIMUM, np.greater_equal, "not less than"),
    ):
        if name in c:
            try:
                limit = _limit(spec, c[name])
            except (ValueError, TypeError):
                continue
            bad = op(values, limit)
            bad = np.asarray(pd.Series(bad).fillna(False), dtype=bool)
            flag(ok & bad, name, _beyond(name, words, c[name]))


def _beyond(name: str, words: str, limit: Any) -> Callable[[str], str]:
    return lambda v: f"{shown(v)} is {words} the {name} {limit}"
