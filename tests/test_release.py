"""The release files: `python -m build` makes a wheel and an sdist that pass `twine check`.

Both run offline: no build isolation (the backend, hatchling, comes from this environment).
"""

from __future__ import annotations

import json
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, run_clean


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = run_clean(
        sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT, cwd=ROOT
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return out


def version() -> str:
    return str(json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"])


def test_build_makes_a_wheel_and_an_sdist_of_the_package_version(dist: Path) -> None:
    names = sorted(p.name for p in dist.iterdir())
    assert names == [f"japus_data-{version()}-py3-none-any.whl", f"japus_data-{version()}.tar.gz"]


def test_twine_check_passes(dist: Path) -> None:
    checked = run_clean(
        sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()), cwd=ROOT
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout


def test_sdist_carries_what_a_release_needs(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    prefix = f"japus_data-{version()}/"
    with tarfile.open(sdist) as archive:
        names = {n.removeprefix(prefix) for n in archive.getnames()}
    wanted = {"datapackage.json", "CITATION.cff", "RELEASING.md", "CHANGELOG.md", "LICENSE"}
    wanted |= {"LICENSE-DATA.md", "resources/sources.csv", "japus_data/exports/to_parquet.py"}
    wanted |= {"CONTRIBUTING.md", "CONTRIBUTING.ja.md"}  # tests/test_contributing_translation.py
    wanted |= {"schemas/cff-1.2.0.json"}  # tests/test_citation.py
    assert wanted <= names, wanted - names


def test_wheel_metadata_has_the_version_and_both_licences(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (meta,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(meta).decode("utf-8")
        assert "japus_data/exports/to_sqlite.py" in archive.namelist()
    assert f"Version: {version()}" in text
    assert "License-Expression: MIT AND CC-BY-4.0" in text
    assert "Provides-Extra: export" in text
