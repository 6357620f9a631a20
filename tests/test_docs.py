"""The documentation site: it builds strictly, and it works in a real browser.

The site is built once (``mkdocs build --strict`` into a temporary folder) and served on
localhost. Headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright) then opens
every table page in English and Japanese and checks that the data table has one row per CSV
row, that the download link gives a file byte-identical to ``resources/<table>.csv``, that the
charts are drawn, and that the site search finds a program by name. A screenshot of every page
is saved under ``test-artifacts/screenshots/<lang>/<table>.png``.

Without Chromium the browser tests fail when the ``CI`` environment variable is set (CI must run
them: ``.ci/run`` installs Chromium) and are skipped otherwise.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urljoin, urlparse

import pytest

from japus_data.descriptor import parse_package

from .conftest import ROOT, build_site, chromium_context, served

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
PACKAGE = parse_package(ROOT)
TABLES = PACKAGE.table_names
LANGS = {"en": "", "ja": "ja/"}  # language → path prefix in the site
CHARTED = {"student_exchange", "program_participants"}  # tables whose page has a chart
PROGRAM = "fulbright"  # the program the search test looks for, by its name in each language


def csv_rows(name: str) -> list[dict[str, str]]:
    text = (ROOT / PACKAGE.table(name).path).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(ROOT, tmp_path_factory.mktemp("site"))


def test_build_is_strict_and_complete(site: Path) -> None:
    for prefix in LANGS.values():
        for page in [
            "",
            "tables/",
            "relationships/",
            "charts/",
            "claims/",
            "corrections/",
            "api/",
            "benchmarks/",
            "changelog/",
            "contributing/",
        ]:
            assert (site / prefix / page / "index.html").is_file(), prefix + page
        for name in TABLES:
            assert (site / prefix / "tables" / name / "index.html").is_file(), prefix + name


@pytest.mark.parametrize("name", TABLES)
def test_download_is_the_file_itself(site: Path, name: str) -> None:
    table = PACKAGE.table(name)
    copy = site / "data" / Path(table.path).name
    assert copy.read_bytes() == (ROOT / table.path).read_bytes()


def test_japanese_pages_take_the_japanese_metadata(site: Path) -> None:
    for table in PACKAGE.tables:
        html = (site / "ja" / "tables" / table.name / "index.html").read_text(encoding="utf-8")
        assert table.title_ja and table.title_ja in html, table.name
        assert '<html lang="ja"' in html


def test_japanese_contributing_page_is_the_translation(site: Path) -> None:
    html = (site / "ja" / "contributing" / "index.html").read_text(encoding="utf-8")
    japanese = (ROOT / "CONTRIBUTING.ja.md").read_text(encoding="utf-8")
    # Its headings (those without code) and a paragraph are on the page.
    titles = re.findall(r"^#{1,6} ([^`\n]+)$", japanese, re.MULTILINE)
    assert titles and all(escape(title) in html for title in titles), titles
    assert "日本の年度は<strong>4月1日から3月31日まで</strong>です。" in html
    # No English text and no note that the guide is written in English.
    assert "貢献の手引きは英語で記載しています" not in html
    assert "Thank you for helping keep the figures right" not in html
    assert '<html lang="ja"' in html
    # The link to the English original leads to the English page.
    link = re.search(r'<a href="([^"]+)" hreflang="en">CONTRIBUTING.md</a>', html)
    assert link is not None
    target = (site / "ja" / "contributing" / link.group(1) / "index.html").resolve()
    assert target == (site / "contributing" / "index.html").resolve()
    english = target.read_text(encoding="utf-8")
    assert "Thank you for helping keep the figures right" in english
    assert '<html lang="en"' in english
    # The changelog is not translated: its Japanese page still says so.
    changelog = (site / "ja" / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "変更履歴は英語で記録しています" in changelog


# --- in the browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with chromium_context(
        profile, accept_downloads=True, viewport={"width": 1280, "height": 900}
    ) as context:
        yield context


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    page = browser.new_page()
    try:
        yield page
    finally:
        page.close()


@pytest.mark.parametrize("lang", list(LANGS))
@pytest.mark.parametrize("name", TABLES)
def test_table_page_in_browser(base_url: str, page: Page, name: str, lang: str) -> None:
    rows = csv_rows(name)
    response = page.goto(f"{base_url}{LANGS[lang]}tables/{name}/")
    assert response is not None and response.ok
    assert page.locator("html").get_attribute("lang") == lang

    # The data table: one row per CSV row.
    assert page.locator("div.japus-data table tbody tr").count() == len(rows)

    # The download link gives the CSV file itself, byte for byte.
    link = page.locator("a.japus-download").first
    with page.expect_download() as download_info:
        link.click()
    downloaded = download_info.value.path()
    assert Path(downloaded).read_bytes() == (ROOT / PACKAGE.table(name).path).read_bytes()

    # The charts are drawn: visible, sized, one bar per row of the table.
    charts = page.locator("svg.japus-chart")
    if name in CHARTED:
        assert charts.count() >= 1
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 50
        bars = page.locator("svg.japus-chart rect.bar")
        assert bars.count() == len(rows)
        widths = [(bars.nth(i).bounding_box() or {"width": 0.0})["width"] for i in range(len(rows))]
        assert max(widths) > 100
    else:
        assert charts.count() == 0

    shot = ARTIFACTS / lang / f"{name}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)


@pytest.mark.parametrize("lang", list(LANGS))
def test_search_finds_a_program(base_url: str, page: Page, lang: str) -> None:
    program = next(r for r in csv_rows("programs") if r["program_id"] == PROGRAM)
    query = program["name_ja" if lang == "ja" else "name_en"]
    page.goto(f"{base_url}{LANGS[lang]}")
    page.locator("input.md-search__input").fill(query)
    # Material's result links carry the terms each section matched (?h=...): the section of
    # the programs page that holds the program's row matches every word of its name.
    words = set(re.split(r"[\s\-・]+", query.lower())) - {""}
    links = page.locator("a.md-search-result__link[href*='tables/programs/']")
    links.first.wait_for(state="attached", timeout=20_000)
    targets = [
        urljoin(page.url, links.nth(i).get_attribute("href") or "") for i in range(links.count())
    ]
    assert all(t.startswith(f"{base_url}{LANGS[lang]}tables/programs/") for t in targets), targets
    matched = [set(" ".join(parse_qs(urlparse(t).query).get("h", [])).split()) for t in targets]
    assert any(words <= m for m in matched), (words, targets)
    shot = ARTIFACTS / lang / "search.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))


def test_included_files_keep_no_link_outside_the_site() -> None:
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        from japus_pages import include as include_file
        from japus_pages import load_site, site_link
    finally:
        sys.path.pop(0)
    site = load_site(ROOT)
    text = (
        "See [the README](README.md), [the licence](LICENSE), [a table](resources/programs.csv),\n"
        "[benchmarks](docs/benchmarks.md#results) and [the web](https://datapackage.org/).\n"
        "[ref]: ./datapackage.json\n[gone]: tools/missing.py\n"
    )
    assert include_file(text, site, "") == (
        "See [the README](index.md), the licence, [a table](tables/programs.md),\n"
        "[benchmarks](benchmarks.md#results) and [the web](https://datapackage.org/).\n"
        "[ref]: data/datapackage.json\n[gone]: #\n"
    )
    assert site_link("CHANGELOG.md", site.rows) == "changelog.md"
