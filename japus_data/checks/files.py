"""The file as bytes: readable, UTF-8, no BOM, one newline style, the schema's header, hashes.

Records are found with numpy on the raw bytes (a newline or delimiter counts only outside
quotes, i.e. after an even number of quote characters), so each data row's number in the
file and its count of cells are known before pandas parses it.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..codes import Check
from ..csvread import is_utf8, matches_record, sha256_of
from ..csvtext import first_record
from ..descriptor import Table
from ..errors import PackageFileError
from ..problem import Problem, bounded, shown
from ..safepath import read_package_file

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

JAPANESE = (0x3040, 0x30FF)  # hiragana and katakana
CJK = (0x4E00, 0x9FFF)


@dataclass
class Layout:
    """Where the records of a file are, as numpy arrays over data rows (header excluded)."""

    text: bytes  # the bytes pandas parses: the file without its BOM
    labels: list[str]  # the header row as written
    rows: npt.NDArray[np.int64]  # row number of each data record, header = 1
    blank: npt.NDArray[np.bool_]  # the record is an empty line
    newlines_in_values: bool  # a quoted cell holds a line break
    longest: int  # bytes in the longest record
    # Without a quote character in the file, a record's cells are its delimiters plus one,
    # as Arrow counts them: counted only when asked (``cells``); a file Arrow reads whole
    # never is (``checks.rows``).
    unquoted: bool
    bounds: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]  # each data record's bytes
    delimiter: int
    counted: npt.NDArray[np.int64] | None = None

    @property
    def cells(self) -> npt.NDArray[np.int64]:
        """Cells in each data record."""
        if self.counted is None:
            import numpy as np

            arr = np.frombuffer(self.text, dtype=np.uint8)
            delims = positions(arr, self.delimiter)
            starts, ends = self.bounds
            self.counted = np.searchsorted(delims, ends) - np.searchsorted(delims, starts) + 1
        return self.counted


# Bytes compared at a time by ``positions``: a mask of the whole file (216 MB at 10^6 rows)
# measured 2-7x slower than masks of this size, reused from the cache.
STEP = 1 << 22


def positions(arr: npt.NDArray[np.uint8], byte: int) -> npt.NDArray[np.int64]:
    """The offsets of ``byte`` in ``arr``, in order."""
    import numpy as np

    found = [np.flatnonzero(arr[i : i + STEP] == byte) + i for i in range(0, len(arr), STEP)]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def dialect(table: Table) -> tuple[str, str]:
    """The delimiter and quote character: the model's one reading of ``dialect``."""
    return table.dialect.delimiter, table.dialect.quote_char


def read_file(root: Path, table: Table) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, read by the library's one safe reader (``japus_data.safepath``)."""
    try:
        return read_package_file(root, table.path), []
    except PackageFileError as exc:
        reason = exc.reason.removeprefix("cannot read: ")
        reason = reason if reason == "file not found" else exc.reason
        return None, [Problem(table.path, None, None, reason, exc.check)]


def hash_problems(table: Table, data: bytes) -> list[Problem]:
    if matches_record(table, data):
        return []
    message = (
        f"recorded hash/bytes {table.hash}/{table.bytes} differ from the file's "
        f"{sha256_of(data)}/{len(data)}: run `japus-data hash`"
    )
    return [Problem(table.path, None, None, message, Check.HASH)]


def _guess_encoding(data: bytes) -> str:
    """Name the encoding a non-UTF-8 file is most likely in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    for name, label in (("shift_jis", "Shift_JIS"), ("cp932", "Shift_JIS (cp932)")):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if any(JAPANESE[0] <= ord(c) <= JAPANESE[1] or CJK[0] <= ord(c) <= CJK[1] for c in text):
            return label
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "an unknown encoding"
    return "cp1252 (Windows Latin-1)"


def _utf16(data: bytes) -> str | None:
    """``UTF-16``, ``UTF-16LE`` or ``UTF-16BE`` if the file looks like it, else None: a
    UTF-16 byte order mark, or NUL bytes in at least a third of the positions of one parity
    and few of the other (ASCII text in UTF-16 without a BOM)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    if len(data) < 2 or b"\x00" not in data[:4096]:
        return None
    head = data[:65536]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= len(head) // 6 and even < odd // 4:  # kanji can have a NUL low byte
        return "UTF-16LE"
    if even >= len(head) // 6 and odd < even // 4:
        return "UTF-16BE"
    return None


def _locate(table: Table, data: bytes, offset: int) -> tuple[int, str | None]:
    """Row and field of the byte at ``offset``, read leniently (undecodable bytes replaced)."""
    start = data.rfind(b"\n", 0, offset) + 1
    before = data[start:offset].decode("utf-8", errors="replace")
    delimiter, quote = dialect(table)
    try:
        cells = first_record(before.replace("\x00", ""), delimiter, quote) or [""]
    except csv.Error:
        cells = [""]
    column = max(len(cells) - 1, 0)
    names = table.field_names
    return data.count(b"\n", 0, offset) + 1, names[column] if column < len(names) else None


def encoding_problems(table: Table, data: bytes) -> list[Problem]:
    """The file must be UTF-8 text: no NUL bytes, nothing else."""
    utf16 = _utf16(data)
    if utf16:
        message = (
            f"not UTF-8: the file is {utf16} (a NUL byte beside every ASCII character): "
            "save it as UTF-8"
        )
        return [Problem(table.path, 1, None, message, Check.ENCODING)]
    if b"\x00" in data:
        row, name = _locate(table, data, data.index(b"\x00"))
        return [Problem(table.path, row, name, "binary data (NUL bytes), not text", Check.ENCODING)]
    if is_utf8(data):  # Arrow, in place; Python's decoder then finds the first bad byte
        return []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row, name = _locate(table, data, exc.start)
        message = (
            f"not UTF-8: byte {data[exc.start]:#04x} at offset {exc.start}; the file looks "
            f"like {_guess_encoding(data)}: save it as UTF-8"
        )
        return [Problem(table.path, row, name, message, Check.ENCODING)]
    return []


def layout(table: Table, data: bytes) -> tuple[Layout | None, list[Problem]]:
    """The records of a UTF-8 file, and the problems of its layout (BOM, newlines, header)."""
    import numpy as np

    problems: list[Problem] = []
    first = table.field_names[0] if table.fields else None
    if data.startswith(codecs.BOM_UTF8):
        message = "starts with a byte order mark (BOM): save as UTF-8 without BOM"
        problems.append(Problem(table.path, 1, first, message, Check.BOM))
        data = data[len(codecs.BOM_UTF8) :]
    if not data[:1].strip() and not data.strip():  # strip copies: only if it may be empty
        problems.append(Problem(table.path, 1, first, "the file is empty: no header", Check.HEADER))
        return None, problems
    delimiter, quote = dialect(table)
    arr = np.frombuffer(data, dtype=np.uint8)
    none = np.zeros(0, dtype=np.int64)
    # ``in`` (memchr) first: most files have no quote and no CR, and skip those passes.
    quotes = positions(arr, ord(quote)) if _holds(data, quote) else none
    all_newlines = positions(arr, 10)
    newlines = all_newlines
    if len(quotes):  # a newline inside a quoted cell ends no record
        newlines = all_newlines[np.searchsorted(quotes, all_newlines) % 2 == 0]
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(arr)]))
    if starts[-1] == len(arr):  # the file ends with a newline: no record after it
        starts, ends = starts[:-1], ends[:-1]
    carriage = positions(arr, 13) if b"\r" in data else none
    if len(carriage):
        crlf = (ends > starts) & (arr[np.maximum(ends - 1, 0)] == 13)
    else:
        crlf = np.zeros(len(starts), dtype=bool)
    length = ends - starts - crlf
    blank = length == 0
    cells: npt.NDArray[np.int64] | None = None
    if len(quotes):  # a delimiter inside a quoted cell separates nothing
        delims = positions(arr, ord(delimiter))
        delims = delims[np.searchsorted(quotes, delims) % 2 == 0]
        cells = np.searchsorted(delims, ends) - np.searchsorted(delims, starts) + 1
    numbers = np.arange(1, len(starts) + 1, dtype=np.int64)

    if len(quotes) % 2:  # a quote never closed
        row = int(np.searchsorted(newlines, quotes[-1]) + 1)
        problems.append(
            Problem(table.path, row, None, f"a {quote} quote is never closed", Check.QUOTE)
        )
    stray = _stray_quotes(arr, quotes, delimiter)
    if len(stray):
        row = int(np.searchsorted(newlines, stray[0]) + 1)
        column = int(np.searchsorted(delims, stray[0]) - np.searchsorted(delims, starts[row - 1]))
        names = table.field_names
        more = f" ({len(stray) - 1} more quotes out of place after it)" if len(stray) > 1 else ""
        message = (
            f"a {quote} quote inside a cell that is not quoted, or after a closing quote: "
            f"quote the whole cell and double each {quote} inside it{more}"
        )
        field = names[column] if column < len(names) else None
        problems.append(Problem(table.path, row, field, message, Check.QUOTE))
    terminated = np.concatenate((np.ones(len(newlines), dtype=bool), [False]))[: len(starts)]
    style_crlf = crlf & terminated
    if terminated.any():
        first_crlf = bool(style_crlf[0]) if terminated[0] else bool(style_crlf[terminated][0])
        odd = terminated & (style_crlf != first_crlf)
        name = {True: "CRLF", False: "LF"}
        for row in numbers[odd][:1]:
            message = (
                f"line ends with {name[not first_crlf]} but the file's first line with "
                f"{name[first_crlf]} ({int(odd.sum())} such lines): use one newline style"
            )
            problems.append(Problem(table.path, int(row), None, message, Check.NEWLINE))
    after = arr[np.minimum(carriage + 1, len(arr) - 1)]
    bare = carriage[(carriage + 1 >= len(arr)) | (after != 10)]
    if len(bare):
        row = int(np.searchsorted(newlines, bare[0]) + 1)
        message = "a bare CR (\\r) line break: use LF or CRLF"
        if not len(newlines):  # the lines end with CR alone: no record can be told apart
            message = "the lines end with a bare CR (\\r), not LF or CRLF: save with LF"
            problems.append(Problem(table.path, row, None, message, Check.NEWLINE))
            return None, problems
        problems.append(Problem(table.path, row, None, message, Check.NEWLINE))

    header = bytes(data[starts[0] : ends[0] - int(crlf[0])]).decode("utf-8")
    try:
        labels = first_record(header, delimiter, quote)
    except csv.Error as exc:
        message = f"the header cannot be read as CSV: {exc}"
        problems.append(Problem(table.path, 1, None, message, Check.HEADER))
        return None, problems
    problems.extend(_header_problems(table, labels))

    # Empty lines at the end are reported once; elsewhere, each.
    trailing = 0
    while trailing < len(blank) - 1 and blank[len(blank) - 1 - trailing]:
        trailing += 1
    rows = [*numbers[1 : len(blank) - trailing][blank[1 : len(blank) - trailing]]]
    rows += [*numbers[len(blank) - trailing :]]
    at_end = len(blank) - trailing + 1  # the row number of the first empty line at the end

    def blank_row(row: int) -> Problem:
        message = "an empty line at the end of the file" if row >= at_end else "an empty row"
        return Problem(table.path, int(row), None, message, Check.BLANK_ROW)

    problems.extend(bounded(table.path, Check.BLANK_ROW, rows, blank_row))

    data_rows = slice(1, len(starts))
    return (
        Layout(
            text=data,
            labels=labels,
            rows=numbers[data_rows],
            blank=blank[data_rows],
            newlines_in_values=len(newlines) < len(all_newlines),
            longest=int((ends - starts).max()) if len(starts) else 0,
            unquoted=cells is None,
            bounds=(starts[data_rows], ends[data_rows]),
            delimiter=ord(delimiter),
            counted=None if cells is None else cells[data_rows],
        ),
        problems,
    )


def _holds(data: bytes, char: str) -> bool:
    """Whether the one-byte character ``char`` occurs in ``data`` (as the layout's byte
    comparisons find it: a character beyond one byte never does)."""
    return ord(char) < 256 and bytes([ord(char)]) in data


def _stray_quotes(
    arr: npt.NDArray[np.uint8], quotes: npt.NDArray[np.int64], delimiter: str
) -> npt.NDArray[np.int64]:
    """Positions of the quote characters that neither open a cell nor close one: a quote
    opens a cell only as its first character, and closes it only before a delimiter, a line
    break or the end of the file; ``""`` inside a quoted cell is a quote. (Counted in
    pairs, as the layout counts them: after a stray quote the rest may be misjudged, so
    only the first is located.)"""
    import numpy as np

    if not len(quotes):
        return quotes
    ends = np.array([ord(delimiter), 10, 13], dtype=np.uint8)
    k = np.arange(len(quotes))
    opening = k % 2 == 0
    before = arr[np.maximum(quotes - 1, 0)]
    after = arr[np.minimum(quotes + 1, len(arr) - 1)]
    adjacent = np.zeros(len(quotes), dtype=bool)  # the next quote is the next byte
    adjacent[:-1] = quotes[1:] == quotes[:-1] + 1
    doubled_second = np.zeros(len(quotes), dtype=bool)
    doubled_second[1:] = adjacent[:-1] & ~opening[:-1]
    opens_cell = (quotes == 0) | np.isin(before, ends)
    closes_cell = (quotes == len(arr) - 1) | np.isin(after, ends) | adjacent
    bad = np.where(opening, ~opens_cell & ~doubled_second, ~closes_cell)
    found: npt.NDArray[np.int64] = quotes[bad]
    return found


def _header_problems(table: Table, labels: list[str]) -> list[Problem]:
    names = table.field_names
    problems = []
    for k in range(max(len(labels), len(names))):
        label = labels[k] if k < len(labels) else None
        name = names[k] if k < len(names) else None
        if label == name:
            continue
        if name is None:
            message = f"column {k + 1} {shown(label)} is not in the schema"
            problems.append(Problem(table.path, 1, label, message, Check.HEADER))
        elif label is None:
            message = f"column {k + 1} is missing: the schema's field {name!r}"
            problems.append(Problem(table.path, 1, name, message, Check.HEADER))
        elif label.strip() == name:
            message = f"column {k + 1} {shown(label)} has stray whitespace"
            problems.append(Problem(table.path, 1, name, message, Check.HEADER))
        else:
            message = f"column {k + 1} is {shown(label)}; the schema's field here is {name!r}"
            problems.append(Problem(table.path, 1, name, message, Check.HEADER))
    return problems
