"""The briefing's narrative claims hold within their stated tolerance."""

from __future__ import annotations

import pandas as pd

import japus_data
from japus_data.claims import CHECKS, evaluate


def _tables() -> dict[str, pd.DataFrame]:
    return {name: japus_data.load(name) for name in japus_data.tables()}


def test_every_claim_holds_within_its_tolerance() -> None:
    result = evaluate(_tables())
    assert len(result) == 4
    assert result["holds"].all(), result.to_string()
    assert (result["value_computed"] == result["value_recomputed"]).all()


def test_stated_and_computed_side_by_side() -> None:
    result = evaluate(_tables()).set_index("claim_id")
    outbound = result.loc["outbound-to-us"]
    # 13,517 + 13,959 = 27,476, which the briefing calls "about 28,000".
    assert (outbound["value_stated"], outbound["value_recomputed"]) == (28000, 13517 + 13959)
    assert abs(outbound["relative_difference"] - 524 / 28000) < 1e-12
    inbound = result.loc["inbound-from-us"]
    assert (inbound["value_stated"], inbound["value_recomputed"]) == (4000, 3918)
    assert result.loc["us-first-in-g7-inbound", "value_recomputed"] == 1
    assert result.loc["us-first-in-g7-outbound", "value_recomputed"] == 1


def test_every_claim_names_a_known_check() -> None:
    claims = japus_data.load_claims()
    assert set(claims["check"]) <= set(CHECKS)
    assert set(claims["check"].cat.categories) == set(CHECKS)


def test_a_claim_fails_when_the_table_moves_beyond_tolerance() -> None:
    tables = _tables()
    exchange = tables["student_exchange"].copy()
    us_long = (exchange["country_code"] == "US") & (exchange["measure"] == "mainly_long_term")
    exchange.loc[us_long, "students"] = 9000
    tables["student_exchange"] = exchange
    result = evaluate(tables).set_index("claim_id")
    assert not result.loc["outbound-to-us", "holds"]
    assert result.loc["inbound-from-us", "holds"]


def test_later_survey_years_do_not_change_the_briefing_claims() -> None:
    """A contributor adds a 2025 survey row: the 2025 briefing's claims still use 2024."""
    tables = _tables()
    exchange = tables["student_exchange"]
    new = exchange.iloc[[0]].copy()
    new["students"] = pd.array([99999], dtype="Int64")
    new["source_id"] = "jasso-2025-international-students"
    new["period_as_stated"] = "2025年5月1日時点"
    tables["student_exchange"] = pd.concat([exchange, new], ignore_index=True)
    result = evaluate(tables).set_index("claim_id")
    assert result.loc["inbound-from-us", "value_recomputed"] == 3918
