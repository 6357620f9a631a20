"""Shared fixtures: the repository's package, and disposable copies of it to break."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def csv_records(root: Path, path: str) -> int:
    """Records in one of a package's CSV files, as the standard library reads them: what the
    loader and every summary must count, whatever rows contributors have added."""
    import csv

    with (root / path).open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def package_size(root: Path = ROOT) -> tuple[int, int]:
    """(tables, rows) of a package, counted from its files."""
    package = parse_package(root)
    return len(package.tables), sum(csv_records(root, t.path) for t in package.tables)


def summary_line(root: Path = ROOT) -> str:
    tables, rows = package_size(root)
    return f"{tables} tables, {rows} rows"


Descriptor = dict[str, Any]


def change_descriptor(root: Path, change: Callable[[Descriptor], object]) -> None:
    """Edit a copy's datapackage.json as parsed JSON, writing it back as the repository does."""
    path = root / "datapackage.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def resource(raw: Descriptor, name: str) -> Descriptor:
    found: Descriptor = next(r for r in raw["resources"] if r["name"] == name)
    return found


def field(raw: Descriptor, table: str, name: str) -> Descriptor:
    found: Descriptor = next(
        f for f in resource(raw, table)["schema"]["fields"] if f["name"] == name
    )
    return found


def build_site(root: Path, out: Path) -> Path:
    """``mkdocs build --strict`` of the repository (or a copy of it) at ``root`` into ``out``."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """A built site served on localhost for the browser tests; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium_context(profile: Path, **options: Any) -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright. Skips without it, except in CI,
    where the browser tests must run (``.ci/run`` installs it)."""
    problem = None
    if not CHROMIUM.is_file():
        problem = f"{CHROMIUM} not found: install it with `apt-get install -y chromium`"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright is not installed: `make setup` installs it"
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {problem}")
        pytest.skip(problem)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            **options,
        )
        try:
            yield context
        finally:
            context.close()


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
