"""The generator's numbers that are not published figures: the sizes the issue gives (the scale
of the synthetic population) and plausible shapes where nothing is published (smooth trends,
mixes, shares). No published value is typed in here (tests/synth checks the literals)."""

from __future__ import annotations

# ------------------------------------------------------------------ sizes from the issue
# (not published figures: the scale of the synthetic population)
MIN_DENOMINATOR_ROWS = 2_000
PUPILS_PER_KEY_STAGE = 550_000
CLAIMS_PER_DATE = 5_000_000
BENEFIT_FIRST_YEAR = 2006
OFFENDER_RELEASES = 60_000  # "a few tens of thousands" of releases in the release year
RELEASE_YEAR = 2008  # the MoJ-DWP data share covers offenders released from prison in 2008
DEALS_AT_SCALE_1 = {-2: 180, -1: 220, 0: 260}  # "a few hundred" deals, by year relative to the published one

# ------------------------------------------------------------------ plausible shapes (not published)
# pupils: cohort size by year (index in the table's years) and FSM share by key stage
PUPIL_YEAR_FACTOR = (1.010, 1.000, 0.992, 0.986, 0.990)
FSM_SHARE = {"KS2": 0.180, "KS4": 0.160}
# 152 local-authority codes (three digits), sizes drawn per seed
LA_CODES = [f"{c:03d}" for c in [*range(201, 214), *range(301, 321), *range(330, 337), *range(340, 345),
            *range(350, 360), *range(370, 374), *range(380, 385), *range(390, 395), *range(800, 804),
            *range(805, 809), *range(810, 814), 815, 816, *range(820, 824), 825, 826, 830, 831,
            *range(835, 838), 840, 841, 845, 846, *range(850, 853), *range(855, 858), 860, 861,
            *range(865, 875), *range(876, 897), 908, 909, 916, 919, 921, 925, 926, 928, 929, 931,
            933, *range(935, 939)]]  # fmt: skip
# reoffending: youth cohort size relative to 2000 (2000 itself comes from the published
# change since 2000); adult cohort size relative to the latest cohort
YOUTH_COHORT_VS_2000 = {"2002": 1.04, "2003": 1.06, "2004": 1.10, "2005": 1.15, "2006": 1.18,
                        "2007": 1.15, "2008": 1.00, "2009": 0.85, "2010": 0.70}  # fmt: skip
ADULT_COHORT_VS_LATEST = {"2000": 0.88, "2002": 0.92, "2003": 0.95, "2004": 0.98, "2005": 1.00,
                          "2006": 1.02, "2007": 1.04, "2008": 1.05, "2009": 1.03, "2010": 1.01}  # fmt: skip
YOUTH_AGE_WEIGHTS = {10: 1, 11: 2, 12: 4, 13: 7, 14: 11, 15: 15, 16: 18, 17: 20}
YOUTH_DISPOSAL_SHARE = {"custody_release": 0.08, "court_conviction": 0.50, "reprimand_warning": 0.42}
ADULT_DISPOSAL_SHARE = {"custody_release": 0.12, "court_conviction": 0.55, "caution": 0.28,
                        "positive_drug_test": 0.05}  # fmt: skip
REOFFEND_PROPENSITY = {"custody_release": 2.0, "court_conviction": 1.3, "caution": 0.7,
                       "reprimand_warning": 0.7, "positive_drug_test": 1.8}  # fmt: skip
OFFENCE_CODES = ["028", "030", "039", "045", "046", "049", "053", "056", "058", "059", "066",
                 "092A", "104", "105A", "105B", "126", "149", "195", "802", "803", "8051", "9201"]  # fmt: skip
# benefits, per 31 March: capable claims relative to 2012; entrenched share of the
# population in percentage points relative to 2012 (stable, then rising 2008-2011, then a
# further rise to 2012, as the text describes); the further-from-work entrenched share of the
# population (falling since 2006); total claims relative to the 5 million.
CAPABLE_VS_2012 = {2006: 0.89, 2007: 0.87, 2008: 0.85, 2009: 1.00, 2010: 1.04, 2011: 1.02, 2012: 1.00}
ENTRENCHED_PP_VS_2012 = {2006: -0.40, 2007: -0.40, 2008: -0.40, 2009: -0.30, 2010: -0.25, 2011: -0.20, 2012: 0.0}
FURTHER_ENTRENCHED_PCT = {2006: 6.5, 2007: 6.4, 2008: 6.25, 2009: 6.1, 2010: 5.9, 2011: 5.7, 2012: 5.5}
FURTHER_ENTRENCHED_SHARE = 0.85  # of further-from-work claims aged 22-59
CLAIMS_TOTAL_FACTOR = {2006: 0.97, 2007: 0.96, 2008: 0.95, 2009: 1.02, 2010: 1.04, 2011: 1.02, 2012: 1.00}
POPULATION_GROWTH = 0.004  # per year, backwards from 2012
ESA_FROM_YEAR = 2009  # ESA began in October 2008: first 31 March with ESA claims
# benefit mix (shares) within capable (closer), further, and out-of-scope ages, by era
CLOSER_MIX = {2006: {"JSA": 0.50, "IS_LONE_PARENT": 0.50}, 2009: {"JSA": 0.55, "ESA_WRAG": 0.02,
              "ESA_ASSESSMENT": 0.10, "IS_LONE_PARENT": 0.33}, 2010: {"JSA": 0.55, "ESA_WRAG": 0.06,
              "ESA_ASSESSMENT": 0.10, "IS_LONE_PARENT": 0.29}, 2011: {"JSA": 0.52, "ESA_WRAG": 0.10,
              "ESA_ASSESSMENT": 0.11, "IS_LONE_PARENT": 0.27}, 2012: {"JSA": 0.52, "ESA_WRAG": 0.15,
              "ESA_ASSESSMENT": 0.10, "IS_LONE_PARENT": 0.23}}  # fmt: skip
FURTHER_MIX = {2006: {"IB": 0.80, "SDA": 0.05, "IS_OTHER": 0.15}, 2009: {"ESA_SUPPORT": 0.02, "IB": 0.78,
               "SDA": 0.05, "IS_OTHER": 0.15}, 2010: {"ESA_SUPPORT": 0.06, "IB": 0.74, "SDA": 0.05,
               "IS_OTHER": 0.15}, 2011: {"ESA_SUPPORT": 0.10, "IB": 0.70, "SDA": 0.05, "IS_OTHER": 0.15},
               2012: {"ESA_SUPPORT": 0.18, "IB": 0.62, "SDA": 0.05, "IS_OTHER": 0.15}}  # fmt: skip
OUT_OF_SCOPE_MIX = {"JSA": 0.50, "IS_LONE_PARENT": 0.14, "ESA_ASSESSMENT": 0.06, "ESA_WRAG": 0.02,
                    "ESA_SUPPORT": 0.02, "IB": 0.16, "SDA": 0.02, "IS_OTHER": 0.08}  # fmt: skip
ENTRENCHED_PROPENSITY = {"JSA": 1.0, "ESA_WRAG": 3.0, "ESA_ASSESSMENT": 1.5, "IS_LONE_PARENT": 3.0,
                         "ESA_SUPPORT": 1.5, "IB": 3.0, "SDA": 4.0, "IS_OTHER": 1.0}  # fmt: skip
AGE_SHAPE = {"JSA": (1.3, 1.8), "IS_LONE_PARENT": (1.5, 2.5), "IS_OTHER": (1.6, 1.6)}  # default (2.2, 1.3)
ESA_JOINT_SHARE = 0.05  # no figure is published for ESA
# treatment: exit outcomes other than the published numerator, as shares of the cohort
TREATMENT_OTHER_EXITS = {"successful_returned": 0.08, "dropped_out": 0.22, "transferred": 0.06,
                         "prison": 0.03, "died": 0.01, "other": 0.03}  # fmt: skip
RETURN_AFTER_UNSUCCESSFUL = 0.30
TREATMENT_DAYS_MEAN = {"drug": 200.0, "alcohol": 120.0}
# children: low-income and not-both-parent households are slightly over-represented in the
# achieved sample; the weights correct it
LOW_INCOME_OVERSAMPLE = 1.10
# social investment: market size relative to the published year (offset in years); regional shares
MARKET_VS_PUBLISHED = {-2: 0.70, -1: 0.84}
REGION_SHARE = (0.05, 0.10, 0.08, 0.06, 0.07, 0.07, 0.30, 0.08, 0.06, 0.04, 0.07, 0.02)

# the extracts whose counts are grossed up by 1/scale when recomputed (pubcheck:scale of the package)
GROSSED = ("pupils", "reoffending", "treatment", "benefits", "social_investment")
