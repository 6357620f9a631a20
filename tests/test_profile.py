"""The descriptor's Data Package v2 profile: ``jsonschema-rs`` says quickly that a descriptor
conforms, ``jsonschema`` words the problems. The quick answer must never pass what
``jsonschema`` refuses (its doubt is fine: ``jsonschema`` then decides)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from typing import Any

import jsonschema
import pytest

from japus_data.checks import descriptor

from .conftest import ROOT

RAW = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def _changed(path: list[str | int], value: object) -> dict[str, Any]:
    raw: dict[str, Any] = copy.deepcopy(RAW)
    target: Any = raw
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return raw


def _jsonschema_passes(raw: dict[str, Any]) -> bool:
    schema = descriptor.profile()
    checker = descriptor._format_checker()
    return not list(jsonschema.Draft7Validator(schema, format_checker=checker).iter_errors(raw))


# (where, value, whether jsonschema passes it)
CASES: list[tuple[list[str | int], object, bool]] = [
    (["created"], "2020-01-01 00:00:00Z", True),  # RFC 3339 allows a space
    (["created"], "2020-01-01T00:00:00", False),  # no offset
    (["created"], "2020-13-01T00:00:00Z", False),
    (["created"], 5, False),
    (["contributors"], [{"title": "x", "email": "a@"}], True),  # jsonschema: an @ is enough
    (["contributors"], [{"title": "x", "email": "ab"}], False),
    (["resources", 0, "path"], "../up.csv", False),
    (["resources", 0, "hash"], "a" * 32 + "\n", True),  # Python's $ before a final newline
    (["resources", 0, "bytes"], float("nan"), False),
    (["resources", 0, "bytes"], 10**30, True),
    (["resources", 0, "bytes"], 1.0, True),  # a whole number is an integer (draft 7)
    (["resources", 0, "bytes"], True, False),
    (["keywords"], [1, 1.0], False),  # not unique, and not strings
    (["resources", 0, "schema", "primaryKey"], ["a", "a"], False),
    (["licenses"], [{"path": "http://example.org/licence"}], True),  # uri: not checked
]


def test_the_repository_descriptor_conforms_quickly() -> None:
    assert descriptor._conforms(RAW)
    assert _jsonschema_passes(RAW)


@pytest.mark.parametrize(("where", "value", "passes"), CASES)
def test_quick_answer_never_passes_what_jsonschema_refuses(
    where: list[str | int], value: object, passes: bool
) -> None:
    raw = _changed(where, value)
    assert _jsonschema_passes(raw) == passes
    quick = descriptor._conforms(raw)
    assert not quick or passes
    problems = list(descriptor.profile_problems(raw))
    assert (problems == []) == passes


def test_validating_a_conforming_package_does_not_import_jsonschema() -> None:
    code = (
        "import sys\n"
        "from japus_data.validation import validate_package\n"
        "from pathlib import Path\n"
        f"report = validate_package(Path({str(ROOT)!r}))\n"
        "print(report.valid, 'jsonschema' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["True", "False"], out.stderr
