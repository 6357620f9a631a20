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
"""

from __future__ import annotations

import argparse
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


def measure(folder: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Median seconds and median peak MB of each command."""
    todo = commands(folder)
    labels = list(todo)
    seen: dict[str, list[tuple[float, float]]] = {label: [] for label in labels}
    child(todo["load"])  # warm-up: .pyc files and the page cache
    for round_no in range(runs):
        shift = round_no % len(labels)
        for label in labels[shift:] + labels[:shift]:
            seen[label].append(child(todo[label]))
    return {
        label: (
            statistics.median(s for s, _ in values),
            statistics.median(m for _, m in values),
        )
        for label, values in seen.items()
    }


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
        m = measure(folder, args.runs)
        (rs, rm), (ls, lm), (vs, vm) = m["read_csv"], m["load"], m["validate"]
        lines.append(
            [
                f"{n:,}", f"{size:.1f}", f"{rs:.2f}", f"{ls:.2f}", f"{ls / rs:.2f}",
                f"{vs:.2f}", f"{vs / rs:.2f}", f"{rm:.0f}", f"{lm:.0f}", f"{lm / rm:.2f}",
                f"{vm:.0f}",
            ]
        )  # fmt: skip
        print("  ".join(lines[-1]), flush=True)
        if n >= 10**6:
            verdict = {
                "load time": (ls / rs, LOAD_TIME),
                "load memory": (lm / rm, LOAD_MEMORY),
                "validate time": (vs / rs, VALIDATE_TIME),
            }
            for what, (ratio, budget) in verdict.items():
                verdict_word = "PASS" if ratio <= budget else "FAIL"
                print(f"  {what}: {ratio:.2f}x (target <= {budget}x) {verdict_word}")
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
