"""How to cite: CITATION.cff, the citations in the descriptor, and `japus-data cite`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import japus_data
from japus_data.citation import japanese_date, render_cff, source_citation
from japus_data.citing import read_sources
from japus_data.cli import main
from japus_data.descriptor import Package, parse_package
from japus_data.errors import UnknownTableError
from japus_data.render import bibtex
from japus_data.render import html as escape_html
from japus_data.render import markdown as escape_markdown

from .conftest import ROOT, change_descriptor

CFF = ROOT / "CITATION.cff"
TABLES = japus_data.tables()


def cff() -> dict[str, object]:
    data = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


CFF_SCHEMA = ROOT / "schemas" / "cff-1.2.0.json"


def cff_problems(data: object) -> list[str]:
    """Where ``data`` breaks the official CFF 1.2.0 schema (kept in the repository)."""
    import jsonschema

    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_citation_cff_is_valid_against_the_cff_1_2_0_schema() -> None:
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    assert cff_problems(cff()) == []
    # The check can fail: a CFF without authors, or with an unknown key, is refused.
    assert cff_problems({k: v for k, v in cff().items() if k != "authors"})
    assert cff_problems({**cff(), "repository-url": "x"})


def test_citation_cff_is_generated_from_the_descriptor(package: Package) -> None:
    """Drift: the file is exactly what `japus-data generate` (make hash) writes."""
    assert CFF.read_text(encoding="utf-8") == render_cff(package), "run `make hash`"
    data = cff()
    assert data["title"] == package.raw["title"]
    assert data["abstract"] == package.raw["description"]
    assert data["keywords"] == package.raw["keywords"]
    assert data["url"] == package.raw["homepage"]
    assert data["date-released"] == package.raw["created"][:10]
    assert data["authors"] == [{"name": "japus-data contributors"}]
    references = data["references"]
    assert isinstance(references, list)
    [briefing] = references
    assert briefing["date-published"] == "2025-12-18"
    assert briefing["title"].startswith("人的交流・科学技術分野における日米協力について (")


def test_citation_cff_follows_a_hostile_descriptor(package_copy: Path) -> None:
    """Whatever the descriptor holds, the file parses back to the same text and stays valid."""
    hostile = 'x: "y"\n- z #c \u2028 \x85 \\ \ufeff: {[&*!|>\'%@`'

    def change(raw: dict[str, object]) -> None:
        raw.update(title=hostile, description=hostile * 3, keywords=[hostile, "- a"])

    change_descriptor(package_copy, change)
    text = render_cff(parse_package(package_copy))
    data = yaml.safe_load(text)
    assert data["title"] == hostile and data["keywords"] == [hostile, "- a"]
    assert cff_problems(data) == []


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


@pytest.mark.parametrize("style", ["text", "apa", "apa-md", "apa-html", "bibtex", "csl-json"])
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
    if style.startswith("apa"):
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
        f"(Version {package.version}) [Data set]. japus-data. {package.raw['homepage']} "
        "Licence: Creative Commons Attribution 4.0 "
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


BRIEFING_CREDIT = (
    "出典：文部科学省「人的交流・科学技術分野における日米協力について」（令和7年12月18日）"
    "を加工して作成（japus-data {version}、CC BY 4.0）。"
)


def test_cite_in_japanese_gives_the_credit_the_terms_of_use_ask_for(
    package: Package, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cite", "--lang", "ja"]) == 0
    out = capsys.readouterr().out
    assert out == japus_data.cite(lang="ja")
    head, dataset, credit = out.rstrip("\n").split("\n\n")
    assert head == "データパッケージとその出典を次のとおり示してください："
    assert dataset.startswith(f"japus-data contributors（2026）。{package.raw['title_ja']}、")
    assert f"バージョン {package.version}［データセット］" in dataset
    assert credit == BRIEFING_CREDIT.format(version=package.version)
    # The README shows the same credit (wrapped over two lines there).
    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace("\n", "")
    assert BRIEFING_CREDIT.format(version=package.version) in readme


def test_cite_a_table_in_japanese_lists_its_further_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["cite", "student_exchange", "--lang", "ja"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("データパッケージの表 student_exchange（")
    assert (
        "日本学生支援機構「2024(令和6)年度外国人留学生在籍状況調査」"
        "（Survey of International Students in Japan, FY2024）。対象期間：2024年5月1日時点。"
    ) in out.split("\n\n")
    assert out.count("出典：") == 1


@pytest.mark.parametrize(
    ("iso", "era", "shown"),
    [
        ("2025-12-18", True, "令和7年12月18日"),
        ("2019-05-01", True, "令和元年5月1日"),
        ("2019-04-30", True, "平成31年4月30日"),
        ("1989-01-07", True, "1989年1月7日"),
        ("2025-12-18", False, "2025年12月18日"),
        ("2024", False, "2024年"),
    ],
)
def test_japanese_dates(iso: str, era: bool, shown: str) -> None:
    assert japanese_date(iso, era=era) == shown


@pytest.mark.parametrize("style", ["apa", "bibtex", "csl-json"])
def test_the_japanese_form_is_text_only(style: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cite", "--lang", "ja", "--format", style]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"japus-data: the Japanese citation (--lang ja) has the text format only, not {style}\n"
    )
    with pytest.raises(ValueError, match="text format only"):
        japus_data.cite(style=style, lang="ja")


def test_apa_markup_puts_the_title_in_italics_and_escapes_the_rest(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "A *bold* </i><script>alert(1)</script> [x](javascript:y) & more"
    change_descriptor(package_copy, lambda raw: raw.update(title=hostile))
    plain = japus_data.cite(style="apa", root=package_copy).split("\n\n")[1]
    assert f"(2026). {hostile} (Version " in plain
    page = japus_data.cite(style="apa-html", root=package_copy).split("\n\n")[1]
    assert page.count("<i>") == page.count("</i>") == 1
    assert "<script>" not in page and "&lt;/i&gt;&lt;script&gt;" in page
    assert f"<i>{escape_html(hostile)}</i> (Version" in page
    markdown_text = japus_data.cite(style="apa-md", root=package_copy).split("\n\n")[1]
    assert f"(2026). *{escape_markdown(hostile)}* (Version" in markdown_text
    assert "*bold*" not in markdown_text and "](javascript:" not in markdown_text
    assert main(["cite", "--format", "apa-html", "--path", str(package_copy)]) == 0
    assert "<script>" not in capsys.readouterr().out


CSL_TYPES = {"dataset", "report", "document", "webpage", "article"}


def test_csl_json_is_a_list_of_csl_items(package: Package) -> None:
    """Structural checks of CSL-JSON (csl-data.json of the CSL schema repository): an array of
    objects with id and type, names as objects, dates as date-parts of integers."""
    items = json.loads(japus_data.cite("student_exchange", style="csl-json"))
    assert isinstance(items, list) and len(items) > 3
    assert len({item["id"] for item in items}) == len(items)
    first = items[0]
    assert first["type"] == "dataset" and first["version"] == package.version
    assert first["URL"] == package.raw["homepage"]
    assert first["issued"] == {"date-parts": [[2026, 11, 27]]}
    for item in items:
        assert item["type"] in CSL_TYPES
        assert isinstance(item["title"], str) and item["title"]
        assert all(isinstance(a, dict) and a["literal"] for a in item["author"])
        for parts in item.get("issued", {}).get("date-parts", []):
            assert 1 <= len(parts) <= 3 and all(isinstance(p, int) for p in parts)
        assert set(item) <= {"id", "type", "title", "author", "issued", "version"} | {
            "publisher",
            "URL",
            "note",
        }
    briefing = items[1]
    assert briefing["id"] == "mext-2025-12-18" and briefing["type"] == "report"
    assert briefing["issued"] == {"date-parts": [[2025, 12, 18]]}
