"""Numbers and counts as people write them (pubcheck.humanize): never scientific notation,
correct plurals. Expected values written by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubcheck.humanize import plural, say_number, signed_change


@pytest.mark.parametrize(("value", "unit", "said"), [
    (17_750_000, "GBP", "GBP 17.75m"), (13_730_000.0, "GBP", "GBP 13.73m"), (1_200_000_000, "GBP", "GBP 1.2bn"),
    (307_195.39, "GBP", "GBP 307,195"), (3_600_000, None, "3.6 million"), (26.2, "percent", "26.2 per cent"),
    (32.666, "percent", "32.7 per cent"), (4.0, "points", "4.0 percentage points"), (150, None, "150"),
    (86_000, None, "86,000"), (0.83, None, "0.83"), (1.775e7, None, "17.75 million"), (None, None, "none"),
])  # fmt: skip
def test_say_number(value: float | None, unit: str | None, said: str) -> None:
    assert say_number(value, unit) == said


@pytest.mark.parametrize(("n", "word", "said"), [
    (0, "error", "0 errors"), (1, "error", "1 error"), (2, "info", "2 info"), (1, "row", "1 row"),
    (1500, "row", "1,500 rows"), (3, "check", "3 checks"), (2, "query", "2 queries"), (2, "match", "2 matches"),
])  # fmt: skip
def test_plural(n: int, word: str, said: str) -> None:
    assert plural(n, word) == said


def test_signed_change() -> None:
    assert signed_change(32.67, 28.67, "percent") == "4.0 points lower"
    assert signed_change(35.3, 49.3, "percent") == "14.0 points higher"
    assert signed_change(17_750_000, 13_730_000, "GBP") == "down 22.6 per cent"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
       st.sampled_from([None, "GBP", "percent", "points", "count"]))  # fmt: skip
def test_never_scientific_notation(value: float, unit: str | None) -> None:
    said = say_number(value, unit)
    assert "e+" not in said and "e-" not in said
