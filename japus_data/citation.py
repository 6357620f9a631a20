"""Citations of the package and of its sources, in every style: built from metadata and rows
given to it, never read here (:mod:`japus_data.citing` reads them), so that what derives a
source's citation (``japus-data hash``) does not depend on the loader.

Every reference is built from one place: the package's own metadata in ``datapackage.json``
and, for a source, its row in ``sources.csv``. The ``citation`` recorded on each ``sources``
entry of the descriptor is :func:`source_citation` of that row (a test keeps them equal).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .descriptor import Package
from .render import bibtex, bibtex_key, html, markdown, safe_url, yaml_string

__all__ = [
    "LANGUAGES",
    "STYLES",
    "Reference",
    "contributor_name",
    "csl_items",
    "japanese_credit",
    "japanese_source_citation",
    "licence_text",
    "package_reference",
    "render_cff",
    "source_citation",
]

# apa-md and apa-html: APA with the title in italics, as Markdown or HTML (escaped for each).
STYLES = ("text", "apa", "apa-md", "apa-html", "bibtex", "csl-json")
LANGUAGES = ("en", "ja")  # ja: the 出典 form, for the text style
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August"]
MONTHS += ["September", "October", "November", "December"]
SOURCES_TABLE = "sources"


@dataclass(frozen=True)
class Reference:
    key: str
    author: str
    title: str
    date: str | None  # ISO 8601: a day, or a year
    kind: str  # "dataset" or "document"
    version: str | None = None
    note: str | None = None
    publisher: str | None = None
    url: str | None = None

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date else None


def _long_date(iso: str) -> str:
    if len(iso) < 10:
        return iso
    return f"{int(iso[8:10])} {MONTHS[int(iso[5:7]) - 1]} {iso[:4]}"


def _apa_date(iso: str | None) -> str:
    if not iso:
        return "n.d."
    if len(iso) < 10:
        return iso
    return f"{iso[:4]}, {MONTHS[int(iso[5:7]) - 1]} {int(iso[8:10])}"


def licence_text(package: Package) -> str:
    """The package's licences as one line: each one's title (else name) and its address."""
    return "; ".join(
        f"{lic.get('title') or lic.get('name')} ({lic.get('path', '')})".replace(" ()", "")
        for lic in package.licenses
    )


def contributor_name(contributor: object) -> str:
    """How a contributor is named: its title, else given and family names, else its
    organization, else its email (the profile requires none of them); '' if none."""
    if not isinstance(contributor, dict):
        return ""
    title = contributor.get("title")
    if isinstance(title, str) and title:
        return title
    names = [contributor.get(k) for k in ("givenName", "familyName")]
    full = " ".join(n for n in names if isinstance(n, str) and n)
    if full:
        return full
    for key in ("organization", "email"):
        value = contributor.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def package_publisher(package: Package) -> str:
    """Who publishes the data set: a contributor with the role ``publisher``, else the
    package itself, by its name."""
    for contributor in package.contributors:
        roles = contributor.get("roles")
        if isinstance(roles, list) and "publisher" in roles and contributor_name(contributor):
            return contributor_name(contributor)
    return package.name or "japus-data"


def package_url(package: Package) -> str | None:
    """The package's ``homepage``, if it is an http(s) address."""
    return safe_url(package.homepage) if package.homepage else None


def package_reference(package: Package) -> Reference:
    version = package.version
    contributors = package.contributors
    licences = licence_text(package)
    return Reference(
        publisher=package_publisher(package),
        url=package_url(package),
        key=f"{package.name or 'japus-data'}-{version}",
        author=contributor_name(contributors[0] if contributors else None)
        or "japus-data contributors",
        title=package.title or package.name,
        date=package.created[:10] or None,
        kind="dataset",
        version=version,
        note=f"Licence: {licences}. {package.attribution}".strip(),
    )


def _source_title(row: dict[str, str]) -> str:
    ja, en = row.get("title_ja", ""), row.get("title_en", "")
    return f"{ja} [{en}]" if ja and en and ja != en else (en or ja)


def _source_note(row: dict[str, str], titles: dict[str, dict[str, str]]) -> str | None:
    parts = []
    if row.get("reference_period_en"):
        parts.append(f"Reference period: {row['reference_period_en']}.")
    cited_in = titles.get(row.get("cited_in_source_id", ""))
    if cited_in:
        when = f", {_long_date(cited_in['date_published'])}" if cited_in["date_published"] else ""
        marker = f" (footnote {row['footnote_marker']})" if row.get("footnote_marker") else ""
        title = cited_in["title_en"] or cited_in["title_ja"]
        parts.append(f"Cited in {cited_in['publisher_en']}, {title}{when}{marker}.")
    return " ".join(parts) or None


def source_reference(row: dict[str, str], titles: dict[str, dict[str, str]]) -> Reference:
    return Reference(
        key=row["source_id"],
        author=row["publisher_en"],
        title=_source_title(row),
        date=row.get("date_published") or None,
        kind="document",
        note=_source_note(row, titles),
        url=safe_url(row["url"]) if row.get("url") else None,
    )


def source_citation(row: dict[str, str], sources: dict[str, dict[str, str]]) -> str:
    """The full citation of one row of ``sources.csv`` (``sources``: every row by id)."""
    return format_reference(source_reference(row, sources), "text")


def _text(ref: Reference) -> str:
    if ref.kind == "dataset":
        when = f" ({ref.year})" if ref.year else ""
        return f"{ref.author}{when}. {ref.title}, version {ref.version} [data set]. {ref.note}"
    date = f" {_long_date(ref.date)}." if ref.date else ""
    note = f" {ref.note}" if ref.note else ""
    return f"{ref.author}. {ref.title}.{date}{note}"


def _apa(ref: Reference, markup: str = "text") -> str:
    """APA 7: author, date, title (in italics where ``markup`` is ``md`` or ``html``), for a
    data set its version, "[Data set]" and publisher, then the address and any note. Each
    piece is escaped for the markup by japus_data.render."""
    escapes: dict[str, Callable[[object], str]] = {"text": str, "md": markdown, "html": html}
    escape = escapes[markup]
    title = escape(ref.title)
    if markup == "md":
        title = f"*{title}*"
    elif markup == "html":
        title = f"<i>{title}</i>"
    date = _apa_date(ref.date if ref.kind == "document" else ref.year)
    parts = [f"{escape(ref.author)}. ({escape(date)}). {title}"]
    if ref.kind == "dataset":
        parts[0] += f" (Version {escape(ref.version)}) [Data set]"
        if ref.publisher and ref.publisher != ref.author:  # APA omits a publisher = author
            parts.append(escape(ref.publisher))
    text = ". ".join(parts) + "."
    if ref.url:
        text += f" {escape(ref.url)}"
    if ref.note:
        text += f" {escape(ref.note)}"
    return text


def _date_parts(iso: str | None) -> list[list[int]] | None:
    if not iso:
        return None
    return [[int(part) for part in iso[:10].split("-") if part.isdigit()]]


def csl_item(ref: Reference) -> dict[str, Any]:
    """One CSL-JSON item (the Citation Style Language's input format)."""
    item: dict[str, Any] = {
        "id": ref.key,
        "type": "dataset" if ref.kind == "dataset" else "report",
        "title": ref.title,
        "author": [{"literal": ref.author}],
    }
    issued = _date_parts(ref.date)
    optional = {
        "issued": {"date-parts": issued} if issued else None,
        "version": ref.version,
        "publisher": ref.publisher if ref.kind == "dataset" else ref.author,
        "URL": ref.url,
        "note": ref.note,
    }
    item.update({k: v for k, v in optional.items() if v})
    return item


def _bibtex(ref: Reference) -> str:
    # Every value is escaped by japus_data.render.bibtex: no text closes its field.
    fields = [("author", "{" + bibtex(ref.author) + "}"), ("title", bibtex(ref.title))]
    if ref.year:
        fields.append(("year", bibtex(ref.year)))
    if ref.date and len(ref.date) >= 10:
        fields.append(("date", bibtex(ref.date)))
    if ref.version:
        fields.append(("version", bibtex(ref.version)))
        fields.append(("howpublished", "Data set"))
    if ref.note:
        fields.append(("note", bibtex(ref.note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(ref.key)},\n{body}\n}}"


def format_reference(ref: Reference, style: str) -> str:
    if style == "bibtex":
        return _bibtex(ref)
    if style == "apa":
        return _apa(ref)
    if style in ("apa-md", "apa-html"):
        return _apa(ref, style.removeprefix("apa-"))
    if style == "text":
        return _text(ref)
    if style == "csl-json":
        return json.dumps(csl_item(ref), ensure_ascii=False, indent=2)
    raise ValueError(f"unknown citation style {style!r}; styles: {', '.join(STYLES)}")


# The Japanese forms: the credit the Government of Japan Standard Terms of Use ask for
# (出典：… を加工して作成), and each further source as the Japanese docs list it.
ERAS = (("2019-05-01", 2018, "令和"), ("1989-01-08", 1988, "平成"))


def japanese_date(iso: str, era: bool = False) -> str:
    """An ISO date (or year) in Japanese: 2025年12月18日, or with ``era`` 令和7年12月18日."""
    if len(iso) < 10:
        return f"{iso}年" if iso else ""
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    shown = f"{year}年"
    for start, offset, name in ERAS if era else ():
        if iso[:10] >= start:
            shown = f"{name}{'元' if year == offset + 1 else year - offset}年"
            break
    return f"{shown}{month}月{day}日"


def japanese_source_citation(row: dict[str, str]) -> str:
    """One row of ``sources.csv`` cited in Japanese: publisher「title」（English title）,
    date published and reference period; plain text (callers escape it for their markup)."""
    title_ja, title_en = row.get("title_ja", ""), row.get("title_en", "")
    text = (row.get("publisher_ja") or row.get("publisher_en", "")) + f"「{title_ja or title_en}」"
    if title_ja and title_en and title_en != title_ja:
        text += f"（{title_en}）"
    published = row.get("date_published", "")
    period = row.get("reference_period_as_stated") or row.get("reference_period_en", "")
    extra = [
        f"公表日：{japanese_date(published)}" if published else "",
        f"対象期間：{period}" if period else "",
    ]
    return "。".join([text, *(e for e in extra if e)]) + "。"


def _licence_short(package: Package) -> str:
    names = [str(lic.get("name", "")) for lic in package.licenses]
    return "、".join(n.replace("-", " ") if n.startswith("CC-") else n for n in names if n)


def japanese_credit(row: dict[str, str], package: Package) -> str:
    """The 出典 line for a source the package edits: 出典：publisher「title」（date）を加工して
    作成（package version、licence）。"""
    published = row.get("date_published", "")
    when = f"（{japanese_date(published, era=True)}）" if published else ""
    made = f"{package.name or 'japus-data'} {package.version}".strip()
    licence = _licence_short(package)
    return (
        f"出典：{row.get('publisher_ja') or row.get('publisher_en', '')}"
        f"「{row.get('title_ja') or row.get('title_en', '')}」{when}を加工して作成"
        f"（{made}{'、' + licence if licence else ''}）。"
    )


def japanese_package_citation(package: Package) -> str:
    ref = package_reference(package)
    year = f"（{ref.year}）" if ref.year else ""
    title = package.title_ja or ref.title
    text = f"{ref.author}{year}。{title}、バージョン {ref.version}［データセット］。"
    if ref.publisher and ref.publisher != ref.author:
        text += f"{ref.publisher}。"
    if ref.url:
        text += f"{ref.url}。"
    licences = licence_text(package)
    return text + (f"ライセンス：{licences}。" if licences else "")


def csl_items(refs: list[Reference]) -> str:
    """CSL-JSON: a list of items, one per reference."""
    return json.dumps([csl_item(r) for r in refs], ensure_ascii=False, indent=2) + "\n"


# --- CITATION.cff ------------------------------------------------------------------------------

CFF_FILE = "CITATION.cff"
CFF_HEADER = (
    "# Generated from datapackage.json by `japus-data generate` (run by `make hash`): edit the\n"
    "# descriptor, never this file. Checked against schemas/cff-1.2.0.json by the tests.\n"
)


def _cff_entity(name: str, indent: str) -> str:
    return f"{indent}- name: {yaml_string(name)}\n"


def _cff_list(key: str, values: list[str], indent: str = "") -> str:
    items = "".join(f"{indent}  - {yaml_string(v)}\n" for v in values)
    return f"{indent}{key}:\n{items}" if values else ""


def render_cff(package: Package) -> str:
    """CITATION.cff (Citation File Format 1.2.0) of the package, from its descriptor only:
    the data set (title, abstract, creators, version, date, licence, homepage, keywords) and,
    as references, the documents the package is based on (its ``sources``), with the details
    the ``sources`` table's own entry records. Every value is a quoted YAML scalar."""
    creators = [
        contributor_name(c) for c in package.contributors if "creator" in (c.get("roles") or [])
    ]
    authors = [a for a in creators if a] or [package_reference(package).author]
    licences = [str(lic["name"]) for lic in package.licenses if isinstance(lic.get("name"), str)]
    attribution = package.attribution.strip()
    message = "If you use this data, please cite it as below, and credit its source as its "
    message += "licence requires (see LICENSE-DATA.md or `japus-data cite`)."
    if attribution:
        message += f" {attribution}"
    out = [CFF_HEADER, "cff-version: 1.2.0\n", f"message: {yaml_string(message)}\n"]
    out.append("type: dataset\n")
    out.append(f"title: {yaml_string(package.title or package.name)}\n")
    if package.description:
        out.append(f"abstract: {yaml_string(package.description)}\n")
    out.append("authors:\n" + "".join(_cff_entity(a, "  ") for a in authors))
    out.append(f"version: {yaml_string(package.version)}\n")
    created = package.created[:10]
    if created:
        out.append(f"date-released: {yaml_string(created)}\n")
    if licences:
        one = len(licences) == 1
        out.append(
            f"license: {yaml_string(licences[0])}\n" if one else _cff_list("license", licences)
        )
    url = package_url(package)
    if url:
        out.append(f"url: {yaml_string(url)}\n")
    keywords = [k for k in package.keywords if k]
    out.append(_cff_list("keywords", keywords))
    references = [_cff_reference(package, s) for s in package.sources]
    if references:
        out.append("references:\n" + "".join(references))
    return "".join(out)


def _cff_reference(package: Package, source: dict[str, Any]) -> str:
    """One document the package is based on, as a CFF reference of type ``report``."""
    sid = source.get("source_id")
    details: dict[str, Any] = {}
    if SOURCES_TABLE in package.table_names:
        listed = package.table(SOURCES_TABLE).sources
        details = next((d for d in listed if d.get("source_id") == sid), {})
    title_ja, title_en = details.get("title_ja", ""), details.get("title") or source.get("title")
    title = f"{title_ja} ({title_en})" if title_ja and title_en != title_ja else str(title_en)
    publisher = str(details.get("publisher", "")) or "unknown"
    out = [f"  - type: report\n    title: {yaml_string(title)}\n"]
    out.append("    authors:\n" + _cff_entity(publisher, "      "))
    out.append(f"    institution:\n      name: {yaml_string(publisher)}\n")
    published = str(details.get("date_published", ""))
    if len(published) == 10:
        out.append(f"    date-published: {yaml_string(published)}\n    year: {published[:4]}\n")
    if title_ja:
        out.append("    languages:\n      - ja\n")
    notes = str(details.get("terms") or source.get("citation") or "")
    if notes:
        out.append(f"    notes: {yaml_string(notes)}\n")
    return "".join(out)
