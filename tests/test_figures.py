"""The briefing's figures and facts, asserted against the CSVs and against the source text."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import japus_data

from .conftest import SOURCE_TEXT

COUNTRIES = ["US", "FR", "GB", "DE", "IT", "CA"]


def _numbers(line: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"([\d,]+)名", line)]


def _source_lines() -> list[str]:
    return SOURCE_TEXT.read_text(encoding="utf-8").splitlines()


BRIEFING = "mext-2025-12-18"


def _briefing_table() -> pd.DataFrame:
    """The briefing's exchange table: the rows of student_exchange read from the briefing."""
    frame = japus_data.load_student_exchange()
    return frame[frame["source_id"] == BRIEFING]


def _students(direction: str, measure: str) -> list[int]:
    frame = _briefing_table()
    rows = frame[(frame["direction"] == direction) & (frame["measure"] == measure)]
    by_country = rows.set_index("country_code")["students"]
    return [int(by_country[c]) for c in COUNTRIES]


def test_all_24_exchange_figures_match_the_source_table() -> None:
    lines = _source_lines()
    inbound = _numbers(lines[15])  # text line 16: 受入れ人数 (うち国費留学生)
    assert _students("inbound", "enrolled") == inbound[0::2]
    assert _students("inbound", "government_sponsored") == inbound[1::2]
    assert _students("outbound", "mainly_short_to_mid_term") == _numbers(lines[16])
    assert _students("outbound", "mainly_long_term") == _numbers(lines[17])
    assert len(_briefing_table()) == 24  # the briefing's own table: 6 countries x 4 rows


def test_the_claims_read_the_same_briefing_table() -> None:
    from japus_data.claims import briefing_exchange_table

    tables = {"student_exchange": japus_data.load_student_exchange()}
    assert briefing_exchange_table(tables).equals(_briefing_table())


def test_exchange_figures_as_published() -> None:
    assert _students("inbound", "enrolled") == [3918, 2012, 953, 1215, 820, 598]
    assert _students("inbound", "government_sponsored") == [153, 38, 35, 36, 42, 34]
    assert _students("outbound", "mainly_short_to_mid_term") == [
        13517,
        3022,
        5037,
        2723,
        1122,
        7621,
    ]
    assert _students("outbound", "mainly_long_term") == [13959, 904, 2957, 1819, 170, 1734]


def test_reference_periods_are_typed_as_what_they_are() -> None:
    frame = _briefing_table().copy()
    frame["key"] = frame["measure"].astype(str) + "/" + frame["country_code"].astype(str)
    columns = ["period_type", "period_start", "period_end", "period_as_stated", "cited_source_id"]
    periods = frame.set_index("key")[columns]
    assert tuple(periods.loc["enrolled/US"]) == (
        "point_in_time",
        pd.Timestamp("2024-05-01"),
        pd.Timestamp("2024-05-01"),
        "2024年5月1日時点",
        "jasso-2024-international-students",
    )
    assert tuple(periods.loc["mainly_short_to_mid_term/FR"]) == (
        "japanese_fiscal_year",
        pd.Timestamp("2023-04-01"),
        pd.Timestamp("2024-03-31"),
        "2023年度中",
        "jasso-fy2023-japanese-students-abroad",
    )
    # Open Doors' academic year 2023/24, which MEXT files under 2023: stated as 2023年中.
    assert tuple(periods.loc["mainly_long_term/US"]) == (
        "academic_year",
        pd.Timestamp("2023-07-01"),
        pd.Timestamp("2024-06-30"),
        "2023年中",
        "iie-open-doors",
    )
    assert tuple(periods.loc["mainly_long_term/CA"]) == (
        "statistical_year",
        pd.Timestamp("2022-01-01"),
        pd.Timestamp("2022-12-31"),
        "2022年中",
        "oecd-education-at-a-glance",
    )


def test_outbound_rows_carry_the_overlap_caveat() -> None:
    frame = _briefing_table()
    outbound = frame[frame["direction"] == "outbound"]
    assert len(outbound) == 12
    assert outbound["note"].str.contains("一部重複している場合がある", regex=False).all()


def test_sources_cited_by_the_briefing() -> None:
    sources = japus_data.load_sources().set_index("source_id")
    cited = sources[sources["cited_in_source_id"] == "mext-2025-12-18"]
    assert dict(zip(cited.index, cited["footnote_marker"], strict=True)) == {
        "jasso-2024-international-students": "*1",
        "jasso-fy2023-japanese-students-abroad": "*2",
        "iie-open-doors": "*3",
        "oecd-education-at-a-glance": "*4",
    }
    assert dict(zip(cited.index, cited["reference_period_as_stated"], strict=True)) == {
        "jasso-2024-international-students": "2024年5月1日時点",
        "jasso-fy2023-japanese-students-abroad": "2023年度中",
        "iie-open-doors": "2023年中",
        "oecd-education-at-a-glance": "2022年中",
    }
    briefing = sources.loc["mext-2025-12-18"]
    assert briefing["date_published"] == pd.Timestamp("2025-12-18")
    assert briefing["title_ja"] == "人的交流・科学技術分野における日米協力について"


def test_countries_are_iso_coded_and_g7() -> None:
    countries = japus_data.load_countries().set_index("country_code")
    assert list(countries.index) == [*COUNTRIES, "JP"]
    assert countries["g7_member"].all()
    assert list(countries.loc[COUNTRIES, "iso_alpha3"]) == [
        "USA",
        "FRA",
        "GBR",
        "DEU",
        "ITA",
        "CAN",
    ]
    assert countries.loc["FR", "iso_numeric"] == "250"
    assert not countries.loc["JP", "is_partner"]


def _participants() -> pd.DataFrame:
    return japus_data.load_program_participants().set_index("record_id")


@pytest.mark.parametrize(
    ("record", "program", "direction", "field", "partner", "count"),
    [
        (
            "jasso-stem-doctoral-slot-fy2025-selected-all",
            "jasso-stem-doctoral-slot",
            "outbound",
            "stem",
            None,
            10,
        ),
        (
            "jasso-stem-doctoral-slot-fy2025-selected-us",
            "jasso-stem-doctoral-slot",
            "outbound",
            "stem",
            "US",
            7,
        ),
        ("fulbright-fy2025-sent-stem", "fulbright", "outbound", "stem", None, 7),
        ("fulbright-fy2025-received-all", "fulbright", "inbound", "all_fields", None, 40),
        ("fulbright-fy2025-sent-all", "fulbright", "outbound", "all_fields", None, 30),
        ("map-fund-2024-2025-received", "map-fund", "inbound", "all_fields", "US", 12),
        ("map-fund-2024-2025-sent", "map-fund", "outbound", "all_fields", "US", 13),
        ("map-fund-2025-2026-received", "map-fund", "inbound", "all_fields", "US", 35),
        ("map-fund-2025-2026-sent", "map-fund", "outbound", "all_fields", "US", 35),
    ],
)
def test_program_participants(
    record: str, program: str, direction: str, field: str, partner: str | None, count: int
) -> None:
    row = _participants().loc[record]
    assert (row["program_id"], row["direction"], row["field"]) == (program, direction, field)
    assert (
        None if pd.isna(row["partner_country_code"]) else row["partner_country_code"]
    ) == partner
    assert row["participants"] == count


def test_program_periods() -> None:
    rows = _participants()
    fy2025 = rows.loc["fulbright-fy2025-sent-all"]
    assert (fy2025["period_precision"], fy2025["period_start"], fy2025["period_end"]) == (
        "japanese_fiscal_year",
        pd.Timestamp("2025-04-01"),
        pd.Timestamp("2026-03-31"),
    )
    # 2024~2025年 is the academic year 2024-25 (the U.S.-Japan Council's cohorts).
    map_row = rows.loc["map-fund-2024-2025-sent"]
    assert (
        map_row["period_precision"],
        map_row["period_start"],
        map_row["period_end"],
        map_row["period_as_stated"],
    ) == ("academic_year", pd.Timestamp("2024-07-01"), pd.Timestamp("2025-06-30"), "2024~2025年")


def test_subsets_are_explicit() -> None:
    rows = _participants()
    subsets = rows["subset_of_record_id"].dropna().to_dict()
    slot = "jasso-stem-doctoral-slot-fy2025-selected"
    assert subsets == {
        f"{slot}-us": f"{slot}-all",
        "fulbright-fy2025-sent-stem": "fulbright-fy2025-sent-all",
    }


def test_program_facts() -> None:
    programs = japus_data.load_programs().set_index("program_id")
    fund = programs.loc["map-fund"]
    assert (fund["funding_amount"], fund["funding_currency"]) == (12_000_000, "USD")
    assert programs.loc["jasso-stem-doctoral-slot", "parent_program_id"] == "jasso-graduate-degree"
    milestones = japus_data.load_program_milestones().set_index("milestone_id")
    resumed = milestones.loc["fulbright-stem-resumed"]
    assert (resumed["quantity"], resumed["unit"]) == (50, "years")
    assert "授業料上限を撤廃" in str(
        milestones.loc["fulbright-tuition-cap-removed", "description_ja"]
    )
    assert milestones.loc["map-fund-established", "meeting_id"] == "summit-2024-04"


def test_ostp_meetings() -> None:
    meetings = japus_data.load_meetings().set_index("meeting_id")
    phone = meetings.loc["mext-ostp-2025-04-03"]
    visit = meetings.loc["mext-ostp-2025-10-28"]
    assert (phone["date_start"], phone["mode"]) == (pd.Timestamp("2025-04-03"), "telephone")
    assert (visit["date_start"], visit["mode"], visit["place_organization_id"]) == (
        pd.Timestamp("2025-10-28"),
        "in_person",
        "mext",
    )
    assert "AI for Science" in visit["outcome_ja"]
    assert "AI、量子、半導体、宇宙" in phone["outcome_ja"]
    people = japus_data.load_meeting_participants()
    assert sorted(people["name_en"]) == ["Abe", "Matsumoto", "Michael Kratsios", "Michael Kratsios"]


def test_agreements_and_parties() -> None:
    agreements = japus_data.load_agreements().set_index("agreement_id")
    moc = agreements.loc["tpd-moc-2025-10-28"]
    assert (moc["date_start"], moc["kind"]) == (
        pd.Timestamp("2025-10-28"),
        "memorandum_of_cooperation",
    )
    nasa = agreements.loc["mext-nasa-ia-2024-04"]
    assert (nasa["date_precision"], nasa["date_start"], nasa["date_end"]) == (
        "month",
        pd.Timestamp("2024-04-01"),
        pd.Timestamp("2024-04-30"),
    )
    parties = japus_data.load_agreement_parties()
    by_agreement = parties.groupby("agreement_id")["organization_id"].apply(sorted).to_dict()
    assert by_agreement == {
        "tpd-moc-2025-10-28": ["cao", "ostp"],
        "mext-nasa-ia-2024-04": ["mext", "nasa"],
        "mext-dhs-st-jsoi": ["dhs-st", "mext"],
        "mext-doe-ai-for-science": ["doe", "mext"],
    }
    provisions = japus_data.load_agreement_provisions()
    landing = provisions[provisions["provider_country_code"] == "US"].iloc[0]
    assert (landing["quantity"], landing["recipient_country_code"]) == (2, "JP")


def test_the_seven_cooperation_areas() -> None:
    areas = japus_data.load_cooperation_areas()
    assert list(areas["name_ja"]) == [
        "AI",
        "研究セキュリティ",
        "Beyond 5G/6G",
        "医薬品・バイオサプライチェーン",
        "量子",
        "フュージョンエネルギー",
        "宇宙",
    ]
    assert (areas["agreement_id"] == "tpd-moc-2025-10-28").all()


def test_cooperation_activities() -> None:
    activities = japus_data.load_cooperation_activities().set_index("activity_id")
    aspire = activities.loc["aspire-nsf-bio-research"]
    assert (aspire["quantity"], aspire["unit"], aspire["date_precision"]) == (
        3,
        "research projects",
        "year_range",
    )
    assert (aspire["date_start"], aspire["date_end"]) == (
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2030-12-31"),
    )
    eid = activities.loc["eid-conference-2025"]
    assert (eid["date_precision"], eid["date_start"], eid["place_ja"]) == (
        "month",
        pd.Timestamp("2025-03-01"),
        "東京",
    )
    links = japus_data.load_activity_areas()
    assert set(links.loc[links["activity_id"] == "doe-ai-for-science-framework", "area_id"]) == {
        "ai",
        "quantum",
    }
    # Every bullet under 各分野での協力状況 (text lines 50-73) has a row; ISS and Artemis one each.
    bullets = [line for line in _source_lines()[49:] if line.lstrip().startswith("- ・")]
    assert len(activities) == len(bullets) + 1


def test_every_organization_named_is_recorded() -> None:
    orgs = japus_data.load_organizations()
    text = SOURCE_TEXT.read_text(encoding="utf-8")
    for acronym in [
        "OSTP",
        "DOE",
        "NASA",
        "AMED",
        "NIH",
        "JST",
        "NSF",
        "PPPL",
        "GA",
        "DHS S&T",
        "OECD",
        "ISS",
        "ITER",
    ]:
        assert acronym in text
        assert acronym in set(orgs["acronym"].dropna()), acronym
    for name in [
        "文部科学省",
        "内閣府",
        "日本学生支援機構",
        "理化学研究所",
        "アルゴンヌ国立研究所",
        "アルテミス計画",
        "JT-60SA",
    ]:
        assert name in text
        assert orgs["name_in_source"].str.contains(name, regex=False).any(), name
