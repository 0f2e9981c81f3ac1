#!/usr/bin/env bash
# The data-refresh gate a data team runs before accepting a new extract:
#
#   scripts/refresh-gate.sh PREVIOUS CURRENT [DATA_DOCS_DIR] [JUNIT_XML]
#
# PREVIOUS: the folder of the last accepted extracts; CURRENT: the refreshed ones.
# Writes Great Expectations Data Docs (HTML) to DATA_DOCS_DIR (default out/data-docs) and a
# JUnit report to JUNIT_XML (default out/refresh-junit.xml), and exits with pubcheck's code:
# 0 accept, 1 findings (reject or review), 2 unreadable input or usage error.
set -uo pipefail
if [ "$#" -lt 2 ] || [ "$#" -gt 4 ]; then
    echo "usage: $0 PREVIOUS CURRENT [DATA_DOCS_DIR] [JUNIT_XML]" >&2
    exit 2
fi
# Paths are taken as given, relative to where the gate is run (normally the project root, so
# that pubcheck finds checks/gx/). pubcheck: $PUBCHECK, else the project's .venv, else PATH.
root="$(cd "$(dirname "$0")/.." && pwd)"
PUBCHECK=${PUBCHECK:-$root/.venv/bin/pubcheck}
if [ ! -x "$PUBCHECK" ]; then
    PUBCHECK=pubcheck
fi
docs=${3:-out/data-docs}
junit=${4:-out/refresh-junit.xml}
mkdir -p "$(dirname "$junit")"
"$PUBCHECK" refresh --previous "$1" --current "$2" --data-docs "$docs" --format junit --output "$junit"
code=$?
echo "refresh gate: pubcheck refresh exited $code (JUnit: $junit, Data Docs: $docs)" >&2
exit "$code"
