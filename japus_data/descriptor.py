"""The contract, read with the standard library only: the one model of ``datapackage.json``.

``datapackage.json`` is the single source of truth for structure. Its structural check
(:func:`japus_data.checks.descriptor.shape_problems`) either refuses a resource or lets
:func:`table_model` build a :class:`Table`: every property japus-data reads (titles, labels,
units, categories, constraints, missing values, number and boolean spellings, keys, the CSV
dialect) is an attribute here, read once, with the Table Schema defaults. Nothing downstream
reads the JSON. Cheap enough to use on import paths that must not load pandas.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .codes import Check
from .errors import DescriptorError as DescriptorError
from .errors import UnknownTableError
from .locate import DESCRIPTOR, package_root

if TYPE_CHECKING:
    from .problem import Problem

# Table Schema's default boolean spellings (``trueValues`` / ``falseValues``).
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
# A text cell starting with one of these would be run as a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@")
ALLOW_FORMULA = "allowFormulaPrefix"


@dataclass(frozen=True)
class Category:
    """One of a field's ``categories``: its value as written (a JSON string, number or
    boolean) and its labels; ``labelled`` if it was written as a ``{value, label}`` object."""

    value: Any
    label: str | None = None
    label_ja: str | None = None
    labelled: bool = False

    def as_json(self) -> Any:
        """The category as the descriptor writes it."""
        if not self.labelled:
            return self.value
        written: dict[str, Any] = {"value": self.value}
        if self.label is not None:
            written["label"] = self.label
        if self.label_ja is not None:
            written["label_ja"] = self.label_ja
        return written


@dataclass(frozen=True)
class Dialect:
    """How a table's CSV file is written: the one reading for the loader, the validator and
    the diff. Only what japus-data can read is accepted by the structural check."""

    delimiter: str = ","
    quote_char: str = '"'
    header: bool = True


@dataclass(frozen=True)
class Field:
    """One field of a table schema, with the Table Schema defaults filled in."""

    name: str
    type: str = "any"
    format: str = "default"
    title: str = ""
    title_ja: str = ""
    description: str = ""
    description_ja: str = ""
    # Table Schema: a field of the primary key is required even when not declared so.
    required: bool = False
    unique: bool = False
    constraints: Mapping[str, Any] = dataclass_field(default_factory=dict, hash=False)
    category_items: tuple[Category, ...] | None = None
    unit: str | None = None
    missing: tuple[str, ...] = ("",)
    true_values: tuple[str, ...] = TRUE_VALUES
    false_values: tuple[str, ...] = FALSE_VALUES
    allow_formula: bool = False
    bare_number: bool = True
    group_char: str | None = None
    decimal_char: str = "."
    # The document that defines the field's codes (a ``source_id`` of the sources table).
    source_id: str | None = None

    @property
    def categories(self) -> tuple[str, ...] | None:
        """The category values as text (the loader's categorical levels)."""
        if self.category_items is None:
            return None
        return tuple(str(c.value) for c in self.category_items)

    @property
    def category_values(self) -> list[Any] | None:
        """The category values as written, read by the field's own parse when compared."""
        if self.category_items is None:
            return None
        return [c.value for c in self.category_items]

    @property
    def categories_json(self) -> list[Any] | None:
        """``categories`` as the descriptor writes them (for exports' metadata)."""
        if self.category_items is None:
            return None
        return [c.as_json() for c in self.category_items]

    @property
    def pattern(self) -> str | None:
        value = self.constraints.get("pattern")
        return value if isinstance(value, str) else None

    @property
    def minimum(self) -> Any:
        return self.constraints.get("minimum")

    @property
    def maximum(self) -> Any:
        return self.constraints.get("maximum")


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    title: str
    title_ja: str
    description: str
    description_ja: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    hash: str | None
    bytes: int | None
    sources: tuple[dict[str, Any], ...] = dataclass_field(default=(), hash=False)
    unique_keys: tuple[tuple[str, ...], ...] = ()
    dialect: Dialect = Dialect()
    # ``minRows``, a custom resource property: the rows the package needs in the table.
    min_rows: int | None = None

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")


@dataclass(frozen=True)
class Package:
    root: Path
    # The descriptor as written: for what reproduces or hashes it (the JSON export,
    # ``schemaHash``, ``japus-data hash``), never to read a property the model has.
    raw: dict[str, Any] = dataclass_field(hash=False, compare=False, repr=False)
    tables: tuple[Table, ...] = ()

    def _text(self, key: str, default: str = "") -> str:
        value = self.raw.get(key, default)
        return value if isinstance(value, str) else default

    @property
    def name(self) -> str:
        return self._text("name")

    @property
    def title(self) -> str:
        return self._text("title")

    @property
    def title_ja(self) -> str:
        return self._text("title_ja")

    @property
    def description(self) -> str:
        return self._text("description")

    @property
    def description_ja(self) -> str:
        return self._text("description_ja")

    @property
    def version(self) -> str:
        return self._text("version")

    @property
    def created(self) -> str:
        return self._text("created")

    @property
    def attribution(self) -> str:
        return self._text("attribution")

    @property
    def homepage(self) -> str:
        return self._text("homepage")

    @property
    def licenses(self) -> list[dict[str, Any]]:
        """The licences as written: ``name``, ``path``, ``title``."""
        return _objects(self.raw.get("licenses"))

    @property
    def sources(self) -> list[dict[str, Any]]:
        return _objects(self.raw.get("sources"))

    @property
    def contributors(self) -> list[dict[str, Any]]:
        return _objects(self.raw.get("contributors"))

    @property
    def keywords(self) -> tuple[str, ...]:
        words = self.raw.get("keywords")
        return tuple(w for w in words if isinstance(w, str)) if isinstance(words, list) else ()

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise UnknownTableError(name, self.table_names)


def _objects(value: Any) -> list[dict[str, Any]]:
    # Checked by ``package_shape_problems`` where the package is validated; the diff reads
    # packages whose top-level metadata is wrongly typed, so stray items are skipped here.
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def values_of(items: Any) -> tuple[str, ...]:
    """Values of a list that may hold plain values or labelled ``{"value", "label"}`` objects."""
    if not isinstance(items, list):
        return ()
    return tuple(str(i.get("value")) if isinstance(i, dict) else str(i) for i in items)


def _category(item: Any) -> Category:
    if isinstance(item, dict):
        label, label_ja = item.get("label"), item.get("label_ja")
        return Category(
            item.get("value"),
            label if isinstance(label, str) else None,
            label_ja if isinstance(label_ja, str) else None,
            labelled=True,
        )
    return Category(item)


def _text(raw: Mapping[str, Any], key: str, default: str = "") -> str:
    value = raw.get(key, default)
    return value if isinstance(value, str) else default


def _field(raw: Mapping[str, Any], schema: Mapping[str, Any], key: tuple[str, ...]) -> Field:
    """A field of a resource that passed the structural check (every property typed)."""
    given = raw.get("constraints")
    constraints: dict[str, Any] = dict(given) if isinstance(given, dict) else {}
    cats = raw.get("categories")
    name = str(raw["name"])
    group = raw.get("groupChar")
    source = raw.get("source_id")
    return Field(
        name=name,
        type=_text(raw, "type", "any"),
        format=_text(raw, "format", "default"),
        title=_text(raw, "title", name),
        title_ja=_text(raw, "title_ja"),
        description=_text(raw, "description"),
        description_ja=_text(raw, "description_ja"),
        required=constraints.get("required") is True or name in key,
        unique=constraints.get("unique") is True,
        constraints=constraints,
        category_items=None if not isinstance(cats, list) else tuple(_category(c) for c in cats),
        unit=raw.get("unit") if isinstance(raw.get("unit"), str) else None,
        missing=values_of(raw.get("missingValues", schema.get("missingValues", [""]))),
        true_values=values_of(raw.get("trueValues", list(TRUE_VALUES))),
        false_values=values_of(raw.get("falseValues", list(FALSE_VALUES))),
        allow_formula=raw.get(ALLOW_FORMULA) is True,
        bare_number=raw.get("bareNumber", True) is not False,
        group_char=group if isinstance(group, str) else None,
        decimal_char=_text(raw, "decimalChar", "."),
        source_id=source if isinstance(source, str) and source else None,
    )


def _as_tuple(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def written_fields(raw: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each field entry of each resource as written, with its resource's name: for what
    edits the descriptor (``japus-data hash``), never to read a property the model has."""
    for resource in raw.get("resources", []):
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        for entry in fields if isinstance(fields, list) else []:
            if isinstance(entry, dict):
                yield str(resource.get("name")), entry


def dialect_of(raw: Any) -> Dialect:
    """A resource's ``dialect`` (CSV's defaults when absent), as the structural check
    allows it: one reading for every reader of the file."""
    given = raw if isinstance(raw, dict) else {}
    default = Dialect()
    return Dialect(
        delimiter=given.get("delimiter", default.delimiter),
        quote_char=given.get("quoteChar", default.quote_char),
        header=given.get("header", default.header) is not False,
    )


def table_model(raw: Mapping[str, Any]) -> Table:
    """The model of one resource that passed the structural check
    (:func:`japus_data.checks.descriptor.shape_problems`)."""
    schema = raw["schema"]
    key = _as_tuple(schema.get("primaryKey", []))
    fks = tuple(
        ForeignKey(
            fields=_as_tuple(fk["fields"]),
            # Data Package v2: a reference without ``resource`` points at the same table.
            resource=fk["reference"].get("resource") or raw["name"],
            reference_fields=_as_tuple(fk["reference"]["fields"]),
        )
        for fk in schema.get("foreignKeys", [])
    )
    name = str(raw["name"])
    size = raw.get("bytes")
    digest = raw.get("hash")
    return Table(
        name=name,
        path=raw["path"],
        title=_text(raw, "title", name),
        title_ja=_text(raw, "title_ja"),
        description=_text(raw, "description"),
        description_ja=_text(raw, "description_ja"),
        fields=tuple(_field(f, schema, key) for f in schema["fields"]),
        primary_key=key,
        foreign_keys=fks,
        hash=digest if isinstance(digest, str) else None,
        bytes=size if isinstance(size, int) and not isinstance(size, bool) else None,
        sources=tuple(raw.get("sources", [])),
        unique_keys=tuple(_as_tuple(k) for k in schema.get("uniqueKeys", []) or []),
        dialect=dialect_of(raw.get("dialect")),
        min_rows=whole_count(raw.get("minRows")),
    )


def whole_count(value: object) -> int | None:
    """A whole number 0 or more, else None (the validator reports it)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


# The name the tests and the validator used for ``table_model``.
_table = table_model


def resource_name(raw: object) -> str | None:
    """The name a resource gives itself, to name it in a message even when it is unusable."""
    name = raw.get("name") if isinstance(raw, dict) else None
    return name if isinstance(name, str) and name else None


def resource_model(where: str, raw: object) -> tuple[Table | None, list[Problem]]:
    """The one structural check of a resource, and its model when it passes: the problems
    (what japus-data cannot read) or the table, never both."""
    from .checks.descriptor import structure_problems
    from .problem import Problem

    problems = structure_problems(where, raw)
    if problems or not isinstance(raw, dict):
        return None, problems
    try:
        return table_model(raw), []
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        message = f"cannot be read as a table resource: missing or wrong {exc}"
        return None, [Problem(DESCRIPTOR, None, where, message, Check.DESCRIPTOR)]


# A real descriptor nests 7 levels deep; parsing and checking deeper input could exhaust the
# stack (a RecursionError), so deeper JSON is refused with where it goes too deep.
MAX_DEPTH = 64
# Recorded by ``japus-data hash``: the sha256 of what decides how the files are read and
# checked (see :func:`schema_hash`). The loader re-validates the package when it differs.
SCHEMA_HASH = "schemaHash"
# Left out of ``schemaHash``: words for readers, which change no reading of a file.
DESCRIPTIVE = frozenset(
    {"title", "title_ja", "description", "description_ja", "label", "label_ja", "example"}
)


def _pointer(parts: list[str | int]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _is_text(value: str) -> bool:
    """Valid Unicode: JSON's ``\\ud800`` escapes can give lone surrogates, which no
    encoder writes (a print, a file, a database)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def tree_problem(raw: object) -> str | None:
    """Where parsed JSON nests deeper than :data:`MAX_DEPTH` or holds a string that is not
    valid Unicode, or None. Iterative: no input can exhaust the stack here."""
    stack: list[tuple[object, list[str | int]]] = [(raw, [])]
    while stack:
        value, at = stack.pop()
        if len(at) > MAX_DEPTH:
            return f"{_pointer(at[:MAX_DEPTH])}: nested deeper than {MAX_DEPTH} levels"
        if isinstance(value, str):
            if not _is_text(value):
                return f"{_pointer(at)}: a lone surrogate (e.g. \\ud800) is not valid text"
        elif isinstance(value, dict):
            for key, item in value.items():
                if not _is_text(key):
                    return f"{_pointer(at)}: a key with a lone surrogate is not valid text"
                stack.append((item, [*at, key]))
        elif isinstance(value, list):
            stack.extend((item, [*at, i]) for i, item in enumerate(value))
    return None


def loads_descriptor(text: str, where: str) -> dict[str, Any]:
    """The one parse of a descriptor's text: JSON, an object, bounded depth, valid text.

    Raises :class:`DescriptorError` (one line, starting with ``where``) on anything else.
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            f"{where}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise DescriptorError(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(raw, dict):
        raise DescriptorError(f"{where}: the descriptor must be a JSON object")
    why = tree_problem(raw)
    if why:
        raise DescriptorError(f"{where}: {why}")
    return raw


def write_descriptor(root: Path, raw: dict[str, Any]) -> None:
    """Write the descriptor as the repository keeps it: UTF-8, two-space indent, key order."""
    text = json.dumps(raw, ensure_ascii=False, indent=2) + "\n"
    (root / DESCRIPTOR).write_text(text, encoding="utf-8")


def read_descriptor(root: Path) -> dict[str, Any]:
    """The descriptor of the package in ``root``: a regular file of bounded size, parsed by
    :func:`loads_descriptor`."""
    from .errors import PackageFileError
    from .safepath import MAX_DESCRIPTOR_BYTES, read_regular_file

    path = root / DESCRIPTOR
    try:
        data = read_regular_file(path, str(path), MAX_DESCRIPTOR_BYTES)
    except PackageFileError as exc:
        reason = exc.reason.removeprefix("cannot read: ")
        prefix = "" if reason == "file not found" or exc.check == Check.PATH else "cannot read: "
        raise DescriptorError(f"{path}: {prefix}{reason}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DescriptorError(f"{path}: cannot read: {exc}") from None
    return loads_descriptor(text, str(path))


def schema_hash(raw: dict[str, Any]) -> str:
    """sha256 of what decides how each file is read and checked: every resource as written
    (name, path, dialect, schema: types, constraints, keys, ``missingValues``, ``trueValues``
    ...) without its ``hash`` and ``bytes`` and without titles, descriptions and labels."""
    import hashlib

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in DESCRIPTIVE}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    resources = raw.get("resources")
    kept = [
        strip({k: v for k, v in r.items() if k not in ("hash", "bytes", "sources")})
        if isinstance(r, dict)
        else r
        for r in (resources if isinstance(resources, list) else [])
    ]
    text = json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_package(root: Path) -> Package:
    """The package in ``root``, read by the one guarded parse: every property japus-data
    reads has the type it needs, every resource name is an identifier and every path is
    safe by its text (see :mod:`japus_data.safepath`). Raises :class:`DescriptorError`
    naming the first problem and where it is."""
    from .checks.descriptor import descriptor_shape_problems

    raw = read_descriptor(root)
    problems = descriptor_shape_problems(raw)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more: run `japus-data validate`)" if problems[1:] else ""
        raise DescriptorError(f"{root / DESCRIPTOR}: {first.field or '/'}: {first.message}{more}")
    try:
        tables = tuple(table_model(r) for r in raw["resources"])
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise DescriptorError(
            f"{root / DESCRIPTOR}: a resource lacks a required property ({exc})"
        ) from None
    return Package(root=root, raw=raw, tables=tables)


@cache
def installed_package() -> Package:
    """The package shipped with the library, parsed once per process."""
    return parse_package(package_root())


# --------------------------------------------------------------------------- as written
# What changed between two versions of the descriptor as written (``japus-data diff``):
# every property, known to the model or not, is a change a release must account for.


def _without(raw: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k not in keys}


def _changed_keys(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str) -> list[str]:
    return [
        f"{prefix}{k}"
        for k in [*old, *(k for k in new if k not in old)]
        if old.get(k) != new.get(k)
    ]


def _written(package: Package, name: str) -> dict[str, Any]:
    for resource in package.raw.get("resources", []):
        if isinstance(resource, dict) and resource.get("name") == name:
            return resource
    return {}


def table_metadata_changes(old: Package, new: Package, name: str) -> list[str]:
    """Properties of table ``name`` as written that differ, other than its hash and what the
    schema diff reports (fields added, removed or retyped, the primary key): ``description``,
    ``schema.foreignKeys``, ``<field>.title`` ..."""
    before, after = _written(old, name), _written(new, name)
    out = _changed_keys(
        _without(before, "hash", "bytes", "schema"), _without(after, "hash", "bytes", "schema"), ""
    )
    old_schema, new_schema = before.get("schema", {}), after.get("schema", {})
    out += _changed_keys(
        _without(old_schema, "fields", "primaryKey"),
        _without(new_schema, "fields", "primaryKey"),
        "schema.",
    )
    old_fields = {str(f["name"]): f for f in old_schema.get("fields", [])}
    for f in new_schema.get("fields", []):
        was = old_fields.get(str(f["name"]))
        if was is not None:
            out += _changed_keys(_without(was, "type"), _without(f, "type"), f"{f['name']}.")
    return out


def package_metadata_changes(old: Package, new: Package) -> list[str]:
    """Top-level properties that differ, other than the resources (compared table by table),
    the version (compared by the recipe) and ``schemaHash`` (derived from the resources)."""
    ignored = ("resources", "version", SCHEMA_HASH)
    return _changed_keys(_without(old.raw, *ignored), _without(new.raw, *ignored), "")
