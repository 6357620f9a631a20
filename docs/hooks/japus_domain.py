"""The pages and charts that know particular tables of this package: claims, corrections,
and the bar charts of ``student_exchange`` and ``program_participants``.

Kept apart from the generic machinery (``japus_pages``, ``japus_site``, ``japus_render``): a
new table or series needs no edit here. What is drawn where is declared at the end
(``TABLE_CHARTS``, ``CHARTS_PAGE``, ``LISTINGS``, ``DOMAIN_PAGES``); a chart of a table the
package does not have is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from japus_charts import Bar, Group, bar_chart, number
from japus_render import block, figure, page, words
from japus_site import Site, package_sources

from japus_data.descriptor import Table

# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def briefing_source(site: Site) -> str:
    """The source_id of the briefing itself: the package's first source."""
    return str(package_sources(site)[0]["source_id"])


def exchange_charts(site: Site, lang: str) -> list[str]:
    """The briefing's exchange table: one chart per direction, a bar per country and measure.

    Only the rows read in the briefing itself (``source_id`` is the briefing's): the other rows
    are earlier years of the series, drawn on the series page.
    """
    t = words(lang, "pages")
    table = site.package.table("student_exchange")
    briefing = briefing_source(site)
    countries = sorted(
        (r for r in site.rows["countries"] if r.get("table_column")),
        key=lambda r: int(r["table_column"]),
    )
    name_key = "name_ja" if lang == "ja" else "name_en"
    charts = []
    for direction in table.field("direction").categories or ():
        rows = [
            r
            for r in site.rows["student_exchange"]
            if r["direction"] == direction and r["source_id"] == briefing
        ]
        groups = []
        for country in countries:
            bars = tuple(
                Bar(
                    label=f"{site.label(table, 'measure', r['measure'], lang)} "
                    f"({r['period_as_stated']})",
                    value=int(r["students"]),
                    series=r["measure"],
                )
                for r in rows
                if r["country_code"] == country["country_code"]
            )
            if bars:
                groups.append(Group(f"{country[name_key]} ({country['country_code']})", bars))
        if not groups:
            continue
        label = site.label(table, "direction", direction, lang)
        charts.append(
            bar_chart(
                str(t["exchange_title"]).format(direction=label),
                str(t["exchange_desc"]),
                groups,
                lang,
                f"chart-student-exchange-{direction}",
            )
        )
    return charts


def observation_charts(site: Site, lang: str) -> list[str]:
    """Every row of student_exchange as a bar: one group per series and country, by period."""
    t = words(lang, "pages")
    table = site.package.table("student_exchange")
    series_table = next(fk.resource for fk in table.foreign_keys if fk.fields == ("series_id",))
    name_key = "name_ja" if lang == "ja" else "name_en"
    countries = {r["country_code"]: i for i, r in enumerate(site.rows["countries"])}
    rows = site.rows["student_exchange"]
    groups = []
    for series in site.rows[series_table]:
        mine = [r for r in rows if r["series_id"] == series["series_id"]]
        codes = sorted({r["country_code"] for r in mine}, key=lambda c: countries.get(c, 99))
        for code in codes:
            country = site.lookup("countries", "country_code", code)
            bars = tuple(
                Bar(
                    label=f"{r['period_as_stated']} — "
                    f"{site.label(table, 'measure', r['measure'], lang)}",
                    value=int(r["students"]),
                    series=r["measure"],
                )
                for r in sorted(mine, key=lambda r: (r["period_start"], r["measure"]))
                if r["country_code"] == code
            )
            name = series.get(name_key) or series["name_en"]
            groups.append(Group(f"{name} — {country.get(name_key) or code} ({code})", bars))
    if not groups:
        return []
    return [
        bar_chart(
            str(t["observations_title"]),
            str(t["observations_desc"]),
            groups,
            lang,
            "chart-student-exchange-observations",
        )
    ]


def participants_charts(site: Site, lang: str) -> list[str]:
    """Program participants by period (year), bars by program, direction and stage."""
    t = words(lang, "pages")
    table = site.package.table("program_participants")
    rows = sorted(
        site.rows["program_participants"], key=lambda r: (r["period_start"], r["period_end"])
    )
    name_key = "name_ja" if lang == "ja" else "name_en"
    periods = list(dict.fromkeys((r["period_start"], r["period_as_stated"]) for r in rows))
    groups = []
    for start, stated in periods:
        bars = []
        for r in rows:
            if (r["period_start"], r["period_as_stated"]) != (start, stated):
                continue
            program = site.lookup("programs", "program_id", r["program_id"])
            name = program.get("acronym") or program.get(name_key) or r["program_id"]
            if len(name) > 40:
                name = name[:39] + "…"
            what = [
                site.label(table, "direction", r["direction"], lang),
                site.label(table, "stage", r["stage"], lang),
                site.label(table, "field", r["field"], lang),
            ]
            if r.get("partner_country_code"):
                what.append(r["partner_country_code"])
            bars.append(
                Bar(
                    f"{name} — {str(t['list_sep']).join(what)}",
                    int(r["participants"]),
                    r["direction"],
                )
            )
        groups.append(Group(stated, tuple(bars)))
    if not groups:
        return []
    return [
        bar_chart(
            str(t["participants_title"]),
            str(t["participants_desc"]),
            groups,
            lang,
            "chart-program-participants",
        )
    ]


def charts_page(site: Site, lang: str) -> str:
    sections = [
        (site.package.table(name), [figure(svg) for svg in make(site, lang)])
        for name, make in CHARTS_PAGE.items()
        if name in site.rows
    ]
    return page("charts.md.j2", site=site, lang=lang, t=words(lang, "pages"), sections=sections)


# --------------------------------------------------------------------------------------------
# Claims and corrections: the package's own record, each as one table on a page
# --------------------------------------------------------------------------------------------


def listing(site: Site, lang: str, name: str, body: str) -> str:
    """The page of a record table: its title, introduction, rows (``body``) and a link."""
    return page(
        "listing.md.j2",
        site=site,
        lang=lang,
        t=words(lang, "pages"),
        title=f"{name}_title",
        intro=f"{name}_intro",
        body=body,
        table=site.package.table(name),
    )


def claims_page(site: Site, lang: str) -> str:
    import japus_data
    from japus_data.claims import evaluate

    frames = {name: japus_data.load(name, site.root) for name in CLAIM_INPUTS}
    result = evaluate(frames)
    claims = {r["claim_id"]: r for r in site.rows["claims"]}
    rows: list[dict[str, Any]] = []
    for rec in result.to_dict("records"):
        row = claims[str(rec["claim_id"])]
        rows.append(
            {
                "id": str(rec["claim_id"]),
                "statement": row["statement_ja"] if lang == "ja" else row["statement_en"],
                "stated": number(int(rec["value_stated"]), lang),
                "unit": row.get("unit", ""),
                "recorded": number(int(rec["value_computed"]), lang),
                "recomputed": number(int(rec["value_recomputed"]), lang),
                "difference": f"{float(rec['relative_difference']):.2%}",
                "tolerance": f"{float(rec['tolerance_relative']):.0%}",
                "holds": bool(rec["holds"]),
                "computation": row.get("computation_en", ""),
            }
        )
    body = block("claims.html.j2", t=words(lang, "pages"), claims=rows)
    return listing(site, lang, "claims", body)


@dataclass(frozen=True)
class Column:
    """A column of a record page: the word of its header, its field, and how it is shown:
    ``text``, ``label`` (a category's label), ``code``, or ``codes`` (a ``;``-separated list)."""

    word: str
    field: str
    show: str = "text"


@dataclass(frozen=True)
class Listing:
    """A page listing every row of one table, in the given columns."""

    table: str
    css: str  # the class of the table's block (docs/stylesheets/japus.css)
    columns: tuple[Column, ...]


def cell(site: Site, table: Table, column: Column, row: dict[str, str], lang: str) -> object:
    value = row.get(column.field, "")
    if column.show == "label":
        return site.label(table, column.field, value, lang)
    if column.show == "codes":
        return [v.strip() for v in value.split(";")]
    return value


def listing_page(name: str) -> Callable[[Site, str], str]:
    """The page of ``LISTINGS[name]``."""

    def make(site: Site, lang: str) -> str:
        spec = LISTINGS[name]
        table = site.package.table(spec.table)
        rows = [
            [(c, cell(site, table, c, row, lang)) for c in spec.columns]
            for row in site.rows[spec.table]
        ]
        body = block(
            "records.html.j2", t=words(lang, "pages"), css=spec.css, columns=spec.columns, rows=rows
        )
        return listing(site, lang, name, body)

    return make


# --------------------------------------------------------------------------------------------
# What is drawn where
# --------------------------------------------------------------------------------------------

Charts = Callable[[Site, str], list[str]]

# The tables japus_data.claims.evaluate reads.
CLAIM_INPUTS = ("claims", "sources", "student_exchange", "countries")

# The charts of each table's page (every row drawn), and those of the charts page.
TABLE_CHARTS: dict[str, Charts] = {
    "student_exchange": observation_charts,
    "program_participants": participants_charts,
}
CHARTS_PAGE: dict[str, Charts] = {
    "student_exchange": exchange_charts,
    "program_participants": participants_charts,
}
# Pages that list a table's rows: the page's name → the table and its columns.
LISTINGS: dict[str, Listing] = {
    "corrections": Listing(
        "corrections",
        "japus-corrections",
        (
            Column("line", "line_number"),
            Column("kind", "kind", "label"),
            Column("original", "original_text", "code"),
            Column("corrected", "corrected_text", "code"),
            Column("reason", "reason_en"),
            Column("applied_to", "applied_to", "codes"),
        ),
    ),
}
# The pages of this module, by name (``japus_pages.generate`` writes them).
DOMAIN_PAGES: dict[str, Callable[[Site, str], str]] = {
    "charts": charts_page,
    "claims": claims_page,
    **{name: listing_page(name) for name in LISTINGS},
}
