"""``japus-data cite``: the package's citation, or a table's with the sources its rows come
from, read through the hash-verified loader and worded by :mod:`japus_data.citation`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .citation import (
    LANGUAGES,
    SOURCES_TABLE,
    STYLES,
    csl_items,
    format_reference,
    japanese_credit,
    japanese_package_citation,
    japanese_source_citation,
    package_reference,
    source_reference,
)
from .descriptor import Package
from .errors import UnknownTableError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cite", "read_sources", "table_source_ids"]


def read_sources(package: Package) -> dict[str, dict[str, str]]:
    """Every row of ``sources.csv`` by source_id, as text (empty cells are '')."""
    from .verify import load_frame

    frame = load_frame(package, SOURCES_TABLE)
    columns = {name: _texts(frame[name]) for name in frame.columns}
    rows = (dict(zip(columns, cells, strict=True)) for cells in zip(*columns.values(), strict=True))
    return {row["source_id"]: row for row in rows}


def _texts(column: pd.Series) -> list[str]:
    """A typed column's values as text: dates as ISO 8601 dates, a missing value as ''."""
    import pandas as pd

    if isinstance(column.dtype, pd.DatetimeTZDtype) or column.dtype.kind == "M":
        column = column.dt.strftime("%Y-%m-%d")
    return ["" if pd.isna(value) else str(value) for value in column]


def table_source_ids(package: Package, name: str) -> list[str]:
    """The sources of a table: the distinct source_id values of its rows, in order of first
    appearance, then any further document its descriptor lists (such as the standard that
    gives its codes)."""
    from .verify import load_frame

    frame = load_frame(package, name)
    rows = [str(v) for v in frame["source_id"].dropna()] if "source_id" in frame.columns else []
    listed = [str(s["source_id"]) for s in package.table(name).sources if "source_id" in s]
    return list(dict.fromkeys(rows + listed))


def cite(
    table: str | None = None,
    style: str = "text",
    root: str | Path | None = None,
    lang: str = "en",
) -> str:
    """How to cite the package, or ``table`` with the sources its rows come from.

    Raises :class:`~japus_data.errors.UnknownTableError` if the package has no ``table``.

    ``style`` is one of ``text``, ``apa``, ``apa-md``, ``apa-html`` (APA 7 with the title in
    italics, as Markdown or HTML), ``bibtex`` or ``csl-json``. The package reference comes
    first, then the original briefing (whose terms of use require its credit), then, for a
    table, each further source cited by its rows. ``lang="ja"`` (text style only) gives the
    Japanese form: the package, the 出典 credit of the briefing, then each further source.
    """
    from .verify import package_at

    if style not in STYLES:
        raise ValueError(f"unknown citation style {style!r}; styles: {', '.join(STYLES)}")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; languages: {', '.join(LANGUAGES)}")
    if lang == "ja" and style != "text":
        raise ValueError(f"the Japanese citation (--lang ja) has the text format only, not {style}")
    package = package_at(root)
    if table is not None and table not in package.table_names:
        raise UnknownTableError(table, package.table_names)
    sources = read_sources(package)
    briefing = [str(s["source_id"]) for s in package.sources if "source_id" in s]
    ids = list(dict.fromkeys(briefing + (table_source_ids(package, table) if table else [])))
    refs = [package_reference(package)]
    refs += [source_reference(sources[i], sources) for i in ids if i in sources]
    if style == "csl-json":
        return csl_items(refs)
    if lang == "ja":
        return _cite_ja(package, table, [sources[i] for i in ids if i in sources], briefing)
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


def _cite_ja(
    package: Package, table: str | None, rows: list[dict[str, str]], briefing: list[str]
) -> str:
    credits = [japanese_credit(row, package) for row in rows if row["source_id"] in briefing]
    further = [japanese_source_citation(row) for row in rows if row["source_id"] not in briefing]
    if table is None:
        head = "データパッケージとその出典を次のとおり示してください："
    else:
        t = package.table(table)
        head = f"データパッケージの表 {t.name}（{t.title_ja}）と、"
        head += "その行の出典を次のとおり示してください："
    entries = [japanese_package_citation(package), *credits, *further]
    return head + "\n\n" + "\n\n".join(entries) + "\n"
