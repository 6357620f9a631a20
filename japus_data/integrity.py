"""What ``japus-data hash`` records in ``datapackage.json``: each resource's ``hash`` and
``bytes``, and the package's ``schemaHash``.

They are derived from the files and the descriptor; validation and the loaders compare them
with what is on disk. They guard against accidental change (a file edited without
re-validating), not against someone who edits a file and records its hash again: the loader
then trusts the file without validating it.
"""

from __future__ import annotations

from pathlib import Path

from .csvread import sha256_of
from .descriptor import (
    SCHEMA_HASH,
    parse_package,
    read_descriptor,
    schema_hash,
    write_descriptor,
)
from .locate import DESCRIPTOR
from .safepath import read_package_file


def refresh_derived(root: Path) -> list[str]:
    """Record everything the descriptor derives from the data: each resource's ``sources``
    list and each coded field's ``constraints.enum`` (see :mod:`japus_data.derive`), then each
    file's hash and size. Returns what changed, as ``sources list of <table>``,
    ``enum of <table>.<field>`` or ``hash of <table>``."""
    from .derive import refresh_enums, refresh_sources

    raw = read_descriptor(root)
    package = parse_package(root)
    listed = refresh_sources(package, raw)
    enums = refresh_enums(package, raw)
    if listed or enums:
        write_descriptor(root, raw)
    hashed = refresh_hashes(root)
    return (
        [f"sources list of {name}" for name in listed]
        + [f"enum of {name}" for name in enums]
        + [f"hash of {name}" for name in hashed]
    )


def refresh_hashes(root: Path) -> list[str]:
    """Record each resource's current sha256 and size and the descriptor's ``schemaHash``;
    return the names that changed (``datapackage.json`` for the schema hash).

    Files are read only through the safe reader: a path outside the package, a FIFO or a
    device is refused (never read, let alone vouched for). The descriptor is rewritten only
    when something changed, keeping its key order.
    """
    parse_package(root)  # the guarded parse: the shape, names and paths are sound
    raw = read_descriptor(root)
    changed = []
    for resource in raw["resources"]:
        data = read_package_file(root, resource["path"])
        digest, size = sha256_of(data), len(data)
        if resource.get("hash") != digest or resource.get("bytes") != size:
            resource["hash"], resource["bytes"] = digest, size
            changed.append(str(resource["name"]))
    digest = schema_hash(raw)
    if raw.get(SCHEMA_HASH) != digest:
        raw[SCHEMA_HASH] = digest
        changed.append(DESCRIPTOR)
    if changed:
        write_descriptor(root, raw)
    return changed
