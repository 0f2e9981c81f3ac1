.PHONY: setup check test lint figures manifest
setup:
	./scripts/setup
check: setup
	.venv/bin/pubcheck check
test: setup
	.venv/bin/python -m pytest -q
lint:
	.venv/bin/ruff check src tests scripts
	.venv/bin/ruff format --check src tests scripts || true
figures:
	.venv/bin/pubcheck figures published --format csv --output published/figures.csv
manifest:
	.venv/bin/python scripts/make_manifest.py
