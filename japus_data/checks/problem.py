"""A problem found by the validator, and the report that collects them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..locate import DESCRIPTOR

# Values are quoted in messages; a 50 MB cell is not.
SHOWN_CHARS = 40


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

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        return f"{self.file}:{row}:{self.field or '-'}: {self.message} [{self.check}]"


@dataclass
class Report:
    """Every problem found in one package, the rows read per table, and their summary."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        """The report's last line, the one place it is worded (the CLI and exports print it).

        ``valid: <descriptor>: N tables, M rows`` when there is no problem, else
        ``invalid: N errors in M files (K kinds of check failed)``.
        """
        if self.valid:
            total = sum(self.rows.values())
            return f"valid: {self.root / DESCRIPTOR}: {len(self.rows)} tables, {total} rows"
        files = len({p.file for p in self.problems})
        checks = len({p.check for p in self.problems})
        return (
            f"invalid: {len(self.problems)} errors in {files} files "
            f"({checks} kinds of check failed)"
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "valid": self.valid,
                "package": str(self.root / DESCRIPTOR),
                "errors": [asdict(p) for p in self.problems],
                "tables": self.rows,
                "summary": self.summary,
            },
            ensure_ascii=False,
            indent=2,
        )
