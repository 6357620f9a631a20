"""The pages of the statistical series: a line chart per series, and their sources and coverage.

Everything is derived from the data: the series table (the table that ``student_exchange``
references through ``series_id``, ``statistical_series``), its observations and the sources
they cite. A new series or a new year appears with no edit here. The pages are rendered from
``docs/templates/series.md.j2`` and ``coverage.md.j2`` (``japus_render``), with the words of
the ``series`` part of ``docs/i18n``; every text from the package is escaped there.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from japus_charts import Break, Line, LineText, Point, line_chart, runs
from japus_render import Blocks, block, figure, page, words
from japus_site import SOURCE_ID, SOURCES, Site, row_anchor

from japus_data.render import html as escape
from japus_data.render import safe_url

OBSERVATIONS = "student_exchange"  # one row per figure of a series
SERIES_KEY = "series_id"
PREDECESSOR = "preceded_by_series_id"
SECONDARY = "single_secondary_source"  # the attestation drawn as an open circle
SOURCE_ROLES = ("source_id", "corroborating_source_id", "cited_source_id")


def link(url: str, text: str) -> str:
    """An HTML link to ``url`` when it is an http(s) address; otherwise the escaped text."""
    web = web_address(url)
    if web is None:
        return escape(text)
    return block("link.html.j2", url=web, text=text, hreflang=None)


def web_address(url: str) -> str | None:
    """``url`` if it is an absolute http(s) address (a link may lead there), else None."""
    return url if WEB.match(url) and safe_url(url) is not None else None


WEB = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Series:
    row: dict[str, str]
    observations: list[dict[str, str]]

    @property
    def id(self) -> str:
        return self.row[SERIES_KEY]

    def name(self, lang: str) -> str:
        return (self.row.get("name_ja") if lang == "ja" else None) or self.row["name_en"]

    def years(self) -> list[int]:
        return sorted({year(r) for r in self.observations})


def year(row: dict[str, str]) -> int:
    return int(row["period_start"][:4])


def plain_words(lang: str) -> dict[str, str]:
    """The words of the series pages as plain text, for the charts (which escape them)."""
    return {key: str(value) for key, value in words(lang, "series").items()}


def series_table(site: Site) -> str:
    """The table ``student_exchange.series_id`` references."""
    table = site.package.table(OBSERVATIONS)
    for fk in table.foreign_keys:
        if fk.fields == (SERIES_KEY,):
            return fk.resource
    raise RuntimeError(f"{OBSERVATIONS}.{SERIES_KEY} references no table")


def all_series(site: Site) -> dict[str, Series]:
    """Every series, in the order of its table, with its observations (possibly none)."""
    observations = site.rows[OBSERVATIONS]
    return {
        row[SERIES_KEY]: Series(row, [o for o in observations if o[SERIES_KEY] == row[SERIES_KEY]])
        for row in site.rows[series_table(site)]
    }


def predecessors(series: Series, every: dict[str, Series]) -> list[Series]:
    """The series this one continues, nearest first (following the chain, never looping)."""
    chain: list[Series] = []
    seen = {series.id}
    current = series.row.get(PREDECESSOR, "")
    while current and current in every and current not in seen:
        seen.add(current)
        chain.append(every[current])
        current = every[current].row.get(PREDECESSOR, "")
    return chain


def successors(series: Series, every: dict[str, Series]) -> list[Series]:
    return [s for s in every.values() if s.row.get(PREDECESSOR) == series.id]


def country_order(site: Site) -> dict[str, int]:
    return {r["country_code"]: i for i, r in enumerate(site.rows["countries"])}


def line_key(row: dict[str, str]) -> tuple[str, str, str]:
    return (row["country_code"], row["direction"], row["measure"])


def line_label(site: Site, key: tuple[str, str, str], lang: str) -> str:
    table = site.package.table(OBSERVATIONS)
    country = site.lookup("countries", "country_code", key[0])
    name = country.get("name_ja" if lang == "ja" else "name_en") or key[0]
    measure = site.label(table, "measure", key[2], lang)
    if lang == "en":
        measure = re.sub(r"\s*\([^)]*\)$", "", measure)  # the Japanese term in brackets
    return plain_words(lang)["line_label"].format(name=name, code=key[0], measure=measure)


def lines_of(site: Site, series: Series, lang: str, predecessor: bool) -> list[Line]:
    table = site.package.table(OBSERVATIONS)
    order = country_order(site)
    measures = list(table.field("measure").categories or ())
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in series.observations:
        groups.setdefault(line_key(row), []).append(row)
    lines = []
    for key in sorted(
        groups,
        key=lambda k: (order.get(k[0], 99), measures.index(k[2]) if k[2] in measures else 99),
    ):
        label = line_label(site, key, lang)
        points = tuple(
            Point(
                year=year(r),
                value=int(r["students"]),
                hollow=r["attestation"] == SECONDARY,
                tip=f"{series.name(lang)} — {label}, {r['period_as_stated']}: "
                f"{int(r['students']):,} · {r['source_id']} · "
                f"{site.label(table, 'attestation', r['attestation'], lang)}",
            )
            for r in groups[key]
        )
        lines.append(Line("/".join((key[0], key[2])), label, points, predecessor))
    return lines


def series_chart(site: Site, series: Series, every: dict[str, Series], lang: str) -> str:
    t = plain_words(lang)
    lines = lines_of(site, series, lang, predecessor=False)
    breaks: list[Break] = []
    later = series
    for earlier in predecessors(series, every):
        if not earlier.observations:
            later = earlier
            continue
        lines += lines_of(site, earlier, lang, predecessor=True)
        last, first = max(earlier.years()), min(later.years() or [max(earlier.years()) + 1])
        breaks.append(Break((last + first) / 2 if last < first else first, t["break"]))
        later = earlier
    years = series.years()
    desc = t["chart_desc"].format(
        name=series.name(lang),
        lines=sum(1 for line in lines if not line.predecessor),
        points=len(series.observations),
        first=years[0],
        last=years[-1],
        counts=series.row.get("counts_ja" if lang == "ja" else "counts_en", ""),
    )
    words = LineText(
        t["x_axis"],
        t["y_axis"],
        t["this_series"],
        t["predecessor"],
        t["filled"],
        t["hollow"],
        t["gap"],
    )
    return line_chart(
        series.name(lang),
        desc,
        lines,
        breaks,
        words,
        lang,
        f"chart-series-{series.id}",
        {"series": series.id},
    )


def links(series: Series, every: dict[str, Series], lang: str) -> dict[str, Any]:
    """What a page says of a series: its names and the breaks before and after it."""
    earlier = predecessors(series, every)
    return {
        "id": series.id,
        "name": series.name(lang),
        "counts": series.row.get("counts_ja" if lang == "ja" else "counts_en", ""),
        "earlier": None if not earlier else {"id": earlier[0].id, "name": earlier[0].name(lang)},
        "break": series.row.get("break_en", ""),
        "later": [{"id": s.id, "name": s.name(lang)} for s in successors(series, every)],
    }


def series_page(site: Site, lang: str) -> str:
    every = all_series(site)
    series = [
        {**links(s, every, lang), "figure": figure(series_chart(site, s, every, lang))}
        for s in every.values()
        if s.observations
    ]
    return page(
        "series.md.j2",
        t=words(lang, "series"),
        observations=OBSERVATIONS,
        series=series,
    )


# --------------------------------------------------------------------------------------------
# Sources and coverage
# --------------------------------------------------------------------------------------------


def year_ranges(years: list[int]) -> str:
    """``2000–2003, 2005`` from a list of years."""
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs(years))


def gaps(years: list[int]) -> list[int]:
    if not years:
        return []
    present = set(years)
    return [y for y in range(min(years), max(years) + 1) if y not in present]


def source_cell(site: Site, source_id: str) -> dict[str, str]:
    """A link to a row of the sources table (made by the template)."""
    row = site.lookup(SOURCES, SOURCE_ID, source_id)
    anchor = row_anchor(site.package.table(SOURCES), row or {SOURCE_ID: source_id})
    return {"id": source_id, "anchor": anchor}


def documents(site: Site, series: Series, lang: str) -> list[dict[str, Any]]:
    """Every document a series' figures cite, with its roles."""
    roles: dict[str, Counter[str]] = {}
    for row in series.observations:
        for role in SOURCE_ROLES:
            if row.get(role):
                roles.setdefault(row[role], Counter())[role] += 1
    out = []
    for source_id, counted in roles.items():
        row = site.lookup(SOURCES, SOURCE_ID, source_id)
        title = row.get("title_ja") if lang == "ja" else row.get("title_en")
        title = title or row.get("title_en") or row.get("title_ja") or ""
        publisher = (row.get("publisher_ja") if lang == "ja" else None) or row.get(
            "publisher_en", ""
        )
        url = row.get("url", "")
        out.append(
            {
                "source": source_cell(site, source_id),
                "roles": list(counted.items()),
                "title": title,
                "publisher": publisher,
                "url": url,
                "web": web_address(url),
            }
        )
    return out


def coverage(site: Site, series: Series, every: dict[str, Series], lang: str) -> dict[str, Any]:
    """What the coverage page shows of one series."""
    observations = site.package.table(OBSERVATIONS)
    row = series.row
    publisher = site.lookup("organizations", "organization_id", row["publisher_organization_id"])
    pub_name = (publisher.get("name_ja") if lang == "ja" else None) or publisher.get(
        "name_en", row["publisher_organization_id"]
    )
    described = None
    if row.get("source_id", ""):
        level = site.label(
            site.package.table(series_table(site)), "attestation", row["attestation"], lang
        )
        described = {
            "source": source_cell(site, row["source_id"]),
            "locator": row.get("locator", ""),
            "level": level,
        }
    years = series.years()
    summary = [
        {
            "label": "",
            "years": year_ranges(years),
            "gaps": year_ranges(gaps(years)),
            "count": len(series.observations),
        }
    ]
    groups: dict[tuple[str, str, str], list[int]] = {}
    for obs in series.observations:
        groups.setdefault(line_key(obs), []).append(year(obs))
    order = country_order(site)
    for key in sorted(groups, key=lambda k: (order.get(k[0], 99), k[2])):
        ys = sorted(groups[key])
        summary.append(
            {
                "label": line_label(site, key, lang),
                "years": year_ranges(ys),
                "gaps": year_ranges(gaps(ys)),
                "count": len(ys),
            }
        )
    attestation = []
    if series.observations:
        counted = Counter(o["attestation"] for o in series.observations)
        attestation = [
            {
                "level": level,
                "label": site.label(observations, "attestation", level, lang),
                "count": counted.get(level, 0),
            }
            for level in observations.field("attestation").categories or ()
        ]
    return {
        **links(series, every, lang),
        "has_figures": bool(series.observations),
        "publisher": pub_name,
        "direction": site.label(observations, "direction", row["direction"], lang),
        "period_type": site.label(observations, "period_type", row["period_type"], lang),
        "described": described,
        "summary": summary,
        "attestation": attestation,
        "documents": documents(site, series, lang),
    }


def coverage_page(site: Site, lang: str) -> str:
    every = all_series(site)
    breaks = [
        {
            "id": series.id,
            "name": series.name(lang),
            "earlier_id": earlier.id,
            "earlier_name": earlier.name(lang),
            "change": series.row.get("break_en", ""),
        }
        for series in every.values()
        for earlier in predecessors(series, every)[:1]
    ]
    return page(
        "coverage.md.j2",
        t=words(lang, "series"),
        html=Blocks("coverage.html.j2"),
        observations=OBSERVATIONS,
        breaks=breaks,
        series=[coverage(site, s, every, lang) for s in every.values()],
    )


# The pages of this module, by name: added to the site by ``japus_docs`` (see generate).
PAGES = {"series": series_page, "coverage": coverage_page}
