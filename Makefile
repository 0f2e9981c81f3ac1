.PHONY: setup check test lint figures manifest validate fixtures bench bench-spark
setup:
	./scripts/setup
check: setup
	.venv/bin/pubcheck check
test: setup
	.venv/bin/python -m pytest -q
lint:
	.venv/bin/ruff check src tests scripts
	.venv/bin/lint-imports --no-logo
	.venv/bin/ruff format --check src tests scripts || true
figures:
	.venv/bin/pubcheck figures published --format csv --output published/figures/figures.csv
manifest:
	.venv/bin/python scripts/make_manifest.py
validate: setup
	.venv/bin/pubcheck validate
fixtures:
	.venv/bin/python scripts/generate_extracts.py --scale 0.001 --seed 2013 --compression-level 19 --out fixtures/extracts
bench:
	.venv/bin/python scripts/bench_start.py
	.venv/bin/python scripts/bench_validate.py
	.venv/bin/python scripts/bench_contracts.py
bench-spark:
	.venv/bin/python scripts/bench_spark.py --output data/bench-spark.json
