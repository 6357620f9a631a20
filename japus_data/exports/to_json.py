"""JSON: the data package with its data inline, one file valid against Data Package v2.

Each resource's ``path`` (and what describes the CSV file: ``hash``, ``bytes``, ``format``,
``mediatype``, ``encoding``, ``dialect``) is replaced by ``data``, an array of row objects:
integers and numbers as JSON numbers, booleans as JSON booleans, dates as ISO 8601 strings,
missing values as ``null``. Everything else, including the licence and attribution, is kept.

JSON has no NaN or infinity. A number cell ``INF`` or ``-INF`` (or a literal beyond the float
range such as ``1e400``, which reads as infinity) is written as the string Table Schema spells
it, ``"INF"`` or ``"-INF"``, which a Table Schema reader of the inline data parses back to the
same number; ``NaN``, which the loader reads as missing, is ``null`` like any missing value.
The file is always valid JSON (written with ``allow_nan=False``): a NaN or infinity in the
descriptor itself fails the export with one line.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

from ..descriptor import SCHEMA_HASH
from ..errors import JapusDataError
from ._common import Bundle, python_rows

REQUIRES: tuple[str, ...] = ()
FILENAME = "datapackage.json"
FILE_PROPERTIES = ("path", "hash", "bytes", "format", "mediatype", "encoding", "dialect")


NON_FINITE = {"nan": "NaN", "inf": "INF", "-inf": "-INF"}  # Table Schema's spellings


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return NON_FINITE[repr(value)]
    return value.isoformat() if hasattr(value, "isoformat") else value


def inline_descriptor(bundle: Bundle) -> dict[str, Any]:
    descriptor = copy.deepcopy(bundle.raw)
    descriptor.pop(SCHEMA_HASH, None)  # of the CSV files' schema, which this file has not
    for resource in descriptor["resources"]:
        table = bundle.package.table(resource["name"])
        for key in FILE_PROPERTIES:
            resource.pop(key, None)
        names = table.field_names
        resource["data"] = [
            {name: _json_value(v) for name, v in zip(names, row, strict=True)}
            for row in python_rows(bundle.frames[table.name], table)
        ]
    return descriptor


def write(bundle: Bundle, out: Path) -> list[Path]:
    path = out / FILENAME
    try:
        text = json.dumps(inline_descriptor(bundle), ensure_ascii=False, indent=2, allow_nan=False)
    except ValueError as exc:  # a NaN or an infinity in the descriptor itself
        raise JapusDataError(f"{path}: cannot write the JSON export: {exc}") from None
    text += "\n"
    path.write_text(text, encoding="utf-8")
    return [path]
