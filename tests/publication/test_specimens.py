# ruff: noqa: E501  (specimen documents keep their long lines)
"""Tiny hand-written specimens: for each rule, a document that passes and one that fails.

The specimens are drafts pubcheck has never seen (not the bundled publications), so they show
that the rules are general. Expected findings are written by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check
from pubcheck.report import Report

SJOF_CONFIG = Path(__file__).resolve().parents[2] / "published" / "pubcheck.toml"

GAP_TABLE = """Table 7. Attainment gap at age 11 by free school meal eligibility. Percentage of pupils.

\t2019-20\t2020-21
Free school meals\t50.0\t52.0
All other pupils\t70.0\t73.0
Gap\t{gap}\t21.0
"""

BASE_TABLES = """Base: {base} children aged 0-16

Table 8: The proportion of children not living with both birth parents by age group, UK

Age group\tPercentage of children not living with both of their birth parents\tSample size (unweighted)
0-5\t20\t1,000
6-11\t30\t2,000
All children\t{all_pct}\t3,000

Table 9: The proportion of children in low income households not living with both parents compared to middle to high income households by age group, UK

Age group\tChildren in low income households\tChildren in middle to high income households\tSample size (unweighted)
0-5\t40\t15\t{sub}
6-11\t50\t25\t2,000
All children\t45\t20\t{sub_total}
"""

COUNTS = """Key Indicator 5: Drug treatment

Of the 50,000 individuals who first presented for drug treatment in 2015 2018, 20,000 successfully completed treatment and had not re-presented by March 31st 2018. This represents {pct} per cent of all people who first started treatment during that period.
"""

INVERSE = """Key Indicator 6: Improved outcomes for offenders

Table 2. Proportion of adults who do not reoffend in a 12 month follow up period

Year (Jan - Dec)\tProportion of offenders who do not reoffend (per cent)
2015\t70.2
2016\t71.0

Our Key Indicator 6 shows that {pct} per cent of adult offenders reoffend within a year.
"""

CHANGE = """Key Indicator 3: Young offenders

Table 3. Proven re-offending rate by offenders under 18

Year (Jan - Dec)\tProportion of young offenders who re-offend (per cent)
2015\t40.0
2016\t41.5

In 2016 the proven re-offending rate of young offenders was 41.5 per cent. This is a {pp} percentage point increase in relation to January 2015 until December 2015.
"""

VERBAL = "Key finding: {phrase} (45 per cent) of all children live with one parent.\n"

MISSING = """We estimate that between 10-{hi} per cent of children live in families where parents report unhappiness within their relationship.¹

¹ There is an issue of missing data. 15 per cent of children have no data for parental relationship happiness available.
"""

UNITS = "The attainment gap between pupils eligible for free school meals and all other pupils was {printed} in 2020-21.\n"


def run(tmp_path: Path, **docs: str) -> Report:
    for name, text in docs.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    # the specimens are drafts of the framework's publications: its registry applies
    return check(tmp_path, config=SJOF_CONFIG)


def errors(report: Report, rule: str) -> list:  # type: ignore[type-arg]
    return [f for f in report.findings if f.check == rule and f.severity == "error"]


def lines(findings: list) -> set[int]:  # type: ignore[type-arg]
    return {loc.line for f in findings for loc in f.locations}


@pytest.mark.parametrize(("gap", "bad"), [("20.0", False), ("20.1", False), ("19.5", True), ("21.0", True)])
def test_table_identity_gap(tmp_path: Path, gap: str, bad: bool) -> None:
    # 70.0 - 50.0 = 20.0; the difference of two 1-decimal figures is within (19.9, 20.1)
    r = run(tmp_path, d=GAP_TABLE.format(gap=gap))
    found = errors(r, "table-identity")
    assert bool(found) == bad
    if bad:
        assert 6 in lines(found)


@pytest.mark.parametrize(("base", "all_pct", "sub", "sub_total", "rule"), [
    ("3,000", "27", "1,000", "3,000", None),
    ("3,100", "27", "1,000", "3,000", "base-mismatch"),  # Base line vs table total
    ("3,000", "35", "1,000", "3,000", "table-identity"),  # total outside the parts' range
    ("3,000", "27", "1,100", "3,100", "base-mismatch"),  # sub-table row above its parent's
    ("3,000", "27", "1,000", "3,001", "table-identity"),  # exact counts do not sum
])  # fmt: skip
def test_bases_and_totals(tmp_path: Path, base: str, all_pct: str, sub: str, sub_total: str,
                          rule: str | None) -> None:  # fmt: skip
    r = run(tmp_path, d=BASE_TABLES.format(base=base, all_pct=all_pct, sub=sub, sub_total=sub_total))
    bad = [f for f in r.findings if f.severity == "error"]
    if rule is None:
        assert bad == []
    else:
        assert rule in {f.check for f in bad}


@pytest.mark.parametrize(("pct", "bad"), [("40", False), ("39", False), ("41", False), ("38", True), ("42", True)])
def test_count_percentage(tmp_path: Path, pct: str, bad: bool) -> None:
    # 20,000 of 50,000: [19,500, 20,500) / [49,500, 50,500) spans 38.6% .. 41.4%
    r = run(tmp_path, d=COUNTS.format(pct=pct))
    assert bool(errors(r, "count-percentage")) == bad


@pytest.mark.parametrize(("pct", "bad"), [("29", False), ("29.0", False), ("31", True), ("27", True)])
def test_inverse_rate(tmp_path: Path, pct: str, bad: bool) -> None:
    # the latest year's 'do not reoffend' is 71.0, so 'reoffend' must be 29
    r = run(tmp_path, d=INVERSE.format(pct=pct))
    found = errors(r, "inverse-rate")
    assert bool(found) == bad
    if bad:
        assert lines(found) >= {9, 7}


@pytest.mark.parametrize(("pp", "bad"), [("1.5", False), ("1.4", False), ("0.5", True), ("2.5", True)])
def test_prose_change_against_table(tmp_path: Path, pp: str, bad: bool) -> None:
    r = run(tmp_path, d=CHANGE.format(pp=pp))
    found = errors(r, "prose-table")
    assert bool(found) == bad
    if bad:
        assert 9 in lines(found)


def test_relative_change_from_to(tmp_path: Path) -> None:
    # a change with both end points in its sentence is checked by change-arithmetic (statements)
    r = run(tmp_path, ok="The index fell by 7.8 per cent from 0.90 to 0.83.\n",
            bad="The index fell by 9.0 per cent from 0.90 to 0.83.\n")  # fmt: skip
    assert errors(r, "prose-table") == []
    found = errors(r, "change-arithmetic")
    assert [Path(f.locations[0].document).name for f in found] == ["bad.txt"]


def test_cross_document(tmp_path: Path) -> None:
    a = COUNTS.format(pct="40")
    b = "Just 44 per cent of those who first entered drug treatment between 2015 and 2018 successfully completed treatment.\n"
    r = run(tmp_path, a=a, b=b)
    found = errors(r, "cross-document")
    assert len(found) == 1
    assert {Path(loc.document).name for loc in found[0].locations} == {"a.txt", "b.txt"}
    r2 = run(tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path, a=a,
             b=b.replace("44 per cent", "40 per cent"))  # fmt: skip
    assert errors(r2, "cross-document") == []


@pytest.mark.parametrize(("who", "bad"), [("", True), (" in London", False), (" who were women", False)])
def test_cross_document_keys_carry_the_texts_qualifiers(tmp_path: Path, who: str, bad: bool) -> None:
    # issue 9: a figure about another population is not 'the same figure', whatever the registry links it to
    a = COUNTS.format(pct="40")
    b = f"Just 44 per cent of those{who} who first entered drug treatment between 2015 and 2018 successfully completed treatment.\n"
    found = errors(run(tmp_path, a=a, b=b), "cross-document")
    assert bool(found) == bad


@pytest.mark.parametrize(("phrase", "bad"), [("Nearly half", False), ("Over two-fifths", False),
                                             ("Almost a third", True), ("Over half", True)])  # fmt: skip
def test_verbal_quantifier(tmp_path: Path, phrase: str, bad: bool) -> None:
    r = run(tmp_path, d=VERBAL.format(phrase=phrase))
    assert bool(errors(r, "verbal-quantifier")) == bad


@pytest.mark.parametrize(("hi", "bad"), [("25", False), ("24", False), ("30", True), ("20", True)])
def test_missing_bounds(tmp_path: Path, hi: str, bad: bool) -> None:
    # the range must be 15 points wide: 10-25 (14..16 allowed by rounding)
    r = run(tmp_path, d=MISSING.format(hi=hi))
    found = errors(r, "missing-bounds")
    assert bool(found) == bad
    if bad:
        assert lines(found) == {1, 3}


@pytest.mark.parametrize(("printed", "warn"), [("20.0 percentage points", False), ("20.0 per cent", True),
                                               ("20.0%", True)])  # fmt: skip
def test_units(tmp_path: Path, printed: str, warn: bool) -> None:
    r = run(tmp_path, d=UNITS.format(printed=printed))
    found = [f for f in r.findings if f.check == "unit-mismatch"]
    assert bool(found) == warn
    assert all(f.severity == "warning" for f in found)
