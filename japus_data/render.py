"""Escaping for every output format: one function per format, used by every writer of it.

Text from a pull request (a descriptor property, a field or table name, a CSV cell) is data:
whatever it holds, it is shown as the text it is, never read as markup, code or a link. Each
format that japus-data writes has its escaping here, and nowhere else:

- HTML: :func:`html` (text and attribute values), :func:`safe_url` (link targets);
- Markdown, as read by Python-Markdown (the documentation site) and by GitHub:
  :func:`markdown` (prose), :func:`markdown_code` (a code span, in or out of a table);
- Mermaid: :func:`mermaid_text` (labels, comments) and :func:`mermaid_id` (identifiers);
- SQL (SQLite): :func:`sql_identifier`, :func:`sql_literal`;
- BibTeX: :func:`bibtex` (field values), :func:`bibtex_key` (entry keys);
- Office Open XML (xlsx): :func:`xlsx_text` (cell and property text),
  :func:`sheet_name_problem` (the names a worksheet can take);
- JSON inside an HTML ``<script>`` element (JSON-LD): :func:`script_json`;
- YAML (CITATION.cff): :func:`yaml_string` (a double-quoted scalar).

Standard library only: safe on import paths that must not load pandas.
"""

from __future__ import annotations

import html as _html
import json
import math
import re
from collections.abc import Iterable

__all__ = [
    "bibtex",
    "bibtex_key",
    "html",
    "markdown",
    "markdown_code",
    "mermaid_id",
    "mermaid_text",
    "safe_url",
    "script_json",
    "sheet_name_problem",
    "sql_identifier",
    "sql_literal",
    "xlsx_text",
    "yaml_string",
]

# --- HTML ------------------------------------------------------------------------------------


def html(text: object) -> str:
    """Text for HTML content or a quoted attribute value: ``& < > " '`` as entities."""
    return _html.escape(str(text), quote=True)


SAFE_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these inside a scheme


def safe_url(url: str) -> str | None:
    """``url`` if a link may lead there: http(s), or relative to the page; else None.

    ``javascript:``, ``data:``, ``vbscript:`` and every other scheme are refused, as are
    scheme-relative (``//host``) and backslash forms that browsers take for another host.
    """
    squeezed = _IGNORED_IN_URLS.sub("", url)
    scheme = _SCHEME.match(squeezed)
    if scheme is not None:
        return url if scheme.group(1).lower() in SAFE_SCHEMES else None
    if squeezed.startswith(("//", "\\", "/\\")):
        return None
    return url


# --- Markdown --------------------------------------------------------------------------------

# The ASCII characters that start Markdown syntax anywhere in a line, in Python-Markdown (with
# the site's extensions: tables, attr_list, abbr) or GitHub Flavored Markdown (mentions, issue
# references, math, strikethrough), written as numeric character references: both read a
# reference as the literal character, never as syntax, and a browser shows the character.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]<>&|~$@#!")
# What starts a block only at the start of a line: a list item, a quote, a setext underline.
_BLOCK_START = re.compile(r"^(?:[-+*>]|[0-9]{1,9}[.)])(?=\s|$)|^[-=]+\s*$")
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def _reference(char: str) -> str:
    return f"&#{ord(char)};"


def markdown(text: object) -> str:
    """Text for a Markdown paragraph, heading, list item or table cell, kept on one line."""
    one_line = _LINE_BREAKS.sub(" ", str(text)).strip(" ")
    escaped = "".join(_reference(c) if c in MARKDOWN_SPECIAL else c for c in one_line)
    start = _BLOCK_START.match(escaped)
    if start is not None:
        marker = start.end() - 1 if start.group(0)[-1:] in ".)" else 0
        escaped = escaped[:marker] + _reference(escaped[marker]) + escaped[marker + 1 :]
    return escaped


def markdown_code(text: object) -> str:
    """A Markdown code span that shows ``text`` (on one line), also inside a table cell.

    The fence is one backtick longer than the longest run of backticks in the text; ``|``
    is escaped for tables (and a backslash before it kept as a backslash). Empty text is
    shown as ``∅``.
    """
    one_line = _LINE_BREAKS.sub(" ", str(text))
    if not one_line:
        return "`∅`"
    one_line = one_line.replace("\\", "\\\\").replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"


# --- Mermaid ---------------------------------------------------------------------------------

_MERMAID_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MERMAID_CODES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;"}
_MERMAID_CODES |= {"`": "#96;", ";": "#59;", "%": "#37;", "{": "#123;", "}": "#125;"}


def mermaid_text(text: object) -> str:
    """Text for a quoted Mermaid label or comment (``"..."``): its specials as entity codes.

    Mermaid reads ``#name;`` and ``#NN;`` as the character they name, so that no quote,
    angle bracket or fence in the text is read as syntax or markup.
    """
    one_line = _LINE_BREAKS.sub(" ", str(text))
    return "".join(_MERMAID_CODES.get(c, c) for c in one_line)


def mermaid_id(name: str, taken: Iterable[str] = ()) -> str:
    """An identifier for ``name`` that Mermaid reads as one word: the name itself if it is
    letters, digits and ``_``, else those characters of it (``_`` for the rest), made unique
    against ``taken``. Show the name itself with :func:`mermaid_text`."""
    if _MERMAID_ID.fullmatch(name) and name not in taken:
        return name
    safe = re.sub(r"[^A-Za-z0-9_]", "_", name)
    candidate = safe if safe[:1].isalpha() or safe[:1] == "_" else f"_{safe}"
    while candidate in taken:
        candidate += "_"
    return candidate


# --- SQL (SQLite) ----------------------------------------------------------------------------


def _no_nul(text: str, what: str) -> str:
    if "\x00" in text:
        raise ValueError(f"a {what} cannot hold a NUL character: {text!r}")
    return text


def sql_identifier(name: str) -> str:
    """A quoted SQLite identifier: ``"name"`` with ``"`` doubled."""
    return '"' + _no_nul(name, "SQL identifier").replace('"', '""') + '"'


def sql_literal(value: object) -> str:
    """A SQLite literal for a value of a Python type, never text spliced as SQL.

    None -> ``NULL``; a bool -> ``0``/``1``; an int; a finite float (``repr``, which reads back
    exactly); a string quoted with ``'`` doubled. Anything else raises TypeError, a NaN or an
    infinity ValueError.
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no SQL literal")
        return repr(value)
    if isinstance(value, str):
        return "'" + _no_nul(value, "SQL literal").replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for a {type(value).__name__}: {value!r}")


# --- BibTeX ----------------------------------------------------------------------------------

# Each LaTeX special as a command; braces too, as braced commands, because BibTeX counts
# braces (escaped or not) to find where a field ends.
_BIBTEX = {
    "\\": "{\\textbackslash}",
    "{": "{\\textbraceleft}",
    "}": "{\\textbraceright}",
    "&": "\\&",
    "%": "\\%",
    "$": "\\$",
    "#": "\\#",
    "_": "\\_",
    "~": "{\\textasciitilde}",
    "^": "{\\textasciicircum}",
}


def bibtex(text: object) -> str:
    """Text for a braced BibTeX field value: LaTeX specials escaped, braces balanced."""
    one_line = _LINE_BREAKS.sub(" ", str(text))
    return "".join(_BIBTEX.get(c, c) for c in one_line)


def bibtex_key(key: object) -> str:
    """A BibTeX entry key: ASCII letters, digits and ``-_.:/``, anything else as ``-``."""
    safe = re.sub(r"[^A-Za-z0-9_.:/-]", "-", str(key))
    return safe or "ref"


# --- Office Open XML (xlsx) ------------------------------------------------------------------

# Characters XML 1.0 cannot hold (control characters but tab, newline and carriage return;
# lone surrogates; U+FFFE, U+FFFF), and text that already reads as an OOXML escape.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def xlsx_text(text: str) -> str:
    """Text for an xlsx cell or document property, as OOXML escapes it (``ST_Xstring``).

    A character XML cannot hold becomes ``_xHHHH_``, which Excel and LibreOffice read back as
    that character; text that would read as such an escape has its ``_`` written ``_x005F_``.
    """
    text = _OOXML_ESCAPE.sub(r"_x005F_\1", text)
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


SHEET_NAME_CHARS = "[]:*?/\\"
SHEET_NAME_MAX = 31
RESERVED_SHEET_NAMES = ("history",)  # Excel's own, compared ignoring case


def sheet_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a worksheet's name unchanged, or None if it can."""
    if not name:
        return "a worksheet name cannot be empty"
    if len(name) > SHEET_NAME_MAX:
        return f"longer than the {SHEET_NAME_MAX} characters of a worksheet name"
    bad = sorted({c for c in name if c in SHEET_NAME_CHARS})
    if bad:
        return f"a worksheet name cannot hold {' '.join(bad)}"
    if name.startswith("'") or name.endswith("'"):
        return "a worksheet name cannot start or end with '"
    if _XML_ILLEGAL.search(name) or _LINE_BREAKS.search(name):
        return "a worksheet name cannot hold control characters"
    if name.lower() in RESERVED_SHEET_NAMES:
        return f"{name!r} is reserved by Excel"
    return None


# --- JSON in <script>, YAML ------------------------------------------------------------------

# Inside <script>, the HTML parser ends the element at "</script" and changes state at "<!--"
# whatever JSON thinks of them; U+2028/U+2029 end a line in older JavaScript. As \u escapes
# they are the same JSON string and no markup (the escaping the HTML standard recommends).
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029]")


def script_json(value: object) -> str:
    """``value`` as JSON that can sit inside ``<script type="application/ld+json">``: no
    ``<``, ``>`` or ``&`` appears in it, so no data closes the element or opens a comment."""
    text = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# YAML forbids these raw even in a quoted scalar (C0/C1 controls, surrogates, non-characters)
# or reads them as line breaks (NEL, LS, PS); a BOM would be dropped.
_YAML_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def yaml_string(text: object) -> str:
    """``text`` as a YAML double-quoted scalar (JSON's string syntax, which YAML shares),
    with every character YAML cannot keep raw as an escape."""
    quoted = json.dumps(str(text), ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
