"""Errors and the command line: one closed vocabulary of exceptions and of check codes, one
wording for an unknown table, one way to give a command its package, ``japus_data.validate``,
and reports that name the table to fix rather than consequences of its errors."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import pytest

import japus_data
from japus_data import errors
from japus_data.cli import main
from japus_data.codes import CODES, Check, markdown_table
from japus_data.problem import Problem

from .conftest import ROOT, change_descriptor, csv_records, edit_file, resource

PACKAGE = Path(japus_data.__file__).parent
EXCHANGE = "resources/student_exchange.csv"
CLAIMS = "resources/claims.csv"


def modules() -> list[str]:
    names = [japus_data.__name__]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="japus_data."):
        if info.name != "japus_data.__main__":
            names.append(info.name)
    return names


# --------------------------------------------------------------------------- exceptions


def test_every_exception_of_the_package_is_a_japus_data_error_defined_in_errors() -> None:
    found = {}
    for name in modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__.startswith("japus_data")
            ):
                found[value.__qualname__] = value
    assert {"DiffError", "MissingDependencyError", "UnknownTableError"} <= found.keys()
    for cls in found.values():
        assert cls.__module__ == "japus_data.errors", cls
        assert issubclass(cls, errors.JapusDataError), cls
    assert set(errors.__all__) == set(found)


def test_no_module_but_errors_defines_an_exception_class() -> None:
    """Also catches a class defined under ``if`` or in a function, which import misses."""
    for path in PACKAGE.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(b) for b in node.bases]
                assert not any(b.endswith(("Error", "Exception")) for b in bases), (path, node.name)


def test_exceptions_keep_their_old_import_paths() -> None:
    from japus_data.descriptor import DescriptorError
    from japus_data.diff import DiffError
    from japus_data.exports import InvalidPackageError, MissingDependencyError

    assert DiffError is errors.DiffError
    assert DescriptorError is errors.DescriptorError
    assert InvalidPackageError is errors.InvalidPackageError
    assert MissingDependencyError is errors.MissingDependencyError


# --------------------------------------------------------------------------- unknown table

WORDING = str(errors.UnknownTableError("nope", japus_data.tables()))


@pytest.mark.parametrize(
    "call",
    [
        lambda: japus_data.load("nope"),
        lambda: japus_data.cite("nope"),
        lambda: japus_data.cite("nope", "bibtex", ROOT),
        lambda: japus_data.load("nope", ROOT),
    ],
    ids=["load", "cite", "cite-bibtex", "load-root"],
)
def test_an_unknown_table_is_one_error_with_one_wording(call: object) -> None:
    assert callable(call)
    with pytest.raises(errors.UnknownTableError) as caught:
        call()
    assert str(caught.value) == WORDING
    assert WORDING.startswith("no table 'nope'; tables: sources, countries")


@pytest.mark.parametrize(
    "args",
    [["show", "nope"], ["cite", "nope"], ["show", "nope", "--path", str(ROOT)]],
    ids=["show", "cite", "show-path"],
)
def test_the_cli_says_an_unknown_table_in_one_line_exit_2(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"japus-data: {WORDING}\n"


# --------------------------------------------------------------------------- check codes


def test_a_problem_refuses_a_code_outside_the_vocabulary() -> None:
    with pytest.raises(ValueError, match="not a check code"):
        Problem("resources/x.csv", 2, "f", "message", "no-such-check")
    assert Problem("resources/x.csv", 2, "f", "message", "hash").check == Check.HASH


def test_every_code_has_a_meaning_in_both_languages() -> None:
    assert len(CODES) == len(list(Check))
    for code in Check:
        assert re.fullmatch(r"[a-z][A-Za-z-]*", code), code
        assert code.en and code.ja and code.en != code.ja, code


def test_checks_name_their_codes_from_the_vocabulary_not_as_literals() -> None:
    """Each call that makes a problem names its code as ``Check.X``, never as a string."""
    positions = {"Problem": 4, "Omitted": 4, "bounded": 1, "flag": 1, "_duplicates": 3}
    literals = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            at = positions.get(str(name))
            if at is not None and len(node.args) > at:
                arg = node.args[at]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    literals.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not literals


@pytest.mark.parametrize("guide, lang", [("CONTRIBUTING.md", "en"), ("CONTRIBUTING.ja.md", "ja")])
def test_contributing_lists_the_check_codes(guide: str, lang: str) -> None:
    text = (ROOT / guide).read_text(encoding="utf-8")
    match = re.search(r"<!-- check codes:[^>]*-->\n(.*?)<!-- end of check codes -->", text, re.S)
    assert match, f"{guide} has no list of check codes"
    assert match.group(1) == markdown_table(lang), (
        f"{guide}'s list of check codes differs from japus_data/codes.py; use:\n"
        + markdown_table(lang)
    )


# --------------------------------------------------------------------------- --path


def test_every_single_package_command_takes_path_as_an_option(
    package_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(package_copy)
    commands = {
        "validate": ["validate", "--path", path],
        "list": ["list", "--path", path],
        "show": ["show", "countries", "--path", path],
        "hash": ["hash", "--path", path],
        "export": ["export", "--format", "json", "--out", str(tmp_path / "out"), "--path", path],
        "cite": ["cite", "countries", "--path", path],
    }
    for command, args in commands.items():
        assert main(args) == 0, command
        captured = capsys.readouterr()
        assert captured.err == "", command
    # Each read the copy: break it, and each command says so.
    (package_copy / "datapackage.json").write_text("{", encoding="utf-8")
    for command, args in commands.items():
        assert main(args) in (1, 2), command
        captured = capsys.readouterr()
        assert "datapackage.json" in captured.out + captured.err, command


def test_path_has_one_help_text(capsys: pytest.CaptureFixture[str]) -> None:
    helps = {}
    for command in ("validate", "list", "show", "hash", "export", "cite"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = " ".join(capsys.readouterr().out.split())
        match = re.search(r"--path PATH (datapackage\.json or its folder \(default: [^)]*\))", out)
        assert match, (command, out)
        helps[command] = match.group(1)
    assert set(helps.values()) == {
        "datapackage.json or its folder (default: the installed package)",
        "datapackage.json or its folder (default: the current folder)",
    }
    assert helps["hash"].endswith("(default: the current folder)")


@pytest.mark.parametrize("command", ["validate", "hash"])
def test_the_old_positional_path_works_with_a_warning(
    command: str, package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, str(package_copy)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        f"japus-data: warning: `japus-data {command} PATH` is deprecated; "
        f"use `japus-data {command} --path PATH`\n"
    )
    with pytest.raises(SystemExit) as exit_:
        main([command, str(package_copy), "--path", str(package_copy)])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "old_path" not in capsys.readouterr().out


# --------------------------------------------------------------------------- validate()


def test_validate_is_public_and_returns_the_report(package_copy: Path) -> None:
    import japus_data.validation  # the module beside it must not hide the function

    assert "validate" in japus_data.__all__
    report = japus_data.validate(package_copy)
    assert report.valid and report.problems == []
    assert report.rows["countries"] == csv_records(package_copy, "resources/countries.csv")
    assert japus_data.validate(package_copy / "datapackage.json").summary == report.summary
    countries = package_copy / "resources" / "countries.csv"
    edit_file(countries, lambda t: t.replace("\nUS,", "\nus,", 1))
    report = japus_data.validate(package_copy)
    assert not report.valid
    assert json.loads(report.to_json())["valid"] is False
    assert {p.file for p in report.problems} >= {"resources/countries.csv"}
    assert callable(japus_data.validation.validate_package)


def test_validate_defaults_to_the_installed_package() -> None:
    assert japus_data.validate().summary.startswith("valid: ")


# --------------------------------------------------------------------------- reports


def lines(capsys: pytest.CaptureFixture[str], root: Path) -> list[str]:
    code = main(["validate", "--path", str(root)])
    captured = capsys.readouterr()
    assert code == 1, captured.out
    assert "Traceback" not in captured.out + captured.err
    assert captured.err == ""
    return captured.out.splitlines()[:-1]


def break_a_country_code(root: Path) -> None:
    """One cell of student_exchange names no country: the claims read that table."""
    edit_file(
        root / EXCHANGE,
        lambda t: t.replace(
            "\njasso-international-students,US,", "\njasso-international-students,XX,", 1
        ),
    )


def test_a_rule_whose_input_table_has_errors_is_one_line_naming_it(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    break_a_country_code(package_copy)
    out = lines(capsys, package_copy)
    claims = [line for line in out if line.startswith(CLAIMS)]
    assert claims == [f"{CLAIMS}:-:-: claims not checked: fix {EXCHANGE} first [claim]"]
    assert any(f"{EXCHANGE}:2:country_code:" in line for line in out), out
    assert not [line for line in out if re.search(r"\w+Error\(|KeyError", line)], out


def test_a_foreign_key_into_a_table_with_errors_is_one_line(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A country code that is not a code: the tables referring to countries are not checked
    # row by row against it, but said once per foreign key.
    edit_file(
        package_copy / "resources" / "countries.csv", lambda t: t.replace("\nUS,", "\nU S,", 1)
    )
    out = lines(capsys, package_copy)
    keys = [line for line in out if "[foreign-key]" in line]
    assert keys, out
    assert all(
        ":-:" in line
        and "which has errors in country_code: these references cannot be checked" in line
        for line in keys
    ), keys
    assert len(keys) == len({line.split(":-:")[0] + line.split(":")[2] for line in keys})


def test_a_header_only_table_with_min_rows_is_reported_as_itself(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = package_copy / EXCHANGE
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    out = lines(capsys, package_copy)
    assert (
        f"{EXCHANGE}:-:-: has a header but no rows; the package needs at least 1 (minRows) "
        "[min-rows]"
    ) in out
    assert f"{CLAIMS}:-:-: claims not checked: fix {EXCHANGE} first [claim]" in out


def test_a_header_only_table_a_rule_needs_is_reported_without_min_rows(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change_descriptor(package_copy, lambda raw: resource(raw, "student_exchange").pop("minRows"))
    path = package_copy / EXCHANGE
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    out = lines(capsys, package_copy)
    assert f"{CLAIMS}:-:-: claims not checked: {EXCHANGE} has no rows [claim]" in out
    assert not [line for line in out if "[min-rows]" in line]


def test_a_header_only_referenced_table_is_one_line_per_foreign_key(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = package_copy / "resources" / "countries.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    out = lines(capsys, package_copy)
    assert "resources/countries.csv:-:-: has a header but no rows" in "\n".join(out)
    keys = [line for line in out if "[foreign-key]" in line]
    assert keys and all("which has no rows" in line for line in keys), keys


@pytest.mark.parametrize("value", [-1, "1", 1.5, True])
def test_a_min_rows_that_is_not_a_count_is_a_descriptor_problem(
    value: object, package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change_descriptor(package_copy, lambda raw: resource(raw, "countries").update(minRows=value))
    out = lines(capsys, package_copy)
    assert any(
        line.startswith("datapackage.json:-:/resources/1/minRows: minRows must be a whole number")
        and line.endswith("[resource]")
        for line in out
    ), out


def test_every_table_of_the_repository_declares_that_it_needs_rows() -> None:
    raw = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in raw["resources"] if r.get("minRows") != 1] == []
