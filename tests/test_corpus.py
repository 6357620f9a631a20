"""The corpus of malformed contributions: japus-data points at each, and at least wherever
frictionless (the reference implementation of Table Schema) does.

Each case is run in-process through the command (``main``), so a traceback would fail the
test; each must exit 1 and name its file, row and field.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from japus_data.cli import main

from .corpus import FILE_CASES, Case, replace
from .test_validate import MUTATIONS

CORPUS = [
    *(
        Case(f"m{i:02d}-{file}-{field}", file, replace(old, new), row, field)
        for i, (file, old, new, row, field) in enumerate(MUTATIONS)
    ),
    *FILE_CASES,
]
LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<row>-|\d+):(?P<field>[^:]*): (?P<message>.*) \[(?P<check>[^\]]+)\]$"
)

Location = tuple[str, int | None, str | None]


def test_the_corpus_has_at_least_30_distinct_cases() -> None:
    assert len({case.id for case in CORPUS}) == len(CORPUS) >= 30


def japus_lines(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["validate", "--path", str(root)])
    return code, capsys.readouterr().out.rstrip().splitlines()


def located(lines: list[str]) -> set[Location]:
    found: set[Location] = set()
    for line in lines:
        m = LINE.match(line)
        if m:
            row = None if m["row"] == "-" else int(m["row"])
            found.add((m["file"], row, None if m["field"] == "-" else m["field"]))
    return found


def frictionless_locations(root: Path) -> set[Location]:
    """Where frictionless 5 sees errors: file, row and field (None where it gives none)."""
    import frictionless

    report = frictionless.validate(str(root / "datapackage.json"))
    found: set[Location] = {("datapackage.json", None, None) for _ in report.errors}
    for task in report.tasks:
        place = Path(task.place or task.name)
        file = (place.relative_to(root) if place.is_absolute() else place).as_posix()
        for error in task.errors:
            found.add(
                (file, getattr(error, "row_number", None), getattr(error, "field_name", None))
            )
    return found


def covered(theirs: Location, ours: set[Location], fields: dict[str, set[str]]) -> bool:
    """Whether japus-data reports what frictionless does: same file and row, and the same
    field where frictionless names one of the schema's fields."""
    file, row, name = theirs
    same_file = [o for o in ours if o[0] == file]
    if row is None:
        return bool(same_file)
    same_row = [o for o in same_file if o[1] == row]
    if name is None or name not in fields.get(file, set()):
        return bool(same_row)
    return any(o[2] is not None and name in o[2].split(",") for o in same_row)


def schema_fields(root: Path) -> dict[str, set[str]]:
    import json

    raw = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    return {r["path"]: {f["name"] for f in r["schema"]["fields"]} for r in raw["resources"]}


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_malformed_contribution(
    case: Case, package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = package_copy / "resources" / f"{case.table}.csv"
    path.write_bytes(case.edit(path.read_bytes()))
    code, lines = japus_lines(package_copy, capsys)
    output = "\n".join(lines)
    assert code == 1, output
    assert lines[-1].startswith("invalid:"), output
    mine = [line for line in lines if line.startswith(case.where)]
    assert mine, f"expected {case.where}\n{output}"
    if case.check:
        assert any(line.endswith(f"[{case.check}]") for line in mine), output
    if case.says:
        assert any(case.says in line for line in mine), output
    ours = located(lines)
    theirs = frictionless_locations(package_copy)
    fields = schema_fields(package_copy)
    # Where a referenced table cannot be read, frictionless flags every referencing row;
    # japus-data says it once per foreign key (one bad byte must not flood the report), so
    # those rows count as covered by that one line in their file.
    unread = {
        m["file"]
        for m in map(LINE.match, lines)
        if m and m["check"] == "foreign-key" and "cannot be checked until" in m["message"]
    }
    missed = sorted(
        (t for t in theirs if not covered(t, ours, fields) and t[0] not in unread), key=str
    )
    assert not missed, f"frictionless flags what japus-data does not: {missed}\n{output}"
