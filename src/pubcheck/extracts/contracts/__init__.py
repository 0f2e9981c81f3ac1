"""Extract contracts: the Pandera declarations in schemas/extracts.py, executed at polars speed.

What must hold is declared once, in Pandera (`schemas/extracts.py`). This package runs those
declarations itself instead of calling `schema.validate` on every row:

1. `compile_contract` turns the pandera schema objects into `CompiledRule`s: each builtin
   column check (`isin`, `greater_than_or_equal_to`, `str_matches`, ...) becomes a polars
   expression that is True on valid rows; `nullable`, `unique` and the schema's `unique`
   key become not-null and uniqueness rules; each dataframe check is mapped back, by name,
   to its expression in `RULES`. A check the compiler does not know is not skipped: it is
   run by pandera itself (kind "pandera").
2. `validate_extract` counts the violations of every rule in ONE lazy `select`, collected
   with the streaming engine. Only the rules that fail cost more: a second query fetches a
   few failing rows (with their line numbers), and pandera is asked to validate just those
   rows, so the finding can say that pandera agrees.

Findings (one per rule and column) name the file, the column, the rule, the count, and the
first failing rows. Structural problems (unreadable, truncated or ragged files, wrong
encoding, missing or extra columns, wrong types) are findings too: nothing here raises on
bad data.

Line numbers: for a CSV the header is line 1, so data row i (0-based) is line i + 2; for
Parquet the "line" is the 1-based row number. A finding about the file as a whole has
line 0.

Modules: `compile` (schema -> CompiledRules), `read` (finding and reading extracts, structure,
line numbers), `execute` (`validate_extract`: the one query, samples, pandera's confirmation),
`findings` (the findings of failed rules), `common` (check ids and helpers they share). The
public names are re-exported here.
"""

from pubcheck.extracts.contracts.common import CONTRACT, STRUCTURE, UNREADABLE
from pubcheck.extracts.contracts.compile import CompiledRule, compile_contract, compile_schema, expr_text
from pubcheck.extracts.contracts.execute import ContractResult, contract_runs, validate_extract
from pubcheck.extracts.contracts.findings import aggregate_detail
from pubcheck.extracts.contracts.read import find_extracts, load_extract

__all__ = [
    "CONTRACT", "STRUCTURE", "UNREADABLE", "CompiledRule", "ContractResult", "aggregate_detail",
    "compile_contract", "compile_schema", "contract_runs", "expr_text", "find_extracts", "load_extract",
    "validate_extract",
]  # fmt: skip
