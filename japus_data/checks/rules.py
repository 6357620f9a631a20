"""The package's own rules, beyond what a Table Schema can say.

Reference periods consistent with their precision, subsets not larger than their totals,
the briefing's claims recomputed within tolerance, and the corrections log consistent with
the tables and with the extracted source text in ``source/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..codes import Check
from ..derive import SOURCE_KEY, SOURCES_TABLE
from ..descriptor import Package, Table
from ..locate import DESCRIPTOR as DESCRIPTOR_NAME
from ..problem import Problem

if TYPE_CHECKING:
    import pandas as pd

SOURCE_TEXT_DIR = "source"


# The columns each rule reads from the tables it reads (None: all of them).
Inputs = Mapping[str, "tuple[str, ...] | None"]
# A mask over distinct combinations -> the row numbers (in the file) it holds for.
Expand = Callable[["pd.Series"], list[int]]
CLAIM_INPUTS: Inputs = {
    "claims": None,
    "student_exchange": ("source_id", "direction", "measure", "country_code", "students"),
    "countries": ("country_code", "g7_member"),
}
ATTESTATION_INPUTS: Inputs = {
    "sources": ("source_id", "publisher_organization_id"),
    "statistical_series": ("series_id", "publisher_organization_id"),
}


def rule_problems(
    package: Package,
    frames: dict[str, pd.DataFrame],
    failing: Mapping[str, set[str | None]] | None = None,
) -> Iterator[Problem]:
    """The package's own rules, on the typed frames of the tables that could be read.

    ``failing`` gives, per table, the fields with problems (None: the whole file). A rule
    that reads a column with problems (or a table without rows) of a table other than the
    one it reports on is not run: one line says which table to fix first, rather than
    consequences of its errors reported as the rule's (or an exception's text).
    """
    failing = failing or {}

    def skipped(table: str, check: str, what: str, inputs: Inputs) -> list[Problem]:
        path = DESCRIPTOR_NAME if table == DESCRIPTOR_NAME else package.table(table).path
        reasons = [_unfit(package, frames, failing, n, fields) for n, fields in inputs.items()]
        why = "; ".join(dict.fromkeys(r for r in reasons if r))
        return [Problem(path, None, None, f"{what} not checked: {why}", check)] if why else []

    for table in package.tables:
        frame = frames.get(table.name)
        if frame is not None:
            yield from _period_problems(table, frame)
    yield from _subset_problems(package, frames)
    names = set(package.table_names)
    if SOURCES_TABLE in names:
        inputs: Inputs = {SOURCES_TABLE: (SOURCE_KEY,)}
        skip = skipped(DESCRIPTOR_NAME, Check.SOURCES_LIST, "sources lists", inputs)
        yield from skip or _sources_list_problems(package, frames)
    yield from _enum_problems(package)
    if "student_exchange" in frames:
        skip = skipped("student_exchange", Check.ATTESTATION, "attestations", ATTESTATION_INPUTS)
        yield from skip or _attestation_problems(package, frames)
    if "claims" in names:
        skip = skipped("claims", Check.CLAIM, "claims", CLAIM_INPUTS)
        yield from skip or _claim_problems(package, frames)
    if "corrections" in frames:
        inputs = _corrected_columns(frames["corrections"], names)
        skip = skipped("corrections", Check.CORRECTION, "corrections", inputs)
        yield from skip or _correction_problems(package, frames)


def _unfit(
    package: Package,
    frames: Mapping[str, pd.DataFrame],
    failing: Mapping[str, set[str | None]],
    name: str,
    fields: tuple[str, ...] | None,
) -> str | None:
    """Why a rule cannot rely on table ``name`` (its ``fields``), or None."""
    if name not in package.table_names:
        return None  # a package without the table: the rule's own code says what it needs
    path = package.table(name).path
    bad = failing.get(name, set())
    if name not in frames or None in bad or (bad and (fields is None or bad & set(fields))):
        return f"fix {path} first"
    if len(frames[name]) == 0:
        return f"{path} has no rows"
    return None


def _corrected_columns(corrections: pd.DataFrame, names: Iterable[str]) -> Inputs:
    """The columns the corrections log refers to (``applied_to``: ``table.column; ...``)."""
    columns: dict[str, tuple[str, ...]] = {}
    for text in corrections["applied_to"].dropna().astype("str"):
        for target in text.split("; "):
            table, _, column = target.partition(".")
            if table in names:
                columns[table] = (*columns.get(table, ()), column)
    return columns


def _distinct(frame: pd.DataFrame, names: list[str]) -> tuple[pd.DataFrame, Expand]:
    """The distinct combinations of ``names`` (one row of ``frame`` each, missing values
    included), and what turns a mask over them into the rows of ``frame`` it holds for: a
    rule judged once per combination, not per row (a million rows have few periods)."""
    import numpy as np
    import pandas as pd

    from .keys import dense_codes

    combined = np.zeros(len(frame), dtype=np.int64)
    radix = 1
    for name in names:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):  # its codes, -1 for missing
            codes, size = (
                column.cat.codes.to_numpy().astype(np.int64) + 1,
                len(column.cat.categories) + 1,
            )
        else:
            found, uniques = pd.factorize(column, use_na_sentinel=False)
            codes, size = np.asarray(found, dtype=np.int64), max(len(uniques), 1)
        combined, radix = dense_codes(combined * size + codes, radix * size)
    one = np.zeros(radix, dtype=np.int64)
    one[combined] = np.arange(len(frame))  # any row of each: they are equal in ``names``
    index = frame.index

    def expand(mask: pd.Series) -> list[int]:
        chosen = mask.to_numpy(dtype=bool, na_value=False)[combined]
        return [int(i) + 2 for i in index[np.flatnonzero(chosen)]]

    return frame[names].iloc[one].reset_index(drop=True), expand


def _period_problems(table: Table, frame: pd.DataFrame) -> Iterator[Problem]:
    """Start <= end, and start/end exactly bound the stated precision."""
    import pandas as pd

    names = set(table.field_names)
    for start in [n for n in table.field_names if n.endswith("_start")]:
        prefix = start.removesuffix("_start")
        end = f"{prefix}_end"
        if end not in names:
            continue
        kind_field = next((n for n in (f"{prefix}_precision", "period_type") if n in names), None)
        periods, rows = _distinct(frame, [start, end, *([kind_field] if kind_field else [])])
        s, e = periods[start], periods[end]
        for row in rows(s > e):
            yield Problem(table.path, row, end, f"{end} is before {start}", Check.PERIOD_ORDER)
        for row in rows(s.isna() != e.isna()):
            yield Problem(
                table.path, row, end, f"give both {start} and {end}, or neither", Check.PERIOD
            )
        if kind_field is None:
            continue
        kind = periods[kind_field].astype("str")
        expected_end = {
            "day": s,
            "point_in_time": s,
            "month": s + pd.offsets.MonthEnd(0),
            "calendar_year": s + pd.offsets.YearEnd(0),
            "statistical_year": s + pd.offsets.YearEnd(0),
            "japanese_fiscal_year": s + pd.DateOffset(years=1) - pd.Timedelta(days=1),
            "academic_year": s + pd.DateOffset(years=1) - pd.Timedelta(days=1),
        }
        starts_ok = {
            "month": s.dt.day == 1,
            "calendar_year": (s.dt.month == 1) & (s.dt.day == 1),
            "statistical_year": (s.dt.month == 1) & (s.dt.day == 1),
            "academic_year": (s.dt.month == 7) & (s.dt.day == 1),
            "year_range": (s.dt.month == 1) & (s.dt.day == 1),
            "japanese_fiscal_year": (s.dt.month == 4) & (s.dt.day == 1),
        }
        for value, ok in starts_ok.items():
            for row in rows((kind == value) & ~ok):
                yield Problem(
                    table.path, row, start, f"a {value} must start on its first day", Check.PERIOD
                )
        for value, bound in expected_end.items():
            for row in rows((kind == value) & s.notna() & (e != bound)):
                message = f"{end} does not end the {value} that starts on {start}"
                yield Problem(table.path, row, end, message, Check.PERIOD)
        year_end = (e.dt.month == 12) & (e.dt.day == 31)
        for row in rows((kind == "year_range") & ~year_end):
            yield Problem(
                table.path, row, end, "a year_range must end on 31 December", Check.PERIOD
            )
        for row in rows(kind.isin([*expected_end, "year_range"]) & s.isna()):
            yield Problem(
                table.path, row, start, f"{kind_field} is given but no dates", Check.PERIOD
            )


def _subset_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """A part (of which, うち) is never larger than its whole."""
    exchange = frames.get("student_exchange")
    if exchange is not None and exchange["subset_of_measure"].notna().any():
        path = package.table("student_exchange").path
        keys = ["series_id", "country_code", "direction", "period_start"]
        text = {"series_id": "str", "country_code": "str", "direction": "str"}
        part = exchange[exchange["subset_of_measure"].notna()].reset_index().astype(text)
        part = part.astype({"subset_of_measure": "str"})
        wholes = exchange["measure"].isin(part["subset_of_measure"].unique())
        whole = exchange[wholes].astype({**text, "measure": "str"})[[*keys, "measure", "students"]]
        merged = part.merge(
            whole,
            left_on=[*keys, "subset_of_measure"],
            right_on=[*keys, "measure"],
            suffixes=("", "_whole"),
        )
        for index in merged.loc[merged["students"] > merged["students_whole"], "index"]:
            message = "larger than the measure it is a subset of"
            yield Problem(path, int(index) + 2, "students", message, Check.SUBSET)
    participants = frames.get("program_participants")
    if participants is not None and "subset_of_record_id" in participants.columns:
        path = package.table("program_participants").path
        frame = participants.reset_index()
        whole = frame[["record_id", "participants"]].astype({"record_id": "str"})
        part = frame[frame["subset_of_record_id"].notna()].astype({"subset_of_record_id": "str"})
        merged = part.merge(
            whole, left_on="subset_of_record_id", right_on="record_id", suffixes=("", "_whole")
        )
        for index in merged.loc[merged["participants"] > merged["participants_whole"], "index"]:
            message = "larger than the record it is a subset of"
            yield Problem(path, int(index) + 2, "participants", message, Check.SUBSET)


def _sources_list_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """Each resource lists exactly the documents its rows cite (derived by ``japus-data hash``)."""
    import pandas as pd

    from ..derive import SOURCE_KEY, SOURCES_TABLE, cited_ids, source_fields

    catalogue = frames.get(SOURCES_TABLE)
    if catalogue is None:
        return
    order = [str(v) for v in catalogue[SOURCE_KEY]]
    for table in package.tables:
        frame = frames.get(table.name)
        if frame is None:
            continue
        # Distinct values first: a million rows cite a handful of documents.
        columns = {
            n: pd.Series(frame[n].unique()).dropna().astype("str").unique()
            for n in source_fields(table)
        }
        expected = cited_ids(table, columns, order)
        listed = [str(s.get(SOURCE_KEY)) for s in table.sources if isinstance(s, dict)]
        if listed != expected:
            missing = [s for s in expected if s not in listed]
            extra = [s for s in listed if s not in expected]
            what = "; ".join(
                part
                for part in (
                    f"rows cite {', '.join(missing)} but the list lacks it" if missing else "",
                    f"the list has {', '.join(extra)}, which no row cites" if extra else "",
                    "the order differs" if not (missing or extra) else "",
                )
                if part
            )
            message = (
                f"the descriptor's sources list is not derived from the rows ({what}): "
                "run `make hash`"
            )
            yield Problem(
                DESCRIPTOR_NAME,
                None,
                None,
                f"resource {table.name!r}: {message}",
                Check.SOURCES_LIST,
            )


def _enum_problems(package: Package) -> Iterator[Problem]:
    """Each coded field's ``constraints.enum`` is its categories' values (derived by
    ``japus-data hash`` for Table Schema v1 readers)."""
    for table in package.tables:
        for field in table.fields:
            enum = field.category_values
            if enum is not None and field.constraints.get("enum") != enum:
                message = (
                    f"field {field.name!r}: constraints.enum is not derived from its "
                    "categories: run `make hash`"
                )
                where = f"resource {table.name!r}: {message}"
                yield Problem(DESCRIPTOR_NAME, None, None, where, Check.ENUM_DERIVED)


ATTESTED_TWICE = "two_independent_sources"
PRIMARY = "primary_publication"


def _attestation_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """An observation's attestation agrees with its documents: two independent sources name
    the second one; a primary publication is published by the series' publisher."""
    exchange = frames["student_exchange"]
    path = package.table("student_exchange").path
    attestation = exchange["attestation"]
    # Only the rows that claim an attestation are read (compared, cast): few of a million.
    twice = exchange[(attestation == ATTESTED_TWICE).fillna(False).to_numpy(dtype=bool)]
    second = twice["corroborating_source_id"]
    for index in twice.index[(second.isna() | twice["corroborating_locator"].isna()).to_numpy()]:
        message = "two_independent_sources needs corroborating_source_id and corroborating_locator"
        yield Problem(path, int(index) + 2, "corroborating_source_id", message, Check.ATTESTATION)
    same = second.notna() & (second.astype("str") == twice["source_id"].astype("str"))
    for index in twice.index[same.fillna(False).to_numpy(dtype=bool)]:
        message = "the corroborating source must be another document than source_id"
        yield Problem(path, int(index) + 2, "corroborating_source_id", message, Check.ATTESTATION)
    publisher_of_source = dict(
        zip(
            frames["sources"]["source_id"].astype("str"),
            frames["sources"]["publisher_organization_id"].astype("str"),
            strict=True,
        )
    )
    publisher_of_series = dict(
        zip(
            frames["statistical_series"]["series_id"].astype("str"),
            frames["statistical_series"]["publisher_organization_id"].astype("str"),
            strict=True,
        )
    )
    primary = exchange[(attestation == PRIMARY).fillna(False).to_numpy(dtype=bool)]
    for index, source, series in zip(
        primary.index,
        primary["source_id"].astype("str"),
        primary["series_id"].astype("str"),
        strict=True,
    ):
        if (
            series in publisher_of_series
            and publisher_of_source.get(source) != publisher_of_series[series]
        ):
            message = (
                f"primary_publication, but {source} is not published by the publisher of "
                f"series {series} ({publisher_of_series[series]})"
            )
            yield Problem(path, int(index) + 2, "attestation", message, Check.ATTESTATION)


def _claim_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    from ..claims import evaluate

    path = package.table("claims").path
    try:
        result = evaluate(frames)
    except Exception:  # valid tables that still lack what a claim needs: say so, once
        message = "claims cannot be recomputed from the tables (a row a claim needs is missing)"
        yield Problem(path, None, None, message, Check.CLAIM)
        return
    for index, claim in zip(result.index, result.to_dict("records"), strict=True):
        row = int(index) + 2
        if claim["value_computed"] != claim["value_recomputed"]:
            yield Problem(
                path,
                row,
                "value_computed",
                f"recorded {claim['value_computed']}, "
                f"but the tables give {claim['value_recomputed']}",
                Check.CLAIM_COMPUTED,
            )
        if not claim["holds"]:
            yield Problem(
                path,
                row,
                "value_stated",
                f"stated {claim['value_stated']}, computed {claim['value_recomputed']}: relative "
                f"difference {claim['relative_difference']:.4f} "
                f"exceeds {claim['tolerance_relative']}",
                Check.CLAIM_TOLERANCE,
            )


def _correction_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """Each corrected text is in the columns it claims; no original slip is left in them."""
    table = package.table("corrections")
    corrections = frames["corrections"]
    for index, record in zip(corrections.index, corrections.to_dict("records"), strict=True):
        c = {str(k): v for k, v in record.items()}
        row = int(index) + 2
        parts = str(c["corrected_text"]).split(" / ")
        for target in str(c["applied_to"]).split("; "):
            name, _, column = target.partition(".")
            frame = frames.get(name)
            if frame is None or column not in frame.columns:
                yield Problem(
                    table.path, row, "applied_to", f"no column {target}", Check.CORRECTION
                )
                continue
            texts = frame[column].dropna().astype("str")
            if texts.str.contains(str(c["original_text"]), regex=False).any():
                yield Problem(
                    table.path,
                    row,
                    "original_text",
                    f"the uncorrected text is still in {target}",
                    Check.CORRECTION,
                )
            if not any(texts.str.contains(part, regex=False).any() for part in parts):
                yield Problem(
                    table.path,
                    row,
                    "corrected_text",
                    f"the corrected text is not in {target}",
                    Check.CORRECTION,
                )
        yield from _against_source_text(package, table, row, c)


def _against_source_text(
    package: Package, table: Table, row: int, c: dict[str, Any]
) -> Iterator[Problem]:
    """Where the extracted source text ships beside the package, the slip must be on its line."""
    sources = list((package.root / SOURCE_TEXT_DIR).glob(f"{c['source_id']}*.txt"))
    if not sources:
        return
    try:
        lines = sources[0].read_text(encoding="utf-8").splitlines()
        number = int(c["line_number"])
    except (OSError, UnicodeDecodeError, TypeError, ValueError):
        return
    if number > len(lines) or str(c["original_text"]) not in lines[number - 1]:
        yield Problem(
            table.path,
            row,
            "original_text",
            f"not found on line {number} of {SOURCE_TEXT_DIR}/{sources[0].name}",
            Check.CORRECTION,
        )
