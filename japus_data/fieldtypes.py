"""The one registry of Table Schema field types: for each type the validator accepts, how its
cells are read and checked, and what it becomes in pandas, Arrow, SQLite, Python, Excel and
the generated pandera models.

Every module that needs to know a type asks here (``field_type(kind)``): the loader and the
validator (``parse``, ``pandas``), the exports (``arrow``, ``sql``, ``python``,
``excel_format``) and ``japus-data generate`` (``pandera``). A field with ``categories`` is a
pandas ``Categorical`` (Arrow ``dictionary<int32, string>``) whatever its type.

Typed values, per type (``time`` has no pandas dtype of its own: it is the time since
midnight, as ``timedelta64[us]``, a ``datetime.time`` in the exports):

======== ====================== ======================= ========= ===================
type     pandas                 Arrow                   SQLite    Python (exports)
======== ====================== ======================= ========= ===================
string   str                    string                  TEXT      str
integer  Int64                  int64                   INTEGER   int
number   Float64                float64                 REAL      float
boolean  boolean                bool                    INTEGER   bool
date     datetime64[us]         date32                  TEXT      datetime.date
datetime datetime64[us, UTC]    timestamp[us, tz=UTC]   TEXT      datetime.datetime
time     timedelta64[us]        time64[us]              TEXT      datetime.time
year     Int64                  int64                   INTEGER   int
======== ====================== ======================= ========= ===================

``yearmonth`` (``YYYY-MM``, which sorts in time order), ``object``, ``array`` (JSON text) and
``any`` load as ``str``. A ``datetime`` without an offset is read as UTC, Table Schema's
default for the type.

The parsers are vectorised over a column's distinct texts (pandas string methods, Arrow's
RE2, never Python's ``re``); ``flag`` receives each verdict and how to word it, so that the
validator reports and the loader refuses from the one reading. A cell is matched to its
field's ``categories`` or ``enum`` by typed value (``positions``), for both of them too.

Standard library only at import: pandas, numpy and pyarrow load on first use.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .codes import Check
from .descriptor import Field
from .problem import shown

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    import pyarrow as pa

    from .descriptor import Table

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
DATE_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"

Flag = Callable[["pd.Series | npt.NDArray[np.bool_]", str, Callable[[str], str]], None]
Parsed = tuple["npt.NDArray[np.bool_]", "pd.Series"]
Parser = Callable[[Field, "pd.Series", "npt.NDArray[np.bool_]", Flag], Parsed]


@dataclass(frozen=True)
class FieldType:
    """One Table Schema type, everywhere the package meets it."""

    name: str
    parse: Parser  # distinct texts -> (of the type?, typed values)
    pandas: str  # the loader's dtype, checked by the pandera model
    arrow: str  # the Parquet type (see ``arrow_type``)
    sql: str  # the SQLite column type
    pandera: str  # the generated model's annotation
    python: Callable[[Any], Any]  # a present frame value -> a plain Python value
    excel_format: str | None = None  # number format of its Excel cells
    typed_keys: bool = False  # keys compare typed values (``02`` is ``2``), not texts
    comparable: bool = False  # ``minimum`` / ``maximum`` apply
    sql_check: str | None = None  # a CHECK on the column ({col}), beyond its typeof


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


def _numeric(spec: Field, s: pd.Series, present: npt.NDArray[np.bool_], flag: Flag) -> Parsed:
    import numpy as np
    import pandas as pd

    kind = spec.type
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


def _boolean(spec: Field, s: pd.Series, present: npt.NDArray[np.bool_], flag: Flag) -> Parsed:
    ok = s.isin([*spec.true_values, *spec.false_values]).to_numpy()
    flag(present & ~ok, Check.TYPE, lambda v: f"{shown(v)} is not a boolean")
    return ok, s.isin(spec.true_values).astype("boolean").where(ok)


def _date(spec: Field, s: pd.Series, present: npt.NDArray[np.bool_], flag: Flag) -> Parsed:
    import numpy as np
    import pandas as pd

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


def _json(spec: Field, s: pd.Series, present: npt.NDArray[np.bool_], flag: Flag) -> Parsed:
    import numpy as np

    kind = spec.type
    want = dict if kind == "object" else list

    def parses(value: str) -> bool:  # a loop over distinct values, for JSON only
        try:
            return isinstance(json.loads(value), want)
        except ValueError:
            return False

    ok = np.array([parses(v) for v in s], dtype=bool) if len(s) else np.zeros(0, bool)
    flag(present & ~ok, Check.TYPE, lambda v: f"{shown(v)} is not a JSON {kind}")
    return ok, s.astype("str")


def _text(spec: Field, s: pd.Series, present: npt.NDArray[np.bool_], flag: Flag) -> Parsed:
    """Types read by a pattern (its ``format``'s, else its default's), then typed."""
    import numpy as np
    import pandas as pd

    kind = spec.type
    pattern = SIMPLE_FORMATS.get((kind, spec.format))
    if pattern is None and spec.format != "default" and (kind, "default") in SIMPLE_FORMATS:
        pattern = SIMPLE_FORMATS[(kind, "default")]
    ok = np.ones(len(s), dtype=bool) if pattern is None else _fullmatch(s, pattern).to_numpy()
    typed: pd.Series = s.astype("str")
    if kind == "datetime" and pattern is not None:
        instants = pd.to_datetime(s.where(ok), format="ISO8601", errors="coerce", utc=True)
        ok = ok & instants.notna().to_numpy()
        typed = instants.astype("datetime64[us, UTC]")
    elif kind == "time" and pattern is not None:
        # The pattern has bounded the hours, minutes and seconds: a duration since midnight.
        typed = pd.to_timedelta(s.where(ok), errors="coerce").astype("timedelta64[us]")
        ok = ok & typed.notna().to_numpy()
    elif kind == "year" and pattern is not None:
        typed = _int64(s, ok)
    what = kind if spec.format == "default" else f"{kind} ({spec.format})"
    flag(present & ~ok, Check.TYPE, lambda v: f"{shown(v)} is not a {what}")
    return ok, typed


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)  # numpy scalars -> int, float, bool
    return item() if callable(item) else value


def _time_of_day(value: Any) -> Any:
    from datetime import datetime

    return (datetime.min + value.to_pytimedelta()).time()


_TEXT = dict(pandas="str", arrow="string", sql="TEXT", pandera="Series[str]", python=str)
TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        FieldType("string", _text, **_TEXT),  # type: ignore[arg-type]
        FieldType("yearmonth", _text, **_TEXT),  # type: ignore[arg-type]
        FieldType("any", _text, **_TEXT),  # type: ignore[arg-type]
        FieldType("object", _json, **_TEXT),  # type: ignore[arg-type]
        FieldType("array", _json, **_TEXT),  # type: ignore[arg-type]
        FieldType(
            "integer",
            _numeric,
            pandas="Int64",
            arrow="int64",
            sql="INTEGER",
            pandera="Series[pd.Int64Dtype]",
            python=_plain,
            typed_keys=True,
            comparable=True,
        ),
        FieldType(
            "number",
            _numeric,
            pandas="Float64",
            arrow="float64",
            sql="REAL",
            pandera="Series[pd.Float64Dtype]",
            python=_plain,
            typed_keys=True,
            comparable=True,
        ),
        FieldType(
            "boolean",
            _boolean,
            pandas="boolean",
            arrow="bool",
            sql="INTEGER",
            pandera="Series[pd.BooleanDtype]",
            python=_plain,
            typed_keys=True,
            sql_check="{col} IN (0, 1)",
        ),
        FieldType(
            "date",
            _date,
            pandas="datetime64[us]",
            arrow="date32",
            sql="TEXT",
            pandera="Series[pa.DateTime]",
            python=lambda v: v.date(),
            excel_format="yyyy-mm-dd",
            typed_keys=True,
            comparable=True,
            sql_check=f"{{col}} GLOB '{DATE_GLOB}' AND date({{col}}) IS {{col}}",
        ),
        FieldType(
            "datetime",
            _text,
            pandas="datetime64[us, UTC]",
            arrow="timestamp_utc",
            sql="TEXT",
            pandera='Series[Annotated[pd.DatetimeTZDtype, "us", "UTC"]]',
            python=lambda v: v.to_pydatetime(),
            excel_format="yyyy-mm-dd hh:mm:ss",
            typed_keys=True,
            comparable=True,
            sql_check="julianday({col}) IS NOT NULL",
        ),
        FieldType(
            "time",
            _text,
            pandas="timedelta64[us]",
            arrow="time64",
            sql="TEXT",
            pandera="Series[pa.Timedelta]",
            python=_time_of_day,
            excel_format="hh:mm:ss",
            typed_keys=True,
            sql_check="time({col}) IS NOT NULL",
        ),
        FieldType(
            "year",
            _text,
            pandas="Int64",
            arrow="int64",
            sql="INTEGER",
            pandera="Series[pd.Int64Dtype]",
            python=_plain,
            typed_keys=True,
            comparable=True,
        ),
    )
}


def field_type(kind: str) -> FieldType:
    """The registry's entry for a Table Schema type; a type the validator refuses (reported
    on the descriptor) is read as text."""
    return TYPES.get(kind, TYPES["any"])


def pandas_dtype(kind: str, categories: list[Any] | tuple[Any, ...] | None) -> Any:
    """The loader's dtype for a field of type ``kind`` with these ``categories``, if any."""
    import pandas as pd

    if categories is not None:
        return pd.CategoricalDtype(list(categories), ordered=False)
    return field_type(kind).pandas


def pandas_dtypes(table: Table) -> dict[str, Any]:
    """The dtype of each column: what the loader returns and the pandera model checks."""
    return {f.name: pandas_dtype(f.type, f.categories) for f in table.fields}


def arrow_type(field: Field) -> pa.DataType:
    """The Parquet (Arrow) type of a field."""
    import pyarrow as pa

    if field.categories is not None:
        return pa.dictionary(pa.int32(), pa.string())
    return {
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "date32": pa.date32(),
        "timestamp_utc": pa.timestamp("us", tz="UTC"),
        "time64": pa.time64("us"),
        "string": pa.string(),
    }[field_type(field.type).arrow]


def pandera_annotation(field: Field) -> str:
    """The generated pandera model's annotation of a field."""
    if field.categories is not None:
        return "Series[pd.CategoricalDtype]"
    return field_type(field.type).pandera


def excel_format(value: Any) -> str | None:
    """The number format of an Excel cell holding ``value`` (a ``python_value``), from the
    type it comes from: dates as dates, datetimes with their time, times as times."""
    from datetime import date, datetime, time

    kind = (
        "datetime"
        if isinstance(value, datetime)
        else "date"
        if isinstance(value, date)
        else "time"
        if isinstance(value, time)
        else "any"
    )
    return field_type(kind).excel_format


def python_value(kind: str, value: Any) -> Any:
    """A frame's cell as a plain Python value: None where missing."""
    import pandas as pd

    return None if pd.isna(value) else field_type(kind).python(value)


def parse_values(
    spec: Field, u: pd.Series, present: npt.NDArray[np.bool_], flag: Flag | None = None
) -> Parsed:
    """Which of the distinct texts ``u`` are of the field's type, and their typed values:
    the one reading of a cell, for the validator (which passes ``flag``) and the loader."""
    ok, typed = field_type(spec.type).parse(spec, u, present, flag or _ignore)
    return ok & present, typed


def listed_values(spec: Field, items: list[Any]) -> pd.Series:
    """A list of the descriptor's values (``categories``, ``enum``) as typed values, read by
    the same parse as the cells: NA where one is not of the field's type."""
    import numpy as np
    import pandas as pd

    if not field_type(spec.type).typed_keys:
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
    spec: Field, items: list[Any], typed: pd.Series, ok: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Per distinct value (``typed``, of the field's type where ``ok``): the position in
    ``items`` (``categories`` or ``enum``) of the first item with the same typed value, or
    -1. The one reading of a cell against a list, for the validator and the loader."""
    import numpy as np
    import pandas as pd

    listed = listed_values(spec, items)
    usable = np.flatnonzero(listed.notna().to_numpy() & ~listed.duplicated().to_numpy())
    index = pd.Index(listed.iloc[usable])
    try:
        found = index.get_indexer(typed)
    except (TypeError, ValueError):  # values of another type than the list's: none match
        return np.full(len(typed), -1, dtype=np.int64)
    where = np.where(found >= 0, usable[np.maximum(found, 0)] if len(usable) else -1, -1)
    return np.where(ok, where, -1).astype(np.int64)


def _ignore(bad: Any, check: str, say: Callable[[str], str]) -> None:
    return None
