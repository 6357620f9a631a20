"""How to cite the package, or a table together with the sources its rows come from.

Every reference is built from one place: the package's own metadata in ``datapackage.json``
and, for a source, its row in ``sources.csv``. The ``citation`` recorded on each ``sources``
entry of the descriptor is :func:`source_citation` of that row (a test keeps them equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .csvtext import records as csv_records
from .descriptor import Package
from .errors import UnknownTableError
from .render import bibtex, bibtex_key

__all__ = [
    "STYLES",
    "Reference",
    "cite",
    "contributor_name",
    "licence_text",
    "package_reference",
    "source_citation",
]

STYLES = ("text", "apa", "bibtex")
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


def package_reference(package: Package) -> Reference:
    version = package.version
    contributors = package.contributors
    licences = licence_text(package)
    return Reference(
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


def _source_reference(row: dict[str, str], titles: dict[str, dict[str, str]]) -> Reference:
    return Reference(
        key=row["source_id"],
        author=row["publisher_en"],
        title=_source_title(row),
        date=row.get("date_published") or None,
        kind="document",
        note=_source_note(row, titles),
    )


def source_citation(row: dict[str, str], sources: dict[str, dict[str, str]]) -> str:
    """The full citation of one row of ``sources.csv`` (``sources``: every row by id)."""
    return format_reference(_source_reference(row, sources), "text")


def _text(ref: Reference) -> str:
    if ref.kind == "dataset":
        when = f" ({ref.year})" if ref.year else ""
        return f"{ref.author}{when}. {ref.title}, version {ref.version} [data set]. {ref.note}"
    date = f" {_long_date(ref.date)}." if ref.date else ""
    note = f" {ref.note}" if ref.note else ""
    return f"{ref.author}. {ref.title}.{date}{note}"


def _apa(ref: Reference) -> str:
    date = _apa_date(ref.date if ref.kind == "document" else ref.year)
    if ref.kind == "dataset":
        return f"{ref.author}. ({date}). {ref.title} (Version {ref.version}) [Data set]. {ref.note}"
    note = f" {ref.note}" if ref.note else ""
    return f"{ref.author}. ({date}). {ref.title}.{note}"


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
    if style == "text":
        return _text(ref)
    raise ValueError(f"unknown citation style {style!r}; styles: {', '.join(STYLES)}")


def read_sources(package: Package) -> dict[str, dict[str, str]]:
    """Every row of ``sources.csv`` by source_id, as text (empty cells are '')."""
    from .verify import load_frame

    frame = load_frame(package, SOURCES_TABLE)
    text = frame.to_csv(index=False, date_format="%Y-%m-%d")
    header, *rows = csv_records(text)
    return {row["source_id"]: row for row in (dict(zip(header, r, strict=False)) for r in rows)}


def table_source_ids(package: Package, name: str) -> list[str]:
    """The sources of a table: the distinct source_id values of its rows, in order of first
    appearance, then any further document its descriptor lists (such as the standard that
    gives its codes)."""
    from .verify import load_frame

    frame = load_frame(package, name)
    rows = [str(v) for v in frame["source_id"].dropna()] if "source_id" in frame.columns else []
    listed = [str(s["source_id"]) for s in package.table(name).sources if "source_id" in s]
    return list(dict.fromkeys(rows + listed))


def cite(table: str | None = None, style: str = "text", root: str | Path | None = None) -> str:
    """How to cite the package, or ``table`` with the sources its rows come from.

    Raises :class:`~japus_data.errors.UnknownTableError` if the package has no ``table``.

    ``style`` is one of ``text``, ``apa`` or ``bibtex``. The package reference comes first,
    then the original briefing (whose terms of use require its credit), then, for a table,
    each further source cited by its rows.
    """
    from .verify import package_at

    if style not in STYLES:
        raise ValueError(f"unknown citation style {style!r}; styles: {', '.join(STYLES)}")
    package = package_at(root)
    if table is not None and table not in package.table_names:
        raise UnknownTableError(table, package.table_names)
    sources = read_sources(package)
    briefing = [str(s["source_id"]) for s in package.sources if "source_id" in s]
    ids = list(dict.fromkeys(briefing + (table_source_ids(package, table) if table else [])))
    refs = [package_reference(package)]
    refs += [_source_reference(sources[i], sources) for i in ids if i in sources]
    entries = [format_reference(r, style) for r in refs]
    if style == "bibtex":
        return "\n\n".join(entries) + "\n"
    if table is None:
        head = "Cite the data package and its source:"
    else:
        t = package.table(table)
        head = (
            f"Cite table {t.name} ({t.title} / {t.title_ja}) of the data package, "
            "and the sources its rows come from:"
        )
    return head + "\n\n" + "\n\n".join(entries) + "\n"
