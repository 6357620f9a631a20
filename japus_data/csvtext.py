"""CSV text read with the standard library's ``csv`` module, with no limit on a cell's size:
a header line, and the files Arrow cannot read as one table of text (``csvread.
text_records`` reads every file as text through Arrow first; ragged records come here).

``csv`` refuses a field over 131,072 characters (``csv.field_size_limit``), a limit the
validator's Arrow reader does not have: a cell the validator accepts must be readable
everywhere the package is read as text (the diff, the header, error locations). Every use of
``csv.reader`` in japus-data goes through here.

Standard library only.
"""

from __future__ import annotations

import csv
import io

# The largest limit every platform accepts (a C long may be 32 bits); a cell is bounded by
# the file holding it anyway.
NO_LIMIT = 2**31 - 1


def records(text: str, delimiter: str = ",", quotechar: str = '"') -> list[list[str]]:
    """Every record of ``text``, as ``csv.reader`` reads it, whatever the size of a cell.

    Raises ``csv.Error`` on what the csv module cannot read (not on a cell's size).
    """
    if csv.field_size_limit() < NO_LIMIT:
        csv.field_size_limit(NO_LIMIT)  # process-wide: only ever raised, never lowered
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar)
    return list(reader)


def first_record(text: str, delimiter: str = ",", quotechar: str = '"') -> list[str]:
    """The first record of ``text`` (``[]`` if there is none)."""
    if csv.field_size_limit() < NO_LIMIT:
        csv.field_size_limit(NO_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar)
    return next(reader, [])
