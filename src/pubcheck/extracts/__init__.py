"""Stage 4, extracts: the source extracts behind the publications (`pubcheck validate`).

Owns: `contracts/` (the Pandera contracts of schemas/extracts.py compiled to one streaming
polars query per extract: `validate_extract`, `load_extract`, `find_extracts`),
`recompute` (every published figure linked to an indicator the extracts cover, recomputed
and compared with its printed interval), `invariants` (the indicator invariants of
schemas/indicators.py on the recomputed tables), `validate.run_extracts(directory, corpus)`
(the entry point: contracts, recomputation and invariants for one folder of extracts).

May import: pubcheck.publication (the Corpus of published figures it compares with) and the
layers below it, and schemas/. Knows nothing of the refresh gate, the generator or the CLI.
"""
