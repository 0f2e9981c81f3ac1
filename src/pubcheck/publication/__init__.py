"""Stage 3, publication rules: the figures of every document checked against each other.

Owns: `registry` (Rule, REGISTRY, @rule, RULE_MODULES, `run_rules(corpus)`, the entry
point, and --select/--ignore filtering), `corpus` (Corpus: the figures the rules read, with
lookups by key), `rules/` (the rules, one module per family; the registry imports them from
its explicit RULE_MODULES list, so nothing imports a rule by name), `invariants` (the
indicator invariants of schemas/indicators.py run on the tables scraped from the documents).

May import: pubcheck.figures and the layers below it (pubcheck.documents, pubcheck.fetch,
pubcheck.report, pubcheck.model, pubcheck.paths), and schemas/. Knows nothing of extracts,
the refresh gate or the CLI.
"""
