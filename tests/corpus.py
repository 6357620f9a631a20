"""A corpus of malformed contributions: each a small mutation of the real package.

Each case names the table it breaks, the edit (on the file's bytes), and where the
validator must point: the row as numbered in the file (header = 1) and the field ("-" for
a problem of the whole row or line). ``tests/test_corpus.py`` runs japus-data and
frictionless on every case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Edit = Callable[[bytes], bytes]


@dataclass(frozen=True)
class Case:
    id: str
    table: str
    edit: Edit
    row: int
    field: str | None
    check: str | None = None  # the [check] expected on that line, where it matters
    says: str | None = None  # a phrase the message must contain

    @property
    def where(self) -> str:
        target = "corrections" if self.field == "original_text" else self.table
        return f"resources/{target}.csv:{self.row}:{self.field or '-'}:"


def replace(old: str, new: str) -> Edit:
    def edit(data: bytes) -> bytes:
        text = data.decode("utf-8")
        assert old in text, old
        return text.replace(old, new, 1).encode("utf-8")

    return edit


def line_edit(change: Callable[[list[bytes]], list[bytes]]) -> Edit:
    """Edit the file as a list of lines, each with its newline."""
    return lambda data: b"".join(change(data.splitlines(keepends=True)))


def _insert(at: int, line: bytes) -> Callable[[list[bytes]], list[bytes]]:
    return lambda lines: [*lines[:at], line, *lines[at:]]


def _repeat(at: int) -> Callable[[list[bytes]], list[bytes]]:
    return lambda lines: [*lines[: at + 1], lines[at], *lines[at + 1 :]]


def _crlf(at: int) -> Callable[[list[bytes]], list[bytes]]:
    return lambda lines: [*lines[:at], lines[at].replace(b"\n", b"\r\n"), *lines[at + 1 :]]


def _cp1252(data: bytes) -> bytes:
    text = data.decode("utf-8").replace("text line 52", "text line 52 (café)", 1)
    return text.encode("cp1252")


FILE_CASES = [
    Case("shift-jis", "student_exchange", lambda d: d.decode().encode("cp932", "replace"), 2,
         "period_as_stated", "encoding", "Shift_JIS"),
    Case("cp1252", "activity_organizations", _cp1252, 2, "locator", "encoding", "cp1252"),
    Case("nul-byte", "claims", replace("approximately,4000", "approx\x00imately,4000"), 2,
         "qualifier", "encoding", "NUL"),
    Case("empty-file", "countries", lambda d: b"", 1, "country_code", "header"),
    Case("bom", "countries", lambda d: b"\xef\xbb\xbf" + d, 1, "country_code", "bom"),
    Case("mixed-newlines", "countries", line_edit(_crlf(2)), 3, None, "newline"),
    Case("trailing-empty-line", "countries", lambda d: d + b"\n", 9, None, "blank-row"),
    Case("empty-row", "countries", line_edit(_insert(3, b"\n")), 4, None, "blank-row"),
    Case("header-renamed", "countries", replace("country_code,iso_alpha3", "country,iso_alpha3"),
         1, "country_code", "header"),
    Case("header-whitespace", "countries", replace("iso_alpha3,iso_numeric",
         "iso_alpha3 ,iso_numeric"), 1, "iso_alpha3", "header"),
    Case("header-swapped", "activity_organizations",
         replace("activity_id,organization_id", "organization_id,activity_id"), 1, "activity_id",
         "header"),
    Case("stray-whitespace", "countries", replace("US,USA,840", "US,USA ,840"), 2, "iso_alpha3",
         "whitespace"),
    Case("full-width-digits", "student_exchange", replace("enrolled,3918", "enrolled,３９１８"), 2,
         "students", "number-format", "full-width"),
    Case("thousands-separator", "student_exchange", replace("enrolled,3918", 'enrolled,"3,918"'),
         2, "students", "number-format", "thousands"),
    Case("decimal-in-integer", "student_exchange", replace("enrolled,3918", "enrolled,3918.0"), 2,
         "students", "type"),
    Case("formula-equals", "countries", replace(",Codes and English", ",=HYPERLINK(1)"), 2, "note",
         "formula"),
    Case("formula-at", "activity_organizations", replace("text line 52", "@SUM(A1)"), 2,
         "locator", "formula"),
    Case("formula-minus", "activity_organizations", replace("text line 52", "-1+1"), 2, "locator",
         "formula"),
    Case("duplicate-row", "countries", line_edit(_repeat(2)), 4, None, "duplicate-row"),
    Case("missing-cell", "activity_organizations",
         replace("text line 52,primary_publication", "text line 52"), 2,
         "attestation", "missing-cell"),
    # The shifted cell stays a valid code: frictionless also checks a row's misaligned cells
    # (against constraints.enum), japus-data reports the row once.
    Case("extra-cell", "activity_organizations",
         replace("mext,party,mext-2025-12-18,text line 52",
                 "mext,party,mext-2025-12-18,x,primary_publication"), 2,
         None, "extra-cell"),
    Case("unknown-source", "countries", replace("true,1,mext-2025-12-18", "true,1,mext-2099-01-01"),
         2, "source_id", "foreign-key"),
    Case("composite-key-repeated", "activity_organizations",
         replace("framework,doe,party,mext-2025-12-18,text line 52",
                 "framework,mext,party,mext-2025-12-18,text line 53"), 3,
         "activity_id,organization_id", "primary-key"),
    Case("required-empty", "activity_organizations",
         replace("framework,mext,party", "framework,,party"), 2, "organization_id", "required"),
    Case("pattern-lowercase", "countries", replace("US,USA,840", "US,usa,840"), 2, "iso_alpha3",
         "pattern"),
    Case("impossible-date", "sources",
         replace(",2025-12-18,,,title page", ",2025-02-30,,,title page"), 2, "date_published",
         "type"),
    Case("boolean-yes", "countries", replace("France,true,true", "France,yes,true"), 3,
         "is_partner", "type"),
    Case("number-percent", "claims", replace("3918,persons,0.05", "3918,persons,5%"), 2,
         "tolerance_relative", "type"),
]  # fmt: skip
