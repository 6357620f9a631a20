"""The descriptor: its Data Package v2 profile, safe resource paths, what the validator needs.

The profile is the official JSON Schema shipped by ``dplib-py``, read from its folder
without importing dplib (no network, no pydantic). ``jsonschema`` checks it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache
from importlib.util import find_spec
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ..locate import DESCRIPTOR
from .problem import Problem

PROFILE = ("profiles", "2.0", "datapackage.json")
CHECKED_TYPES = {
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "datetime",
    "time",
    "year",
    "yearmonth",
    "object",
    "array",
    "any",
}
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MAX_MESSAGE = 200


def _problem(where: str, message: str, check: str) -> Problem:
    return Problem(DESCRIPTOR, None, where or None, message, check)


@cache
def profile() -> dict[str, Any] | None:
    """The Data Package v2 JSON profile that dplib-py ships, or None if it is not installed."""
    spec = find_spec("dplib")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent.joinpath(*PROFILE)
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded


RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _is_datetime(value: object) -> bool:
    """RFC 3339 ``date-time``, with the standard library (jsonschema's own check needs
    ``rfc3339-validator``, which is not installed, and would skip it silently)."""
    if not isinstance(value, str):
        return True  # not a string: the profile's ``type`` says so
    if not RFC3339.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@cache
def _format_checker() -> Any:
    from jsonschema import Draft7Validator, FormatChecker

    checker = FormatChecker(formats=Draft7Validator.FORMAT_CHECKER.checkers)
    checker.checks("date-time")(_is_datetime)
    return checker


def profile_problems(raw: Mapping[str, Any]) -> Iterator[Problem]:
    """Each way the descriptor breaks the official Data Package v2 profile."""
    from jsonschema import Draft7Validator

    schema = profile()
    if schema is None:
        yield _problem("", "dplib-py's Data Package v2 profile is not installed", "profile")
        return
    # The profile's ``format`` keywords are checked too, not just noted.
    validator = Draft7Validator(schema, format_checker=_format_checker())
    errors = sorted(validator.iter_errors(raw), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        message = error.message
        if len(message) > MAX_MESSAGE:
            message = message[:MAX_MESSAGE] + "..."
        yield _problem(where, message, "profile")


def path_problem(root: Path, path: object) -> str | None:
    """Why a resource path is unsafe, or None: relative, inside the package, a local file."""
    if not isinstance(path, str) or not path:
        return "a resource path must be a non-empty string"
    if URL.match(path) and not PureWindowsPath(path).drive:
        return f"{path!r} is a URL; resources must be files inside the package"
    if path.startswith(("/", "\\")) or PureWindowsPath(path).drive:
        return f"{path!r} is absolute; resource paths must be relative to {DESCRIPTOR}"
    if "\\" in path:
        return f"{path!r} uses backslashes; use '/' between folders"
    if ".." in PurePosixPath(path).parts:
        return f"{path!r} contains '..'; resources must stay inside the package"
    try:
        inside = (root / path).resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return f"{path!r} cannot be resolved"
    if not inside:
        return f"{path!r} leads out of the package through a symlink"
    return None


def resource_problems(root: Path, raw: Mapping[str, Any]) -> Iterator[Problem]:
    """What the profile allows but japus-data cannot check, or does not allow in a package."""
    resources = raw.get("resources")
    if not isinstance(resources, list):
        return
    names = [r.get("name") for r in resources if isinstance(r, dict)]
    for i, resource in enumerate(resources):
        where = f"/resources/{i}"
        if not isinstance(resource, dict):
            continue
        if names.count(resource.get("name")) > 1:
            yield _problem(f"{where}/name", f"{resource.get('name')!r} is not unique", "resource")
        paths = resource.get("path")
        for j, path in enumerate(paths if isinstance(paths, list) else [paths]):
            at = f"{where}/path" + (f"/{j}" if isinstance(paths, list) else "")
            why = path_problem(root, path)
            if why:
                yield _problem(at, why, "path")
        if isinstance(paths, list):
            yield _problem(f"{where}/path", "one file per resource, please", "resource")
        schema = resource.get("schema")
        if not isinstance(schema, dict):
            yield _problem(f"{where}/schema", "give the table schema inline", "resource")
            continue
        yield from _schema_problems(f"{where}/schema", schema, names)
        dialect = resource.get("dialect", {})
        if isinstance(dialect, dict) and dialect.get("header") is False:
            yield _problem(f"{where}/dialect/header", "tables must have a header row", "resource")


def _schema_problems(where: str, schema: dict[str, Any], tables: list[Any]) -> Iterator[Problem]:
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return
    names = [f.get("name") for f in fields if isinstance(f, dict)]
    for k, f in enumerate(fields):
        if not isinstance(f, dict):
            continue
        at = f"{where}/fields/{k}"
        if names.count(f.get("name")) > 1:
            yield _problem(f"{at}/name", f"field {f.get('name')!r} is not unique", "schema")
        kind = f.get("type", "any")
        if kind not in CHECKED_TYPES:
            yield _problem(f"{at}/type", f"japus-data cannot check type {kind!r}", "schema")
        pattern = f.get("constraints", {}).get("pattern") if isinstance(f, dict) else None
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error as exc:
                yield _problem(f"{at}/constraints/pattern", f"not a valid pattern: {exc}", "schema")
    keys: list[tuple[str, Any]] = [("primaryKey", schema.get("primaryKey", []))]
    keys += [(f"uniqueKeys/{i}", k) for i, k in enumerate(schema.get("uniqueKeys", []) or [])]
    for i, fk in enumerate(schema.get("foreignKeys", []) or []):
        if isinstance(fk, dict):
            keys.append((f"foreignKeys/{i}/fields", fk.get("fields", [])))
            reference = fk.get("reference", {})
            target = reference.get("resource") if isinstance(reference, dict) else None
            if target and target not in tables:
                yield _problem(
                    f"{where}/foreignKeys/{i}/reference/resource",
                    f"no resource named {target!r}",
                    "schema",
                )
    for at, key in keys:
        for name in [key] if isinstance(key, str) else key if isinstance(key, list) else []:
            if name not in names:
                yield _problem(f"{where}/{at}", f"no field named {name!r}", "schema")
