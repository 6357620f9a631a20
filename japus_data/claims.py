"""The computations behind the briefing's narrative claims.

Each claim row names one of these checks. A check recomputes the claimed figure from the
tables, using only the rows that the briefing's own exchange table shows: the rows read from
the briefing. Series figures from other documents and later years added to
``student_exchange`` therefore leave the 2025 claims untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

Tables = Mapping[str, "pd.DataFrame"]

BRIEFING = "mext-2025-12-18"
PARTNER = "US"


def briefing_exchange_table(tables: Tables) -> pd.DataFrame:
    """The rows of ``student_exchange`` that make up the briefing's table: those read from
    the briefing itself (``source_id`` is the briefing). Rows of the same series read from
    other documents, or for other years, leave the claims untouched."""
    exchange = tables["student_exchange"]
    return exchange[exchange["source_id"] == BRIEFING]


def _students(tables: Tables, direction: str, measures: list[str]) -> pd.Series:
    """Students per partner country, summed over ``measures``."""
    rows = briefing_exchange_table(tables)
    rows = rows[(rows["direction"] == direction) & rows["measure"].isin(measures)]
    return rows.groupby("country_code", observed=True)["students"].sum()


def _rank_among_g7(tables: Tables, per_country: pd.Series, country: str) -> int:
    """Rank of ``country`` among the G7 members in ``per_country``: 1 for the largest."""
    countries = tables["countries"]
    g7 = countries.loc[countries["g7_member"].fillna(False).astype(bool), "country_code"]
    in_g7 = per_country[per_country.index.isin(list(g7))]
    return int(in_g7.rank(ascending=False, method="min")[country])


OUTBOUND = ["mainly_short_to_mid_term", "mainly_long_term"]


def inbound_enrolled_from_us(tables: Tables) -> int:
    return int(_students(tables, "inbound", ["enrolled"])[PARTNER])


def outbound_total_to_us(tables: Tables) -> int:
    return int(_students(tables, "outbound", OUTBOUND)[PARTNER])


def us_rank_inbound_g7(tables: Tables) -> int:
    return _rank_among_g7(tables, _students(tables, "inbound", ["enrolled"]), PARTNER)


def us_rank_outbound_g7(tables: Tables) -> int:
    return _rank_among_g7(tables, _students(tables, "outbound", OUTBOUND), PARTNER)


CHECKS: dict[str, Callable[[Tables], int]] = {
    "inbound_enrolled_from_us": inbound_enrolled_from_us,
    "outbound_total_to_us": outbound_total_to_us,
    "us_rank_inbound_g7": us_rank_inbound_g7,
    "us_rank_outbound_g7": us_rank_outbound_g7,
}


def evaluate(tables: Tables) -> pd.DataFrame:
    """Each claim with its stated and computed values side by side, and whether it holds."""
    claims = tables["claims"].copy()
    computed = [CHECKS[str(check)](tables) for check in claims["check"]]
    claims["value_recomputed"] = computed
    stated = claims["value_stated"].astype("Float64")
    claims["relative_difference"] = (claims["value_recomputed"] - stated).abs() / stated
    claims["holds"] = claims["relative_difference"] <= claims["tolerance_relative"]
    return claims[
        [
            "claim_id",
            "statement_en",
            "value_stated",
            "value_computed",
            "value_recomputed",
            "relative_difference",
            "tolerance_relative",
            "holds",
        ]
    ]
