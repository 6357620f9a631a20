"""The wheel works on its own: built here, installed into a new environment outside the repo."""

from __future__ import annotations

import json
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, package_size, run_clean, summary_line


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No build isolation and no index: the build backend comes from the dev environment.
    built = run_clean(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        out,
        ROOT,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = out.glob("japus_data-*.whl")
    return path


@pytest.fixture(scope="module")
def venv_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    assert run_clean(sys.executable, "-m", "venv", "--without-pip", venv).returncode == 0
    python = venv / "bin" / "python"
    installed = run_clean(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # The dependencies (pandas, pandera, jsonschema, dplib-py) come from this environment, listed
    # after the new one's own site-packages; no network is used.
    purelib = run_clean(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    site = Path(purelib.stdout.strip())
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_wheel_carries_the_data_and_the_type_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "japus_data/_package/datapackage.json" in names
    assert "japus_data/_package/resources/student_exchange.csv" in names
    assert "japus_data/py.typed" in names
    for resource in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))[
        "resources"
    ]:
        assert f"japus_data/_package/{resource['path']}" in names


def test_every_table_loads_from_the_installed_wheel(venv_python: Path, tmp_path: Path) -> None:
    code = (
        "import japus_data, pathlib\n"
        "root = japus_data.package_root()\n"
        "assert pathlib.Path(japus_data.__file__).is_relative_to(pathlib.Path(root).parent)\n"
        "rows = {name: len(japus_data.load(name)) for name in japus_data.tables()}\n"
        "print(japus_data.__file__); print(root); print(sum(rows.values()), len(rows))\n"
    )
    result = run_clean(venv_python, "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    module, root, counts = result.stdout.strip().splitlines()
    venv = venv_python.parent.parent
    assert Path(module).is_relative_to(venv) and Path(root).is_relative_to(venv)
    assert not Path(module).is_relative_to(ROOT)
    tables, rows = package_size()
    assert counts == f"{rows} {tables}"


def test_installed_command_validates_the_installed_package(
    venv_python: Path, tmp_path: Path
) -> None:
    result = run_clean(venv_python.parent / "japus-data", "validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert summary_line() in result.stdout


def test_installed_command_exports_and_cites(venv_python: Path, tmp_path: Path) -> None:
    """The export modules ship in the wheel and work on the bundled package."""
    command = venv_python.parent / "japus-data"
    exported = run_clean(
        command, "export", "--format", "sqlite", "--out", tmp_path / "out", cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert (tmp_path / "out" / "japus-data.sqlite").is_file()
    cited = run_clean(command, "cite", "student_exchange", "--format", "bibtex", cwd=tmp_path)
    assert cited.returncode == 0, cited.stdout + cited.stderr
    assert "@misc{jasso-2024-international-students," in cited.stdout
