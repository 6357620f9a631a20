"""The ``hash`` and ``bytes`` each resource records in ``datapackage.json``.

They are derived from the files and refreshed by ``japus-data hash``; validation and the
loaders compare them with the files on disk.
"""

from __future__ import annotations

from pathlib import Path

from .descriptor import DescriptorError, parse_package, read_descriptor, write_descriptor
from .locate import DESCRIPTOR
from .read import sha256_of


def refresh_derived(root: Path) -> list[str]:
    """Record everything the descriptor derives from the data: each resource's ``sources``
    list (see :mod:`japus_data.derive`), then each file's hash and size. Returns what
    changed, as ``sources list of <table>`` or ``hash of <table>``."""
    from .derive import refresh_sources

    raw = read_descriptor(root)
    listed = refresh_sources(parse_package(root), raw)
    if listed:
        write_descriptor(root, raw)
    hashed = refresh_hashes(root)
    return [f"sources list of {name}" for name in listed] + [f"hash of {name}" for name in hashed]


def refresh_hashes(root: Path) -> list[str]:
    """Record each resource's current sha256 and size; return the names that changed.

    The descriptor is rewritten only when something changed, keeping its key order.
    """
    from .checks.descriptor import path_problem

    raw = read_descriptor(root)
    changed = []
    for resource in raw.get("resources", []):
        unsafe = path_problem(root, resource.get("path"))
        if unsafe:  # never read, let alone vouch for, a file outside the package
            raise DescriptorError(
                f"{root / DESCRIPTOR}: resource {resource.get('name')!r}: {unsafe}"
            )
        data = (root / resource["path"]).read_bytes()
        digest, size = sha256_of(data), len(data)
        if resource.get("hash") != digest or resource.get("bytes") != size:
            resource["hash"], resource["bytes"] = digest, size
            changed.append(str(resource["name"]))
    if changed:
        write_descriptor(root, raw)
    return changed
