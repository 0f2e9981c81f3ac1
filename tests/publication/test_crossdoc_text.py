# ruff: noqa: E501  (specimen documents keep their long lines)
"""The same figure in two documents, with no indicator registry: keys read in full from the
text (issue 9, item 1). Expected findings written by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check

BULLETIN = """Proven reoffending statistics: July to September 2019

The overall proven reoffending rate was 26.0% for the July to September 2019 offender cohort.
"""


def _found(tmp_path: Path, other: str) -> list:
    (tmp_path / "bulletin.txt").write_text(BULLETIN, encoding="utf-8")
    (tmp_path / "strategy.txt").write_text(other, encoding="utf-8")
    return [f for f in check(tmp_path).findings if f.check == "cross-document"]


@pytest.mark.parametrize(("other", "severity"), [
    # the same release quoted wrongly: an error
    ("Reoffending: July to September 2019\n\nThe proven reoffending rate for the July to September 2019 "
     "offender cohort was 27.0%.\n", "error"),
    # a later edition giving another value for the same period: a warning (it may be a revision)
    ("Proven reoffending statistics: April to June 2023\n\nThe overall proven reoffending rate was 26.5% "
     "for the July to September 2019 offender cohort.\n", "warning"),
])
def test_the_same_figure_differs_between_documents(tmp_path: Path, other: str, severity: str) -> None:
    found = _found(tmp_path, other)
    assert [f.severity for f in found] == [severity]
    assert {Path(loc.document).name for loc in found[0].locations} == {"bulletin.txt", "strategy.txt"}


@pytest.mark.parametrize("other", [
    # agrees within rounding
    "Reoffending: July to September 2019\n\nThe proven reoffending rate for the July to September 2019 offender cohort was 26%.\n",
    # another population (a qualifier): not the same figure
    "Reoffending: July to September 2019\n\nThe proven reoffending rate of adult offenders for the July to September 2019 "
    "offender cohort was 25.6%.\n",
    # another period: not the same figure
    "Reoffending: April to June 2023\n\nThe overall proven reoffending rate was 27.5% for the April to June 2023 offender cohort.\n",
    # narrowed by words pubcheck does not read: not compared
    "Reoffending: July to September 2019\n\nThe proven reoffending rate of offenders with 11 or more previous offences "
    "was 47.0% for the July to September 2019 offender cohort.\n",
])
def test_different_or_unread_keys_are_not_compared(tmp_path: Path, other: str) -> None:
    assert _found(tmp_path, other) == []
