"""The one CSV reader: a table's bytes read by Arrow (``pyarrow.csv``) with its dialect.

Low in the package: the validator's checks and the loader both read through here, and it
imports neither. It reads each file with the resource's ``dialect`` as the model reads it
(``Table.dialect``: delimiter and quote character; ``doubleQuote`` is the only quoting the
structural check accepts). ``read_cells``
gives every cell as text, then dictionary-encoded per column (the validator's view);
``parse_csv`` gives the typed frame (the loader's view), read exactly as the validator reads
each cell (``japus_data.fieldtypes.parse_values``).

A file whose hash matches the descriptor's record is the file that was validated:
``read_recorded`` reads it in blocks through a hashing reader (what Arrow parsed is what
was hashed, and the file is never held whole), and lets Arrow convert the columns whose
spelling Arrow reads as the validator does (integers, numbers, default dates, text, text
categories), with no per-value Python. Its frame is used only if the hash then matches.
"""

from __future__ import annotations

import hashlib
import io
import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, BinaryIO

from .descriptor import Field
from .errors import JapusDataError
from .fieldtypes import pandas_dtypes, parse_values, positions

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    import pyarrow as pa

    from .descriptor import Dialect, Table

# Arrow's block: the validator's at least the longest record (see ``read_cells``). A
# verified file is read in blocks this size, parsed on Arrow's threads (one block per
# thread at a time) when it has more than one: at 10^6 rows on 2 cores, 4 MB blocks measured
# 0.2-0.3 s faster than 16 MB (fewer fresh pages at a time; docs/benchmarks.md).
BLOCK = 1 << 22
# The most of a file's start kept to check its header: a longer header line is not the
# schema's fields (it is read by the general path, which says what it is).
HEAD = 1 << 20


def memory_pool() -> pa.MemoryPool:
    """The Arrow memory pool every read here allocates from: jemalloc where the build has it.
    Reading 216 MB through Arrow's default pool (mimalloc) measured about 1 s more system
    time, pages handed back to the system and faulted in again (benchmarks/scale.py)."""
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a build without jemalloc (Windows)
        return pa.default_memory_pool()


def sha256_of(data: bytes) -> str:
    return _recorded(hashlib.sha256(data))


def _recorded(sha: Any) -> str:
    """A sha256 as the descriptor's ``hash`` writes it."""
    return "sha256:" + str(sha.hexdigest())


def is_utf8(data: bytes | memoryview) -> bool:
    """Whether ``data`` is UTF-8, checked by Arrow over the bytes in place (decoding to a
    ``str`` builds a copy up to four times their size)."""
    import struct

    import pyarrow as pa

    offsets = pa.py_buffer(struct.pack("<2q", 0, len(data)))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def matches_record(table: Table, data: bytes) -> bool:
    """Whether ``data`` is the file whose hash and size the descriptor records."""
    return is_recorded(table, sha256_of(data), len(data))


def is_recorded(table: Table, digest: str, size: int) -> bool:
    """Whether a file of this sha256 (as the descriptor writes it) and size is the one the
    descriptor records for ``table``."""
    return table.hash == digest and table.bytes == size


def _parse_options(
    table: Table, newlines_in_values: bool, skip_invalid: bool, quoted: bool = True
) -> Any:
    """Arrow's options for the table's dialect. A file without its quote character
    (``quoted=False``) is read with quoting off, and so with no line break inside a cell:
    the same records and cells, read in about a third less time (Arrow's quote-aware
    lexing and block splitting; docs/benchmarks.md)."""
    import pyarrow.csv as pacsv

    d = table.dialect  # the model's one reading; the structural check refuses the rest
    return pacsv.ParseOptions(
        delimiter=d.delimiter,
        quote_char=d.quote_char if quoted else False,
        double_quote=True,
        newlines_in_values=newlines_in_values and quoted,
        ignore_empty_lines=False,
        invalid_row_handler=(lambda row: "skip") if skip_invalid else None,
    )


def read_cells(
    table: Table,
    text: bytes,
    columns: int,
    longest: int,
    newlines_in_values: bool,
    quoted: bool,
) -> pa.Table:
    """Every record after the header as ``columns`` columns of text (``large_string``, to be
    encoded by ``codes_and_texts``: measured cheaper than Arrow's per-block dictionaries and
    their unification, most of all for a column of distinct texts). Rows with another count
    of cells are skipped: the validator reports them from the file's layout. Raises
    ``pyarrow``'s error on text that is not CSV (a quote never closed).

    ``text`` must be UTF-8 (the validator checks it first: ``files.encoding_problems``),
    so Arrow does not check it again; ``quoted``: the quote character is in it."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{k}" for k in range(columns)]
    return pacsv.read_csv(
        io.BytesIO(text),
        read_options=pacsv.ReadOptions(
            column_names=names,
            skip_rows=1,
            # A block must hold the longest row (a 50 MB cell is read, then reported).
            block_size=max(BLOCK, 2 * longest + 1),
        ),
        parse_options=_parse_options(table, newlines_in_values, skip_invalid=True, quoted=quoted),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.large_string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
            check_utf8=False,
        ),
        memory_pool=memory_pool(),
    )


def codes_and_texts(
    column: pa.ChunkedArray, null_text: str = ""
) -> tuple[npt.NDArray[np.int64], pd.Series]:
    """A column of text (or dictionary-encoded text) as per-row codes and its distinct
    texts; a null (a missing value, marked by Arrow) is the text ``null_text``."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if column.num_chunks == 0:
        return np.zeros(0, np.int64), pd.Series(pd.array([], dtype="str"))
    if pa.types.is_dictionary(column.type):
        whole = column.unify_dictionaries().combine_chunks()
    elif len(column) and not column.null_count and pc.max(pc.binary_length(column)).as_py() == 0:
        # Every cell empty (an optional column left blank): one text, no hashing.
        return np.zeros(len(column), np.int64), pd.Series(pd.array([""], dtype="str"))
    else:  # text: encoded here, in one pass (cheaper than encoding in each parsed block)
        whole = column.combine_chunks().dictionary_encode()
    texts = pd.Series(pd.array(whole.dictionary, dtype="str"))
    if whole.null_count:
        indices = whole.indices.fill_null(len(texts))
        texts = pd.concat([texts, pd.Series([null_text], dtype="str")], ignore_index=True)
        return indices.to_numpy(zero_copy_only=False).astype(np.int64), texts
    return whole.indices.to_numpy(zero_copy_only=False).astype(np.int64), texts


def _verified_columns(table: Table, specs: list[Field]) -> dict[str, Any] | None:
    """The Arrow type to convert each column to while reading a verified file: the types
    Arrow spells as the validator does (others are read as dictionary-encoded text), or
    None when the fields' missing values differ (Arrow has one list for the file). Text
    categories are read as text and matched to their categories after (``_column``):
    Arrow's dictionary encoding while parsing measured twice the cost of plain text."""
    import pyarrow as pa

    missing = {tuple(s.missing) for s in specs}
    if len(missing) > 1:
        return None
    types: dict[str, Any] = {}
    for s in specs:
        plain = s.group_char is None and s.decimal_char == "." and s.bare_number
        if s.categories is None and s.type == "integer" and plain:
            types[s.name] = pa.int64()
        elif s.categories is None and s.type == "number" and plain:
            types[s.name] = pa.float64()
        elif s.categories is None and s.type == "date" and s.format == "default":
            types[s.name] = pa.timestamp("us")  # the loader's unit: no cast after
        elif s.categories is not None and s.type == "string":  # matched after, in C++
            types[s.name] = pa.large_string()
        elif s.categories is not None:  # a few distinct texts: encoded while parsing
            types[s.name] = pa.dictionary(pa.int32(), pa.string())
        else:  # text: as is, or encoded and parsed per distinct value (``_column``)
            types[s.name] = pa.large_string()  # pandas' ``str`` storage: no cast after
    return types


def _read_typed(
    table: Table,
    source: Any,
    specs: list[Field],
    types: dict[str, Any],
    block: int,
    threads: bool,
    quoted: bool = True,
    check_utf8: bool = True,
) -> pa.Table:
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(
            column_names=[s.name for s in specs],
            skip_rows=1,
            block_size=block,
            use_threads=threads,
        ),
        parse_options=_parse_options(table, True, skip_invalid=False, quoted=quoted),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            null_values=list(specs[0].missing) if specs else [""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            check_utf8=check_utf8,
        ),
        memory_pool=memory_pool(),
    )


def _labels(table: Table, data: bytes, whole: bool) -> list[str] | None:
    """The labels of the header line at the start of ``data`` (the ``whole`` file, or its
    start); None if the line is not CSV, or does not end within the start given."""
    from .csvtext import first_record

    d = table.dialect
    end = data.find(b"\n")
    if end < 0 and not whole:
        return None
    end = len(data) if end < 0 else end
    line = data[:end].decode("utf-8", errors="replace")
    try:
        labels = first_record(line.removesuffix("\r"), d.delimiter, d.quote_char)
    except Exception:  # csv.Error: read by the general path, which names the problem
        return None
    return [label.removeprefix("\ufeff") if i == 0 else label for i, label in enumerate(labels)]


def _header(table: Table, data: bytes, display_path: str) -> None:
    """Refuse a file whose header is not the schema's fields, in order."""
    labels = _labels(table, data, whole=True) or []
    if labels != table.field_names:
        raise JapusDataError(
            f"{display_path}: header {labels} is not the schema's fields {table.field_names}"
        )


def parse_csv(
    table: Table,
    data: bytes,
    display_path: str,
    unknown_codes: list[tuple[int, str, str]] | None = None,
) -> pd.DataFrame:
    """Parse a table's bytes with explicit dtypes; never coerce a value silently.

    Each column is read exactly as the validator reads it, from the same field spec
    (its ``japus_data.descriptor.Field``): its ``missingValues``, ``trueValues`` /
    ``falseValues``, ``groupChar`` / ``decimalChar`` / ``bareNumber`` and date ``format``.
    A cell that is not of its field's type raises; so does a header that is not the
    schema's fields, or a record with another count of cells.

    A code outside its field's categories raises, unless ``unknown_codes`` is given: every
    (row, field, value) is collected there and the rest of the table read.
    """
    import pyarrow as pa

    specs = list(table.fields)
    _header(table, data, display_path)
    types = {s.name: pa.dictionary(pa.int32(), pa.string()) for s in specs}
    try:
        block = max(BLOCK, min(len(data), 1 << 26) // 8)
        arrow = _read_typed(table, io.BytesIO(data), specs, types, block, threads=False)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise JapusDataError(
            f"{display_path}: cannot be parsed with its schema: {reason}"
        ) from None
    return _frame(table, specs, arrow, display_path, unknown_codes, pandas_dtypes(table))


def _frame(
    table: Table,
    specs: list[Field],
    arrow: pa.Table,
    display_path: str,
    unknown_codes: list[tuple[int, str, str]] | None,
    dtypes: dict[str, Any],
) -> pd.DataFrame:
    import pandas as pd

    def column(k: int) -> pd.Series:
        spec = specs[k]
        return _column(spec, dtypes[spec.name], arrow.column(k), display_path, unknown_codes)

    if unknown_codes is None and arrow.num_rows > 1 << 16:
        # Two at a time: Arrow matches categories without the GIL. (Not when unknown codes
        # are collected: they are listed in column order.)
        with ThreadPoolExecutor(2) as pool:
            built = list(pool.map(column, range(len(specs))))
    else:
        built = [column(k) for k in range(len(specs))]
    columns = {spec.name: series for spec, series in zip(specs, built, strict=True)}
    return pd.DataFrame(columns, index=pd.RangeIndex(arrow.num_rows), copy=False)


class HashingReader(io.RawIOBase):
    """A binary file read once, front to back, hashed (sha256) as it is read: the bytes a
    reader parsed through it are the bytes hashed. Keeps the first ``HEAD`` bytes, notes
    whether the byte ``quote`` was among those read, and whether they are UTF-8: checked a
    read at a time (a character split between two checked whole), measured a third of the
    cost of Arrow checking each text cell."""

    def __init__(self, raw: BinaryIO, quote: bytes) -> None:
        super().__init__()
        self._raw = raw
        self._sha = hashlib.sha256()
        self._quote = quote
        self._ahead = b""  # read by ``peek``, not yet given out
        self._tail = b""  # the last character's start: checked with the next read
        self.size = 0
        self.head = b""
        self.quoted = False
        self.utf8 = True  # the bytes read so far are UTF-8 (up to ``_tail``)

    def readable(self) -> bool:
        return True

    def peek(self, size: int) -> None:
        """Read (and hash) the next ``size`` bytes now; the next reads give them out."""
        if len(self._ahead) < size:
            self._ahead += self._take(size - len(self._ahead))

    def _take(self, size: int) -> bytes:
        data = self._raw.read(size)
        self._sha.update(data)  # releases the GIL on large blocks: Arrow parses meanwhile
        self.quoted = self.quoted or self._quote in data  # memchr
        if self.utf8:
            self._check_utf8(data)
        if len(self.head) < HEAD:
            self.head += data[: HEAD - len(self.head)]
        self.size += len(data)
        return data

    def _check_utf8(self, data: bytes) -> None:
        """Check ``data`` after the bytes before it: a character split between two reads is
        checked whole (the bytes from the last character's start wait for the next read;
        the end of the file, an empty read, checks them)."""
        tail = self._tail
        if not data:
            self._tail, self.utf8 = b"", is_utf8(tail)
            return
        n = len(data)
        start = 0  # the bytes that end the character begun before (at most 3)
        while start < min(n, 3) and data[start] & 0xC0 == 0x80:
            start += 1
        if start == n:  # a read of a character's end only: wait for more
            self._tail = tail + data
            self.utf8 = len(self._tail) <= 4  # no character is longer
            return
        cut = n
        for i in range(n - 1, max(n - 4, start) - 1, -1):  # the last character's start
            if data[i] & 0xC0 != 0x80:
                cut = i
                break
        self.utf8 = is_utf8(tail + data[:start]) and is_utf8(memoryview(data)[start:cut])
        self._tail = data[cut:]

    def read(self, size: int | None = -1) -> bytes:
        if self._ahead:
            if size is None or size < 0:
                data, self._ahead = self._ahead + self._take(-1), b""
            else:
                data, self._ahead = self._ahead[:size], self._ahead[size:]
            return data
        return self._take(-1 if size is None else size)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(memoryview(buffer)))
        memoryview(buffer).cast("B")[: len(data)] = data
        return len(data)

    def digest(self) -> str:
        """The sha256 of the whole file: what was not read yet is read now."""
        self._ahead = b""
        while self._take(BLOCK):
            pass
        return _recorded(self._sha)


def read_recorded(
    table: Table, handle: BinaryIO, display_path: str
) -> tuple[pd.DataFrame | None, str, int]:
    """Read the open file of a table whose hash the descriptor records, in blocks, with
    Arrow converting the columns it spells as the validator does; and hash it as it is
    read. Returns the frame (None when the fast read does not apply: the general read
    decides), the file's sha256 and its size. The frame may be used only if they match
    the record: it is then the file that was validated.

    A file whose first block holds no quote character is read with quoting off; if a quote
    turns up later, that read is discarded and the file read again with quoting on."""
    specs = list(table.fields)
    types = _verified_columns(table, specs)
    quote = table.dialect.quote_char.encode("utf-8")
    reader = HashingReader(handle, quote)
    reader.peek(BLOCK)
    quoted = reader.quoted  # in the first block
    threads = os.fstat(handle.fileno()).st_size > BLOCK  # more than one block
    frame = _read_frame(table, specs, types, reader, quoted, threads, display_path)
    digest = reader.digest()
    if reader.quoted and not quoted:  # a quote after the first block: read with quoting on
        handle.seek(0)
        reader = HashingReader(handle, quote)
        frame = _read_frame(table, specs, types, reader, True, threads, display_path)
        digest = reader.digest()
    # Arrow did not check the text: the reader did, over every byte.
    return frame if reader.utf8 else None, digest, reader.size


def _read_frame(
    table: Table,
    specs: list[Field],
    types: dict[str, Any] | None,
    reader: HashingReader,
    quoted: bool,
    threads: bool,
    display_path: str,
) -> pd.DataFrame | None:
    """The frame of the fast read through ``reader``, or None where it does not apply."""
    import pyarrow as pa

    if types is None:
        return None
    with ThreadPoolExecutor(1) as pool:
        # Arrow parses without the GIL: pandas (needed only for the frame, and most of a
        # first load's time) is imported meanwhile, on the other core.
        read = pool.submit(
            _read_typed, table, reader, specs, types, BLOCK, threads, quoted, check_utf8=False
        )
        import pandas  # noqa: F401

        dtypes = pandas_dtypes(table)  # its first use warms pandas: meanwhile, too
        try:
            arrow = read.result()
        except (pa.ArrowInvalid, UnicodeDecodeError):
            return None  # a spelling Arrow reads otherwise: the general read decides
    if reader.quoted and not quoted:  # read with quoting off, wrongly: read_recorded reads again
        return None
    if _labels(table, reader.head, whole=False) != table.field_names:
        return None
    try:
        return _frame(table, specs, arrow, display_path, None, dtypes)
    except JapusDataError:
        return None


def _column(
    spec: Field,
    dtype: Any,
    column: pa.ChunkedArray,
    display_path: str,
    unknown_codes: list[tuple[int, str, str]] | None,
) -> pd.Series:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    converted = not pa.types.is_dictionary(column.type)
    if converted and pa.types.is_large_string(column.type):  # text of a verified file
        if spec.categories is not None and spec.type == "string":
            return _text_categories(spec, dtype, column, display_path)
        converted = spec.categories is None and spec.type == "string"
    if converted:  # converted by Arrow (a verified file)
        if pa.types.is_date32(column.type):
            column = column.cast(pa.timestamp("us"))
        target = pd.api.types.pandas_dtype(dtype)
        mapper = (
            (lambda t: target) if isinstance(target, pd.api.extensions.ExtensionDtype) else None
        )
        series = pd.Series(column.to_pandas(types_mapper=mapper), name=spec.name)
        return series if series.dtype == target else series.astype(target)
    codes, u = codes_and_texts(column, spec.missing[0] if spec.missing else "")
    missing = u.isin(spec.missing).to_numpy()
    ok, typed = parse_values(spec, u, ~missing)
    wrong = np.flatnonzero((~missing & ~ok)[codes])
    if len(wrong):
        row, value = int(wrong[0]) + 2, str(u.iloc[codes[wrong[0]]])
        raise JapusDataError(
            f"{display_path}:{row}:{spec.name}: cannot be parsed with its schema: {value!r} is "
            f"not a {spec.type}" + ("" if spec.format == "default" else f" ({spec.format})")
        )
    if isinstance(dtype, pd.CategoricalDtype) and spec.categories is not None:
        # A cell is its category as the validator reads it: by typed value (``02`` is the
        # integer category 2), through the one reading (``fieldtypes.positions``).
        position = positions(spec, spec.category_values or [], typed, ok)
        unknown = np.flatnonzero((~missing & (position < 0))[codes])
        if len(unknown):
            rows = [int(i) + 2 for i in unknown]
            values = [str(u.iloc[codes[i]]) for i in unknown]
            if unknown_codes is None:
                raise JapusDataError(
                    f"{display_path}:{rows[0]}:{spec.name}: {values[0]!r} is not one of "
                    f"the categories {list(dtype.categories)}"
                )
            unknown_codes.extend((row, spec.name, v) for row, v in zip(rows, values, strict=True))
        category = pd.Categorical.from_codes(position[codes], dtype=dtype)
        return pd.Series(category, name=spec.name)
    column_ = pd.Series(typed.array.take(codes), name=spec.name)
    if missing.any():
        column_ = column_.where(~missing[codes])
    return column_.astype(dtype) if column_.dtype != dtype else column_


def _text_categories(
    spec: Field, dtype: Any, column: pa.ChunkedArray, display_path: str
) -> pd.Series:
    """A verified file's text category column: each cell's position among the categories,
    found by Arrow (a text is its category when equal, as the validator reads text)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    levels = pa.array(spec.categories or (), pa.large_string())
    found = pc.index_in(column, value_set=levels)
    outside = pc.and_(pc.is_null(found), pc.is_valid(column))
    if pc.any(outside).as_py():
        raise JapusDataError(f"{display_path}: {spec.name}: a code outside its categories")
    codes = found.fill_null(-1).to_numpy(zero_copy_only=False)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), name=spec.name)


def text_records(data: bytes, dialect: Dialect) -> list[tuple[str, ...]]:
    """Every record of a CSV file (the header first) as its cells' text, exactly as written,
    read by Arrow with the dialect; blank lines are no records. A UTF-8 byte order mark is
    not part of the first cell.

    A file Arrow cannot read as one table of text (records of different lengths, a quote
    never closed, bytes that are not UTF-8) is read by ``csvtext.records``, which keeps
    ragged records as they are, and raises ``UnicodeDecodeError`` or ``csv.Error`` on what
    it cannot read. Both read a well-formed file identically (``tests/test_csvread.py``).
    """
    from .csvtext import records

    # Arrow cannot read a file of one record without a newline after it.
    whole = data if data.endswith((b"\n", b"\r")) else data + b"\n"
    end = whole.find(b"\n")
    width = whole[:end].count(dialect.delimiter.encode("utf-8")) + 1  # the first line's cells
    arrow = _text_table(whole, dialect, width, end)
    if arrow is not None and arrow.num_columns > width:  # the header spans lines: once more
        arrow = _text_table(whole, dialect, arrow.num_columns, end)
    if arrow is None or not _all_text(arrow):
        text = data.decode("utf-8-sig")
        return [tuple(r) for r in records(text, dialect.delimiter, dialect.quote_char) if r]
    return list(zip(*(column.to_pylist() for column in arrow.columns), strict=True))


def _all_text(arrow: pa.Table) -> bool:
    import pyarrow as pa

    return all(t == pa.string() for t in arrow.schema.types)


def _text_table(data: bytes, dialect: Dialect, width: int, first_line: int) -> pa.Table | None:
    """Every record as ``width`` or more columns of text (columns past ``width`` are typed by
    Arrow's guess); None if Arrow cannot read it so (a ragged record among them)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    ragged: list[object] = []

    def skip(row: object) -> str:
        ragged.append(row)
        return "skip"

    try:
        arrow = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                autogenerate_column_names=True,  # the header is read as the first record
                # Serial: the threaded reader lets go of the Python file object and
                # ``skip`` on one of its own threads, after the read returns, and that
                # thread needs the GIL. A program that ends just then (``japus-data diff``
                # failing on the next package) aborted at exit, 1 run in 10 to 30.
                use_threads=False,
                block_size=max(BLOCK, 2 * first_line + 1),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=dialect.delimiter,
                quote_char=dialect.quote_char,
                double_quote=True,
                newlines_in_values=True,
                ignore_empty_lines=True,
                invalid_row_handler=skip,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{k}": pa.string() for k in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
            memory_pool=memory_pool(),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    return None if ragged else arrow
