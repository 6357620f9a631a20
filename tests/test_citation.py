"""How to cite: CITATION.cff, the citations in the descriptor, and `japus-data cite`."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

import japus_data
from japus_data.citation import read_sources, source_citation
from japus_data.cli import main
from japus_data.descriptor import Package
from japus_data.errors import UnknownTableError
from japus_data.render import bibtex

from .conftest import ROOT

CFF = ROOT / "CITATION.cff"
TABLES = japus_data.tables()


def cff() -> dict[str, object]:
    data = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_citation_cff_has_the_required_keys_of_cff_1_2_0() -> None:
    data = cff()
    assert data["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert isinstance(data[key], str if key != "authors" else list) and data[key], key
    authors = data["authors"]
    assert isinstance(authors, list)
    for author in authors:
        assert isinstance(author, dict)
        assert author.get("name") or author.get("family-names"), author
    assert data["type"] in ("software", "dataset")
    assert data["license"] == "CC-BY-4.0"
    date.fromisoformat(str(data["date-released"]))
    references = data["references"]
    assert isinstance(references, list)
    for reference in references:
        assert {"type", "title", "authors"} <= reference.keys()


def test_citation_cff_version_is_the_data_package_version(package: Package) -> None:
    """The version has one source, datapackage.json; CITATION.cff must follow it."""
    version = cff()["version"]
    assert isinstance(version, str), "quote the version in CITATION.cff"
    assert version == package.version, (
        f"CITATION.cff has version {version}, datapackage.json {package.version}: bump both"
    )


def test_every_source_entry_carries_its_full_citation(package: Package) -> None:
    rows = read_sources(package)
    entries = list(package.raw["sources"])
    for resource in package.raw["resources"]:
        entries += resource.get("sources", [])
    assert entries
    for entry in entries:
        assert entry["source_id"] in rows, entry
        assert entry["citation"] == source_citation(rows[entry["source_id"]], rows), entry


@pytest.mark.parametrize("style", ["text", "apa", "bibtex"])
def test_cite_the_package(style: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cite", "--format", style]) == 0
    out = capsys.readouterr().out
    assert japus_data.__version__ in out
    assert "japus-data contributors" in out
    assert "Ministry of Education, Culture, Sports, Science and Technology (MEXT)" in out
    assert "人的交流・科学技術分野における日米協力について" in out
    assert "Creative Commons Attribution 4.0" in out
    if style == "bibtex":
        assert re.findall(r"^@misc\{([^,]+),$", out, re.M) == [
            f"japus-data-{japus_data.__version__}",
            "mext-2025-12-18",
        ]
        assert out.count("{") == out.count("}")
    if style == "apa":
        assert "(2025, December 18)" in out and "[Data set]" in out


@pytest.mark.parametrize("name", TABLES)
def test_cite_a_table_names_the_sources_of_its_rows(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = japus_data.load(name)
    sources = japus_data.load_sources().set_index("source_id")
    assert main(["cite", name, "--format", "bibtex"]) == 0
    out = capsys.readouterr().out
    keys = set(re.findall(r"^@misc\{([^,]+),$", out, re.M))
    assert set(frame["source_id"]) <= keys
    assert "mext-2025-12-18" in keys
    for source_id in set(frame["source_id"]):
        publisher = str(sources.loc[source_id, "publisher_en"])
        assert "{" + bibtex(publisher) + "}" in out


def test_cite_student_exchange_lists_the_surveys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cite", "student_exchange"]) == 0
    out = capsys.readouterr().out
    for text in ("JASSO", "Open Doors", "Education at a Glance", "as of 1 May 2024"):
        assert text in out
    assert "ISO 3166-1" not in out


def test_cite_an_unknown_table_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cite", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("japus-data: no table 'nope'") and len(err.splitlines()) == 1


def test_cite_a_table_in_apa_exactly(package: Package, capsys: pytest.CaptureFixture[str]) -> None:
    """The whole APA text for one table: heading, the package, the briefing, then the
    standard its codes come from, in that order; the Python function prints the same."""
    assert main(["cite", "countries", "--format", "apa"]) == 0
    out = capsys.readouterr().out
    assert out == japus_data.cite("countries", "apa")
    heading, dataset, briefing, iso = out.rstrip("\n").split("\n\n")
    assert heading == (
        "Cite table countries (Countries / 国) of the data package, "
        "and the sources its rows come from:"
    )
    assert dataset.startswith(
        f"japus-data contributors. ({package.raw['created'][:4]}). {package.raw['title']} "
        f"(Version {package.version}) [Data set]. Licence: Creative Commons Attribution 4.0 "
        "International (https://creativecommons.org/licenses/by/4.0/). "
    )
    assert dataset.endswith(package.raw["attribution"])
    assert briefing == (
        "Ministry of Education, Culture, Sports, Science and Technology (MEXT). "
        "(2025, December 18). 人的交流・科学技術分野における日米協力について "
        "[Japan–US Cooperation in People-to-People Exchange and Science and Technology]."
    )
    assert iso == (
        "International Organization for Standardization (ISO). (n.d.). ISO 3166-1: Codes for "
        "the representation of names of countries and their subdivisions — Part 1: Country code."
    )


@pytest.mark.parametrize("name", ["student_exchange", "countries"])
def test_frame_attrs_carry_licence_attribution_and_citation(name: str, package: Package) -> None:
    attrs = japus_data.load(name).attrs
    assert attrs["licenses"] == package.raw["licenses"]
    assert attrs["attribution"] == package.raw["attribution"]
    assert package.version in attrs["citation"] and "MEXT" in attrs["citation"]


def test_readme_and_licence_cite_the_same_source(package: Package) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "japus-data cite" in readme
    assert f"version {package.version}" in readme
    assert f"（japus-data {package.version}、CC BY 4.0）" in readme
    assert Path(ROOT / "LICENSE-DATA.md").is_file()


@pytest.mark.parametrize(
    ("first", "author"),
    [
        ({"givenName": "Hanako", "familyName": "Yamada", "roles": ["creator"]}, "Hanako Yamada"),
        ({"familyName": "Yamada"}, "Yamada"),
        ({"organization": "MEXT", "email": "a@example.org"}, "MEXT"),
        ({"email": "a@example.org"}, "a@example.org"),
        ({"roles": ["creator"]}, "japus-data contributors"),
    ],
)
def test_a_contributor_without_a_title_is_cited_by_name(
    package_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    first: dict[str, object],
    author: str,
) -> None:
    """The profile allows a contributor with names and no title: load, cite, show, export."""
    path = package_copy / "datapackage.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["contributors"][0] = first
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert japus_data.load("countries", package_copy).attrs["citation"].startswith(author)
    assert japus_data.cite("countries", root=package_copy).splitlines()[2].startswith(author)
    assert main(["show", "countries", "--path", str(package_copy)]) == 0
    assert main(["cite", "--path", str(package_copy)]) == 0
    assert (
        main(
            [
                "export",
                "--format",
                "json",
                "--out",
                str(tmp_path / "out"),
                "--path",
                str(package_copy),
            ]
        )
        == 0
    )
    assert "Traceback" not in capsys.readouterr().err


def test_cite_an_unknown_table_raises_one_clear_error() -> None:
    """The check lives in cite(); the command prints its message (exit 2, tested above)."""
    with pytest.raises(UnknownTableError) as caught:
        japus_data.cite("nope")
    assert str(caught.value) == f"no table 'nope'; tables: {', '.join(TABLES)}"
    assert isinstance(caught.value, japus_data.errors.JapusDataError)


def test_the_command_parses_the_package_once_before_citing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import japus_data.verify

    calls: list[object] = []
    real = japus_data.verify.package_at

    def counting(root: object) -> Package:
        calls.append(root)
        return real(root)  # type: ignore[arg-type]

    monkeypatch.setattr(japus_data.verify, "package_at", counting)
    assert main(["cite", "nope", "--path", str(ROOT)]) == 2
    assert capsys.readouterr().err == (
        f"japus-data: no table 'nope'; tables: {', '.join(TABLES)}\n"
    )
    assert len(calls) == 1
    calls.clear()
    assert main(["cite", "--path", str(ROOT)]) == 0
    # cite() itself; the sources are read from that package: no parse of its own.
    assert len(calls) == 1
