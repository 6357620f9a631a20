"""The loader's promise: a frame comes only from a package that is what was validated, or
that passes validation as a whole now.

Above the validator, below the loader (``japus_data.read``) and citation: ``load_frame``
returns a table's typed frame, without its metadata. A file whose sha256 and size match
the descriptor's record (and a current ``schemaHash``) is the file that was validated: it is
read by Arrow with the schema's types as it is hashed, and pandera is not imported. A
package that differs is validated once, and the frame the validator built is returned: the
file is not parsed again.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from .csvread import is_recorded, parse_csv, read_recorded, sha256_of
from .descriptor import SCHEMA_HASH, Package, installed_package, parse_package, schema_hash
from .errors import DataIntegrityError, JapusDataError
from .locate import DESCRIPTOR, resolve_root
from .safepath import open_package_file, read_package_file

if TYPE_CHECKING:
    import pandas as pd

# (file, device, inode, size, mtime) -> sha256 of files already hashed in this process.
_digests: dict[tuple[str, int, int, int, int], str] = {}
# Packages (root, schemaHash, each file's sha256) that passed full validation.
_validated: set[tuple[str, str, tuple[str, ...]]] = set()


def package_at(root: str | Path | None) -> Package:
    return installed_package() if root is None else parse_package(resolve_root(root))


def load_frame(package: Package, name: str) -> pd.DataFrame:
    """Table ``name`` of ``package`` as a typed frame, once the package is verified."""
    try:
        table = package.table(name)
    except KeyError as exc:
        raise JapusDataError(str(exc.args[0])) from None
    # Hashed as Arrow parses it: the typed read of a file that turns out to differ from
    # its record is discarded, never returned.
    with open_package_file(package.root, table.path) as handle:
        frame, digest, size = read_recorded(table, handle, table.path)
    validated = verify_package(package, {table.path: (digest, size)})
    if validated is not None and name in validated:
        import pandas as pd

        frame = validated[name]
        return frame.set_axis(pd.RangeIndex(len(frame)))
    if frame is not None and is_recorded(table, digest, size):
        return frame
    # The recorded file, spelled in a way the fast read leaves to the general one.
    data = read_package_file(package.root, table.path)
    if sha256_of(data) != digest or len(data) != size:
        raise JapusDataError(f"{table.path}: changed while it was being read; load it again")
    return parse_csv(table, data, table.path)


def _digest(root: Path, path: str) -> tuple[str, int]:
    try:
        st = os.stat(root / path)
        key = (str((root / path).resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    except (OSError, RuntimeError, ValueError):
        data = read_package_file(root, path)  # raises, naming the file
        return sha256_of(data), len(data)
    if key not in _digests:
        _digests[key] = sha256_of(read_package_file(root, path))
    return _digests[key], st.st_size


def changed_since_recorded(
    package: Package, known: dict[str, tuple[str, int]] | None = None
) -> list[str]:
    """What differs from what the descriptor records: ``datapackage.json (schema)`` when
    its ``schemaHash`` is missing or stale, and each file whose hash or size differs
    (``known``: the sha256 and size of files already read, by path)."""
    known = known or {}
    changed = []
    if package.raw.get(SCHEMA_HASH) != schema_hash(package.raw):
        changed.append(f"{DESCRIPTOR} (schema)")
    for t in package.tables:
        digest, size = known[t.path] if t.path in known else _digest(package.root, t.path)
        if not is_recorded(t, digest, size):
            changed.append(t.path)
    return changed


def verify_package(
    package: Package, known: dict[str, tuple[str, int]] | None = None
) -> dict[str, pd.DataFrame] | None:
    """Raise :class:`DataIntegrityError` unless the package is what was validated, or is
    valid as a whole now (then warn that its hashes are not recorded, and return the typed
    frames the validation built; None when nothing was validated now)."""
    known = known or {}
    changed = changed_since_recorded(package, known)
    if not changed:
        return None
    from .validation import validate_package  # only when something changed

    state = (
        str(package.root.resolve()),
        schema_hash(package.raw),
        tuple(
            (known[t.path] if t.path in known else _digest(package.root, t.path))[0]
            for t in package.tables
        ),
    )
    frames: dict[str, pd.DataFrame] | None = None
    if state not in _validated:
        frames = {}
        report = validate_package(package.root, frames=frames)
        # The recorded hashes are what changed; every other check, in any file, decides.
        problems = [p for p in report.problems if p.check != "hash"]
        if problems:
            first = next(iter(known), DESCRIPTOR)
            raise DataIntegrityError(first, problems, changed)
        _validated.add(state)
    warnings.warn(
        f"{', '.join(changed)} differ(s) from what {DESCRIPTOR} records; the package passed "
        "full validation. Run `japus-data hash` to record the new hashes.",
        stacklevel=4,
    )
    return frames
