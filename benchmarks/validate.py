"""Time ``japus-data validate`` against ``frictionless validate`` on the same generated files.

Generates data packages whose ``student_exchange`` table has 10^3 to 10^6 rows shaped like
the real one (same schema, same kinds of values), with the tables its foreign keys need
(countries, sources, organizations), each in two variants: valid, and with errors scattered
through the table (``ERRORS``: the same cells at every size). Both commands run in fresh
processes on the same folder; wall-clock time includes interpreter start. Each command's
findings in ``student_exchange`` are compared: japus-data must report every (row, field)
that frictionless reports. This is a measurement, not a test (exit 0 either way).

    .venv/bin/python benchmarks/validate.py [--sizes 1000 10000 ...] [--runs N]
        [--frictionless-max ROWS] [--markdown] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = "student_exchange"
# The foreign keys' closure:
NEEDED = ["sources", "countries", "organizations", "statistical_series", TABLE]
BIN = Path(sys.executable).parent
COUNTRIES = ["US", "FR", "GB", "DE", "IT", "CA", "JP"]
DIRECTIONS = ["inbound", "outbound"]
MEASURES = ["enrolled", "government_sponsored", "mainly_short_to_mid_term", "mainly_long_term"]
PER_KIND = 5  # rows broken per kind of error, spread evenly over the table

# What a contributor gets wrong: (field, bad value); "=PK" repeats the row above's key.
ERRORS: list[tuple[str, str]] = [
    ("direction", "inbund"),  # not one of the categories
    ("students", "-5"),  # below the minimum
    ("students", "12x"),  # not an integer
    ("students", "３９１８"),  # full-width digits
    ("students", "3,918"),  # a thousands separator
    ("period_start", "2023-02-30"),  # not a date
    ("country_code", "XX"),  # no such country: a foreign key
    ("country_code", "us"),  # breaks the pattern
    ("source_id", ""),  # required
    ("locator", " padded "),  # stray whitespace
    ("note", "=1+1"),  # a spreadsheet formula
    ("country_code", "=PK"),  # a repeated primary key
]


def rows_frame(n: int) -> object:
    """``n`` valid rows shaped like student_exchange, as a pandas DataFrame of text."""
    import numpy as np
    import pandas as pd

    combos = len(COUNTRIES) * len(DIRECTIONS) * len(MEASURES)
    i = np.arange(n)
    period = i // combos
    start = pd.Timestamp("1900-01-01") + pd.to_timedelta(period, unit="D")
    dates = pd.Series(start.strftime("%Y-%m-%d"))
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "series_id": "jasso-international-students",
            "country_code": np.array(COUNTRIES)[i % len(COUNTRIES)],
            "direction": np.array(DIRECTIONS)[(i // len(COUNTRIES)) % len(DIRECTIONS)],
            "measure": np.array(MEASURES)[(i // (len(COUNTRIES) * len(DIRECTIONS))) % 4],
            "students": rng.integers(0, 50_000, n).astype(str),
            "subset_of_measure": "",
            "period_type": "point_in_time",
            "period_start": dates,
            "period_end": dates,
            "period_as_stated": dates + "時点",
            "source_id": "mext-2025-12-18",
            "locator": "generated row " + pd.Series(i + 2).astype(str),
            "cited_source_id": "jasso-2024-international-students",
            "attestation": "single_secondary_source",
            "corroborating_source_id": "",
            "corroborating_locator": "",
            "note": "",
        }
    )


def error_cells(n: int) -> list[tuple[int, str, str]]:
    """(row in the file, field, bad value) of each injected error, spread over the table."""
    kinds = len(ERRORS)
    total = PER_KIND * kinds
    step = max(n // (total + 1), 1)
    cells = []
    for k in range(min(total, n - 1)):
        field, value = ERRORS[k % kinds]
        cells.append((2 + (k + 1) * step, field, value))
    return cells


def make_package(folder: Path, n: int, errors: bool) -> list[tuple[int, str]]:
    """Write a package with an ``n``-row student_exchange; return the broken (row, field)."""
    import pandas as pd

    from japus_data.integrity import refresh_derived

    folder.mkdir(parents=True, exist_ok=True)
    raw = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    raw["resources"] = [r for r in raw["resources"] if r["name"] in NEEDED]
    (folder / "resources").mkdir(exist_ok=True)
    for name in NEEDED[:-1]:
        shutil.copy2(ROOT / "resources" / f"{name}.csv", folder / "resources" / f"{name}.csv")
    frame = rows_frame(n)
    assert isinstance(frame, pd.DataFrame)
    broken = []
    if errors:
        for row, field, value in error_cells(n):
            position = row - 2
            if value == "=PK":
                for key in ("country_code", "direction", "measure", "period_start"):
                    frame.at[position, key] = str(frame.at[position - 1, key])
                frame.at[position, "period_end"] = str(frame.at[position, "period_start"])
                broken.append((row, "series_id,country_code,direction,measure,period_start"))
            else:
                frame.at[position, field] = value
                broken.append((row, field))
    frame.to_csv(folder / "resources" / f"{TABLE}.csv", index=False, lineterminator="\n")
    (folder / "datapackage.json").write_text(
        json.dumps(raw, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    refresh_derived(folder)
    return broken


def run(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.stdout


def japus(folder: Path) -> tuple[float, set[tuple[int, str | None]]]:
    command = [str(BIN / "japus-data"), "validate", "--path", str(folder), "--format", "json"]
    seconds, out = run(command)
    report = json.loads(out)
    found = {
        (e["row"], e["field"]) for e in report["errors"] if e["file"] == f"resources/{TABLE}.csv"
    }
    return seconds, found


def frictionless(folder: Path) -> tuple[float, set[tuple[int, str | None]]]:
    command = [str(BIN / "frictionless"), "validate", "--json", str(folder / "datapackage.json")]
    seconds, out = run(command)
    report = json.loads(out)
    found = set()
    for task in report.get("tasks", []):
        if Path(task.get("place", "")).name == f"{TABLE}.csv":
            for e in task.get("errors", []):
                found.add((e.get("rowNumber"), e.get("fieldName")))
    return seconds, found


def missed(ours: set[tuple[int, str | None]], theirs: set[tuple[int, str | None]]) -> int:
    """How many of frictionless's (row, field) japus-data does not report."""
    count = 0
    for row, field in theirs:
        same_row = [f for r, f in ours if r == row]
        if not same_row or (field and not any(f and field in f.split(",") for f in same_row)):
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**3, 10**4, 10**5, 10**6])
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (1 at 10^6)")
    parser.add_argument("--frictionless-max", type=int, default=10**6, help="skip it above")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the packages here and keep them")
    args = parser.parse_args(argv)

    base = args.keep or Path(tempfile.mkdtemp(prefix="japus-bench-"))
    print(
        f"Python {platform.python_version()}, pandas {version('pandas')}, "
        f"frictionless {version('frictionless')}, japus-data {version('japus-data')}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}\n"
    )
    header = [
        "rows", "variant", "MB", "japus-data s", "frictionless s", "speed-up",
        "japus-data errors", "frictionless errors", "missed by japus-data",
    ]  # fmt: skip
    lines = []
    for n in args.sizes:
        for errors in (False, True):
            folder = base / f"{n}-{'errors' if errors else 'valid'}"
            broken = make_package(folder, n, errors)
            size = (folder / "resources" / f"{TABLE}.csv").stat().st_size / 1e6
            runs = 1 if n >= 10**6 else args.runs
            ours = [japus(folder) for _ in range(runs)]
            ours_s = statistics.median(s for s, _ in ours)
            found = ours[0][1]
            assert {(r, f) for r, f in broken} <= found, "an injected error was missed"
            if n <= args.frictionless_max:
                theirs = [frictionless(folder) for _ in range(runs)]
                theirs_s = statistics.median(s for s, _ in theirs)
                theirs_found = theirs[0][1]
                cells = [
                    f"{theirs_s:.2f}",
                    f"{theirs_s / ours_s:.1f}x",
                    str(len(found)),
                    str(len(theirs_found)),
                    str(missed(found, theirs_found)),
                ]
            else:
                cells = ["-", "-", str(len(found)), "-", "-"]
            row = [f"{n:,}", "errors" if errors else "valid", f"{size:.1f}", f"{ours_s:.2f}"]
            lines.append(row + cells)
            print("  ".join(lines[-1]), flush=True)
    print()
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for line in lines:
            print("| " + " | ".join(line) + " |")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
