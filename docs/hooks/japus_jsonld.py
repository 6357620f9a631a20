"""MkDocs hook: schema.org ``Dataset`` metadata (JSON-LD) for dataset search engines.

The home page (in each language) describes the data package; each table page describes its
table as a ``Dataset`` that ``isPartOf`` the package. Everything comes from
``datapackage.json`` (through ``japus_data.descriptor``), the rows (periods, countries, the
sources catalogue) and ``pyproject.toml`` (the repository, for the release downloads): no
hand-kept copy. The JSON is written by ``japus_data.render.script_json``, so that no text of
the data can close the ``<script>`` element.

Properties follow Google's Dataset documentation
(https://developers.google.com/search/docs/appearance/structured-data/dataset): required
``name`` and ``description`` (50 to 5000 characters); recommended ``alternateName``,
``creator``, ``citation``, ``hasPart`` / ``isPartOf``, ``isAccessibleForFree``,
``isBasedOn``, ``identifier``, ``keywords``, ``license``, ``measurementTechnique``,
``sameAs``, ``spatialCoverage``, ``temporalCoverage``, ``variableMeasured``, ``version``,
``url`` and ``distribution`` (``contentUrl``, ``encodingFormat``); see also
https://schema.org/Dataset. ``funder`` and ``includedInDataCatalog`` are left out: the
package has no funder and is in no catalogue.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from japus_site import DATA_DIR, Site, download_name, load_site
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from japus_data.citation import contributor_name, package_publisher
from japus_data.descriptor import Table
from japus_data.render import safe_url, script_json

DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 5000  # Google's bounds for a Dataset's description
LANGUAGES = ["en", "ja"]
PREFIX = {"en": "", "ja": "ja/"}  # each language's folder in the site (mkdocs-static-i18n)
SOURCES = "sources"
COUNTRIES = "countries"
BASIS_KINDS = ("briefing", "statistical_survey", "statistical_publication")
HOME_COUNTRY = "Japan"
# The files attached to each GitHub release (RELEASING.md): name template and media type.
EXPORTS = (
    ("japus-data-{version}-parquet.zip", "application/zip", "Apache Parquet, one file a table"),
    ("japus-data.sqlite", "application/vnd.sqlite3", "SQLite database"),
    (
        "japus-data.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel workbook",
    ),
    ("datapackage.json", "application/json", "Data package with inline data (JSON)"),
)
MEASUREMENT = (
    "Figures and facts transcribed from a government briefing and the statistical surveys it "
    "cites, each with its source document, locator and attestation; validated against a "
    "Frictionless Table Schema."
)
MARK = '<script type="application/ld+json">'

_state: dict[str, Any] = {}


def repository_url(root: Path) -> str | None:
    """The repository's address, from ``[project.urls] Repository`` of pyproject.toml."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    urls = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {}).get("urls", {})
    url = urls.get("Repository")
    return safe_url(url.rstrip("/")) if isinstance(url, str) else None


def _description(text: str, fallback: str) -> str:
    """A description within Google's bounds: ``fallback`` appended when too short, cut at
    the maximum (on a word) when too long."""
    text = text.strip()
    if len(text) < DESCRIPTION_MIN:
        text = f"{text} {fallback}".strip()
    if len(text) > DESCRIPTION_MAX:
        text = text[: DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…"
    return text


def _organization(name: str, url: str | None = None) -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "Organization", "name": name}
    if url:
        org["url"] = url
    return org


def _periods(site: Site, tables: list[Table]) -> str | None:
    """ISO 8601 interval from the earliest start to the latest end of the tables' periods
    (date fields named ``*_start`` / ``*_end``)."""
    starts: list[str] = []
    ends: list[str] = []
    for table in tables:
        for f in table.fields:
            if f.type != "date" or not f.name.endswith(("_start", "_end")):
                continue
            values = [r[f.name] for r in site.rows[table.name] if r.get(f.name)]
            (starts if f.name.endswith("_start") else ends).extend(values)
    if not starts and not ends:
        return None
    return f"{min(starts or ends)}/{max(ends or starts)}"


def _places(site: Site) -> list[dict[str, Any]]:
    """Japan and every partner country of the countries table."""
    rows = site.rows.get(COUNTRIES, [])
    names = [r["name_en"] for r in rows if r.get("is_partner") == "true" and r.get("name_en")]
    return [{"@type": "Country", "name": name} for name in dict.fromkeys([HOME_COUNTRY, *names])]


def _based_on(site: Site, ids: list[str] | None = None) -> list[dict[str, Any]]:
    """The briefing and the surveys (the sources catalogue's documents of those kinds), or
    the documents ``ids`` names."""
    out = []
    for row in site.rows.get(SOURCES, []):
        wanted = row.get("source_id") in ids if ids is not None else row.get("kind") in BASIS_KINDS
        if not wanted:
            continue
        work: dict[str, Any] = {
            "@type": "CreativeWork",
            "name": row.get("title_en") or row.get("title_ja", ""),
            "publisher": _organization(row.get("publisher_en") or row.get("publisher_ja", "")),
        }
        if row.get("title_ja"):
            work["alternateName"] = row["title_ja"]
        if row.get("date_published"):
            work["datePublished"] = row["date_published"]
        url = safe_url(row["url"]) if row.get("url") else None
        if url:
            work["url"] = url
        out.append(work)
    return out


def _csv_download(site_url: str, table: Table) -> dict[str, Any]:
    return {
        "@type": "DataDownload",
        "name": f"{table.name}.csv",
        "encodingFormat": "text/csv",
        "contentUrl": urljoin(site_url, f"{DATA_DIR}/{download_name(table)}"),
    }


def _exports(repository: str | None, version: str) -> list[dict[str, Any]]:
    if not repository:
        return []
    release = f"{repository}/releases/download/v{version}/"
    return [
        {
            "@type": "DataDownload",
            "name": name.format(version=version),
            "description": what,
            "encodingFormat": media,
            "contentUrl": release + name.format(version=version),
        }
        for name, media, what in EXPORTS
    ]


def _common(site: Site, repository: str | None) -> dict[str, Any]:
    package = site.package
    creators = [
        contributor_name(c) for c in package.contributors if "creator" in (c.get("roles") or [])
    ]
    licences = [lic.get("path") for lic in package.licenses]
    common: dict[str, Any] = {
        "creator": [_organization(c, repository) for c in creators if c],
        "publisher": _organization(package_publisher(package), repository),
        "version": site.package.version,
        "isAccessibleForFree": True,
        "inLanguage": LANGUAGES,
        "measurementTechnique": MEASUREMENT,
        "citation": [s["citation"] for s in package.sources if isinstance(s.get("citation"), str)],
    }
    licence = next((safe_url(u) for u in licences if isinstance(u, str) and safe_url(u)), None)
    if licence:
        common["license"] = licence
    if package.created:
        common["datePublished"] = package.created[:10]
    return common


def package_dataset(
    site: Site, site_url: str, repository: str | None, lang: str = "en"
) -> dict[str, Any]:
    """The data package as a schema.org Dataset, as described on the home page in ``lang``
    (its ``url``; the ``@id`` is the same in every language)."""
    package = site.package
    here = urljoin(site_url, PREFIX[lang])
    url = urljoin(site_url, "")
    dataset: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": url,
        "name": package.title or package.name,
        "alternateName": [a for a in (package.title_ja, package.name) if a],
        "description": _description(package.description, MEASUREMENT),
        "url": here,
        "identifier": url,
        "keywords": list(package.keywords),
        **_common(site, repository),
        "spatialCoverage": _places(site),
        "isBasedOn": _based_on(site),
        "variableMeasured": [t.title for t in package.tables],
        "hasPart": [
            {
                "@type": "Dataset",
                "@id": urljoin(site_url, f"tables/{t.name}/"),
                "name": t.title,
                "url": urljoin(here, f"tables/{t.name}/"),
            }
            for t in package.tables
        ],
        "distribution": [_csv_download(site_url, t) for t in package.tables]
        + [
            {
                "@type": "DataDownload",
                "name": "datapackage.json",
                "description": "Frictionless Data Package (v2) descriptor of the CSV files",
                "encodingFormat": "application/json",
                "contentUrl": urljoin(site_url, f"{DATA_DIR}/datapackage.json"),
            }
        ]
        + _exports(repository, package.version),
    }
    if repository:
        dataset["sameAs"] = repository
    temporal = _periods(site, list(package.tables))
    if temporal:
        dataset["temporalCoverage"] = temporal
    return dataset


def table_dataset(
    site: Site, table: Table, site_url: str, repository: str | None, lang: str = "en"
) -> dict[str, Any]:
    """One table as a schema.org Dataset, part of the package's, as its page in ``lang``
    describes it."""
    package = site.package
    url = urljoin(site_url, f"tables/{table.name}/")
    here = urljoin(site_url, f"{PREFIX[lang]}tables/{table.name}/")
    package_title = package.title or package.name
    rows = len(site.rows[table.name])
    context = f"Table {table.name} of {package_title}: {rows} rows."
    ids = [str(s.get("source_id")) for s in table.sources if isinstance(s, dict)]
    dataset: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": url,
        "name": f"{table.title} ({package.name})",
        "alternateName": [a for a in (table.title_ja, table.name) if a],
        "description": _description(f"{table.description} {context}", MEASUREMENT),
        "url": here,
        "identifier": url,
        "keywords": [*package.keywords, table.name],
        **_common(site, repository),
        "isPartOf": {"@type": "Dataset", "@id": urljoin(site_url, ""), "name": package_title},
        "spatialCoverage": _places(site),
        "isBasedOn": _based_on(site, ids),
        "variableMeasured": [
            {"@type": "PropertyValue", "name": f.name, "description": f.description or f.title}
            for f in table.fields
        ],
        "distribution": [_csv_download(site_url, table)],
    }
    if repository:
        dataset["sameAs"] = f"{repository}/blob/main/{table.path}"
    temporal = _periods(site, [table])
    if temporal:
        dataset["temporalCoverage"] = temporal
    return dataset


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # After japus_docs has staged the docs: the package is read from the repository root.
    # Read on every build (mkdocs serve rebuilds after a CSV changes).
    root = Path(config.config_file_path).resolve().parent
    _state.update(site=load_site(root), repository=repository_url(root))
    return config


def _dataset_for(page: Page, site_url: str) -> dict[str, Any] | None:
    site: Site = _state["site"]
    lang = "ja" if page.url.startswith(PREFIX["ja"]) else "en"
    path = page.url.removeprefix(PREFIX[lang])
    if path == "":
        return package_dataset(site, site_url, _state["repository"], lang)
    parts = path.strip("/").split("/")
    if len(parts) == 2 and parts[0] == "tables" and parts[1] in site.package.table_names:
        table = site.package.table(parts[1])
        return table_dataset(site, table, site_url, _state["repository"], lang)
    return None


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Write the page's Dataset into its ``<head>``."""
    if not config.site_url:
        raise PluginError("japus_jsonld: site_url is not set (mkdocs.yml, JAPUS_SITE_URL)")
    dataset = _dataset_for(page, config.site_url)
    if dataset is None or MARK in output:
        return output
    script = f"{MARK}\n{script_json(dataset)}\n</script>\n"
    head_end = output.find("</head>")
    if head_end < 0:
        return output
    return output[:head_end] + script + output[head_end:]
