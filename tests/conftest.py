"""Shared fixtures: the repository's package, and disposable copies of it to break."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from japus_data.descriptor import Package, parse_package

ROOT = Path(__file__).resolve().parent.parent
SOURCE_TEXT = ROOT / "source" / "mext-2025-12-18-japan-us-cooperation.ja.txt"


@pytest.fixture(scope="session")
def package() -> Package:
    return parse_package(ROOT)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the data package (descriptor, resources, source text) to mutate."""
    root = tmp_path / "pkg"
    root.mkdir()
    shutil.copy2(ROOT / "datapackage.json", root / "datapackage.json")
    shutil.copytree(ROOT / "resources", root / "resources")
    shutil.copytree(ROOT / "source", root / "source")
    return root


def package_size(root: Path = ROOT) -> tuple[int, int]:
    """(tables, rows) of a package, counted from its files with the standard library: the
    figure every command's summary must give, whatever rows contributors have added."""
    import csv

    package = parse_package(root)
    rows = 0
    for table in package.tables:
        with (root / table.path).open(encoding="utf-8", newline="") as f:
            rows += sum(1 for _ in csv.DictReader(f))
    return len(package.tables), rows


def summary_line(root: Path = ROOT) -> str:
    tables, rows = package_size(root)
    return f"{tables} tables, {rows} rows"


Edit = Callable[[str], str]


def edit_file(path: Path, change: Edit) -> None:
    """Apply a text edit to a file, failing loudly if it changed nothing."""
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the edit did not change {path}"
    path.write_text(after, encoding="utf-8")


def run_clean(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command with this interpreter's PYTHONPATH/PYTHONHOME removed, capturing text."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=cwd,
        env=env,
    )


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a throwaway identity and no signing; return its stdout."""
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "-c",
            "commit.gpgsign=false",
            "-C",
            str(repo),
            *args,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
