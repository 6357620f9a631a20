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
from pathlib import Path
from typing import Any

from ..codes import Check
from ..locate import DESCRIPTOR
from ..problem import Problem, shown
from ..safepath import name_problem, path_problem, path_text_problem

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


def _is_email(value: object) -> bool:
    """``email`` as ``jsonschema`` checks it: a string with an ``@``."""
    return not isinstance(value, str) or "@" in value


# The formats checked, and how: the same functions for ``jsonschema`` and ``jsonschema-rs``.
# The profile's others (``uri``, ``textarea``) pass, as ``jsonschema`` lets them without
# optional packages.
FORMATS = {"date-time": _is_datetime, "email": _is_email}


@cache
def _format_checker() -> Any:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name, function in FORMATS.items():
        checker.checks(name)(function)
    return checker


def _passes(value: object) -> bool:
    return True


def _formats(schema: Any) -> set[str]:
    """The ``format`` names a JSON Schema uses."""
    if isinstance(schema, dict):
        own = {schema["format"]} if isinstance(schema.get("format"), str) else set()
        return own.union(*(_formats(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_formats(v) for v in schema))
    return set()


@cache
def _fast_validator() -> Any:
    """The profile compiled by ``jsonschema-rs`` (Rust: milliseconds, where ``jsonschema``
    takes a tenth of a second and as long to import), with the same format checks as
    ``jsonschema`` (``FORMATS``, every other format passing), or None if not installed."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    schema = profile()
    if schema is None:
        return None
    formats = {name: FORMATS.get(name, _passes) for name in _formats(schema)}
    return jsonschema_rs.Draft7Validator(
        schema, formats=formats, validate_formats=True, offline=True
    )


def _conforms(raw: Mapping[str, Any]) -> bool:
    """True if the descriptor surely meets the profile: then ``jsonschema`` (which words the
    problems) need not run, nor be imported. Any doubt (not installed, a value Rust cannot
    take such as NaN or a huge integer) says False, and ``jsonschema`` decides."""
    validator = _fast_validator()
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(raw))
    except Exception:
        return False


def profile_problems(raw: Mapping[str, Any]) -> Iterator[Problem]:
    """Each way the descriptor breaks the official Data Package v2 profile."""
    schema = profile()
    if schema is None:
        yield _problem("", "dplib-py's Data Package v2 profile is not installed", Check.PROFILE)
        return
    if _conforms(raw):
        return
    from jsonschema import Draft7Validator

    # The profile's ``format`` keywords are checked too, not just noted.
    validator = Draft7Validator(schema, format_checker=_format_checker())
    errors = sorted(validator.iter_errors(raw), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        message = error.message
        if len(message) > MAX_MESSAGE:
            message = message[:MAX_MESSAGE] + "..."
        yield _problem(where, message, Check.PROFILE)


def duplicate_key_problems(root: Path) -> list[Problem]:
    """Each key given twice in one object of the descriptor: JSON readers keep one of the
    two silently (Python the last), so what was written is not what is read."""
    found: list[Problem] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                name = next((v for k, v in items if k == "name" and isinstance(v, str)), None)
                within = f" of the object named {shown(name)}" if name is not None else ""
                message = (
                    f"the key {shown(key)} is given twice in one object{within}: "
                    "JSON readers keep only one of them; give it once"
                )
                found.append(_problem("", message, Check.DESCRIPTOR))
            seen.add(key)
        return dict(items)

    try:
        json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"), object_pairs_hook=pairs)
    except (OSError, ValueError, RecursionError):
        return []  # reported when the descriptor is read
    return found


def pattern_problem(pattern: str) -> str | None:
    """Why a field's ``pattern`` cannot judge cells, or None.

    Cells are matched by RE2 (Arrow's engine), in time linear in the cell whatever the
    pattern: no pattern can make validation take exponential time. RE2 has what XML Schema's
    regular expressions (Table Schema's) have; it refuses look-arounds and back-references,
    which only a backtracking engine runs, so a pattern using them is refused here, and no
    cell is judged by it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"not a valid pattern: {shown(exc)}"
    try:
        pc.match_substring_regex(pa.array([""], pa.string()), pattern)
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        reason = str(exc).removeprefix("Invalid regular expression: ")
        return (
            f"cannot be matched in linear time ({shown(reason)}): look-arounds, "
            "back-references and huge repetitions are not supported"
        )
    return None


def _is_names(value: object) -> bool:
    """A field name or a list of them, as keys are written."""
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _is_values(value: object) -> bool:
    """A list of strings, or of labelled ``{"value": ..., "label": ...}`` objects."""
    return isinstance(value, list) and all(
        isinstance(v, str) or (isinstance(v, dict) and "value" in v) for v in value
    )


def _is_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_char(value: object) -> bool:
    return isinstance(value, str) and len(value) == 1


# Each property japus-data reads, and the JSON type it must have to be read at all.
FIELD_TYPES: dict[str, tuple[Any, str]] = {
    "name": (lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "type": (lambda v: isinstance(v, str), "a string"),
    "format": (lambda v: isinstance(v, str), "a string"),
    "constraints": (lambda v: isinstance(v, dict), "an object"),
    "categories": (
        lambda v: (
            isinstance(v, list)
            and all(
                not isinstance(c, dict | list) or (isinstance(c, dict) and "value" in c) for c in v
            )
        ),
        "a list of values or of {value, label} objects",
    ),
    "missingValues": (_is_values, "a list of strings or of {value, label} objects"),
    "trueValues": (_is_strings, "a list of strings"),
    "falseValues": (_is_strings, "a list of strings"),
    "groupChar": (lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "decimalChar": (lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "bareNumber": (lambda v: isinstance(v, bool), "true or false"),
}
CONSTRAINT_TYPES: dict[str, tuple[Any, str]] = {
    "required": (lambda v: isinstance(v, bool), "true or false"),
    "unique": (lambda v: isinstance(v, bool), "true or false"),
    "pattern": (lambda v: isinstance(v, str), "a string"),
    "enum": (lambda v: isinstance(v, list), "a list"),
    "minLength": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "maxLength": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
}
DIALECT_TYPES: dict[str, tuple[Any, str]] = {
    "delimiter": (_is_char, "one character"),
    "quoteChar": (_is_char, "one character"),
    "header": (lambda v: isinstance(v, bool), "true or false"),
}


# Dialect properties whose other values no reader of japus-data honours: refused, so that the
# loader, the validator and the diff never read one file three ways.
DIALECT_DEFAULTS: dict[str, Any] = {
    "doubleQuote": True,
    "skipInitialSpace": False,
    "headerRows": [1],
    "commentRows": [],
}
DIALECT_UNSUPPORTED = ("escapeChar", "commentChar", "nullSequence")
LINE_BREAKS = ("\n", "\r\n")


def dialect_problems(where: str, dialect: object) -> list[Problem]:
    """Why a resource's ``dialect`` cannot be read as written, or nothing: the one
    interpretation of the dialect (``japus_data.descriptor.dialect_of``) relies on it."""
    if not isinstance(dialect, dict):
        return [_shape(where, f"must be an object, not {shown(dialect)}")]
    found = list(_typed(where, dialect, DIALECT_TYPES))
    if found:
        return found
    delimiter, quote = dialect.get("delimiter", ","), dialect.get("quoteChar", '"')
    if delimiter in "\r\n":
        found.append(_shape(f"{where}/delimiter", "a line break cannot be the delimiter"))
    if quote in "\r\n":
        found.append(_shape(f"{where}/quoteChar", "a line break cannot be the quote character"))
    if delimiter == quote:
        message = f"the delimiter and the quote character must differ (both {shown(quote)})"
        found.append(_shape(f"{where}/quoteChar", message))
    if dialect.get("header") is False:
        found.append(_problem(f"{where}/header", "tables must have a header row", Check.RESOURCE))
    terminator = dialect.get("lineTerminator", "\n")
    if terminator not in LINE_BREAKS:
        message = f"japus-data reads lines ending in \\n or \\r\\n, not {shown(terminator)}"
        found.append(_shape(f"{where}/lineTerminator", message))
    for key, default in DIALECT_DEFAULTS.items():
        if key in dialect and dialect[key] != default:
            message = f"japus-data reads only {json.dumps(default)}, not {shown(dialect[key])}"
            found.append(_shape(f"{where}/{key}", message))
    for key in DIALECT_UNSUPPORTED:
        if key in dialect:
            found.append(_shape(f"{where}/{key}", "not supported by japus-data: remove it"))
    return found


def _is_objects(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _is_text(value: object) -> bool:
    return isinstance(value, str)


TEXT = (_is_text, "a string")
OBJECTS = (_is_objects, "a list of objects")
# What japus-data reads at the top of the descriptor (citations, .attrs, exports, docs).
PACKAGE_TYPES: dict[str, tuple[Any, str]] = {
    "name": TEXT,
    "title": TEXT,
    "title_ja": TEXT,
    "description": TEXT,
    "description_ja": TEXT,
    "version": TEXT,
    "created": TEXT,
    "attribution": TEXT,
    "licenses": OBJECTS,
    "sources": OBJECTS,
    "contributors": OBJECTS,
    "resources": (lambda v: isinstance(v, list), "a list of resources"),
}
LICENCE_TYPES: dict[str, tuple[Any, str]] = {"name": TEXT, "path": TEXT, "title": TEXT}
RESOURCE_TYPES: dict[str, tuple[Any, str]] = {
    "title": TEXT,
    "title_ja": TEXT,
    "description": TEXT,
    "description_ja": TEXT,
    "sources": OBJECTS,
}


def _shape(where: str, message: str) -> Problem:
    return _problem(where, message, Check.DESCRIPTOR)


def _typed(
    where: str, raw: Mapping[str, Any], types: Mapping[str, tuple[Any, str]]
) -> Iterator[Problem]:
    for key, (ok, what) in types.items():
        if key in raw and not ok(raw[key]):
            yield _shape(f"{where}/{key}", f"must be {what}, not {shown(raw[key])}")


def shape_problems(where: str, resource: object) -> list[Problem]:
    """Wrongly typed properties that japus-data reads: with any, the resource is not read.

    The profile reports most of them too; these say what japus-data needs, and guarantee
    that a resource it goes on to read has the shape its checks rely on.
    """
    if not isinstance(resource, dict):
        return [_shape(where, f"a resource must be an object, not {shown(resource)}")]
    found: list[Problem] = []
    name = resource.get("name")
    if not isinstance(name, str) or not name:
        found.append(_shape(f"{where}/name", f"must be a non-empty string, not {shown(name)}"))
    found.extend(_typed(where, resource, RESOURCE_TYPES))
    found.extend(dialect_problems(f"{where}/dialect", resource.get("dialect", {})))
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        return found  # reported by structure_problems: give the table schema inline
    at = f"{where}/schema"
    found.extend(_typed(at, schema, {"missingValues": FIELD_TYPES["missingValues"]}))
    fields = schema.get("fields")
    if not isinstance(fields, list):
        found.append(_shape(f"{at}/fields", f"must be a list of fields, not {shown(fields)}"))
        fields = []
    for k, f in enumerate(fields):
        if not isinstance(f, dict):
            found.append(_shape(f"{at}/fields/{k}", f"a field must be an object, not {shown(f)}"))
            continue
        if "name" not in f:
            found.append(_shape(f"{at}/fields/{k}/name", "a field needs a name"))
        found.extend(_typed(f"{at}/fields/{k}", f, FIELD_TYPES))
        constraints = f.get("constraints")
        if isinstance(constraints, dict):
            found.extend(_typed(f"{at}/fields/{k}/constraints", constraints, CONSTRAINT_TYPES))
    if "primaryKey" in schema and not _is_names(schema["primaryKey"]):
        found.append(_shape(f"{at}/primaryKey", "must be a field name or a list of them"))
    unique = schema.get("uniqueKeys", [])
    if not isinstance(unique, list) or not all(_is_names(u) for u in unique):
        found.append(_shape(f"{at}/uniqueKeys", "must be a list of lists of field names"))
    fks = schema.get("foreignKeys", [])
    if not isinstance(fks, list):
        found.append(_shape(f"{at}/foreignKeys", "must be a list of foreign keys"))
        fks = []
    for i, fk in enumerate(fks):
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if (
            not isinstance(fk, dict)
            or not _is_names(fk.get("fields"))
            or not isinstance(ref, dict)
            or not _is_names(ref.get("fields"))
            or not isinstance(ref.get("resource", ""), str)
        ):
            message = "must be {fields, reference: {resource, fields}} with field names"
            found.append(_shape(f"{at}/foreignKeys/{i}", message))
    return found


def structure_problems(where: str, resource: object) -> list[Problem]:
    """The one structural check of a resource: with none of these, a
    :class:`japus_data.descriptor.Table` can be built from it (``resource_model``). Wrongly
    typed properties, a path that is not one safe relative file name, no inline schema."""
    found = shape_problems(where, resource)
    if not isinstance(resource, dict):
        return found
    path = resource.get("path")
    if isinstance(path, list):
        found.append(_problem(f"{where}/path", "one file per resource, please", Check.RESOURCE))
    else:
        why = path_text_problem(path)
        if why:
            found.append(_problem(f"{where}/path", why, Check.PATH))
    if not isinstance(resource.get("schema"), dict):
        found.append(_problem(f"{where}/schema", "give the table schema inline", Check.RESOURCE))
    return found


def package_shape_problems(raw: Mapping[str, Any]) -> list[Problem]:
    """Wrongly typed top-level properties that japus-data reads (``licenses`` as a string,
    a ``sources`` entry that is not an object ...)."""
    found = list(_typed("", raw, PACKAGE_TYPES))
    licences = raw.get("licenses")
    if isinstance(licences, list) and _is_objects(licences):
        for i, licence in enumerate(licences):
            found.extend(_typed(f"/licenses/{i}", licence, LICENCE_TYPES))
    return found


def descriptor_shape_problems(raw: Mapping[str, Any]) -> list[Problem]:
    """What the one guarded parse (``japus_data.descriptor.parse_package``) refuses: every
    property japus-data reads has its type, names are identifiers, paths are safe by their
    text. The validator reports each of these too, with everything else."""
    found = package_shape_problems(raw)
    resources = raw.get("resources")
    if not resources:
        found.append(_shape("/resources", "a data package needs a list of resources"))
    if not isinstance(resources, list):
        return found  # a wrong type is reported by package_shape_problems
    names = [r.get("name") for r in resources if isinstance(r, dict)]
    for i, resource in enumerate(resources):
        where = f"/resources/{i}"
        found.extend(structure_problems(where, resource))
        if isinstance(resource, dict):
            found.extend(_identity_problems(where, resource, names))
    return found


def _identity_problems(where: str, resource: Mapping[str, Any], names: list[Any]) -> list[Problem]:
    name = resource.get("name")
    if not isinstance(name, str) or not name:
        return []  # reported by shape_problems
    found = []
    why = name_problem(name)
    if why:
        found.append(_problem(f"{where}/name", why, Check.RESOURCE))
    if names.count(name) > 1:
        found.append(_problem(f"{where}/name", f"{name!r} is not unique", Check.RESOURCE))
    return found


def resource_problems(
    root: Path, raw: Mapping[str, Any], shaped: Mapping[int, list[Problem]]
) -> Iterator[Problem]:
    """What the profile allows but japus-data cannot check, or does not allow in a package.

    ``shaped`` holds each resource's structural problems, found once by the caller
    (``japus_data.descriptor.resource_model``): reported there, relied on here."""
    resources = raw.get("resources")
    if not isinstance(resources, list):
        return
    from .names import name_problems

    yield from name_problems(resources)
    names = [r.get("name") for r in resources if isinstance(r, dict)]
    fields_of = {
        r["name"]: _field_names(r)
        for r in resources
        if isinstance(r, dict) and isinstance(r.get("name"), str)
    }
    for i, resource in enumerate(resources):
        where = f"/resources/{i}"
        shape = shaped.get(i, [])
        if not isinstance(resource, dict):
            continue
        yield from _identity_problems(where, resource, names)
        paths = resource.get("path")
        listed = isinstance(paths, list)
        for j, path in enumerate(paths if isinstance(paths, list) else [paths]):
            if not listed and path_text_problem(path):
                continue  # reported by structure_problems
            why = path_problem(root, path)
            if why:
                yield _problem(f"{where}/path" + (f"/{j}" if listed else ""), why, Check.PATH)
        schema = resource.get("schema")
        if not isinstance(schema, dict):
            continue  # reported by structure_problems
        # The checks below rely on the shape (a wrong path does not hide the schema's problems).
        if not any(p.check == "descriptor" for p in shape):
            yield from _schema_problems(f"{where}/schema", schema, resource.get("name"), fields_of)


def _field_names(resource: dict[str, Any]) -> list[Any]:
    schema = resource.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    return (
        [f.get("name") for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
    )


def _schema_problems(
    where: str, schema: dict[str, Any], table: Any, tables: Mapping[Any, list[Any]]
) -> Iterator[Problem]:
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return
    names = [f.get("name") for f in fields if isinstance(f, dict)]
    for k, f in enumerate(fields):
        if not isinstance(f, dict):
            continue
        at = f"{where}/fields/{k}"
        if names.count(f.get("name")) > 1:
            yield _problem(f"{at}/name", f"field {f.get('name')!r} is not unique", Check.SCHEMA)
        kind = f.get("type", "any")
        if kind not in CHECKED_TYPES:
            yield _problem(f"{at}/type", f"japus-data cannot check type {kind!r}", Check.SCHEMA)
        pattern = f.get("constraints", {}).get("pattern") if isinstance(f, dict) else None
        if isinstance(pattern, str):
            why = pattern_problem(pattern)
            if why:
                yield _problem(f"{at}/constraints/pattern", why, Check.SCHEMA)
    keys: list[tuple[str, Any]] = [("primaryKey", schema.get("primaryKey", []))]
    keys += [(f"uniqueKeys/{i}", k) for i, k in enumerate(schema.get("uniqueKeys", []) or [])]
    for i, fk in enumerate(schema.get("foreignKeys", []) or []):
        if isinstance(fk, dict):
            keys.append((f"foreignKeys/{i}/fields", fk.get("fields", [])))
            yield from _reference_problems(f"{where}/foreignKeys/{i}", fk, table, tables)
    for at, key in keys:
        for name in [key] if isinstance(key, str) else key if isinstance(key, list) else []:
            if name not in names:
                yield _problem(f"{where}/{at}", f"no field named {name!r}", Check.SCHEMA)


def _reference_problems(
    where: str, fk: dict[str, Any], table: Any, tables: Mapping[Any, list[Any]]
) -> Iterator[Problem]:
    """The resource a foreign key refers to exists, and so does each field it names there,
    one for each field it refers from."""
    reference = fk.get("reference", {})
    if not isinstance(reference, dict):
        return
    # Data Package v2: a reference without ``resource`` (or with "") is to the same table.
    target = reference.get("resource") or table
    if target not in tables:
        yield _problem(f"{where}/reference/resource", f"no resource named {target!r}", Check.SCHEMA)
        return
    local, remote = fk.get("fields", []), reference.get("fields", [])
    local = [local] if isinstance(local, str) else local if isinstance(local, list) else []
    remote = [remote] if isinstance(remote, str) else remote if isinstance(remote, list) else []
    missing = [name for name in remote if name not in tables[target]]
    at = f"{where}/reference/fields"
    if missing:
        names = ", ".join(repr(name) for name in missing)
        yield _problem(at, f"{target!r} has no field named {names}", Check.SCHEMA)
    elif len(remote) != len(local):
        message = f"{len(remote)} fields referred to for the {len(local)} referring to them"
        yield _problem(at, message, Check.SCHEMA)
