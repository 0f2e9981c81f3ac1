"""pubcheck on 36 real publications it was not built on (fixtures/real-publications: ONS,
MoJ, DfE, PHE, DWP, Hansard and Social Mobility Commission pages with their CSV tables),
scored against 149 statements checked by hand (labels.json; see its README and SOURCES.md).

The score is the one `../shared/tools/score_labels.py` prints: an inconsistency is caught by
an error or warning on its line; a false alarm is an error or warning on the line of a
consistent statement; an unexplained error is an error on a line no inconsistent label names.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "real-publications"


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    tmp = tmp_path_factory.mktemp("real")
    for f in CORPUS.iterdir():
        if f.is_file() and f.name not in ("labels.json", "SOURCES.md"):
            shutil.copy(f, tmp / f.name)
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    report = check(tmp)
    hits: dict[tuple[str, int], list] = defaultdict(list)
    for f in report.findings:
        if f.severity in ("error", "warning"):
            for loc in f.locations:
                hits[(Path(loc.document).name, loc.line)].append(f)
    bad = {(x["file"], x["line"]) for x in labels if x["verdict"] == "inconsistent"}
    return {
        "caught": [x for x in labels if x["verdict"] == "inconsistent" and hits.get((x["file"], x["line"]))],
        "missed": [x for x in labels if x["verdict"] == "inconsistent" and not hits.get((x["file"], x["line"]))],
        "false": [(x, hits[(x["file"], x["line"])]) for x in labels if x["verdict"] == "consistent"
                  and hits.get((x["file"], x["line"])) and (x["file"], x["line"]) not in bad],
        "unexplained": [f for f in report.findings if f.severity == "error"
                        and not any((Path(loc.document).name, loc.line) in bad for loc in f.locations)],
        "documents": report.documents,
    }


def test_the_whole_corpus_is_read(scored: dict[str, list]) -> None:
    assert len(scored["documents"]) == 72


def test_no_false_alarm_on_a_consistent_statement(scored: dict[str, list]) -> None:
    assert [(x["file"], x["line"], [f.message for f in fs]) for x, fs in scored["false"]] == []


def test_no_error_that_no_label_explains(scored: dict[str, list]) -> None:
    assert [(f.locations[0].document if f.locations else "", f.message) for f in scored["unexplained"]] == []


def test_at_least_five_of_the_six_inconsistencies_are_caught(scored: dict[str, list]) -> None:
    assert len(scored["caught"]) + len(scored["missed"]) == 6
    assert len(scored["caught"]) >= 5, [(x["file"], x["line"], x["quote"]) for x in scored["missed"]]
