"""Stage 1, documents: reading publication files into Documents (lines of text, tables as
tab-separated rows, and the place of every line: page, section or sheet and cell).

Owns: `load.load_documents` (the entry point: discover the files of a folder, check them
against the manifest's sha256, read plain text), `convert` (picks the reader for a suffix),
and one reader per format: `pdf` (pdfplumber), `html` (BeautifulSoup), `sheets` (XLSX, ODS,
CSV). An unreadable file is a finding, never a traceback.

May import: pubcheck.model, pubcheck.paths, pubcheck.report (the layers below it; see
[tool.importlinter] in pyproject.toml). Knows nothing of figures, rules or extracts.
"""
