"""Whatever is derived from datapackage.json or the files must match them (drift checks)."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

from japus_data.codegen import render_loaders, render_models, stale_files
from japus_data.descriptor import Package
from japus_data.integrity import refresh_hashes

from .conftest import ROOT, SOURCE_TEXT

# sha256 of the briefing's text as extracted: the copy in source/ stays byte for byte.
RECORDED_SOURCE_SHA256 = "5d394c6209564f421cf62d73b68d079642a5c331c6f95f3536d3066cb2b7c3f9"


def test_generated_modules_match_the_descriptor(package: Package) -> None:
    assert stale_files(package) == []


def test_generated_models_follow_a_descriptor_change(package: Package) -> None:
    before = render_models(package)
    table = package.tables[0]
    changed = dataclasses.replace(table, title="Changed")
    renamed = dataclasses.replace(package, tables=(changed, *package.tables[1:]))
    assert render_models(renamed) != before
    assert render_loaders(renamed) != render_loaders(package)


def test_recorded_hashes_and_sizes_are_current(tmp_path: Path) -> None:
    copy = tmp_path / "pkg"
    copy.mkdir()
    shutil.copy2(ROOT / "datapackage.json", copy / "datapackage.json")
    shutil.copytree(ROOT / "resources", copy / "resources")
    assert refresh_hashes(copy) == []


def test_source_text_copy_is_byte_identical_to_the_shared_source() -> None:
    shared = ROOT.parent / "shared" / "source" / SOURCE_TEXT.name
    digest = hashlib.sha256(SOURCE_TEXT.read_bytes()).hexdigest()
    assert digest == RECORDED_SOURCE_SHA256
    if shared.is_file():
        assert hashlib.sha256(shared.read_bytes()).hexdigest() == digest
