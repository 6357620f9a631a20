"""A problem found by the validator, and the report that collects them.

The report is bounded, whatever the input: at most ``PER_CHECK`` lines per file and check and
``PER_FILE`` per file, then one line per file and check saying how many more were found. The
checks build at most ``PER_CHECK`` problems of a kind (``bounded``) and count the rest
(``Omitted``), so that memory is bounded too: 400,000 broken rows are not 4.8 million lines.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .codes import CODES

# Values are quoted in messages; a 50 MB cell is not.
SHOWN_CHARS = 40
PER_CHECK = 100  # lines shown per file and check
PER_FILE = 1000  # lines shown per file

if TYPE_CHECKING:
    import numpy.typing as npt


def shown(value: object) -> str:
    """``repr`` of a value, cut to a readable length."""
    text = str(value)
    if len(text) > SHOWN_CHARS:
        return repr(text[:SHOWN_CHARS]) + f"... ({len(text)} characters)"
    return repr(text)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None
    field: str | None
    message: str
    check: str

    def __post_init__(self) -> None:
        # One vocabulary of codes (``japus_data.codes``): a new check adds its code there first.
        if self.check not in CODES:
            raise ValueError(f"{self.check!r} is not a check code of japus_data.codes")

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        return f"{self.file}:{row}:{self.field or '-'}: {self.message} [{self.check}]"


@dataclass(frozen=True, order=True)
class Omitted(Problem):
    """``count`` more problems of ``check`` in ``file``, counted but not built."""

    count: int = 0


def bounded(
    path: str, check: str, items: Sequence[int] | npt.NDArray[Any], make: Callable[[int], Problem]
) -> list[Problem]:
    """The problems of the first ``PER_CHECK`` items (positions), and the count of the others."""
    found = [make(int(item)) for item in items[:PER_CHECK]]
    if len(items) > PER_CHECK:
        found.append(Omitted(path, None, None, "", check, len(items) - PER_CHECK))
    return found


class Found:
    """Problems as the checks find them, bounded: ``PER_CHECK`` kept per file and check, the
    others counted. ``extend`` takes lazy iterables, so a check may yield without limit."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.shown: Counter[tuple[str, str]] = Counter()
        self.omitted: Counter[tuple[str, str]] = Counter()

    def append(self, p: Problem) -> None:
        key = (p.file, p.check)
        if isinstance(p, Omitted):
            self.omitted[key] += p.count
        elif self.shown[key] < PER_CHECK:
            self.shown[key] += 1
            self.kept.append(p)
        else:
            self.omitted[key] += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.append(p)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.kept)

    def report(self, descriptor: Path, rows: dict[str, int]) -> Report:
        """The report on the package whose ``datapackage.json`` is ``descriptor``: one line
        per (file, row, field), ``PER_FILE`` lines per file at most, and a line per file and
        check saying how many more there are."""
        omitted = Counter(self.omitted)
        seen: set[tuple[str, int | None, str | None]] = set()
        unique = []
        for p in self.kept:  # checks that catch the same cell say it once
            key = (p.file, p.row, p.field)
            if p.row is not None and key in seen:
                continue
            seen.add(key)
            unique.append(p)
        unique.sort(key=lambda p: (p.file, p.row or 0, p.field or "", p.check))
        per_file: Counter[str] = Counter()
        shown = []
        for p in unique:
            per_file[p.file] += 1
            if per_file[p.file] > PER_FILE:
                omitted[(p.file, p.check)] += 1
            else:
                shown.append(p)
        for (file, check), count in sorted(omitted.items()):
            message = f"{count} more problems of this check not shown"
            shown.append(Problem(file, None, None, message, check))
        shown.sort(key=lambda p: (p.file, p.row or 0, p.field or "", p.check))
        return Report(descriptor=descriptor, problems=shown, rows=rows, omitted=dict(omitted))


@dataclass
class Report:
    """Every problem found in one package, the rows read per table, and their summary.

    ``problems`` is bounded (``PER_CHECK``, ``PER_FILE``); ``omitted`` counts, per file and
    check, the problems found but not listed (each has one line in ``problems`` saying so).
    """

    descriptor: Path  # the package's datapackage.json
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    omitted: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        """The package's folder."""
        return self.descriptor.parent

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> int:
        """Every problem found, listed or not."""
        return len(self.problems) - len(self.omitted) + sum(self.omitted.values())

    @property
    def summary(self) -> str:
        """The report's last line, the one place it is worded (the CLI and exports print it).

        ``valid: <descriptor>: N tables, M rows`` when there is no problem, else
        ``invalid: N errors in M files (K kinds of check failed)``.
        """
        if self.valid:
            total = sum(self.rows.values())
            return f"valid: {self.descriptor}: {len(self.rows)} tables, {total} rows"
        files = len({p.file for p in self.problems})
        checks = len({p.check for p in self.problems})
        return f"invalid: {self.errors} errors in {files} files ({checks} kinds of check failed)"

    def to_json(self) -> str:
        return json.dumps(
            {
                "valid": self.valid,
                "package": str(self.descriptor),
                "errors": [asdict(p) for p in self.problems],
                "omitted": [
                    {"file": file, "check": check, "count": count}
                    for (file, check), count in sorted(self.omitted.items())
                ],
                "tables": self.rows,
                "summary": self.summary,
            },
            ensure_ascii=False,
            indent=2,
        )
