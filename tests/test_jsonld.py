"""What search engines read: schema.org Dataset JSON-LD, canonical links, an absolute sitemap.

The site is built once with ``JAPUS_SITE_URL`` set to another address than mkdocs.yml's
default (so the one setting is shown to reach every absolute address), then read from the
pages headless Chromium renders. The properties checked are those Google's Dataset
documentation requires or recommends
(https://developers.google.com/search/docs/appearance/structured-data/dataset).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlparse

import pytest
import yaml

from japus_data.descriptor import parse_package
from japus_data.render import script_json

from .conftest import ROOT, build_site, change_descriptor, chromium_context, served

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

SITE_URL = "https://data.example.org/japus/"
PACKAGE = parse_package(ROOT)
REQUIRED = {"name", "description"}
# Google's recommended Dataset properties this package can give (it has no funder and is in
# no data catalogue), plus what the issue asks for.
RECOMMENDED = {
    "alternateName",
    "creator",
    "citation",
    "isAccessibleForFree",
    "isBasedOn",
    "identifier",
    "keywords",
    "license",
    "measurementTechnique",
    "sameAs",
    "spatialCoverage",
    "temporalCoverage",
    "variableMeasured",
    "version",
    "url",
    "distribution",
    "publisher",
    "inLanguage",
}
PAGES = {
    "": "home",
    "ja/": "home",
    "tables/student_exchange/": "student_exchange",
    "ja/tables/student_exchange/": "student_exchange",
    "tables/countries/": "countries",
}
JSONLD = 'script[type="application/ld+json"]'


def has_periods(name: str) -> bool:
    if name == "home":
        return True
    return any(f.type == "date" and f.name.endswith("_start") for f in PACKAGE.table(name).fields)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    before = os.environ.get("JAPUS_SITE_URL")
    os.environ["JAPUS_SITE_URL"] = SITE_URL
    try:
        yield build_site(ROOT, tmp_path_factory.mktemp("site"))
    finally:
        if before is None:
            del os.environ["JAPUS_SITE_URL"]
        else:
            os.environ["JAPUS_SITE_URL"] = before


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with chromium_context(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@pytest.fixture(scope="module")
def rendered(site: Path, browser: BrowserContext) -> dict[str, list[Any]]:
    """Each checked page's JSON-LD blocks, parsed from the DOM Chromium built."""
    found = {}
    with served(site) as base:
        page = browser.new_page()
        try:
            for path in PAGES:
                page.goto(base + path)
                texts = page.locator(JSONLD).all_text_contents()
                found[path] = [json.loads(text) for text in texts]
        finally:
            page.close()
    return found


@pytest.mark.parametrize("path", list(PAGES))
def test_page_has_one_dataset_with_google_s_properties(
    rendered: dict[str, list[Any]], path: str
) -> None:
    [data] = rendered[path]
    assert data["@context"] == "https://schema.org/" and data["@type"] == "Dataset"
    wanted = REQUIRED | RECOMMENDED
    if not has_periods(PAGES[path]):  # a catalogue (countries) covers no period of its own
        assert "temporalCoverage" not in data
        wanted -= {"temporalCoverage"}
    missing = wanted - data.keys()
    assert not missing, f"{path}: no {sorted(missing)}"
    assert 50 <= len(data["description"]) <= 5000
    assert data["url"] == SITE_URL + path
    assert data["version"] == PACKAGE.version
    assert data["inLanguage"] == ["en", "ja"]
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["isAccessibleForFree"] is True
    if "temporalCoverage" in data:
        coverage = data["temporalCoverage"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d/\d{4}-\d\d-\d\d", coverage)
        start, end = coverage.split("/")
        assert start <= end
    places = [p["name"] for p in data["spatialCoverage"]]
    assert places[0] == "Japan" and "United States of America" in places
    assert data["creator"][0]["name"] == "japus-data contributors"
    assert any("MEXT" in c for c in data["citation"])
    for download in data["distribution"]:
        assert download["@type"] == "DataDownload" and download["encodingFormat"]
        assert urlparse(download["contentUrl"]).scheme == "https"


def test_home_describes_the_package_and_its_parts(
    rendered: dict[str, list[Any]], site: Path
) -> None:
    [data] = rendered[""]
    raw = PACKAGE.raw
    assert data["name"] == raw["title"] and data["description"] == raw["description"]
    assert raw["title_ja"] in data["alternateName"]
    assert data["keywords"] == raw["keywords"]
    assert [p["name"] for p in data["hasPart"]] == [t.title for t in PACKAGE.tables]
    # Every period of the data is inside the coverage (student_exchange from 1949 on).
    assert data["temporalCoverage"].startswith("1949-")
    based_on = {w["name"] for w in data["isBasedOn"]}
    assert "Japan–US Cooperation in People-to-People Exchange and Science and Technology" in (
        based_on
    )
    assert "Survey of International Students in Japan, FY2024" in based_on
    formats = {d["encodingFormat"] for d in data["distribution"]}
    assert {"text/csv", "application/vnd.sqlite3", "application/json"} <= formats
    csvs = [d for d in data["distribution"] if d["encodingFormat"] == "text/csv"]
    assert len(csvs) == len(PACKAGE.tables)
    assert all(d["contentUrl"].startswith(SITE_URL) for d in csvs)
    repository = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    releases = repository["project"]["urls"]["Repository"] + "/releases/download/"
    on_site = [d for d in data["distribution"] if d["contentUrl"].startswith(SITE_URL)]
    for download in on_site:  # each address on the site is a file of the built site
        assert (site / download["contentUrl"].removeprefix(SITE_URL)).is_file()
    assert len(on_site) == len(PACKAGE.tables) + 1  # the CSV files and the descriptor
    exports = [d for d in data["distribution"] if d not in on_site]
    assert exports and all(d["contentUrl"].startswith(releases) for d in exports)


def test_table_page_is_a_part_of_the_package(rendered: dict[str, list[Any]]) -> None:
    [data] = rendered["ja/tables/student_exchange/"]
    table = PACKAGE.table("student_exchange")
    assert data["isPartOf"]["@id"] == SITE_URL
    assert data["@id"] == SITE_URL + "tables/student_exchange/"  # one id in both languages
    assert [v["name"] for v in data["variableMeasured"]] == table.field_names
    [download] = data["distribution"]
    assert download["contentUrl"] == SITE_URL + "data/student_exchange.csv"
    names = {w["name"] for w in data["isBasedOn"]}
    assert names == {s["title"] for s in table.sources}


def test_canonical_links_and_sitemap_are_absolute(site: Path) -> None:
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > 40
    for page in pages:
        html = page.read_text(encoding="utf-8")
        path = page.parent.relative_to(site).as_posix()
        expected = SITE_URL + ("" if path == "." else f"{path}/")
        assert f'<link rel="canonical" href="{expected}">' in html, page
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert locations and all(loc.startswith(SITE_URL) for loc in locations)
    assert SITE_URL + "ja/tables/countries/" in sitemap


def test_site_url_is_in_one_place_and_the_other_addresses_agree() -> None:
    """mkdocs.yml's default site_url is the descriptor's homepage and pyproject's
    Documentation URL; CITATION.cff's url follows the descriptor."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    [default] = re.findall(r'^site_url: !ENV \[JAPUS_SITE_URL, "([^"]+)"\]$', text, re.M)
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert default == PACKAGE.raw["homepage"] == urls["urls"]["Documentation"]
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["url"] == default


# --- hostile text ----------------------------------------------------------------------------

HOSTILE = "</script><script>window.pwned = 1</script><!-- <script> \u2028 & ]]> --!>"


def test_script_json_never_closes_its_element() -> None:
    value = {"name": HOSTILE, "list": [HOSTILE, "</SCRIPT >", "<!--"]}
    text = script_json(value)
    assert json.loads(text) == value
    for unsafe in ("<", ">", "&", "\u2028"):
        assert unsafe not in text


@pytest.fixture(scope="module")
def jsonld_hook() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        import japus_jsonld

        yield japus_jsonld
    finally:
        sys.path.remove(str(ROOT / "docs" / "hooks"))


def test_hostile_descriptor_text_stays_data_in_the_browser(
    jsonld_hook: ModuleType, package_copy: Path, tmp_path: Path, browser: BrowserContext
) -> None:
    """A title and description that try to close the script: Chromium still sees one JSON-LD
    block, holding the text as it was, and runs nothing."""

    def change(raw: dict[str, Any]) -> None:
        raw.update(title=HOSTILE, description=HOSTILE * 5)

    change_descriptor(package_copy, change)
    config = cast(Any, SimpleNamespace(config_file_path=str(package_copy / "mkdocs.yml")))
    config.site_url = SITE_URL
    jsonld_hook.on_config(config)
    try:
        shell = "<!doctype html><html><head><title>t</title></head><body><p>ok</p></body></html>"
        page_object = cast(Any, SimpleNamespace(url=""))
        out = jsonld_hook.on_post_page(shell, page_object, config)
    finally:
        jsonld_hook._state.clear()  # the next build reads the repository again
    (tmp_path / "index.html").write_text(out, encoding="utf-8")
    with served(tmp_path) as base:
        page = browser.new_page()
        try:
            page.goto(base)
            assert page.evaluate("() => window.pwned") is None
            assert page.locator("script").count() == 1
            [text] = page.locator(JSONLD).all_text_contents()
            assert page.locator("p").inner_text() == "ok"
        finally:
            page.close()
    data = json.loads(text)
    assert data["name"] == HOSTILE
    assert data["description"].startswith(HOSTILE)
