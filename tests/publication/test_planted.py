"""Planted errors: for every rule, change one figure on one line of a copy of the bundled
publications and check that the rule reports it at that line; and check that figures
consistent within rounding stay silent.

Every expectation here is worked out from the documents, not copied from pubcheck's
output. The arithmetic is given next to each case. A printed figure stands for the
half-open interval it could have been rounded from (22.0 is [21.95, 22.05); 86,000 is
[85,500, 86,500)); two figures agree when their intervals can meet.

Documents (line numbers as `grep -n` shows them):
- SJOF: Social Justice Outcomes Framework, the statistical document with Tables 1-6.
- ONE: Social Justice: transforming lives - One year on, which quotes SJOF in prose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check
from pubcheck.model import Finding
from pubcheck.report import Report

PUBLISHED = Path(__file__).resolve().parents[2] / "published"
SJOF = "sjof-2013-04-outcomes-framework.txt"
ONE = "sj-transforming-lives-one-year-on-2013-04.txt"

Loc = tuple[str, int]


# --------------------------------------------------------------------------- helpers


def where(f: Finding) -> frozenset[Loc]:
    return frozenset((Path(loc.document).name, loc.line) for loc in f.locations)


def findings_at(report: Report, rule: str, severity: str, filename: str, line: int) -> list[Finding]:
    return [f for f in report.findings
            if f.check == rule and f.severity == severity and (filename, line) in where(f)]  # fmt: skip


def _describe(report: Report, rule: str) -> str:
    found = [f"{f.severity} {sorted(where(f))}: {f.message}" for f in report.findings
             if f.check == rule]  # fmt: skip
    return "\n  ".join(found) or "(none)"


def assert_reported(report: Report, rule: str, severity: str, filename: str, line: int,
                    also: tuple[Loc, ...] = ()) -> Finding:  # fmt: skip
    """A `rule` finding of `severity` names filename:line (and every location in `also`)."""
    hits = findings_at(report, rule, severity, filename, line)
    assert hits, (f"no {severity} {rule} finding at {filename}:{line}; {rule} findings:\n  "
                  f"{_describe(report, rule)}")  # fmt: skip
    good = [h for h in hits if set(also) <= where(h)]
    assert good, f"{rule} at {filename}:{line} does not also name {also}: {[sorted(where(h)) for h in hits]}"  # noqa: E501
    return good[0]


def errors(report: Report) -> set[tuple[str, frozenset[Loc]]]:
    return {(f.check, where(f)) for f in report.findings if f.severity == "error"}


def no_crash(report: Report) -> None:
    crashed = [f.message for f in report.findings if f.check in ("rule-error", "extraction-error")]
    assert not crashed, crashed


# The genuine discrepancies in the unmodified bundle, worked out by hand:
# - SJOF Table 3 (age 11), 2008-09: All Other Pupils 75.8% - Free school meals 53.6% = 22.2,
#   printed Gap 22.0%; [75.75 - 53.65, 75.85 - 53.55) = [22.1, 22.3) cannot meet [21.95, 22.05).
# - SJOF para 18 (line 156): the range 11-28 per cent is built from the 21 per cent with missing
#   answers (footnote 7, line 164), so it should be 21 points wide; 11-28 is 16..18 wide.
# - ONE line 79: 'just 40 per cent' of first drug-treatment entrants 2009-12 completed; SJOF
#   says 39 per cent at line 57 and line 392. [39.5, 40.5) and [38.5, 39.5) do not meet.
TABLE3_GAP = ("table-identity", frozenset({(SJOF, 215), (SJOF, 214), (SJOF, 213)}))
MISSING_11_28 = ("missing-bounds", frozenset({(SJOF, 156), (SJOF, 164)}))
DRUG_39_40 = ("cross-document", frozenset({(ONE, 79), (SJOF, 57), (SJOF, 392)}))
GENUINE = {TABLE3_GAP, MISSING_11_28, DRUG_39_40}


@pytest.fixture(scope="module")
def bundle() -> Report:
    return check(PUBLISHED)


def run(plant, tmp_path: Path, *edits: tuple[str, int, str, str]) -> Report:  # type: ignore[no-untyped-def]
    for filename, lineno, old, new in edits:
        plant(tmp_path, filename, lineno, old, new)
    report = check(tmp_path)
    no_crash(report)
    return report


# --------------------------------------------------------------------------- the bundle


def test_bundle_errors_are_exactly_the_genuine_discrepancies(bundle: Report) -> None:
    no_crash(bundle)
    assert errors(bundle) == GENUINE
    assert bundle.summary()["error"] == len(GENUINE)


def test_bundle_table3_gap_2008_09(bundle: Report) -> None:
    assert_reported(bundle, "table-identity", "error", SJOF, 215, also=((SJOF, 214), (SJOF, 213)))


def test_bundle_missing_bounds_11_28_with_21_per_cent_missing(bundle: Report) -> None:
    assert_reported(bundle, "missing-bounds", "error", SJOF, 156, also=((SJOF, 164),))


def test_bundle_cross_document_40_vs_39(bundle: Report) -> None:
    assert_reported(bundle, "cross-document", "error", ONE, 79, also=((SJOF, 57), (SJOF, 392)))


@pytest.mark.parametrize(
    ("rule", "filename", "line"),
    [
        # Table 4 (age 16) 2008-09: 54.8 - 27.1 = 27.7, printed 27.6; [27.6, 27.8) meets
        # [27.55, 27.65). 2009-10: 59.3 - 31.8 = 27.5, printed 27.6; [27.4, 27.6) meets it too.
        ("table-identity", SJOF, 226),
        # Table 1: 5,180 + 5,008 + 4,399 = 14,587; Table 2: 5,180 + 5,007 + 4,396 = 14,583.
        ("table-identity", SJOF, 132),
        ("table-identity", SJOF, 150),
        ("base-mismatch", SJOF, 117),
        ("base-mismatch", SJOF, 140),
        # 32,000 of 88,000 is 36.4 exactly, but 'around' counts to the thousand give
        # [31,500/88,500, 32,500/87,500) = [35.6, 37.1), which holds 35.8.
        ("count-percentage", SJOF, 268),
        # 410,000 of 550,000: [405,000/555,000, 415,000/545,000) = [73.0, 76.1) holds 74.6.
        ("count-percentage", SJOF, 442),
        # 33,000 of 86,000 is 38.4, but [32,500/86,500, 33,500/85,500) = [37.6, 39.2) holds 39.
        ("count-percentage", SJOF, 392),
        # 65,000 of 153,000: [42.1, 42.9) holds 42.
        ("count-percentage", SJOF, 393),
        # 25 per cent reoffend + 74.6 per cent do not: [99.05, 100.15) holds 100.
        ("inverse-rate", ONE, 644),
        # 'from 28 per cent in 2007-2008' against Table 4's 28.0%: [27.5, 28.5) holds 28.0.
        ("prose-table", SJOF, 231),
        # 'a 0.5 percentage point increase': 35.8 - 35.3; 'a rise of 2.1': 35.8 - 33.7.
        ("prose-table", SJOF, 268),
        # 'a decrease of 0.1 percentage points': 74.6 - 74.7.
        ("prose-table", SJOF, 442),
        # 'nearly half (47 per cent)'; 'twice as likely': 55 / 27 = 2.04.
        ("verbal-quantifier", SJOF, 46),
        ("verbal-quantifier", SJOF, 47),
        # 'about 1 in 6 (18 per cent)', 'almost a quarter (23 per cent)'.
        ("verbal-quantifier", SJOF, 309),
        # 'almost three-quarters (74.6 per cent)'.
        ("verbal-quantifier", SJOF, 442),
        # 'Almost two-thirds' of 12-16s in low income (Table 2: 65); 'Over a third' of young
        # offenders reoffend (35.8).
        ("verbal-quantifier", ONE, 79),
        # 74.6 per cent (ONE 672) is SJOF's 74.6 (line 57, 442, Table 6).
        ("cross-document", ONE, 672),
    ],
)
def test_bundle_consistent_within_rounding_is_silent(bundle: Report, rule: str, filename: str,
                                                     line: int) -> None:  # fmt: skip
    hits = [f for f in bundle.findings if f.check == rule and (filename, line) in where(f)]
    assert not hits, [f.message for f in hits]


@pytest.mark.parametrize(
    ("filename", "line", "found"),
    [
        # Gaps between two percentages printed as per cent or '%' are in percentage points.
        (SJOF, 53, "16.8 per cent"),
        (SJOF, 53, "26.2 per cent"),
        (SJOF, 231, "22.2 per cent"),
        (SJOF, 231, "16.8 per cent"),
        (SJOF, 231, "28 per cent"),
        (SJOF, 231, "26.2 per cent"),
        (ONE, 362, "18.8 per cent"),
        # regression: '... at age 4 to 26.2 per cent' was once read as the age range 4-26
        (ONE, 362, "26.2 per cent"),
    ],
)
def test_bundle_gap_in_per_cent_warns(bundle: Report, filename: str, line: int, found: str) -> None:
    hits = [f for f in findings_at(bundle, "unit-mismatch", "warning", filename, line)
            if f.found == found]  # fmt: skip
    assert len(hits) == 1, _describe(bundle, "unit-mismatch")


@pytest.mark.parametrize("line", [215, 226])
def test_bundle_table_gap_rows_in_percent_warn_once_per_row(bundle: Report, line: int) -> None:
    assert len(findings_at(bundle, "unit-mismatch", "warning", SJOF, line)) == 1


def test_bundle_untraced_figures(bundle: Report) -> None:
    # 47 per cent at age 16 (line 46): Table 1 has the 12-16 group only; 42 per cent for
    # alcohol (line 393) is quoted nowhere else. 74.6 per cent (line 57) is in Table 6.
    assert findings_at(bundle, "untraced", "info", SJOF, 46)
    assert findings_at(bundle, "untraced", "info", SJOF, 393)
    assert not findings_at(bundle, "untraced", "info", SJOF, 57)


def test_unchanged_copy_reports_what_the_bundle_reports(plant, tmp_path: Path,
                                                        bundle: Report) -> None:  # fmt: skip
    report = run(plant, tmp_path, (SJOF, 226, "27.4%", "27.4%"))
    assert not [f for f in report.findings if f.check in ("document-changed", "document-unknown")]
    assert sorted((f.check, f.severity, sorted(where(f))) for f in report.findings) == sorted(
        (f.check, f.severity, sorted(where(f))) for f in bundle.findings
    )


def test_plant_refuses_text_not_on_the_line(plant, tmp_path: Path) -> None:
    with pytest.raises(AssertionError):
        plant(tmp_path, SJOF, 225, "27.4%", "25.4%")  # 27.4% is on line 226
    with pytest.raises(AssertionError):
        plant(tmp_path, SJOF, 226, "27.6%", "27.7%")  # twice on the line: ambiguous


# --------------------------------------------------------------------------- planted errors


def planted(rule: str, filename: str, line: int, old: str, new: str, *also: Loc,
            xfail: str | None = None):  # type: ignore[no-untyped-def]  # fmt: skip
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(rule, filename, line, old, new, also, marks=marks,
                        id=f"{rule}-{Path(filename).name[:4]}{line}-{old.strip()}->{new.strip()}")  # fmt: skip


TABLE_IDENTITY = [
    # Table 4 2010-11: 62.5 - 35.1 = 27.4; a printed 25.4 is 2 points out.
    planted("table-identity", SJOF, 226, "27.4%", "25.4%", (SJOF, 225), (SJOF, 224)),
    # Table 4 2008-09: 54.8 - 27.1 = 27.7 may be [27.6, 27.8); 27.9 is [27.85, 27.95).
    planted("table-identity", SJOF, 226, "28.0%\t27.6%", "28.0%\t27.9%"),
    # Table 4 2009-10: 59.3 - 31.8 = 27.5 may be [27.4, 27.6); 27.7 is [27.65, 27.75).
    planted("table-identity", SJOF, 226, "27.6%\t27.4%", "27.7%\t27.4%"),
    # The minuend row changed instead: 55.0 - 27.1 = 27.9 against the printed 27.6.
    planted("table-identity", SJOF, 225, "54.8%", "55.0%", (SJOF, 226)),
    # Table 1 sample sizes: 5,280 + 5,008 + 4,399 = 14,687, printed total 14,587.
    planted("table-identity", SJOF, 129, "5,180", "5,280", (SJOF, 132)),
    # Table 1: the All children rate lies between its parts (23, 34, 44).
    planted("table-identity", SJOF, 132, "33", "47"),
    planted("table-identity", SJOF, 132, "33", "20"),
    # Counts of children are exact: a sum off by one is still wrong.
    planted("table-identity", SJOF, 130, "5,008", "5,009", (SJOF, 132)),
    planted("table-identity", SJOF, 129, "5,180", "5,179", (SJOF, 132)),
]

BASE_MISMATCH = [
    # 'Base: 14,597' above Table 1, whose All children sample size is 14,587.
    planted("base-mismatch", SJOF, 117, "14,587", "14,597", (SJOF, 132)),
    # Exact counts: one child out is a mismatch.
    planted("base-mismatch", SJOF, 117, "14,587", "14,588", (SJOF, 132)),
    planted("base-mismatch", SJOF, 140, "14,583", "14,593", (SJOF, 150)),
    # Table 2 breaks Table 1 down by income: its 12-16 row cannot exceed Table 1's 4,399.
    planted("base-mismatch", SJOF, 149, "4,396", "4,496", (SJOF, 131)),
    # ... nor its 6-11 row Table 1's 5,008.
    planted("base-mismatch", SJOF, 148, "5,007", "5,009", (SJOF, 130)),
]

COUNT_PERCENTAGE = [
    # 33,000 of 86,000 may be [37.6, 39.2) per cent: 45, 40 and 37 are all out of reach.
    planted("count-percentage", SJOF, 392, "This represents 39 per cent",
            "This represents 45 per cent"),
    planted("count-percentage", SJOF, 392, "This represents 39 per cent",
            "This represents 40 per cent"),
    planted("count-percentage", SJOF, 392, "This represents 39 per cent",
            "This represents 37 per cent"),
    # 40,000 of 88,000 may be [44.7, 46.3) per cent, not 35.8.
    planted("count-percentage", SJOF, 268, "Around 32,000 of them", "Around 40,000 of them"),
    # 380,000 of 550,000 may be [67.6, 70.6) per cent, not 74.6.
    planted("count-percentage", SJOF, 442, "Around 410,000", "Around 380,000"),
    # 65,000 of 153,000 may be [42.1, 42.9) per cent, not 48.
    planted("count-percentage", SJOF, 393, "42 per cent", "48 per cent"),
    # 'working with 650 ... more than 40 per cent (290)': 250 of 650 is 38.5 per cent.
    planted("count-percentage", ONE, 441, "(290)", "(250)"),
]

INVERSE_RATE = [
    # 'Key Indicator 6 shows that 25 per cent of people reoffend' while 74.6 per cent do not
    # (ONE 672, SJOF 57/442/Table 6): 35 + 74.6 = 109.6.
    planted("inverse-rate", ONE, 644, "25 per cent of people", "35 per cent of people",
            (ONE, 672)),
    # Only 25 is consistent: 24 gives [98.05, 99.15), 26 gives [100.05, 101.15).
    planted("inverse-rate", ONE, 644, "25 per cent of people", "24 per cent of people"),
    planted("inverse-rate", ONE, 644, "25 per cent of people", "26 per cent of people"),
    # Table 6's April 2010 - March 2011 row changed instead: 25 + 76.6 = 101.6.
    planted("inverse-rate", SJOF, 457, "74.6", "76.6", (ONE, 644)),
]

PROSE_TABLE = [
    # 'from 22.2 per cent in 2007-2008': Table 3 Gap 2007-08 is 22.2%.
    planted("prose-table", SJOF, 231, "from 22.2 per cent in 2007-2008",
            "from 23.2 per cent in 2007-2008", (SJOF, 215)),
    # 'from 28 per cent in 2007-2008': Table 4 Gap 2007-08 is 28.0%.
    planted("prose-table", SJOF, 231, "from 28 per cent", "from 27 per cent", (SJOF, 226)),
    planted("prose-table", SJOF, 231, "from 28 per cent", "from 28.1 per cent", (SJOF, 226)),
    # Key findings: 'the gap in attainment at age 11 was 16.8 per cent' (Table 3 2011-12).
    planted("prose-table", SJOF, 53, "16.8 per cent", "18.8 per cent", (SJOF, 215)),
    # 'a rise of 2.1 percentage points since 2000': 35.8 - 33.7 may be [2.0, 2.2).
    planted("prose-table", SJOF, 268, "a rise of 2.1 percentage points since 2000",
            "a rise of 3.1 percentage points since 2000", (SJOF, 285), (SJOF, 275)),
    planted("prose-table", SJOF, 268, "rise of 2.1", "rise of 2.3"),
    # 'a 0.5 percentage point increase in relation to January 2010 until December 2010':
    # 35.8 - 35.3 may be [0.4, 0.6).
    planted("prose-table", SJOF, 268, "0.5 percentage point increase",
            "0.9 percentage point increase", (SJOF, 285), (SJOF, 284)),
    planted("prose-table", SJOF, 268, "0.5 percentage point increase",
            "0.7 percentage point increase"),
    planted("prose-table", SJOF, 268, "0.5 percentage point increase",
            "0.5 percentage point decrease"),
    # 'a decrease of 0.1 percentage points compared to January - December 2010': 74.6 - 74.7.
    planted("prose-table", SJOF, 442, "decrease of 0.1", "increase of 0.1",
            (SJOF, 457), (SJOF, 456)),
    # '65 per cent ... 26 percentage points higher than the figure for better-off households':
    # Table 2 12-16 gives 65 and 39, a difference of 26.
    planted("prose-table", ONE, 170, "26 percentage points higher", "20 percentage points higher",
            (SJOF, 149)),
]

CROSS_DOCUMENT = [
    # ONE: adult offenders not reoffending April 2010 - March 2011 'was 76.6 per cent';
    # SJOF gives 74.6 (line 57, 442 and Table 6).
    planted("cross-document", ONE, 672, "was 74.6 per cent", "was 76.6 per cent", (SJOF, 442)),
    # SJOF line 57 now says 40 (agreeing with ONE 79) but line 392 says 39.
    planted("cross-document", SJOF, 57, "39 per cent", "40 per cent", (SJOF, 392), (ONE, 79)),
    # ONE Key Indicator 3: 'between April 2010 and March 2011 35.8 per cent committed another
    # offence'; SJOF Table 5 and line 268 give 35.8 for that period.
    planted("cross-document", ONE, 389, "35.8 per cent", "38.8 per cent", (SJOF, 285)),
    # ONE: 'an attainment gap of ... 26.2 per cent at age 16' is SJOF Table 4's 2011-12 gap.
    planted("cross-document", ONE, 362, "to 26.2 per cent at age 16", "to 29.2 per cent at age 16",
            (SJOF, 226)),
    # ONE: 'Key Indicator 1 shows that 65 per cent of 12-16 year old children in low-income
    # households do not live with both birth parents': SJOF Table 2 says 65.
    planted("cross-document", ONE, 170, "that 65 per cent", "that 60 per cent", (SJOF, 149)),
]

VERBAL_QUANTIFIER = [
    # 'nearly half' is [40, 50]: 57 and 51 are above half, 39 too far below.
    planted("verbal-quantifier", SJOF, 46, "nearly half (47 per cent)", "nearly half (57 per cent)"),
    planted("verbal-quantifier", SJOF, 46, "nearly half (47 per cent)", "nearly half (51 per cent)"),
    planted("verbal-quantifier", SJOF, 46, "nearly half (47 per cent)", "nearly half (39 per cent)"),
    # 'almost three-quarters (74.6 per cent)' -> 'almost half' ([40, 50]).
    planted("verbal-quantifier", SJOF, 442, "almost three-quarters (74.6 per cent)",
            "almost half (74.6 per cent)"),
    # 'almost a quarter (23 per cent)' -> 27 per cent is above a quarter.
    planted("verbal-quantifier", SJOF, 309, "almost a quarter (23 per cent)",
            "almost a quarter (27 per cent)"),
    # 'Almost two-thirds of children aged 12 to 16 in low-income households': Table 2 says 65,
    # far from 'almost a quarter' [15, 25] and below 'over two-thirds' [66.7, 76.7].
    planted("verbal-quantifier", ONE, 79, "Almost two-thirds", "Almost a quarter", (SJOF, 149)),
    planted("verbal-quantifier", ONE, 79, "Almost two-thirds", "Over two-thirds", (SJOF, 149)),
    # 'Over a third of young offenders reoffend': 35.8 is not 'over half'.
    planted("verbal-quantifier", ONE, 79, "Over a third", "Over half"),
    # 'twice as likely': Table 2 All children 55 / 27 = 2.04, not about 3.
    planted("verbal-quantifier", SJOF, 47, "twice as likely", "three times as likely", (SJOF, 150)),
    # The table changed instead: 75 / 27 = 2.8 is not 'twice'.
    planted("verbal-quantifier", SJOF, 150, "55", "75", (SJOF, 47)),
]

MISSING_BOUNDS = [
    # The footnote's missing share changed: 11-28 may be 16..18 wide; 15 and 19 are not.
    planted("missing-bounds", SJOF, 164, "21 per cent", "15 per cent", (SJOF, 156)),
    planted("missing-bounds", SJOF, 164, "21 per cent", "19 per cent", (SJOF, 156)),
]

STATEMENTS = [
    # SJOF 231: 'has been decreasing over time, from 22.2 per cent in 2007-2008 to 16.8 per cent':
    # with a printed change of 4.4 points, 16.8 - 22.2 may be (-5.5, -5.3), not -[4.35, 4.45).
    planted("change-arithmetic", SJOF, 231, "decreasing over time", "decreasing by 4.4 percentage points"),
    # 'increasing' from 22.2 to 16.8 per cent: every value the two may stand for falls.
    planted("change-direction", SJOF, 231, "has been decreasing over time", "has been increasing over time"),
    # ONE 362: 'increasing from an attainment gap of 18.8 per cent at age 4 to 26.2 per cent'.
    planted("change-direction", ONE, 362, "increasing from", "decreasing from"),
    # ONE 170: '65 per cent ..., 26 percentage points higher than the figure for better-off
    # households' with the other rate printed: 65 - 49 is 16, not 26.
    planted("gap-arithmetic", ONE, 170, "better-off households.", "better-off households (49 per cent)."),
    # SJOF 47 with both rates printed: 55 / 27 = 2.04 is 'twice', not 'three times' ([2.625, 3.375]).
    planted("ratio-arithmetic", SJOF, 47, "are twice as likely not to be living with both birth parents as children in "
            "middle to high income households.", "are three times as likely (55 per cent) not to be living with both "
            "birth parents as children in middle to high income households (27 per cent)."),
]

UNIT_MISMATCH = [
    # 'a 0.5 per cent increase': 35.8 - 35.3 is 0.5 points (a relative 1.4 per cent).
    planted("unit-mismatch", SJOF, 268, "0.5 percentage point increase", "0.5 per cent increase",
            (SJOF, 285), (SJOF, 284)),
]


@pytest.mark.parametrize(
    ("rule", "filename", "line", "old", "new", "also"),
    TABLE_IDENTITY + BASE_MISMATCH + COUNT_PERCENTAGE + INVERSE_RATE + PROSE_TABLE
    + CROSS_DOCUMENT + VERBAL_QUANTIFIER + MISSING_BOUNDS + STATEMENTS,
)
def test_planted_error_is_reported_at_its_line(plant, tmp_path: Path, rule: str, filename: str,
                                               line: int, old: str, new: str,
                                               also: tuple[Loc, ...]) -> None:  # fmt: skip
    report = run(plant, tmp_path, (filename, line, old, new))
    assert_reported(report, rule, "error", filename, line, also)


@pytest.mark.parametrize(("rule", "filename", "line", "old", "new", "also"), UNIT_MISMATCH)
def test_planted_unit_mismatch_warns_at_its_line(plant, tmp_path: Path, rule: str, filename: str,
                                                 line: int, old: str, new: str,
                                                 also: tuple[Loc, ...]) -> None:  # fmt: skip
    report = run(plant, tmp_path, (filename, line, old, new))
    assert_reported(report, rule, "warning", filename, line, also)
    assert not findings_at(report, "prose-table", "error", filename, line)


def test_planted_relative_change_that_is_points_warns(plant, tmp_path: Path) -> None:
    # '22.2 per cent ... to 16.8 per cent' is a fall of 5.4 points, or of 24.3 per cent: a printed
    # '5.4 per cent' fits only the points reading.
    report = run(plant, tmp_path, (SJOF, 231, "decreasing over time", "decreasing by 5.4 per cent"))
    hits = [f for f in findings_at(report, "unit-mismatch", "warning", SJOF, 231) if "5.4" in f.found]
    assert len(hits) == 1, _describe(report, "unit-mismatch")
    assert not findings_at(report, "change-arithmetic", "error", SJOF, 231)


@pytest.mark.parametrize(
    ("line", "doc", "old", "new"),
    [
        # 16.8 - 22.2 may be (-5.5, -5.3): a printed 5.4 or 5.3 points is consistent.
        (231, SJOF, "decreasing over time", "decreasing by 5.4 percentage points"),
        (231, SJOF, "decreasing over time", "decreasing by 5.3 percentage points"),
        # 65 - 39 = 26 (the 12-16 rates of SJOF Table 2).
        (170, ONE, "better-off households.", "better-off households (39 per cent)."),
        # 55 / 27 may be [1.96, 2.09]: 'twice'.
        (47, SJOF, "as children in middle to high income households.",
         "as children in middle to high income households (27 per cent)."),
    ],
)
def test_statements_consistent_within_rounding_are_silent(plant, tmp_path: Path, line: int, doc: str, old: str,
                                                          new: str) -> None:  # fmt: skip
    report = run(plant, tmp_path, (doc, line, old, new))
    for rule in ("change-arithmetic", "change-direction", "gap-arithmetic", "ratio-arithmetic", "unit-mismatch"):
        hits = [f for f in findings_at(report, rule, "error", doc, line)]
        assert not hits, [f.message for f in hits]


def test_about_one_in_six_accepts_nineteen_per_cent(plant, tmp_path: Path) -> None:
    # 1 in 6 is 16.7 per cent; 19 is within even the bare 2.5-point tolerance.
    report = run(plant, tmp_path,
                 (SJOF, 309, "about 1 in 6 (18 per cent)", "about 1 in 6 (19 per cent)"))  # fmt: skip
    assert not findings_at(report, "verbal-quantifier", "error", SJOF, 309), _describe(
        report, "verbal-quantifier")


def test_points_difference_printed_as_per_cent_higher_is_reported(plant, tmp_path: Path) -> None:
    report = run(plant, tmp_path,
                 (ONE, 170, "26 percentage points higher", "26 per cent higher"))  # fmt: skip
    hits = [f for f in report.findings if (ONE, 170) in where(f)
            and f.check in ("unit-mismatch", "prose-table")]  # fmt: skip
    assert hits, _describe(report, "prose-table")


# --------------------------------------------------------------------------- silence


@pytest.mark.parametrize(
    ("edits", "fixed"),
    [
        # Table 4 2008-09: 54.8 - 27.1 may be [27.6, 27.8); a printed 27.8 may be 27.75.
        pytest.param([(SJOF, 226, "28.0%\t27.6%", "28.0%\t27.8%")], set(), id="t4-gap-27.8"),
        # Table 3 2008-09: with 75.7, 75.7 - 53.6 may be [22.0, 22.2), which meets 22.0%.
        pytest.param([(SJOF, 214, "75.8%", "75.7%")], {TABLE3_GAP}, id="t3-fix-minuend"),
        # ... or print the gap the rows give.
        pytest.param([(SJOF, 215, "22.0%", "22.2%")], {TABLE3_GAP}, id="t3-fix-gap"),
        # Table 1: an All children rate equal to its lowest or highest part is a weighted mean.
        pytest.param([(SJOF, 132, "33", "44")], set(), id="t1-total-at-max"),
        pytest.param([(SJOF, 132, "33", "23")], set(), id="t1-total-at-min"),
        # Table 2's 12-16 row equal to its parent's 4,399, total and base raised to match:
        # 5,180 + 5,007 + 4,399 = 14,586.
        pytest.param([(SJOF, 149, "4,396", "4,399"), (SJOF, 150, "14,583", "14,586"),
                      (SJOF, 140, "14,583", "14,586")], set(), id="t2-row-equal-to-parent"),
        # 74.6 -> 75: [74.5, 75.5) still meets SJOF's 74.6, and 25 + 75 may be 100.
        pytest.param([(ONE, 672, "was 74.6 per cent", "was 75 per cent")], set(), id="one-75"),
        # ONE 79 says 39 like SJOF: the genuine cross-document error goes.
        pytest.param([(ONE, 79, "just 40 per cent", "just 39 per cent")], {DRUG_39_40},
                     id="one-fix-39"),
        # Changes within rounding: 35.8 - 35.3 may be [0.4, 0.6); 35.8 - 33.7 may be
        # [2.0, 2.2); 74.6 - 74.7 may be (-0.2, 0.0).
        pytest.param([(SJOF, 268, "0.5 percentage point", "0.4 percentage point")], set(),
                     id="change-0.4"),
        pytest.param([(SJOF, 268, "0.5 percentage point", "0.6 percentage point")], set(),
                     id="change-0.6"),
        pytest.param([(SJOF, 268, "rise of 2.1", "rise of 2.0")], set(), id="rise-2.0"),
        pytest.param([(SJOF, 268, "rise of 2.1", "rise of 2.2")], set(), id="rise-2.2"),
        pytest.param([(SJOF, 442, "decrease of 0.1", "decrease of 0.2")], set(), id="fall-0.2"),
        # '28.0 per cent' for Table 4's 28.0%.
        pytest.param([(SJOF, 231, "from 28 per cent", "from 28.0 per cent")], set(), id="28.0"),
        # 'nearly half' is [40, 50].
        pytest.param([(SJOF, 46, "(47 per cent)", "(41 per cent)")], set(), id="nearly-half-41"),
        # 11-28 may be 16..18 wide: a missing share of 16, 17 or 18 per cent agrees with it.
        pytest.param([(SJOF, 164, "21 per cent", "17 per cent")], {MISSING_11_28}, id="missing-17"),
        pytest.param([(SJOF, 164, "21 per cent", "16 per cent")], {MISSING_11_28}, id="missing-16"),
        pytest.param([(SJOF, 164, "21 per cent", "18 per cent")], {MISSING_11_28}, id="missing-18"),
        # ... or widen the range to the 21 points the footnote asks for.
        pytest.param([(SJOF, 156, "11-28", "11-32")], {MISSING_11_28}, id="range-11-32"),
    ],
)
def test_consistent_within_rounding_adds_no_error(plant, tmp_path: Path, edits, fixed) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    report = run(plant, tmp_path, *edits)
    assert errors(report) == GENUINE - fixed


def test_percentage_within_rounding_of_counts_is_silent(plant, tmp_path: Path) -> None:
    # 33,000 of 86,000 may be [37.6, 39.2) per cent: 38 is as good as the printed 39.
    report = run(plant, tmp_path,
                 (SJOF, 392, "This represents 39 per cent", "This represents 38 per cent"))  # fmt: skip
    assert not [f for f in report.findings if f.check == "count-percentage"]


def test_gap_in_percentage_points_does_not_warn(plant, tmp_path: Path) -> None:
    report = run(plant, tmp_path, (SJOF, 53, "16.8 per cent", "16.8 percentage points"))
    at53 = findings_at(report, "unit-mismatch", "warning", SJOF, 53)
    assert [f.found for f in at53] == ["26.2 per cent"]


def test_gap_row_without_percent_signs_does_not_warn(plant, tmp_path: Path) -> None:
    report = run(plant, tmp_path,
                 (SJOF, 215, "22.2%\t22.0%\t21.2%\t20.0%\t16.8%", "22.2\t22.0\t21.2\t20.0\t16.8"))
    assert not findings_at(report, "unit-mismatch", "warning", SJOF, 215)
    assert findings_at(report, "unit-mismatch", "warning", SJOF, 226)
    # the arithmetic does not depend on the % sign: 75.8 - 53.6 is still not 22.0
    assert_reported(report, "table-identity", "error", SJOF, 215)


# --------------------------------------------------------------------------- markers


@pytest.mark.parametrize("marker", ["[c]", "..", "[x]", "-"])
def test_suppression_marker_in_table5_never_crashes(plant, tmp_path: Path, marker: str) -> None:
    report = run(plant, tmp_path, (SJOF, 276, "33.4", marker))  # Table 5, 2002
    assert errors(report) == GENUINE
    assert sum(report.summary().values()) == len(report.findings)


@pytest.mark.parametrize(
    ("line", "old", "marker", "fixed"),
    [
        # Table 3 2008-09 FSM suppressed: the 22.0 gap can no longer be checked.
        (213, "53.6%", "[c]", {TABLE3_GAP}),
        # Table 1 total sample size suppressed: nothing to sum to or compare the base with.
        (132, "14,587", "[c]", set()),
        # Table 2's 12-16 sample size suppressed: the sub-table check skips that row.
        (149, "4,396", "[x]", set()),
        # Table 6's latest year suppressed.
        (457, "74.6", "..", set()),
    ],
)
def test_suppression_marker_in_other_tables(plant, tmp_path: Path, line: int, old: str,
                                            marker: str, fixed) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    report = run(plant, tmp_path, (SJOF, line, old, marker))
    assert errors(report) == GENUINE - fixed


# --------------------------------------------------------------------------- table rules
# The bundle holds no shares of a whole, long tables or rate columns, so the table rules are
# planted in a CSV table published beside it: its other rows show the relation, one row breaks
# it, and the bundle's own findings stay exactly what they were.

TABLE_IDS = {"table-shares", "table-totals", "table-rates", "table-outlier"}
OUTCOMES_CSV = """\
"year","group","headcount","completed","completed_rate","Success (%)","Relapse (%)","Dropped out (%)"
"2019","Total","1503","751","50","60","30","10"
"2019","Alcohol","701","386","55.1","62","28","10"
"2019","Drugs","802","365","45.5","58","31","11"
"2020","Total","1602","{total}","51.2","61","29","10"
"2020","Alcohol","761","401","52.7","{alcohol_success}","27","10"
"2020","Drugs","841","420","{drugs_rate}","57","32","11"
"2021","Total","1654","832","50.3","61","30","9"
"2021","Alcohol","793","401","50.6","63","28","9"
"2021","Drugs","861","431","50.1","59","31","10"
"""
OUTCOMES_CLEAN = {"total": "821", "alcohol_success": "63", "drugs_rate": "49.9"}
# Worked by hand. Counts exact: 386 + 365 = 751; 401 + 420 = 821; 401 + 431 = 832 (headcounts
# likewise). Rates, 1 dp in the column: 751/1503 = 49.97 (50.0), 386/701 = 55.06, 365/802 =
# 45.51, 821/1602 = 51.25 (51.248), 401/761 = 52.69, 420/841 = 49.94, 832/1654 = 50.30,
# 401/793 = 50.57, 431/861 = 50.06. Shares of one whole (whole per cents; three stand for
# [sum - 1.5, sum + 1.5)): every row sums to 100.
TABLE_RULES = [
    # 2020 Total 721 against its parts 401 + 420 = 821: the parts exceed it (and 721/1602 is
    # no longer 51.2 per cent: table-rates reports that too).
    ("table-totals", "error", {"total": "721"}, "D5"),
    # 2020 Alcohol shares 66 + 27 + 10 = 103: [101.5, 104.5) misses 100 by 1.5 points (a warning);
    # 67 + 27 + 10 = 104 misses it by 2.5, more than separate estimation explains (an error).
    ("table-shares", "warning", {"alcohol_success": "66"}, "F6"),
    ("table-shares", "error", {"alcohol_success": "67"}, "F6"),
    # 2020 Drugs: 420/841 = 49.94, printed 56.0 ([55.95, 56.05)).
    ("table-rates", "error", {"drugs_rate": "56"}, "E7"),
]


def test_table_rules_silent_on_a_clean_table_beside_the_bundle(plant, tmp_path: Path) -> None:
    plant(tmp_path, SJOF, 226, "27.4%", "27.4%")
    (tmp_path / "outcomes.csv").write_text(OUTCOMES_CSV.format(**OUTCOMES_CLEAN), encoding="utf-8")
    report = check(tmp_path)
    no_crash(report)
    assert errors(report) == GENUINE
    assert not [f for f in report.findings if f.check in TABLE_IDS]


@pytest.mark.parametrize(("rule", "severity", "change", "cell"), TABLE_RULES)
def test_planted_table_error_is_reported_at_its_cell(plant, tmp_path: Path, rule: str, severity: str,
                                                     change: dict[str, str], cell: str) -> None:  # fmt: skip
    plant(tmp_path, SJOF, 226, "27.4%", "27.4%")
    text = OUTCOMES_CSV.format(**{**OUTCOMES_CLEAN, **change})
    (tmp_path / "outcomes.csv").write_text(text, encoding="utf-8")
    report = check(tmp_path)
    no_crash(report)
    hits = [f for f in report.findings if f.check == rule and f.severity == severity
            and any(loc.cell == cell for loc in f.locations)]  # fmt: skip
    assert hits, _describe(report, rule)
    assert {e for e in errors(report) if e[0] not in TABLE_IDS} == GENUINE


def test_planted_outlier_row_warns(plant, tmp_path: Path) -> None:
    # 'Any degree' = 'First degree' + 'Higher degree' in every row but 2022: 25.1 + 9.0 = 34.1,
    # printed 36.1 (each sum of two 1-dp figures stands for +/- 0.1).
    plant(tmp_path, SJOF, 226, "27.4%", "27.4%")
    rows = [("2018", 22.0, 7.1, 29.1), ("2019", 22.9, 7.5, 30.4), ("2020", 23.5, 8.0, 31.5),
            ("2021", 24.4, 8.2, 32.6), ("2022", 25.1, 9.0, 36.1)]  # fmt: skip
    text = '"Year","First degree (%)","Higher degree (%)","Any degree (%)"\n' + "".join(
        f'"{y}",{a},{b},{c}\n' for y, a, b, c in rows)
    (tmp_path / "degrees.csv").write_text(text, encoding="utf-8")
    report = check(tmp_path)
    hits = [f for f in report.findings if f.check == "table-outlier" and f.severity == "warning"]
    assert [sorted(loc.cell or "" for loc in f.locations) for f in hits] == [["B6", "C6", "D6"]]
    assert errors(report) == GENUINE
