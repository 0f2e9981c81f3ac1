"""Stage 5b, the synthetic extract generator (`scripts/generate_extracts.py`): row-level
extracts whose aggregates reproduce the published figures.

Owns: `generate.generate(out, scale, seed, ...)` (the entry point: targets -> plan -> every
extract family -> files, datapackage.json, manifest.json, self-check), `targets` (the
published figures the data must hit, from pubcheck's own extraction), `solve` and `plan`
(integer counts that hit the printed intervals at the scale asked for), one module per extract
family (`children`, `pupils`, `reoffending` with offender_employment, `treatment`, `benefits`
with population, `social_investment`), `rows` (id, string and date columns), `shapes` (the
numbers that are not published: sizes and plausible shapes), `verify` (every target recomputed
from the rows written), `write` (Parquet/CSV and the frictionless datapackage.json).

May import: pubcheck.extracts and the layers below it (it uses pubcheck.documents and
pubcheck.figures), and schemas/. It is a sibling of pubcheck.refresh: neither imports the
other. scripts/generate_extracts.py is its command line.

Targets come out of the documents
---------------------------------
No published value is typed in here. The generator runs pubcheck's extraction on the
publications (pubcheck.documents, then pubcheck.figures) and takes every target from the
Social Justice Outcomes Framework's extracted figures: a figure's *interval* (every value the
printed, rounded figure may stand for) is what the data must hit, and its printed value is
the point aimed at. What is taken from where:

- children (1a, 1b, 1c): Table 1 and Table 2 cells (weighted rates, unweighted sample sizes;
  the known-income base is Table 2's), the single-year age figure ('By the age of 16 ...'),
  the low end of the relationship-quality range, the missing-answer share on the range's
  footnote line, and the bottom-income share of the income definition.
- pupils (2-ks2, 2-ks4): Tables 3-4, FSM and all-other rates by academic year.
- reoffending (3, 6): Tables 5-6 by cohort, the prose counts of the latest cohort (youth
  cohort and re-offenders; adult cohort and non-re-offenders), re-offences per re-offender
  and their relative changes against the previous cohort and 2000, and the youth cohort's
  change in size since 2000.
- treatment (5a): the drug and alcohol counts and rates of the 2009-12 cohort.
- benefits and population (4): capable claims, entrenched claims and their share of the
  working-age population on 31 March 2012, and the joint-claim shares of IS and JSA claims.
- offender_employment (6-employment): the P45 employment rate.
- social_investment (7): the 2011 market size.

Counts and rates are solved together by interval intersection: for a count n (e.g. drug
clients who completed), a denominator d (first presentations) and a rate (their percentage),
the generator picks integers in the middle of the region where n, d and 100*n/d all lie in
their intervals. A rate printed with
one decimal is hit by choosing an integer numerator at the generated denominator.

Contradictions stay in the data
-------------------------------
Where published figures contradict each other, the extract follows the more basic figures
(counts, then component rates) and the contradiction is left for pubcheck to find:

- Table 3, 2008-09: the printed gap is not all-other minus FSM; the data follow the
  component rates. A gap that *can* be reproduced within the rounding of its components
  (e.g. Table 4, 2008-09) is used to choose the point inside them.
- The relationship-quality range and its missing share cannot all hold: the data follow the
  low end (unhappy share) and the missing share, so the high end comes out as low + missing.
- Other publications (e.g. One year on's rounded 5a rate) are not targets at all.

Scale
-----
scale 1.0 is national size: about 550 thousand pupils per key stage and year, the
published youth and adult cohort sizes (11 cohorts), 5 million benefit claims on each 31
March 2006-2012, the published treatment cohorts, Table 1's children (the survey: always in
full), 60 thousand offenders released in 2008 and a few hundred social investment deals:
about 48 million rows,
written in well under two minutes on two cores. At scale S a row stands for 1/S people
(claims, deals): counts are grossed up by 1/S when recomputed.

Every denominator a published rate is computed from keeps at least 2,000 rows whatever the
scale, so that one-decimal rates can be hit exactly. The scale actually used is therefore
raised to that floor where needed:

- `pubcheck:scale` (package level, datapackage.json) is the scale of every extract whose
  counts are grossed up: pupils, reoffending, treatment, benefits, social_investment. It is
  max(S, floor), where the floor is 2,000 / the smallest such denominator (about 0.0233).
- each resource carries its own `pubcheck:scale` too. offender_employment (a rate only, no
  published count) may have a higher one (its own floor); children (a survey sample with
  weights) and population (estimates) are never scaled: 1.0.
- `pubcheck:requested_scale` records S as asked for. manifest.json repeats all of this with
  rows per extract and the achieved value of every target.

Every scale below the floor gives the same rows. The bundled fixtures/extracts/ are

    python scripts/generate_extracts.py --scale 0.001 --seed 2013 --compression-level 19 \
        --out fixtures/extracts

(the smallest output, about 1.1 million rows; zstd level 19 keeps the folder under 4 MB).
tests/synth/test_generator.py regenerates them and compares the frames.

After writing, the generator recomputes every target from the rows it wrote and fails if one
is missed (or if a contradiction above has disappeared). The files in DIR are the
generator's: a stale `<stem>.csv` from an earlier run with csv is removed.

Plausible values where nothing is published
-------------------------------------------
Years and breakdowns without a published figure get plausible values, as smooth trends
defined by the constants below (cohort sizes other than the latest, re-offences per
re-offender between 2000 and 2010, benefits on 31 March 2006-2011, the benefit mix, the
further-from-work-benefit series, the population in years other than 2012, treatment exit
reasons, social investment before 2011, FSM shares, ages, disposals, dates, regions). The
working-age population of 2012 is derived: entrenched claims / their published share.
"""
