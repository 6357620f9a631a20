"""The ``hash`` and ``bytes`` each resource records in ``datapackage.json``.

They are derived from the files and refreshed by ``japus-data hash``; validation and the
loaders compare them with the files on disk.
"""

from __future__ import annotations

import json
from pathlib import Path

from .descriptor import DescriptorError, read_descriptor
from .locate import DESCRIPTOR
from .read import sha256_of


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
        text = json.dumps(raw, ensure_ascii=False, indent=2) + "\n"
        (root / DESCRIPTOR).write_text(text, encoding="utf-8")
    return changed
