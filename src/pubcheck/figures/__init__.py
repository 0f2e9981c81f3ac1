"""Stage 2, figures: every figure in a Document, with its place, its rounding interval and
the indicator it belongs to.

Owns: `extract.extract(document) -> Extraction` (the entry point: figures, tables and
footnotes of one document), `lexer` (figures and labels that only look like numbers, in one
line), `numbers` (parsing, rounding intervals, verbal quantifiers from checks/quantifiers.toml),
`periods` (normalised periods), `tables` (tab-separated table blocks), `link` (figures to
indicator, measure, breakdown and period, by the patterns in checks/linking.toml).

May import: pubcheck.documents and the layers below it (pubcheck.report, pubcheck.model,
pubcheck.paths). Knows nothing of rules, extracts or the refresh gate.
"""
