"""The one text reader (``csvread.text_records``): Arrow reads what the standard library's
``csv`` module reads, cell for cell, and hands the files it cannot read to it."""

from __future__ import annotations

import csv
import io
import random

import pytest

import japus_data.csvtext
from japus_data.csvread import HashingReader, sha256_of, text_records
from japus_data.descriptor import Dialect

ALPHABET = ["a", "Z", "0", "7", " ", "日本", "é", ",", ";", '"', "'", "\n", "\r\n", "-", "=", ""]


def _cell(rng: random.Random, delimiter: str, quote: str) -> str:
    text = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 6)))
    if any(c in text for c in (delimiter, quote, "\n", "\r")) or rng.random() < 0.1:
        return quote + text.replace(quote, quote * 2) + quote
    return text


def _file(rng: random.Random, delimiter: str, quote: str) -> bytes:
    width = rng.randrange(1, 6)
    newline = rng.choice(["\n", "\r\n"])
    lines = [
        delimiter.join(_cell(rng, delimiter, quote) for _ in range(width))
        for _ in range(rng.randrange(1, 8))
    ]
    lines = [line if line else quote * 2 for line in lines]  # an empty line is no record
    text = newline.join(lines) + (newline if rng.random() < 0.7 else "")
    return (b"\xef\xbb\xbf" if rng.random() < 0.1 else b"") + text.encode("utf-8")


@pytest.mark.parametrize("seed", range(40))
def test_arrow_reads_every_cell_as_the_csv_module_does(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        delimiter, quote = rng.choice([(",", '"'), (";", '"'), (",", "'"), ("\t", '"')])
        data = _file(rng, delimiter, quote)
        text = data.decode("utf-8-sig")
        expected = [tuple(r) for r in japus_data.csvtext.records(text, delimiter, quote) if r]
        with monkeypatch.context() as patched:  # Arrow's own reading, no fallback
            patched.setattr(japus_data.csvtext, "records", _no_fallback)
            got = text_records(data, Dialect(delimiter=delimiter, quote_char=quote))
        assert got == expected, data


def _no_fallback(*args: object) -> list[list[str]]:
    raise AssertionError("read by the csv module, not Arrow")


def test_numbers_and_empty_cells_stay_text_as_written() -> None:
    data = b"1,2,3\n007,1e5,\n+7,,NA\n"
    assert text_records(data, Dialect()) == [("1", "2", "3"), ("007", "1e5", ""), ("+7", "", "NA")]


def test_ragged_records_are_kept_as_written() -> None:
    data = b"a,b\n1,2,3\n4\n\n5,6\n"
    assert text_records(data, Dialect()) == [("a", "b"), ("1", "2", "3"), ("4",), ("5", "6")]


def test_what_the_csv_module_cannot_read_raises_as_it_does() -> None:
    with pytest.raises(UnicodeDecodeError):
        text_records(b"a,b\n\xff,1\n", Dialect())
    assert text_records(b"", Dialect()) == []
    field = 'a\n"never closed\n'
    try:
        expected: object = [tuple(r) for r in japus_data.csvtext.records(field) if r]
    except csv.Error as exc:
        expected = type(exc)
    try:
        got: object = text_records(field.encode(), Dialect())
    except csv.Error as exc:
        got = type(exc)
    assert got == expected


class _Trickle(io.RawIOBase):
    """A file that gives at most ``most`` bytes a read (a pipe, a slow disk)."""

    def __init__(self, data: bytes, most: int) -> None:
        super().__init__()
        self._data, self._at, self._most = data, 0, most

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._at + min(size, self._most)
        chunk = self._data[self._at : min(end, self._at + self._most)]
        self._at += len(chunk)
        return chunk


@pytest.mark.parametrize("seed", range(30))
def test_the_hashing_reader_checks_utf8_across_its_reads(seed: int) -> None:
    """Whatever the reads' sizes (a character split between two), the reader's verdict is
    Python's, and its hash is the file's."""
    rng = random.Random(seed)
    text = "".join(rng.choice(["a", "\n", "é", "日本", "😀", ","]) for _ in range(300))
    data = text.encode("utf-8")
    if seed % 2:  # a broken byte: a lone continuation, a cut character, Latin-1
        at = len(data) if seed % 4 == 1 else rng.randrange(len(data) + 1)  # at the end, too
        data = data[:at] + rng.choice([b"\x80", b"\xe6\x97", b"\xe9t", b"\xf0\x9f\x98"]) + data[at:]
    for most in (1, 2, 3, 5, 64, 1 << 20):
        reader = HashingReader(_Trickle(data, most), b'"')  # type: ignore[arg-type]
        reader.peek(rng.randrange(1, 40))
        while reader.read(rng.randrange(1, 50)):
            pass
        assert reader.digest() == sha256_of(data)
        expected = True
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            expected = False
        assert reader.utf8 is expected, (most, data)
