"""Fresh-process timings of ``import japus_data`` and of loading a table, against baselines.

Each command runs in its own interpreter, started with ``subprocess`` and timed with
``time.perf_counter``: the figures are what a user waits for, interpreter start included.
The commands are interleaved (one run of each per round, the order rotating every round)
after a few warm-up rounds that also write the ``.pyc`` files, so that no command gains
from running first or last. This is a measurement, not a test: the exit code is 0 whether
the targets are met or not.

    .venv/bin/python benchmarks/run.py [--runs N] [--warmups N] [--markdown]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version

import japus_data

# The targets: what the import adds to a bare interpreter start, and what the typed
# loader may cost relative to a bare pandas.read_csv of the same file.
IMPORT_BUDGET_MS = 30.0
LOAD_RATIO_BUDGET = 1.2
HEAVY = {"pandas", "numpy", "pandera", "frictionless"}


@dataclass(frozen=True)
class Timing:
    label: str
    code: str
    seconds: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.seconds) * 1000


def python(*args: str) -> subprocess.CompletedProcess[str]:
    """Run this interpreter in a fresh process, as a user would start it.

    Bytecode caching is allowed (``PYTHONDONTWRITEBYTECODE`` is dropped), and the working
    directory is a neutral temporary folder, so that ``import japus_data`` finds the
    installed package rather than a folder of that name in the current directory.
    """
    env = dict(os.environ)
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONPROFILEIMPORTTIME"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"python {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done


def time_commands(commands: dict[str, str], runs: int, warmups: int) -> list[Timing]:
    """Wall-clock time of ``python -c CODE`` for each command, interleaved round by round."""
    labels = list(commands)
    seconds: dict[str, list[float]] = {label: [] for label in labels}
    for round_no in range(warmups + runs):
        shift = round_no % len(labels)
        for label in labels[shift:] + labels[:shift]:
            start = time.perf_counter()
            python("-c", commands[label])
            elapsed = time.perf_counter() - start
            if round_no >= warmups:
                seconds[label].append(elapsed)
    return [Timing(label, commands[label], seconds[label]) for label in labels]


def import_times(code: str, runs: int = 5, top: int = 12) -> list[tuple[str, float, float]]:
    """``-X importtime`` of CODE: the top modules by median cumulative ms, with self ms.

    ``-X importtime`` slows imports down itself, so these figures rank the modules; the
    wall-clock table is the measurement.
    """
    line = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)")
    samples: dict[str, list[tuple[int, int]]] = {}
    for _ in range(runs):
        for match in line.finditer(python("-X", "importtime", "-c", code).stderr):
            name = "· " * (len(match[3]) // 2) + match[4]  # a dot per level of nesting
            samples.setdefault(name, []).append((int(match[1]), int(match[2])))
    rows = [
        (
            name,
            statistics.median(s for s, _ in pairs) / 1000,
            statistics.median(c for _, c in pairs) / 1000,
        )
        for name, pairs in samples.items()
    ]
    return sorted(rows, key=lambda row: row[2], reverse=True)[:top]


def heavy_imports(code: str) -> str:
    """Which heavy packages a fresh interpreter holds in ``sys.modules`` after CODE."""
    probe = f"{code}\nimport sys\nprint(*{{m.partition('.')[0] for m in sys.modules}})"
    found = HEAVY & set(python("-c", probe).stdout.split())
    return ", ".join(sorted(found)) or "none"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
    return "\n".join(lines + [fmt.format(*row).rstrip() for row in rows])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time import and load of japus_data.")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each command")
    parser.add_argument("--warmups", type=int, default=3, help="untimed rounds before them")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables")
    args = parser.parse_args(argv)
    md: bool = args.markdown

    csv = japus_data.package_root() / "resources/student_exchange.csv"
    load = "import japus_data; japus_data.load_student_exchange()"
    commands = {
        "bare interpreter": "pass",
        "import japus_data": "import japus_data",
        "pandas.read_csv": f"import pandas; pandas.read_csv({str(csv)!r})",
        "load_student_exchange": load,
    }
    timings = time_commands(commands, args.runs, args.warmups)
    bare, imp, read, loaded = timings

    print(
        f"Python {platform.python_version()}, pandas {version('pandas')}, "
        f"japus-data {version('japus-data')}, {os.cpu_count()} CPUs, {platform.platform()}\n"
        f"{args.runs} runs of each command after {args.warmups} warm-up rounds, interleaved; "
        f"{csv} ({csv.stat().st_size} bytes)\n"
    )
    print(
        table(
            ["command", "python -c", "median ms", "min ms", "median - bare ms"],
            [
                [
                    t.label,
                    f"`{t.code}`" if md else t.code,
                    f"{t.median_ms:.1f}",
                    f"{t.min_ms:.1f}",
                    f"{t.median_ms - bare.median_ms:+.1f}",
                ]
                for t in timings
            ],
            md,
        )
    )

    added, added_min = imp.median_ms - bare.median_ms, imp.min_ms - bare.min_ms
    ratio, ratio_min = loaded.median_ms / read.median_ms, loaded.min_ms / read.min_ms
    print()
    print(
        table(
            ["target", "budget", "median", "min", "result"],
            [
                [
                    "import japus_data - bare interpreter",
                    f"< {IMPORT_BUDGET_MS:.0f} ms",
                    f"{added:+.1f} ms",
                    f"{added_min:+.1f} ms",
                    "PASS" if added < IMPORT_BUDGET_MS else "FAIL",
                ],
                [
                    "load_student_exchange / read_csv",
                    f"<= {LOAD_RATIO_BUDGET}x",
                    f"{ratio:.2f}x ({loaded.median_ms - read.median_ms:+.1f} ms)",
                    f"{ratio_min:.2f}x ({loaded.min_ms - read.min_ms:+.1f} ms)",
                    "PASS" if ratio <= LOAD_RATIO_BUDGET else "FAIL",
                ],
            ],
            md,
        )
    )
    print(
        f"\nHeavy packages loaded by `import japus_data`: {heavy_imports(imp.code)}; "
        f"by the load: {heavy_imports(load)} (pandera or frictionless would mean that the "
        "file's hash differs from the descriptor's and the load validated it in full)."
    )

    print(f'\n`python -X importtime -c "{imp.code}"`, top cumulative, median of 5 runs:\n')
    print(
        table(
            ["module", "self ms", "cumulative ms"],
            [[f"`{n}`" if md else n, f"{s:.1f}", f"{c:.1f}"] for n, s, c in import_times(imp.code)],
            md,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
