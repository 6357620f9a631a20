"""Read one table into a pandas DataFrame with the dtypes its schema declares.

pandas is imported here, on first use, never by ``import japus_data``. pandera is not
imported on the fast path: a file whose sha256 matches the hash recorded in the descriptor
is the file that was validated, so it is parsed with explicit dtypes and returned. A file
that differs is validated in full first, and refused if invalid.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .checks.codes import Check
from .descriptor import SCHEMA_HASH, Package, Table, installed_package, parse_package, schema_hash
from .errors import DataIntegrityError, JapusDataError
from .fieldspec import field_specs
from .locate import DESCRIPTOR, resolve_root
from .safepath import read_package_file

if TYPE_CHECKING:
    import pandas as pd


def sha256_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def matches_record(table: Table, data: bytes) -> bool:
    """Whether ``data`` is the file whose hash and size the descriptor records."""
    return table.hash == sha256_of(data) and table.bytes == len(data)


def package_at(root: str | Path | None) -> Package:
    return installed_package() if root is None else parse_package(resolve_root(root))


def pandas_dtypes(table: Table) -> dict[str, Any]:
    """The dtype of each column: what the loader returns and the pandera model checks."""
    import pandas as pd

    dtypes: dict[str, Any] = {}
    for f in table.fields:
        if f.categories is not None:
            dtypes[f.name] = pd.CategoricalDtype(list(f.categories), ordered=False)
        elif f.type == "integer":
            dtypes[f.name] = "Int64"
        elif f.type == "number":
            dtypes[f.name] = "Float64"
        elif f.type == "boolean":
            dtypes[f.name] = "boolean"
        elif f.type == "date":
            dtypes[f.name] = "datetime64[us]"
        else:
            dtypes[f.name] = "str"
    return dtypes


def parse_csv(
    table: Table,
    data: bytes,
    display_path: str,
    unknown_codes: list[tuple[int, str, str]] | None = None,
) -> pd.DataFrame:
    """Parse a table's bytes with explicit dtypes; never coerce a value silently.

    Cells are read as text, then each column is read exactly as the validator reads it,
    from the same field spec (``japus_data.fieldspec.field_spec``): its ``missingValues``,
    ``trueValues`` / ``falseValues``, ``groupChar`` / ``decimalChar`` / ``bareNumber`` and
    date ``format``. A cell that is not of its field's type raises.

    A code outside its field's categories raises, unless ``unknown_codes`` is given: the
    validator collects every (row, field, value) there and checks the rest of the table.
    """
    import numpy as np
    import pandas as pd

    from .checks.fields import parse_values, positions

    dtypes = pandas_dtypes(table)
    try:
        text = pd.read_csv(
            io.BytesIO(data),
            encoding="utf-8",
            dtype="str",
            keep_default_na=False,
            na_filter=False,
            sep=table.dialect.delimiter,
            quotechar=table.dialect.quote_char,
        )
    except (ValueError, TypeError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise JapusDataError(f"{display_path}: cannot be parsed with its schema: {exc}") from None
    if list(text.columns) != table.field_names:
        raise JapusDataError(
            f"{display_path}: header {list(text.columns)} is not the schema's fields "
            f"{table.field_names}"
        )
    columns: dict[str, pd.Series] = {}
    for spec in field_specs(table):
        name, dt = spec.name, dtypes[spec.name]
        codes, distinct = pd.factorize(text[name].to_numpy(dtype=object), sort=False)
        u = pd.Series(pd.array(distinct, dtype="str"))
        missing = u.isin(spec.missing).to_numpy()
        ok, typed = parse_values(spec, u, ~missing)
        wrong = np.flatnonzero((~missing & ~ok)[codes])
        if len(wrong):
            row, value = int(wrong[0]) + 2, str(u.iloc[codes[wrong[0]]])
            raise JapusDataError(
                f"{display_path}:{row}:{name}: cannot be parsed with its schema: {value!r} is "
                f"not a {spec.type}" + ("" if spec.format == "default" else f" ({spec.format})")
            )
        if isinstance(dt, pd.CategoricalDtype) and spec.category_values is not None:
            # A cell is its category as the validator reads it: by typed value (``02`` is the
            # integer category 2), through the one reading (``fields.positions``).
            position = positions(spec, spec.category_values, typed, ok)
            unknown = np.flatnonzero((~missing & (position < 0))[codes])
            if len(unknown):
                rows = [int(i) + 2 for i in unknown]
                values = [str(u.iloc[codes[i]]) for i in unknown]
                if unknown_codes is None:
                    raise JapusDataError(
                        f"{display_path}:{rows[0]}:{name}: {values[0]!r} is not one of "
                        f"the categories {list(dt.categories)}"
                    )
                unknown_codes.extend((row, name, v) for row, v in zip(rows, values, strict=True))
            category = pd.Categorical.from_codes(position[codes], dtype=dt)
            columns[name] = pd.Series(category, name=name)
            continue
        column = pd.Series(typed.array.take(codes), name=name).where(~missing[codes])
        columns[name] = column.astype(dt) if column.dtype != dt else column
    return pd.DataFrame(columns, index=pd.RangeIndex(len(text)))


def table_attrs(package: Package, table: Table) -> dict[str, Any]:
    """Metadata that travels with the frame: what it is, where it comes from, its licence."""
    from .citation import format_reference, package_reference

    return {
        "name": table.name,
        "title": table.title,
        "title_ja": table.title_ja,
        "description": table.description,
        "description_ja": table.description_ja,
        "path": table.path,
        "primary_key": list(table.primary_key),
        # The documents this table's rows cite, else the package's.
        "sources": list(table.sources) or package.sources,
        "licenses": package.licenses,
        "attribution": package.attribution,
        "citation": format_reference(package_reference(package), "text"),
        "package": package.name,
        "version": package.version,
    }


def read_table(name: str, root: str | Path | None = None) -> pd.DataFrame:
    """Load table ``name`` from the installed package, or from the package at ``root``.

    The loader's promise: a frame is returned only from a package that is what was
    validated (every file's recorded ``hash``/``bytes`` and the descriptor's
    ``schemaHash`` match), or that passes validation as a whole now.
    """
    package = package_at(root)
    table = package.table(name)  # UnknownTableError names the tables there are
    data = read_package_file(package.root, table.path)
    verify_package(package, {table.path: data})
    frame = parse_csv(table, data, table.path)
    frame.attrs.update(table_attrs(package, table))
    return frame


# (file, device, inode, size, mtime) -> sha256 of files already hashed in this process.
_digests: dict[tuple[str, int, int, int, int], str] = {}
# Packages (root, schemaHash, each file's sha256) that passed full validation.
_validated: set[tuple[str, str, tuple[str, ...]]] = set()


def _digest(root: Path, path: str) -> tuple[str, int]:
    import os

    data = None
    try:
        st = os.stat(root / path)
        key = (str((root / path).resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    except (OSError, RuntimeError, ValueError):
        data = read_package_file(root, path)  # raises, naming the file
        return sha256_of(data), len(data)
    if key not in _digests:
        data = read_package_file(root, path)
        _digests[key] = sha256_of(data)
    return _digests[key], st.st_size


def changed_since_recorded(package: Package, read: dict[str, bytes] | None = None) -> list[str]:
    """What differs from what the descriptor records: ``datapackage.json (schema)`` when
    its ``schemaHash`` is missing or stale, and each file whose hash or size differs."""
    read = read or {}
    changed = []
    if package.raw.get(SCHEMA_HASH) != schema_hash(package.raw):
        changed.append(f"{DESCRIPTOR} (schema)")
    for t in package.tables:
        if t.path in read:
            same = matches_record(t, read[t.path])
        else:
            digest, size = _digest(package.root, t.path)
            same = t.hash == digest and t.bytes == size
        if not same:
            changed.append(t.path)
    return changed


def verify_package(package: Package, read: dict[str, bytes] | None = None) -> None:
    """Raise :class:`DataIntegrityError` unless the package is what was validated, or is
    valid as a whole now (then warn that its hashes are not recorded)."""
    from .validation import validate_package

    changed = changed_since_recorded(package, read)
    if not changed:
        return
    state = (
        str(package.root.resolve()),
        schema_hash(package.raw),
        tuple(_digest(package.root, t.path)[0] for t in package.tables),
    )
    if state not in _validated:
        report = validate_package(package.root)
        # The recorded hashes are what changed; every other check, in any file, decides.
        problems = [p for p in report.problems if p.check != Check.HASH]
        if problems:
            first = next(iter(read or {}), DESCRIPTOR)
            raise DataIntegrityError(first, problems, changed)
        _validated.add(state)
    warnings.warn(
        f"{', '.join(changed)} differ(s) from what {DESCRIPTOR} records; the package passed "
        "full validation. Run `japus-data hash` to record the new hashes.",
        stacklevel=3,
    )
