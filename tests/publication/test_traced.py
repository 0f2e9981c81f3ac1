"""Prose traced to the tables published with it: hand-written pages and CSV tables, with
the expected findings written by hand (issue 9, items 1, 3 and 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check


def _run(tmp_path: Path, files: dict[str, str]) -> list:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [f for f in check(tmp_path).findings if f.check == "prose-table"]


PAGE = """---
title: Entry to higher education
---

Data on the percentage of 18 to 20 year olds studying for a first degree, by socio-economic background.

## Summary main findings

In 2024, {hp}% of 18 to 20 year olds from higher professional backgrounds were enrolled in higher education, compared with {lw}% of those from lower working class backgrounds.  # noqa: E501
"""
BY_SEB = '''"Socio-economic background","Percentage (%)"
"Higher professional",45.578
"Lower working",25.189
"Total",37.1
'''


def test_prose_figures_agree_with_their_cells(tmp_path: Path) -> None:
    assert _run(tmp_path, {"entry_he_2024.md": PAGE.format(hp=46, lw=25), "entry_he_by_seb_2024.csv": BY_SEB}) == []


def test_a_prose_figure_its_cell_cannot_round_to_is_an_error(tmp_path: Path) -> None:
    found = _run(tmp_path, {"entry_he_2024.md": PAGE.format(hp=46, lw=27), "entry_he_by_seb_2024.csv": BY_SEB})
    assert len(found) == 1
    f = found[0]
    assert f.severity == "error"
    assert "27%" in f.message and "25.189" in f.message and "Lower working" in f.message
    assert [loc.document.rsplit("/", 1)[-1] for loc in f.locations] == ["entry_he_2024.md", "entry_he_by_seb_2024.csv"]
    assert f.locations[1].cell == "B3"


def test_a_table_of_another_page_is_not_its_table(tmp_path: Path) -> None:
    # same values, but the table's name shares only one word with the page: not grouped
    assert _run(tmp_path, {"entry_he_2024.md": PAGE.format(hp=46, lw=27), "entry_other_by_seb_2024.csv": BY_SEB}) == []


def test_a_table_of_another_period_is_not_traced(tmp_path: Path) -> None:
    assert _run(tmp_path, {"entry_he_2024.md": PAGE.format(hp=46, lw=27), "entry_he_by_seb_2023.csv": BY_SEB}) == []


SEX_3YR = '''"Year","Men","","Women","","Total",""
"","Lower working (%)","Higher professional (%)","Lower working (%)","Higher professional (%)","Lower working (%)","Higher professional (%)"  # noqa: E501
"2022 to 2024","84.342","89.141","74.274","89.716","79.15","89.42"
"2018 to 2020","85.1","90.2","70.3","88.0","78.0","89.0"
"2014 to 2016","{men_2016}","90.101","66.703","89.239","77.022","89.653"
'''
ACTIVITY = """---
title: Economic activity
---

Data on the percentage of 25 to 29 year olds who are economically active, by socio-economic background.

Between the 3 years to 2016 and the 3 years to 2024, economic activity for young men from a lower working class background went down by 4 percentage points. It went up by {women} percentage points for young women from the same background.  # noqa: E501
"""


@pytest.mark.parametrize(("men_2016", "women", "expected"), [
    ("88.1", 8, []),  # 84.342 - 88.1 = -3.758 rounds to -4; 74.274 - 66.703 = 7.571 rounds to 8
    ("87.669", 8, ["Men, Lower working"]),  # -3.327 cannot be printed as 'down by 4'
    ("88.1", 7, ["Women, Lower working"]),  # 7.571 cannot be printed as 7: the sentence continues the one before
])
def test_a_change_is_the_difference_of_its_cells(tmp_path: Path, men_2016: str, women: int, expected: list[str]) -> None:  # noqa: E501
    found = _run(tmp_path, {"activity_2024.md": ACTIVITY.format(women=women),
                            "activity_by_seb_sex_3yr_avg_2014-2024.csv": SEX_3YR.format(men_2016=men_2016)})
    assert [next(x for x in expected if x in f.message) for f in found] == expected
    assert all(f.severity == "error" and len(f.locations) == 3 for f in found)


GAP_PAGE = """---
title: Entry to higher education
---

Data on the percentage of 18 to 20 year olds studying for a first degree, by socio-economic background.

In the 3 years to 2016, 44% of 18 to 20 year olds from higher professional backgrounds were enrolled in higher education, compared with 16% of those from lower working-class backgrounds. In the 3 years to 2024, these percentages went up to 49% and 25% respectively. This means that the gap went down from {gap} percentage points to 23 percentage points.  # noqa: E501
"""
GAP_3YR = '''"Year","Lower working (%)","Higher professional (%)","Total (%)"
"2022 to 2024",25.045,48.512,37.244
"2014 to 2016",16.291,43.906,28.987
'''


@pytest.mark.parametrize(("gap", "errors"), [(28, 0), (29, 1)])
def test_a_gap_is_the_difference_of_the_groups_compared_before_it(tmp_path: Path, gap: int, errors: int) -> None:
    # 43.906 - 16.291 = 27.615: printed as 28, never as 29 (although 44 - 16 could be 29)
    found = _run(tmp_path, {"entry_he_2024.md": GAP_PAGE.format(gap=gap), "entry_he_by_seb_3yr_avg_2014-2024.csv": GAP_3YR})  # noqa: E501
    assert len(found) == errors
    if errors:
        assert "gap of 29 percentage points in 2014-16" in found[0].message and "27.615" in found[0].message


def test_a_figure_narrowed_by_words_no_label_names_is_not_compared(tmp_path: Path) -> None:
    page = PAGE.format(hp=46, lw=25) + "\nIn 2024, 60% of 18 to 20 year olds in the least deprived neighbourhoods were enrolled in higher education.\n"  # noqa: E501
    assert _run(tmp_path, {"entry_he_2024.md": page, "entry_he_by_seb_2024.csv": BY_SEB}) == []


def test_two_categories_named_together_are_not_one_cell(tmp_path: Path) -> None:
    page = """---
title: Highest qualification
---

Data on the highest qualification of 25 to 29 year olds, by socio-economic background.

In 2024, 70% of 25 to 29 year olds from higher professional backgrounds had a first or higher degree.
"""
    table = '''"Socio-economic background","First degree (%)","Higher degree (%)","Other (%)"
"Higher professional",45.274,24.735,29.991
'''
    assert _run(tmp_path, {"qualification_2024.md": page, "qualification_by_seb_2024.csv": table}) == []


def test_a_rate_change_that_is_neither_points_nor_relative_is_an_error(tmp_path: Path) -> None:
    page = """Academic Year 2016/17

Permanent exclusions in England

The permanent exclusion rate in secondary schools increased {c}% - up from 0.17% in 2015/16.
"""
    table = '''"year","school_type","headcount","perm_excl","perm_excl_rate"
"201617","Total","8025075","7720","0.1"
"201617","state-funded secondary","3223090","6385","0.2"
"201516","Total","7916225","6685","0.08"
"201516","state-funded secondary","3193420","5445","0.17"
'''
    files = {"exclusions_england_2016-17.txt": page, "exclusions_england_national_summary.csv": table}
    assert _run(tmp_path, {**files, "exclusions_england_2016-17.txt": page.format(c="0.03")}) == []  # points
    bad = _run(tmp_path, {**files, "exclusions_england_2016-17.txt": page.format(c="0.20")})
    assert len(bad) == 1 and "0.17 and 0.2" in bad[0].message


EMBEDDED = """Proven re-offending by young offenders

In 2011, the proportion of young offenders who re-offend was 35.8 per cent. This is a 0.5 percentage point increase in relation to 2010 and a rise of {since} percentage points since 2000.

Table 1. Proportion of young offenders who re-offend (per cent)

Year\tProportion of young offenders who re-offend (per cent)
2000\t33.7
2010\t35.3
2011\t35.8
"""


@pytest.mark.parametrize(("since", "errors"), [("2.1", 0), ("3.1", 1)])
def test_each_change_is_counted_from_its_own_base_in_the_pages_own_table(tmp_path: Path, since: str, errors: int) -> None:
    # two changes in one sentence, each with its own base period: 35.8 - 35.3 = 0.5, 35.8 - 33.7 = 2.1
    found = _run(tmp_path, {"reoffending.txt": EMBEDDED.format(since=since)})
    assert len(found) == errors
    if errors:
        assert "2000" in found[0].message and "33.7" in found[0].message and "35.8" in found[0].message
