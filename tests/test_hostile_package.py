"""Hostile packages: each case a copy of the package with one change a pull request could make.

Every command that reads the case (validate, list, show, hash, cite, export, diff, load) must
answer with one line naming the file, the right exit code and no traceback; none may hang,
read outside the package, write outside ``--out`` or return a frame from an invalid package.
Cases that could hang or exhaust memory if a defect came back run the command in a fresh
process with a timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import japus_data
from japus_data.cli import main
from japus_data.integrity import refresh_hashes

from .conftest import ROOT, Descriptor, change_descriptor, edit_file, field, resource

COUNTRIES = "resources/countries.csv"
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    """Run the command in this process; its exit code and everything it printed."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def fresh(*args: str | Path, cwd: Path | None = None) -> tuple[int, str]:
    """Run the command in a fresh process, killed if it hangs; exit code and output."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "japus_data", *[str(a) for a in args]],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"japus-data {' '.join(map(str, args))} hung")
    return result.returncode, result.stdout + result.stderr


def load_in_fresh_process(root: Path, table: str) -> tuple[int, str]:
    code = (
        "import sys, japus_data\n"
        "try:\n"
        f"    japus_data.load({table!r}, {str(root)!r})\n"
        "except japus_data.JapusDataError as exc:\n"
        "    print(exc); sys.exit(1)\n"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=90, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"loading {table} hung")
    return result.returncode, result.stdout + result.stderr


def assert_one_line(code: int, output: str, expected: int, *names: str) -> None:
    assert "Traceback" not in output, output
    assert code == expected, output
    for name in names:
        assert name in output, output


def every_command(root: Path, out: Path, table: str = "countries") -> dict[str, list[str]]:
    """Each command's arguments against the package in ``root``."""
    return {
        "validate": ["validate", str(root)],
        "list": ["list", "--path", str(root)],
        "show": ["show", table, "--path", str(root)],
        "hash": ["hash", str(root)],
        "cite": ["cite", table, "--path", str(root)],
        "export": ["export", "--format", "parquet", "--out", str(out), "--path", str(root)],
        "diff": ["diff", str(ROOT), str(root)],
    }


# --------------------------------------------------------------------------- 1: load


def test_a_changed_file_that_breaks_other_tables_is_not_loaded(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deleting a country breaks the foreign keys of other tables: the package is invalid,
    so no table of it loads, though the problems are filed under other files."""
    edit_file(
        package_copy / COUNTRIES,
        lambda t: "".join(
            line for line in t.splitlines(keepends=True) if not line.startswith("FR,")
        ),
    )
    with pytest.raises(japus_data.DataIntegrityError) as caught:
        japus_data.load("countries", package_copy)
    assert "foreign-key" in str(caught.value)
    assert COUNTRIES in str(caught.value)
    for command in ("show", "list", "cite"):
        code, output = cli(capsys, *every_command(package_copy, package_copy / "o")[command])
        assert_one_line(code, output, EXIT_INVALID, COUNTRIES, "refusing to load it")


def test_a_changed_file_of_another_table_is_noticed(package_copy: Path) -> None:
    """Loading a table whose own file is unchanged still checks the package as a whole."""
    edit_file(package_copy / COUNTRIES, lambda t: t.replace("FR,FRA,250", "FR,FRA,25x", 1))
    with pytest.raises(japus_data.DataIntegrityError, match=r"countries\.csv:3:iso_numeric"):
        japus_data.load("organizations", package_copy)


# --------------------------------------------------------------------------- 15: descriptor


def test_a_descriptor_only_edit_that_makes_a_required_value_missing_is_refused(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change_descriptor(
        package_copy,
        lambda raw: field(raw, "countries", "iso_numeric").update(missingValues=["840"]),
    )
    with pytest.raises(japus_data.DataIntegrityError, match=r"countries\.csv:2:iso_numeric"):
        japus_data.load("countries", package_copy)
    code, output = cli(capsys, "show", "countries", "--path", package_copy)
    assert_one_line(code, output, EXIT_INVALID, COUNTRIES, "datapackage.json (schema)")


def test_a_descriptor_only_edit_that_inverts_booleans_is_not_loaded_silently(
    package_copy: Path,
) -> None:
    def swap(raw: Descriptor) -> None:
        field(raw, "countries", "is_partner").update(trueValues=["false"], falseValues=["true"])

    change_descriptor(package_copy, swap)
    with pytest.warns(UserWarning, match=r"datapackage.json \(schema\) differ"):
        frame = japus_data.load("countries", package_copy)
    assert not frame["is_partner"].iloc[0]  # what the new descriptor says, now validated
    refresh_hashes(package_copy)  # recorded: the new schema is the validated one
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        japus_data.load("countries", package_copy)


def test_a_missing_schema_hash_means_validating_before_loading(package_copy: Path) -> None:
    change_descriptor(package_copy, lambda raw: raw.pop("schemaHash"))
    with pytest.warns(UserWarning, match="passed full validation"):
        japus_data.load("claims", package_copy)


# --------------------------------------------------------------------------- 2: names


def rename(raw: Descriptor, old: str, new: str) -> None:
    """Rename a table consistently: its resource and every foreign key to it."""
    for r in raw["resources"]:
        if r["name"] == old:
            r["name"] = new
        for fk in r["schema"].get("foreignKeys", []):
            if fk["reference"].get("resource") == old:
                fk["reference"]["resource"] = new


@pytest.mark.parametrize("name", ["../escaped", "a/b", "..", "Countries", "x" * 65, ""])
def test_a_resource_name_that_is_not_an_identifier_is_refused(
    package_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    change_descriptor(package_copy, lambda raw: rename(raw, "countries", name))
    out = tmp_path / "out" / "deep"
    code, output = cli(capsys, "validate", package_copy)
    assert_one_line(code, output, EXIT_INVALID, "datapackage.json")
    assert "/resources/1/name" in output
    commands = every_command(package_copy, out)
    code, output = cli(capsys, *commands["export"])
    assert_one_line(code, output, EXIT_INVALID, "/resources/1/name")
    for command in ("list", "show", "cite", "hash"):
        args = [name if a == "countries" else a for a in commands[command]]
        code, output = cli(capsys, *args)
        assert_one_line(code, output, EXIT_USAGE, "datapackage.json")
    assert not list(tmp_path.glob("**/*.parquet"))


def test_export_names_files_from_validated_identifiers_only(tmp_path: Path) -> None:
    from japus_data.errors import JapusDataError
    from japus_data.safepath import output_name

    assert output_name("countries", ".parquet") == "countries.parquet"
    for name in ("../x", "/tmp/x", "a\\b", "..", "CON\x00"):
        with pytest.raises(JapusDataError, match="not an identifier"):
            output_name(name, ".parquet")


# --------------------------------------------------------------------------- 4, 8: files


def make_symlink_to_dev_zero(root: Path) -> None:
    (root / COUNTRIES).unlink()
    (root / COUNTRIES).symlink_to("/dev/zero")


def make_fifo(root: Path) -> None:
    (root / COUNTRIES).unlink()
    os.mkfifo(root / COUNTRIES)


def make_folder(root: Path) -> None:
    (root / COUNTRIES).unlink()
    (root / COUNTRIES).mkdir()


def make_inner_symlink_to_fifo(root: Path) -> None:
    os.mkfifo(root / "resources" / "pipe")
    (root / COUNTRIES).unlink()
    (root / COUNTRIES).symlink_to("pipe")


SPECIAL_FILES = {
    "symlink-to-dev-zero": (make_symlink_to_dev_zero, "leads out of the package"),
    "fifo": (make_fifo, "not a regular file"),
    "folder": (make_folder, "not a regular file"),
    "symlink-to-fifo": (make_inner_symlink_to_fifo, "not a regular file"),
}
EXPECTED_EXIT = {
    "validate": EXIT_INVALID,
    "export": EXIT_INVALID,
    "list": EXIT_USAGE,
    "show": EXIT_USAGE,
    "hash": EXIT_USAGE,
    "cite": EXIT_USAGE,
    "diff": EXIT_USAGE,
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")
@pytest.mark.parametrize("case", list(SPECIAL_FILES))
@pytest.mark.parametrize("command", list(EXPECTED_EXIT))
def test_a_file_that_is_not_a_regular_file_inside_the_package_is_never_read(
    package_copy: Path, tmp_path: Path, case: str, command: str
) -> None:
    make, why = SPECIAL_FILES[case]
    make(package_copy)
    before = (package_copy / "datapackage.json").read_bytes()
    code, output = fresh(*every_command(package_copy, tmp_path / "out")[command])
    assert_one_line(code, output, EXPECTED_EXIT[command], COUNTRIES, why)
    assert (package_copy / "datapackage.json").read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")
@pytest.mark.parametrize("case", list(SPECIAL_FILES))
def test_the_loader_refuses_what_the_validator_refuses(package_copy: Path, case: str) -> None:
    make, why = SPECIAL_FILES[case]
    make(package_copy)
    for table in ("countries", "organizations"):
        code, output = load_in_fresh_process(package_copy, table)
        assert_one_line(code, output, EXIT_INVALID, COUNTRIES, why)


# --------------------------------------------------------------------------- 9, 16, 21: parse


def deeply_nested(raw: Descriptor) -> None:
    resource(raw, "countries")["title"] = "PLACEHOLDER"


def write_nested(root: Path) -> None:
    change_descriptor(root, deeply_nested)
    edit_file(
        root / "datapackage.json",
        lambda t: t.replace('"PLACEHOLDER"', "[" * 3000 + "]" * 3000, 1),
    )


def write_surrogate_title(root: Path) -> None:
    change_descriptor(root, lambda raw: resource(raw, "countries").update(title="PLACEHOLDER"))
    edit_file(root / "datapackage.json", lambda t: t.replace("PLACEHOLDER", "Countries \\ud800"))


def write_surrogate_field_name(root: Path) -> None:
    edit_file(
        root / "datapackage.json",
        lambda t: t.replace('"name": "iso_numeric"', '"name": "iso_\\udc80numeric"', 1),
    )


# diff compares text and reads each resource through the model's one structural check (as
# the loader does) but none of the package's metadata: a wrongly typed licence or contributor
# list is a change it reports (exit 0), not a descriptor it cannot read; a table's wrongly
# typed ``sources`` is refused by every command alike.
DIFF_READS = {"licenses-a-string", "contributors-an-object"}
RESOURCE_COUNT = len(json.loads((ROOT / "datapackage.json").read_text("utf-8"))["resources"])
BROKEN_DESCRIPTORS: dict[str, tuple[Callable[[Path], None], str]] = {
    "nested-3000-deep": (write_nested, "nested deeper than"),
    "surrogate-in-title": (write_surrogate_title, "lone surrogate"),
    "surrogate-in-field-name": (write_surrogate_field_name, "lone surrogate"),
    "licenses-a-string": (
        lambda root: change_descriptor(root, lambda raw: raw.update(licenses="CC-BY-4.0")),
        "/licenses",
    ),
    "resource-not-an-object": (
        lambda root: change_descriptor(root, lambda raw: raw["resources"].append("oops")),
        f"/resources/{RESOURCE_COUNT}",
    ),
    "sources-entry-not-an-object": (
        lambda root: change_descriptor(
            root, lambda raw: resource(raw, "countries").update(sources=["mext"])
        ),
        "/resources/1/sources",
    ),
    "contributors-an-object": (
        lambda root: change_descriptor(root, lambda raw: raw.update(contributors={"a": 1})),
        "/contributors",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_DESCRIPTORS))
@pytest.mark.parametrize("command", list(EXPECTED_EXIT))
def test_a_descriptor_japus_data_cannot_read_is_one_line_from_every_command(
    package_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, command: str
) -> None:
    make, why = BROKEN_DESCRIPTORS[case]
    make(package_copy)
    code, output = cli(capsys, *every_command(package_copy, tmp_path / "out")[command])
    if command == "diff" and case in DIFF_READS:
        assert_one_line(code, output, EXIT_OK)
    else:
        assert_one_line(code, output, EXPECTED_EXIT[command], "datapackage.json", why)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("case", list(BROKEN_DESCRIPTORS))
def test_a_descriptor_japus_data_cannot_read_is_not_loaded(package_copy: Path, case: str) -> None:
    make, why = BROKEN_DESCRIPTORS[case]
    make(package_copy)
    with pytest.raises(japus_data.DescriptorError, match=r"datapackage\.json") as caught:
        japus_data.load("countries", package_copy)
    assert why in str(caught.value)
    assert isinstance(caught.value, japus_data.JapusDataError)


# --------------------------------------------------------------------------- 24: alt.json


def test_another_json_file_is_not_swapped_for_the_datapackage_json_beside_it(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alt = package_copy / "alt.json"
    alt.write_text('{"resources": "not a list"}', encoding="utf-8")
    commands: list[list[str | Path]] = [
        ["validate", alt],
        ["list", "--path", alt],
        ["hash", alt],
        ["cite", "--path", alt],
        ["diff", ROOT, alt],
    ]
    for args in commands:
        code, output = cli(capsys, *args)
        assert_one_line(code, output, EXIT_USAGE, "alt.json")
    with pytest.raises(japus_data.DescriptorError, match=r"alt\.json"):
        japus_data.load("countries", alt)


# --------------------------------------------------------------------------- 13: docs build


@pytest.fixture
def docs_hooks() -> Iterator[Any]:
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        import japus_pages

        yield japus_pages
    finally:
        sys.path.remove(str(ROOT / "docs" / "hooks"))


@pytest.mark.parametrize(
    "case", ["../secret.txt", "link/secret.txt", "resources/pipe", "resources/zero"]
)
def test_the_docs_build_never_publishes_a_file_outside_the_package(
    package_copy: Path, tmp_path: Path, docs_hooks: Any, case: str
) -> None:
    secret = package_copy.parent / "secret.txt"
    secret.write_text("SECRET\n", encoding="utf-8")
    (package_copy / "link").symlink_to(package_copy.parent, target_is_directory=True)
    os.mkfifo(package_copy / "resources" / "pipe")
    (package_copy / "resources" / "zero").symlink_to("/dev/zero")
    change_descriptor(package_copy, lambda raw: resource(raw, "countries").update(path=case))
    out = tmp_path / "site-docs"
    with pytest.raises(japus_data.JapusDataError, match=case.replace(".", r"\.")):
        docs_hooks.generate(package_copy, out)
    published = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert not any(b"SECRET" in p.read_bytes() for p in published)


# --------------------------------------------------------------------------- 28: the hash


def test_the_hash_is_documented_as_a_guard_against_accidents_not_a_signature() -> None:
    for doc in ("README.md", "CONTRIBUTING.md"):
        text = " ".join((ROOT / doc).read_text(encoding="utf-8").split())
        assert "accidental" in text and "not a signature" in text, doc


def test_a_bad_value_with_a_re_recorded_hash_is_what_the_hash_does_not_guard(
    package_copy: Path,
) -> None:
    """What the documentation says: re-recording the hash vouches for the file; only
    validation (which CI runs on every pull request) finds the bad value."""
    edit_file(package_copy / COUNTRIES, lambda t: t.replace("FR,FRA,250", "FR,FRA,25x", 1))
    refresh_hashes(package_copy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = japus_data.load("countries", package_copy)
    assert "25x" in set(frame["iso_numeric"])
    code = main(["validate", str(package_copy)])
    assert code == EXIT_INVALID
