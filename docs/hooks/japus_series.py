"""The pages of the statistical series: a line chart per series, and their sources and coverage.

Everything is derived from the data: the series table (the table that ``student_exchange``
references through ``series_id``, ``statistical_series``), its observations and the sources
they cite. A new series or a new year appears with no edit here. Every text taken from a CSV
file or the descriptor is escaped (``html.escape`` for HTML and SVG, ``md`` for Markdown).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html import escape

from japus_charts import Break, Line, LineText, Point, line_chart, runs
from japus_pages import Site, figure, html_table, row_anchor

OBSERVATIONS = "student_exchange"  # one row per figure of a series
SERIES_KEY = "series_id"
PREDECESSOR = "preceded_by_series_id"
SECONDARY = "single_secondary_source"  # the attestation drawn as an open circle
SOURCE_ROLES = ("source_id", "corroborating_source_id", "cited_source_id")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "series_title": "Series",
        "series_intro": "One chart per published statistical series, drawn at build time from "
        "the [{observations}](tables/{observations}.md) table: one line per country and "
        "measure, by the year the period starts. A missing year breaks the line (nothing is "
        "interpolated); a year with no neighbour is a dot only. Figures read in a single "
        "secondary copy are open circles. Where a series continues an earlier one across a "
        "definitional break, the earlier series is drawn dashed on the same chart, with a "
        "marker at the break: the two are not comparable. Hover a dot for its figure, period "
        "and source. The documents behind each series are listed under "
        "[Sources and coverage](coverage.md).",
        "x_axis": "Year in which the period starts",
        "y_axis": "Students",
        "this_series": "this series",
        "predecessor": "earlier series (not comparable)",
        "filled": "primary publication or two independent documents",
        "hollow": "single secondary copy",
        "gap": "no line across a missing year",
        "break": "Break: not comparable",
        "chart_desc": "{name}: {lines} line(s), {points} figure(s), {first}–{last}. {counts}",
        "continues": "Continues [{name}](#{id}) across a definitional break (not comparable)",
        "continued_by": "Continued by [{name}](#{id}) after a definitional break (not comparable).",
        "what_changed": "What changed",
        "counts": "What it counts",
        "coverage_link": "Coverage and sources",
        "coverage_title": "Sources and coverage",
        "coverage_intro": "For every statistical series of the "
        "[{observations}](tables/{observations}.md) table: the years it covers and the gaps, "
        "the documents its figures were read from, how well they are attested, and the "
        "definitional breaks between series. Generated at build time from the CSV files.",
        "breaks_title": "Definitional breaks",
        "no_breaks": "No series continues another.",
        "series": "Series",
        "earlier": "Earlier series (not comparable)",
        "publisher": "Publisher",
        "period_type": "Period",
        "direction": "Direction",
        "rows": "Figures",
        "years": "Years covered",
        "gaps": "Gaps",
        "none": "none",
        "line": "Country and measure",
        "attestation": "Attestation",
        "documents": "Documents",
        "source": "Source",
        "role": "Role",
        "title": "Title",
        "url": "Address",
        "role_source_id": "figures read from it",
        "role_corroborating_source_id": "corroborates",
        "role_cited_source_id": "cited by the document read",
        "described_in": "Series described in",
        "chart": "chart",
        "year_note": "Years are those in which each period starts (`period_start`).",
        "colon": ": ",
    },
    "ja": {
        "series_title": "統計系列",
        "series_intro": "公表統計の系列ごとのグラフ。[{observations}](tables/{observations}.md) "
        "表からビルド時に描画しています。国・区分ごとに1本の線で、横軸は期間の始まる年です。"
        "欠けている年で線は途切れます（補間はしません）。前後の年がない数値は点のみです。"
        "二次的な写し1つのみで確認した数値は白抜きの丸で示します。定義の変更をはさんで前の系列を"
        "引き継ぐ系列では、前の系列を同じグラフに破線で描き、変更の位置に縦線を引いています"
        "（両者は比較できません）。点にカーソルを合わせると数値・期間・出典が表示されます。"
        "各系列の出典は[出典と収録範囲](coverage.md)を参照してください。",
        "x_axis": "期間の始まる年",
        "y_axis": "学生数（人）",
        "this_series": "この系列",
        "predecessor": "前の系列（比較不可）",
        "filled": "一次資料または独立した2つの文書で確認",
        "hollow": "二次的な写し1つのみ",
        "gap": "欠けた年で線を切る",
        "break": "定義の変更：比較不可",
        "chart_desc": "{name}：線 {lines} 本、数値 {points} 件、{first}〜{last}年。{counts}",
        "continues": "定義の変更をはさんで[{name}](#{id})を引き継ぐ系列です（比較できません）",
        "continued_by": "定義の変更の後、[{name}](#{id})に引き継がれています（比較できません）。",
        "what_changed": "変更点（英語）",
        "counts": "対象",
        "coverage_link": "収録範囲と出典",
        "coverage_title": "出典と収録範囲",
        "coverage_intro": "[{observations}](tables/{observations}.md) 表の統計系列ごとに、"
        "収録している年と欠けている年、数値を読み取った文書、確認の程度、系列間の定義の変更を"
        "示します。CSV ファイルからビルド時に生成しています。",
        "breaks_title": "定義の変更",
        "no_breaks": "他の系列を引き継ぐ系列はありません。",
        "series": "系列",
        "earlier": "前の系列（比較不可）",
        "publisher": "発行機関",
        "period_type": "期間",
        "direction": "方向",
        "rows": "数値",
        "years": "収録年",
        "gaps": "欠けている年",
        "none": "なし",
        "line": "国・区分",
        "attestation": "確認の程度",
        "documents": "文書",
        "source": "出典",
        "role": "役割",
        "title": "表題",
        "url": "URL",
        "role_source_id": "数値の読み取り元",
        "role_corroborating_source_id": "裏付け",
        "role_cited_source_id": "読み取り元が引用する文書",
        "described_in": "系列の説明の出典",
        "chart": "グラフ",
        "year_note": "年は各期間の始まる年（`period_start`）です。",
        "colon": "：",
    },
}

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}#+!|<>])")


def md(text: str) -> str:
    """A CSV text for Markdown: HTML-escaped, and Markdown's special characters made literal."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", escape(text, quote=False))


def link(url: str, text: str) -> str:
    """An HTML link to ``url`` when it is an http(s) address; otherwise the escaped text."""
    if re.match(r"^https?://", url, re.IGNORECASE):
        return f'<a href="{escape(url)}">{escape(text)}</a>'
    return escape(text)


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
    return f"{name} ({key[0]}) — {measure}" if lang == "en" else f"{name}（{key[0]}）— {measure}"


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
    t = TEXT[lang]
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


def series_page(site: Site, lang: str) -> str:
    t = TEXT[lang]
    every = all_series(site)
    out = [f"# {t['series_title']}", "", t["series_intro"].format(observations=OBSERVATIONS), ""]
    for series in every.values():
        if not series.observations:
            continue
        out += [f"## {md(series.name(lang))} {{#{series.id}}}", ""]
        counts = series.row.get("counts_ja" if lang == "ja" else "counts_en", "")
        out += [f"`{series.id}` · {md(counts)}", ""]
        earlier = predecessors(series, every)
        if earlier:
            first = earlier[0]
            out += [
                t["continues"].format(name=md(first.name(lang)), id=first.id)
                + (f" — {md(series.row['break_en'])}" if series.row.get("break_en") else "."),
                "",
            ]
        for later in successors(series, every):
            out += [t["continued_by"].format(name=md(later.name(lang)), id=later.id), ""]
        out += [figure(series_chart(site, series, every, lang)), ""]
        out += [f"[{t['coverage_link']}](coverage.md#{series.id})", ""]
    return "\n".join(out)


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


def source_cell(site: Site, source_id: str) -> str:
    sources = site.package.table("sources")
    row = site.lookup("sources", "source_id", source_id)
    anchor = row_anchor(sources, row or {"source_id": source_id})
    return f'<a href="../tables/sources/#{escape(anchor)}"><code>{escape(source_id)}</code></a>'


def documents_table(site: Site, series: Series, lang: str) -> str:
    t = TEXT[lang]
    roles: dict[str, Counter[str]] = {}
    for row in series.observations:
        for role in SOURCE_ROLES:
            if row.get(role):
                roles.setdefault(row[role], Counter())[role] += 1
    body = []
    for source_id, counted in roles.items():
        row = site.lookup("sources", "source_id", source_id)
        title = row.get("title_ja") if lang == "ja" else row.get("title_en")
        title = title or row.get("title_en") or row.get("title_ja") or ""
        publisher = (row.get("publisher_ja") if lang == "ja" else None) or row.get(
            "publisher_en", ""
        )
        url = row.get("url", "")
        body.append(
            [
                source_cell(site, source_id),
                "<br>".join(f"{escape(t['role_' + r])} ({n})" for r, n in counted.items()),
                escape(title),
                escape(publisher),
                link(url, url) if url else "",
            ]
        )
    header = [t["source"], t["role"], t["title"], t["publisher"], t["url"]]
    return f'<div class="japus-coverage" markdown="0">\n{html_table(header, body)}\n</div>'


def coverage_page(site: Site, lang: str) -> str:
    t = TEXT[lang]
    every = all_series(site)
    observations = site.package.table(OBSERVATIONS)
    series_tbl = series_table(site)
    out = [f"# {t['coverage_title']}", ""]
    out += [t["coverage_intro"].format(observations=OBSERVATIONS), "", t["year_note"], ""]

    out += [f"## {t['breaks_title']}", ""]
    body = []
    for series in every.values():
        for earlier in predecessors(series, every)[:1]:
            body.append(
                [
                    f'<a href="#{escape(series.id)}">{escape(series.name(lang))}</a>',
                    f'<a href="#{escape(earlier.id)}">{escape(earlier.name(lang))}</a>',
                    escape(series.row.get("break_en", "")),
                ]
            )
    if body:
        header = [t["series"], t["earlier"], t["what_changed"]]
        out += [f'<div class="japus-coverage" markdown="0">\n{html_table(header, body)}\n</div>']
    else:
        out.append(t["no_breaks"])
    out.append("")

    for series in every.values():
        row = series.row
        out += [f"## {md(series.name(lang))} {{#{series.id}}}", ""]
        publisher = site.lookup(
            "organizations", "organization_id", row["publisher_organization_id"]
        )
        pub_name = (publisher.get("name_ja") if lang == "ja" else None) or publisher.get(
            "name_en", row["publisher_organization_id"]
        )
        facts = [
            f"<code>{escape(series.id)}</code>",
            f"{t['publisher']}{t['colon']}{escape(pub_name)}",
            f"{t['direction']}{t['colon']}"
            f"{escape(site.label(observations, 'direction', row['direction'], lang))}",
            f"{t['period_type']}{t['colon']}"
            f"{escape(site.label(observations, 'period_type', row['period_type'], lang))}",
        ]
        if series.observations:
            facts.append(f'<a href="../series/#{escape(series.id)}">{t["chart"]}</a>')
        out += [f"<p>{' · '.join(facts)}</p>", ""]
        counts = row.get("counts_ja" if lang == "ja" else "counts_en", "")
        out += [f"<p><strong>{t['counts']}</strong>{t['colon']}{escape(counts)}</p>", ""]
        chain = predecessors(series, every)
        if chain:
            out += [
                t["continues"].format(name=md(chain[0].name(lang)), id=chain[0].id)
                + (f" — {md(row['break_en'])}" if row.get("break_en") else "."),
                "",
            ]
        for later in successors(series, every):
            out += [t["continued_by"].format(name=md(later.name(lang)), id=later.id), ""]
        described = row.get("source_id", "")
        if described:
            level = site.label(
                site.package.table(series_tbl), "attestation", row["attestation"], lang
            )
            out += [
                f"<p>{t['described_in']}{t['colon']}{source_cell(site, described)} "
                f"({escape(row.get('locator', ''))}; {escape(level)})</p>",
                "",
            ]
        years = series.years()
        missing = gaps(years)
        summary = [
            [
                f"<strong>{t['series']}</strong>",
                escape(year_ranges(years)) or t["none"],
                escape(year_ranges(missing)) or t["none"],
                str(len(series.observations)),
            ]
        ]
        groups: dict[tuple[str, str, str], list[int]] = {}
        for obs in series.observations:
            groups.setdefault(line_key(obs), []).append(year(obs))
        order = country_order(site)
        for key in sorted(groups, key=lambda k: (order.get(k[0], 99), k[2])):
            ys = sorted(groups[key])
            summary.append(
                [
                    escape(line_label(site, key, lang)),
                    escape(year_ranges(ys)),
                    escape(year_ranges(gaps(ys))) or t["none"],
                    str(len(ys)),
                ]
            )
        header = [t["line"], t["years"], t["gaps"], t["rows"]]
        out += [f'<div class="japus-coverage" markdown="0">\n{html_table(header, summary)}\n</div>']
        out.append("")
        if not series.observations:
            continue
        levels = observations.field("attestation").categories or ()
        counted = Counter(o["attestation"] for o in series.observations)
        out += [f"**{t['attestation']}**", ""]
        attest = [
            [
                f"<code>{escape(level)}</code> "
                f"{escape(site.label(observations, 'attestation', level, lang))}",
                str(counted.get(level, 0)),
            ]
            for level in levels
        ]
        header = [t["attestation"], t["rows"]]
        out += [f'<div class="japus-coverage" markdown="0">\n{html_table(header, attest)}\n</div>']
        out += ["", f"**{t['documents']}**", "", documents_table(site, series, lang), ""]
    return "\n".join(out)


# The pages of this module, by name: added to the site by ``japus_docs`` (see generate).
PAGES = {"series": series_page, "coverage": coverage_page}
