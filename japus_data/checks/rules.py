"""The package's own rules, beyond what a Table Schema can say.

Reference periods consistent with their precision, subsets not larger than their totals,
the briefing's claims recomputed within tolerance, and the corrections log consistent with
the tables and with the extracted source text in ``source/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..descriptor import Package, Table
from ..locate import DESCRIPTOR as DESCRIPTOR_NAME
from .problem import Problem

if TYPE_CHECKING:
    import pandas as pd

SOURCE_TEXT_DIR = "source"


def rule_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """The package's own rules, on the typed frames of the tables that could be read."""
    for table in package.tables:
        frame = frames.get(table.name)
        if frame is not None:
            yield from _period_problems(table, frame)
    yield from _subset_problems(package, frames)
    yield from _sources_list_problems(package, frames)
    yield from _enum_problems(package)
    if "student_exchange" in frames and "statistical_series" in frames and "sources" in frames:
        yield from _attestation_problems(package, frames)
    if {"claims", "sources", "student_exchange", "countries"} <= frames.keys():
        yield from _claim_problems(package, frames)
    if "corrections" in frames:
        yield from _correction_problems(package, frames)


def _rows(mask: pd.Series) -> list[int]:
    return [int(i) + 2 for i in mask[mask.fillna(False)].index]


def _period_problems(table: Table, frame: pd.DataFrame) -> Iterator[Problem]:
    """Start <= end, and start/end exactly bound the stated precision."""
    import pandas as pd

    names = set(table.field_names)
    for start in [n for n in table.field_names if n.endswith("_start")]:
        prefix = start.removesuffix("_start")
        end = f"{prefix}_end"
        if end not in names:
            continue
        s, e = frame[start], frame[end]
        for row in _rows(s > e):
            yield Problem(table.path, row, end, f"{end} is before {start}", "period-order")
        for row in _rows(s.isna() != e.isna()):
            yield Problem(
                table.path, row, end, f"give both {start} and {end}, or neither", "period"
            )
        kind_field = next((n for n in (f"{prefix}_precision", "period_type") if n in names), None)
        if kind_field is None:
            continue
        kind = frame[kind_field].astype("str")
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
            for row in _rows((kind == value) & ~ok):
                yield Problem(
                    table.path, row, start, f"a {value} must start on its first day", "period"
                )
        for value, bound in expected_end.items():
            for row in _rows((kind == value) & s.notna() & (e != bound)):
                message = f"{end} does not end the {value} that starts on {start}"
                yield Problem(table.path, row, end, message, "period")
        year_end = (e.dt.month == 12) & (e.dt.day == 31)
        for row in _rows((kind == "year_range") & ~year_end):
            yield Problem(table.path, row, end, "a year_range must end on 31 December", "period")
        for row in _rows(kind.isin([*expected_end, "year_range"]) & s.isna()):
            yield Problem(table.path, row, start, f"{kind_field} is given but no dates", "period")


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
            yield Problem(path, int(index) + 2, "students", message, "subset")
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
            yield Problem(path, int(index) + 2, "participants", message, "subset")


def _sources_list_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """Each resource lists exactly the documents its rows cite (derived by ``japus-data hash``)."""
    from ..derive import SOURCE_KEY, SOURCES_TABLE, cited_ids, source_fields

    catalogue = frames.get(SOURCES_TABLE)
    if catalogue is None:
        return
    order = [str(v) for v in catalogue[SOURCE_KEY]]
    for table in package.tables:
        frame = frames.get(table.name)
        if frame is None:
            continue
        columns = {n: frame[n].dropna().astype("str").unique() for n in source_fields(table)}
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
                DESCRIPTOR_NAME, None, None, f"resource {table.name!r}: {message}", "sources-list"
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
                yield Problem(DESCRIPTOR_NAME, None, None, where, "enum-derived")


ATTESTED_TWICE = "two_independent_sources"
PRIMARY = "primary_publication"


def _attestation_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """An observation's attestation agrees with its documents: two independent sources name
    the second one; a primary publication is published by the series' publisher."""
    exchange = frames["student_exchange"].reset_index()
    path = package.table("student_exchange").path
    attestation = exchange["attestation"].astype("str")
    twice = attestation == ATTESTED_TWICE
    second = exchange["corroborating_source_id"]
    for index in exchange.loc[
        twice & (second.isna() | exchange["corroborating_locator"].isna()), "index"
    ]:
        message = "two_independent_sources needs corroborating_source_id and corroborating_locator"
        yield Problem(path, int(index) + 2, "corroborating_source_id", message, "attestation")
    same = twice & second.notna() & (second.astype("str") == exchange["source_id"].astype("str"))
    for index in exchange.loc[same, "index"]:
        message = "the corroborating source must be another document than source_id"
        yield Problem(path, int(index) + 2, "corroborating_source_id", message, "attestation")
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
    primary = exchange[attestation == PRIMARY]
    for index, source, series in zip(
        primary["index"],
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
            yield Problem(path, int(index) + 2, "attestation", message, "attestation")


def _claim_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    from ..claims import evaluate

    path = package.table("claims").path
    try:
        result = evaluate(frames)
    except Exception as exc:  # the tables hold wrong or missing values: say so, once
        yield Problem(path, None, None, f"claims cannot be computed: {exc!r}", "claim")
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
                "claim-computed",
            )
        if not claim["holds"]:
            yield Problem(
                path,
                row,
                "value_stated",
                f"stated {claim['value_stated']}, computed {claim['value_recomputed']}: relative "
                f"difference {claim['relative_difference']:.4f} "
                f"exceeds {claim['tolerance_relative']}",
                "claim-tolerance",
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
                yield Problem(table.path, row, "applied_to", f"no column {target}", "correction")
                continue
            texts = frame[column].dropna().astype("str")
            if texts.str.contains(str(c["original_text"]), regex=False).any():
                yield Problem(
                    table.path,
                    row,
                    "original_text",
                    f"the uncorrected text is still in {target}",
                    "correction",
                )
            if not any(texts.str.contains(part, regex=False).any() for part in parts):
                yield Problem(
                    table.path,
                    row,
                    "corrected_text",
                    f"the corrected text is not in {target}",
                    "correction",
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
            "correction",
        )
