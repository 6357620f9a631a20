"""Validate a copy of the data package: descriptor, rows, keys, hashes and the briefing's claims.

Every problem names its file, row (as numbered in the file, header = 1) and field. The
checks run in layers, each catching what the one before cannot:

1. frictionless: the descriptor, every constraint it enforces, primary and foreign keys;
2. pandera: each table parsed with the loader's dtypes against its generated model, which
   adds what frictionless 5 ignores (Data Package v2 ``categories``);
3. rules: reference periods consistent with their precision, subsets not larger than their
   totals, claims recomputed within tolerance, the corrections log, recorded hashes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .descriptor import DescriptorError, Package, Table, parse_package
from .errors import JapusDataError
from .locate import DESCRIPTOR
from .read import matches_record, parse_csv, sha256_of

if TYPE_CHECKING:
    import pandas as pd

SOURCE_TEXT_DIR = "source"
# frictionless compares the descriptor's hash and bytes too; _hash_problem says it once.
RECORDED_STATS = {"hash-count", "byte-count"}


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None
    field: str | None
    message: str
    check: str

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        return f"{self.file}:{row}:{self.field or '-'}: {self.message} [{self.check}]"


@dataclass
class Report:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_json(self) -> str:
        return json.dumps(
            {
                "valid": self.valid,
                "package": str(self.root / DESCRIPTOR),
                "errors": [asdict(p) for p in self.problems],
                "tables": self.rows,
            },
            ensure_ascii=False,
            indent=2,
        )


def validate_package(root: Path) -> Report:
    """Run every check on the package in ``root``; raise DescriptorError if unreadable."""
    package = parse_package(root)
    report = Report(root=root)
    found = list(_frictionless_problems(root))
    frames: dict[str, pd.DataFrame] = {}
    for table in package.tables:
        frame, problems = _typed_frame(package, table)
        found.extend(problems)
        if frame is not None:
            frames[table.name] = frame
            report.rows[table.name] = len(frame)
    found.extend(_rule_problems(package, frames))
    report.problems = _deduplicate(found)
    return report


def _deduplicate(problems: Iterable[Problem]) -> list[Problem]:
    """One line per (file, row, field): layers that catch the same cell say it once."""
    seen: set[tuple[str, int | None, str | None]] = set()
    unique = []
    for p in problems:
        key = (p.file, p.row, p.field)
        if p.row is not None and key in seen:
            continue
        seen.add(key)
        unique.append(p)
    return sorted(unique, key=lambda p: (p.file, p.row or 0, p.field or "", p.check))


# 1. frictionless ------------------------------------------------------------------------


def _frictionless_problems(root: Path) -> Iterator[Problem]:
    import frictionless

    descriptor = str(root / DESCRIPTOR)
    try:
        report = frictionless.validate(descriptor)
    except Exception as exc:  # frictionless raises its own errors on broken metadata
        yield Problem(DESCRIPTOR, None, None, f"cannot be validated: {exc}", "descriptor")
        return
    for error in report.errors:
        yield Problem(DESCRIPTOR, None, None, _message(error), error.type)
    for task in report.tasks:
        place = task.place or task.name
        file = _relative(root, place)
        for error in task.errors:
            if error.type in RECORDED_STATS:
                continue  # reported once, with the command that fixes it, by _hash_problem
            row = getattr(error, "row_number", None)
            name = getattr(error, "field_name", None)
            if name is None and error.type == "foreign-key":
                name = ",".join(getattr(error, "field_names", []) or []) or None
            yield Problem(file, row, name, _message(error), error.type)


def _message(error: Any) -> str:
    note = getattr(error, "note", "") or ""
    title = getattr(error, "title", "") or error.type
    return f"{title}: {note}" if note else str(getattr(error, "message", title))


def _relative(root: Path, place: str) -> str:
    try:
        return Path(place).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return place


# 2. pandera -------------------------------------------------------------------------------


def _typed_frame(package: Package, table: Table) -> tuple[pd.DataFrame | None, list[Problem]]:
    import pandera.errors

    from .models import MODELS

    try:
        data = (package.root / table.path).read_bytes()
    except OSError as exc:
        return None, [Problem(table.path, None, None, f"cannot read: {exc}", "io")]
    problems = [] if matches_record(table, data) else [_hash_problem(table, data)]
    unknown: list[tuple[int, str, str]] = []
    try:
        frame = parse_csv(table, data, table.path, unknown)
    except JapusDataError as exc:
        return None, [*problems, Problem(table.path, None, None, str(exc), "parse")]
    problems.extend(
        Problem(table.path, row, name, f"{value!r} is not one of its categories", "categories")
        for row, name, value in unknown
    )
    model = MODELS.get(table.name)
    if model is None:
        message = "no pandera model: run `japus-data generate`"
        return frame, [*problems, Problem(table.path, None, None, message, "model")]
    try:
        model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        problems.extend(_pandera_problems(table, exc.failure_cases))
    return frame, problems


def _pandera_problems(table: Table, cases: pd.DataFrame) -> Iterator[Problem]:
    for case in cases.to_dict("records"):
        index = case.get("index")
        row = int(index) + 2 if isinstance(index, int | float) and index == index else None
        column = case.get("column")
        yield Problem(
            table.path,
            row,
            str(column) if column is not None and column == column else None,
            f"{case.get('check')} failed for {case.get('failure_case')!r}",
            f"pandera:{case.get('schema_context', 'schema')}".lower(),
        )


# 3. rules ---------------------------------------------------------------------------------


def _rule_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    for table in package.tables:
        frame = frames.get(table.name)
        if frame is not None:
            yield from _period_problems(table, frame)
    yield from _subset_problems(package, frames)
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
            "japanese_fiscal_year": s + pd.DateOffset(years=1) - pd.Timedelta(days=1),
        }
        starts_ok = {
            "month": s.dt.day == 1,
            "calendar_year": (s.dt.month == 1) & (s.dt.day == 1),
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
    if exchange is not None:
        path = package.table("student_exchange").path
        keys = ["country_code", "direction", "period_start"]
        text = {"country_code": "str", "direction": "str"}
        part = exchange.reset_index().astype(text)
        part = part[part["subset_of_measure"].notna()].astype({"subset_of_measure": "str"})
        whole = exchange.astype({**text, "measure": "str"})[[*keys, "measure", "students"]]
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
    if participants is not None:
        path = package.table("program_participants").path
        frame = participants.reset_index()
        base = ["program_id", "period_start", "direction", "stage"]
        # A count for one country is part of the count for all (empty partner); a count for
        # one field is part of the count for all_fields.
        for narrow, is_whole in (
            ("partner_country_code", frame["partner_country_code"].isna()),
            ("field", frame["field"] == "all_fields"),
        ):
            other = "field" if narrow == "partner_country_code" else "partner_country_code"
            keys = [*base, other]
            whole = frame[is_whole][[*keys, "participants"]].astype({k: "str" for k in keys})
            part = frame[~is_whole].astype({k: "str" for k in keys})
            merged = part.merge(whole, on=keys, how="inner", suffixes=("", "_whole"))
            bad = merged[merged["participants"] > merged["participants_whole"]]
            for index in bad["index"]:
                yield Problem(
                    path,
                    int(index) + 2,
                    "participants",
                    f"larger than the total over all {narrow} values",
                    "subset",
                )


def _claim_problems(package: Package, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    from .claims import evaluate

    path = package.table("claims").path
    try:
        result = evaluate(frames)
    except (KeyError, IndexError, ValueError) as exc:
        yield Problem(path, None, None, f"claims cannot be computed: {exc!r}", "claim")
        return
    for i, claim in enumerate(result.to_dict("records")):
        row = i + 2
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
    for i, record in enumerate(corrections.to_dict("records")):
        c = {str(k): v for k, v in record.items()}
        row = i + 2
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
    lines = sources[0].read_text(encoding="utf-8").splitlines()
    number = int(c["line_number"])
    if number > len(lines) or str(c["original_text"]) not in lines[number - 1]:
        yield Problem(
            table.path,
            row,
            "original_text",
            f"not found on line {number} of {SOURCE_TEXT_DIR}/{sources[0].name}",
            "correction",
        )


# hashes -----------------------------------------------------------------------------------


def _hash_problem(table: Table, data: bytes) -> Problem:
    return Problem(
        table.path,
        None,
        None,
        f"recorded hash/bytes {table.hash}/{table.bytes} differ from the file's "
        f"{sha256_of(data)}/{len(data)}: run `japus-data hash`",
        "hash",
    )


__all__ = ["DescriptorError", "Problem", "Report", "validate_package"]
