"""The package's rules judge each distinct combination of the columns they read once
(``checks.rules._distinct``): a mask over the combinations must name exactly the rows that
hold one of the chosen combinations, missing values included."""

from __future__ import annotations

import numpy as np
import pandas as pd

from japus_data.checks.rules import _distinct


def test_distinct_combinations_expand_to_their_rows() -> None:
    rng = np.random.default_rng(7)
    rows = 2000
    days = pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 40, rows), unit="D")
    start = pd.Series(days).where(rng.random(rows) > 0.1).to_numpy()  # some missing dates
    labels = np.array(["day", "month", None], dtype=object)[rng.integers(0, 3, rows)]
    kinds = pd.Series(labels, dtype=pd.CategoricalDtype(["day", "month"])).array
    frame = pd.DataFrame(
        {
            "start": start,
            "end": start + pd.to_timedelta(rng.integers(0, 3, rows), unit="D").to_numpy(),
            "kind": kinds,
            "other": rng.integers(0, 5, rows),
        },
        index=pd.RangeIndex(10, 10 + rows),  # rows numbered from the index, not the position
    )
    names = ["start", "end", "kind"]
    assert frame["start"].isna().any() and isinstance(frame["kind"].dtype, pd.CategoricalDtype)
    periods, expand = _distinct(frame, names)

    def key(values: tuple[object, ...]) -> tuple[object, ...]:
        return tuple("NA" if v is pd.NaT or v is np.nan or v is None else v for v in values)

    combinations = [key(t) for t in periods.itertuples(index=False)]
    assert len(set(combinations)) == len(combinations)  # each combination once
    per_row = [key(t) for t in frame[names].itertuples(index=False)]
    assert set(per_row) == set(combinations)  # and every one there is
    chosen = pd.Series(rng.random(len(periods)) < 0.3)
    picked = {c for c, keep in zip(combinations, chosen, strict=True) if keep}
    expected = [int(i) + 2 for i, c in zip(frame.index, per_row, strict=True) if c in picked]
    assert expand(chosen) == expected
    assert expand(pd.Series(np.zeros(len(periods), dtype=bool))) == []


def test_distinct_of_no_rows() -> None:
    frame = pd.DataFrame(
        {"start": pd.Series([], dtype="datetime64[us]"), "kind": pd.Categorical([], ["day"])}
    )
    periods, expand = _distinct(frame, ["start", "kind"])
    assert periods.empty and list(periods.columns) == ["start", "kind"]
    assert expand(periods["start"].isna()) == []
