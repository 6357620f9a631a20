"""The series pages of the site: a line chart per statistical series, and its sources and coverage.

The site is built once (``mkdocs build --strict``); the assertions read the built HTML and
compare it with the CSV files: one chart per series that has figures, in each language; a
missing year breaks a line (the number of drawn segments is computed from the CSV); a
definitional break draws the earlier series and a marker; the coverage page lists every series
and every source the figures cite. The briefing's chart on the charts page draws only the
briefing's own rows.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from types import ModuleType

import pytest

from japus_data.descriptor import parse_package

from .conftest import ROOT, build_site

PACKAGE = parse_package(ROOT)
LANGS = {"en": "", "ja": "ja/"}  # language → path prefix in the site
SOURCE_COLUMNS = ("source_id", "cited_source_id", "corroborating_source_id")
LINE_CHART = re.compile(
    r'<svg class="japus-chart japus-line-chart"(?P<attrs>[^>]*)>(?P<body>.*?)</svg>', re.DOTALL
)


def csv_rows(name: str) -> list[dict[str, str]]:
    text = (ROOT / PACKAGE.table(name).path).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


OBSERVATIONS = csv_rows("student_exchange")
SERIES = csv_rows("statistical_series")
BRIEFING = str(PACKAGE.raw["sources"][0]["source_id"])


def rows_of(series_id: str) -> list[dict[str, str]]:
    return [r for r in OBSERVATIONS if r["series_id"] == series_id]


def expected_segments(rows: list[dict[str, str]]) -> int:
    """Runs of two or more consecutive years, per country, direction and measure."""
    years: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for r in rows:
        years[(r["country_code"], r["direction"], r["measure"])].add(int(r["period_start"][:4]))
    segments = 0
    for found in years.values():
        ordered = sorted(found)
        starts = [y for y in ordered if y - 1 not in found]
        for start in starts:
            length = 0
            while start + length in found:
                length += 1
            segments += length >= 2
    return segments


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(ROOT, tmp_path_factory.mktemp("site"))


def page(site: Path, lang: str, name: str) -> str:
    return (site / LANGS[lang] / name / "index.html").read_text(encoding="utf-8")


def charts(html: str) -> dict[str, list[str]]:
    """The line charts of a page: series_id → the bodies of its charts."""
    found: dict[str, list[str]] = defaultdict(list)
    for match in LINE_CHART.finditer(html):
        series = re.search(r'data-series="([^"]*)"', match.group("attrs"))
        assert series is not None, match.group("attrs")
        found[unescape(series.group(1))].append(match.group("body"))
    return found


def count(pattern: str, text: str) -> int:
    return len(re.findall(pattern, text))


@pytest.mark.parametrize("lang", list(LANGS))
def test_one_chart_per_series_with_figures(site: Path, lang: str) -> None:
    found = charts(page(site, lang, "series"))
    with_rows = [s["series_id"] for s in SERIES if rows_of(s["series_id"])]
    assert with_rows, "no series has figures"
    assert sorted(found) == sorted(with_rows)
    assert all(len(bodies) == 1 for bodies in found.values()), found.keys()
    for series_id, (body,) in found.items():
        # Accessible: a title and a description.
        assert "<title id=" in body and "<desc id=" in body, series_id


@pytest.mark.parametrize("lang", list(LANGS))
def test_a_missing_year_breaks_the_line(site: Path, lang: str) -> None:
    found = charts(page(site, lang, "series"))
    for series_id, (body,) in found.items():
        rows = rows_of(series_id)
        segments = count(r'<polyline class="segment" data-role="series"', body)
        assert segments == expected_segments(rows), series_id
        # One dot per figure; open dots for those read in a single secondary copy.
        assert count(r'<circle class="point[^"]*" data-role="series"', body) == len(rows)
        hollow = sum(r["attestation"] == "single_secondary_source" for r in rows)
        assert count(r'<circle class="point secondary" data-role="series"', body) == hollow


def test_the_data_has_a_gap() -> None:
    """At least one line of a series misses a year between its first and last (else the
    segment test could not tell a broken line from a joined one)."""
    lines: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for r in OBSERVATIONS:
        lines[(r["series_id"], r["country_code"], r["measure"])].add(int(r["period_start"][:4]))
    assert any(max(ys) - min(ys) + 1 > len(ys) > 1 for ys in lines.values())


@pytest.mark.parametrize("lang", list(LANGS))
def test_definitional_breaks_are_marked(site: Path, lang: str) -> None:
    found = charts(page(site, lang, "series"))
    by_id = {s["series_id"]: s for s in SERIES}
    checked = 0
    for series_id, (body,) in found.items():
        earlier = by_id[series_id]["preceded_by_series_id"]
        if earlier and rows_of(earlier):
            checked += 1
            dots = count(r'<circle class="point[^"]*" data-role="predecessor"', body)
            assert dots == len(rows_of(earlier)), series_id
            assert count(r'<g class="break">', body) >= 1, series_id
            assert "stroke-dasharray" in body
        elif not earlier:
            assert 'data-role="predecessor"' not in body, series_id
            assert '<g class="break">' not in body, series_id
    assert checked, "no series continues another that has figures"


@pytest.mark.parametrize("lang", list(LANGS))
def test_coverage_lists_every_series_and_source(site: Path, lang: str) -> None:
    html = page(site, lang, "coverage")
    for series in SERIES:
        assert f'id="{series["series_id"]}"' in html, series["series_id"]
    cited = {r[c] for r in OBSERVATIONS for c in SOURCE_COLUMNS if r.get(c)}
    assert cited
    for source_id in sorted(cited):
        assert f"<code>{source_id}</code>" in html, source_id
    # Addresses are links only when they are http(s).
    sources = {r["source_id"]: r for r in csv_rows("sources")}
    for source_id in cited:
        url = sources[source_id]["url"]
        if url.startswith(("http://", "https://")):
            assert 'href="' + url.replace("&", "&amp;") + '"' in html, source_id
    # The years and the gaps of each series: its first and last year are on the page.
    for series in SERIES:
        years = sorted({int(r["period_start"][:4]) for r in rows_of(series["series_id"])})
        if years:
            assert str(years[0]) in html and str(years[-1]) in html


@pytest.mark.parametrize("lang", list(LANGS))
def test_pages_are_in_the_nav(site: Path, lang: str) -> None:
    home = page(site, lang, "")
    assert 'href="series/"' in home and 'href="coverage/"' in home


@pytest.mark.parametrize("lang", list(LANGS))
def test_briefing_chart_draws_only_the_briefing_rows(site: Path, lang: str) -> None:
    html = page(site, lang, "charts")
    svgs = re.findall(r'<svg[^>]*id="chart-student-exchange-[^"]*".*?</svg>', html, re.DOTALL)
    bars = sum(count(r'<rect class="bar"', svg) for svg in svgs)
    briefing = [r for r in OBSERVATIONS if r["source_id"] == BRIEFING]
    assert briefing and bars == len(briefing)


@pytest.fixture(scope="module")
def hooks() -> Iterator[dict[str, ModuleType]]:
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        import japus_charts
        import japus_series

        yield {"charts": japus_charts, "series": japus_series}
    finally:
        sys.path.remove(str(ROOT / "docs" / "hooks"))


def test_chart_text_is_escaped(hooks: dict[str, ModuleType]) -> None:
    c = hooks["charts"]
    evil = '<script>alert("x")</script> & "quotes"'
    point = c.Point(year=2020, value=5, hollow=True, tip=evil)
    lines = [c.Line("k<", evil, (point, c.Point(2021, 7, False, evil)))]
    words = c.LineText(evil, evil, evil, evil, evil, evil, evil)
    svg = c.line_chart(evil, evil, lines, [c.Break(2020.5, evil)], words, "en", 'id"x', {"s": evil})
    assert "<script>" not in svg and 'id"x' not in svg
    assert "&lt;script&gt;" in svg
    assert count(r'<polyline class="segment"', svg) == 1
    # A gap: two runs of one year each draw no segment, only dots.
    gapped = [c.Line("k", "k", (c.Point(2020, 5, False, ""), c.Point(2022, 7, False, "")))]
    svg = c.line_chart("t", "d", gapped, [], words, "en", "g")
    assert count(r'<polyline class="segment"', svg) == 0
    assert count(r'<circle class="point"', svg) == 2


def test_only_web_addresses_become_links(hooks: dict[str, ModuleType]) -> None:
    link = hooks["series"].link
    assert link("https://example.org/?a=1&b=2", "x") == (
        '<a href="https://example.org/?a=1&amp;b=2">x</a>'
    )
    assert link("javascript:alert(1)", "<b>") == "&lt;b&gt;"
    assert "<a" not in link("file:///etc/passwd", "f")
