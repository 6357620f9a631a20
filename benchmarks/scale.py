"""How the typed load and ``japus-data validate`` grow with the table, against
``pandas.read_csv`` of the same file: wall time and peak memory, 10^3 to 10^6 rows.

The packages are ``benchmarks/validate.py``'s valid variant (a ``student_exchange`` shaped
like the real one, its hashes recorded, so the load is the hash-verified path). Every
command runs in a fresh interpreter, interleaved round by round with the order rotating;
its peak resident memory is the child's own ``ru_maxrss`` (``os.wait4``), which counts
from the fork: this process imports only the standard library, so it adds little. Standard library
only for the measurement. A measurement, not a test: exit 0 either way.

    .venv/bin/python benchmarks/scale.py [--sizes 1000 10000 ...] [--runs N] [--markdown]
        [--keep DIR]

The verdict at 10^6 rows is read from paired ratios: in each round, a command's time over
``read_csv``'s in the same round (the two ran seconds apart, so a drift of the machine's
speed between rounds cancels). It gives their median and a distribution-free 95% interval
for that median: a target is "met" when the whole interval is within it, "at the limit"
when only the median is, and "not met" otherwise.
"""

from __future__ import annotations

import argparse
import math
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from validate import BIN, TABLE  # noqa: E402  (standard library only at import)

# The targets at 10^6 rows, as ratios to pandas.read_csv of the same file.
LOAD_TIME, LOAD_MEMORY, VALIDATE_TIME = 1.2, 1.2, 3.0


def child(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one fresh process."""
    # PYTHONDONTWRITEBYTECODE would make every child compile japus_data again: an
    # installed package has its .pyc files (the warm-up writes them).
    dropped = ("PYTHONPATH", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)}: exit {process.returncode}")
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return seconds, usage.ru_maxrss * scale / 1e6


def commands(folder: Path) -> dict[str, list[str]]:
    path = folder / "resources" / f"{TABLE}.csv"
    py = sys.executable
    return {
        "read_csv": [py, "-c", f"import pandas; pandas.read_csv({str(path)!r})"],
        "load": [py, "-c", f"import japus_data; japus_data.load({TABLE!r}, {str(folder)!r})"],
        "validate": [str(BIN / "japus-data"), "validate", "--path", str(folder)],
    }


Runs = dict[str, list[tuple[float, float]]]  # per command: (seconds, peak MB) per round


def measure(folder: Path, runs: int) -> Runs:
    """Each command's seconds and peak MB, round by round (index ``r`` is round ``r``)."""
    todo = commands(folder)
    labels = list(todo)
    seen: Runs = {label: [] for label in labels}
    child(todo["load"])  # warm-up: .pyc files and the page cache
    for round_no in range(runs):
        shift = round_no % len(labels)
        for label in labels[shift:] + labels[:shift]:
            seen[label].append(child(todo[label]))
    return seen


def medians(values: list[tuple[float, float]]) -> tuple[float, float]:
    """Median seconds and median peak MB."""
    return statistics.median(s for s, _ in values), statistics.median(m for _, m in values)


def median_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    """(low, median, high): the median of ``values`` and a distribution-free interval for it.

    The interval runs from the k-th smallest value to the k-th largest, k the largest rank
    with P(count < k) <= (1 - level) / 2 for a count of Binomial(n, 1/2): how many values
    fall below the true median (order statistics, no assumption on the distribution). With
    5 values or fewer no rank reaches 95%, and the interval is their whole range.
    """
    xs = sorted(values)
    n = len(xs)
    # [k-th smallest, k-th largest] covers the median with probability 1 - 2 P(count < k):
    # move one rank further in while that stays at least ``level``.
    k = 1
    while k < n and at_most(n, k) <= (1 - level) / 2:
        k += 1
    return xs[k - 1], statistics.median(xs), xs[n - k]


def at_most(n: int, k: int) -> float:
    """P(count <= k) for a count of Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2.0**n


def paired(seen: Runs, label: str, memory: bool = False) -> tuple[float, float, float]:
    """``median_interval`` of ``label``'s time (or peak memory) over ``read_csv``'s, round by
    round."""
    which = 1 if memory else 0
    ratios = [a[which] / b[which] for a, b in zip(seen[label], seen["read_csv"], strict=True)]
    return median_interval(ratios)


def verdict(interval: tuple[float, float, float], budget: float) -> str:
    """The target judged on ``median_interval``'s (low, median, high)."""
    _, median, high = interval
    if high <= budget:
        return "met"
    return "at the limit" if median <= budget else "not met"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**3, 10**4, 10**5, 10**6])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the packages here and keep them")
    args = parser.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="japus-scale-"))
    print(
        f"Python {platform.python_version()}, pandas {version('pandas')}, "
        f"pyarrow {version('pyarrow')}, japus-data {version('japus-data')}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}; median of {args.runs} runs\n"
    )
    header = [
        "rows", "MB", "read_csv s", "load s", "load ×", "validate s", "validate ×",
        "read_csv peak MB", "load peak MB", "load mem ×", "validate peak MB",
    ]  # fmt: skip
    lines = []
    for n in args.sizes:
        folder = base / f"{n}-valid"
        if not (folder / "datapackage.json").exists():
            # In a child: this process stays small, and a child's peak counts from its fork.
            code = (
                "from pathlib import Path; from validate import make_package; "
                f"make_package(Path({str(folder)!r}), {n}, False)"
            )
            subprocess.run([sys.executable, "-c", code], cwd=HERE, check=True)
        size = (folder / "resources" / f"{TABLE}.csv").stat().st_size / 1e6
        seen = measure(folder, args.runs)
        (rs, rm), (ls, lm), (vs, vm) = (medians(seen[k]) for k in ("read_csv", "load", "validate"))
        lines.append(
            [
                f"{n:,}", f"{size:.1f}", f"{rs:.2f}", f"{ls:.2f}", f"{ls / rs:.2f}",
                f"{vs:.2f}", f"{vs / rs:.2f}", f"{rm:.0f}", f"{lm:.0f}", f"{lm / rm:.2f}",
                f"{vm:.0f}",
            ]
        )  # fmt: skip
        print("  ".join(lines[-1]), flush=True)
        if n >= 10**6:
            targets = {
                "load time": (paired(seen, "load"), LOAD_TIME),
                "load memory": (paired(seen, "load", memory=True), LOAD_MEMORY),
                "validate time": (paired(seen, "validate"), VALIDATE_TIME),
            }
            for what, (interval, budget) in targets.items():
                low, median, high = interval
                # Three decimals: at two, an interval ending just above its target (1.2004)
                # would read as within it (1.20) beside the verdict "at the limit".
                print(
                    f"  {what}: {median:.3f}x, 95% interval {low:.3f}-{high:.3f}x over "
                    f"{args.runs} paired rounds (target <= {budget}x): "
                    f"{verdict(interval, budget)}"
                )
    if args.markdown:
        print("\n| " + " | ".join(header) + " |")
        print("|" + "|".join("---:" for _ in header) + "|")
        for line in lines:
            print("| " + " | ".join(line) + " |")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
