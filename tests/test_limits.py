"""Budgets per document (pubcheck.limits): values, their sources, and the error they raise."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pubcheck.config import load_config
from pubcheck.limits import DEFAULT, GIB, MIB, InputLimit, from_pairs, from_table
from pubcheck.model import InputError


def test_pairs_change_only_what_they_name() -> None:
    limits = from_pairs(["pages=2000", "memory=4G", "html-bytes=512M", "time=30"])
    assert (limits.pages, limits.memory, limits.html_bytes, limits.time) == (2000, 4 * GIB, 512 * MIB, 30.0)
    assert limits.cells == DEFAULT.cells


@pytest.mark.parametrize("pair, needle", [
    ("pages", "NAME=VALUE"), ("pagez=3", "unknown limit 'pagez'"), ("pages=-1", "positive"),
    ("pages=inf", "positive"), ("memory=lots", "positive"), ("time=nan", "positive"),
])  # fmt: skip
def test_bad_pairs_are_input_errors_naming_the_pair(pair: str, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        from_pairs([pair])


def test_pubcheck_toml_limits_are_read_and_checked(tmp_path: Path) -> None:
    (tmp_path / "pubcheck.toml").write_text('[limits]\npages = 5\nmemory = "1G"\n')
    assert (load_config(tmp_path).limits.pages, load_config(tmp_path).limits.memory) == (5, GIB)
    assert load_config(tmp_path.parent).limits == DEFAULT
    (tmp_path / "pubcheck.toml").write_text("[limits]\npages = 0\n")
    with pytest.raises(InputError, match=r"pubcheck.toml \[limits\] pages"):
        load_config(tmp_path)
    with pytest.raises(InputError, match="must be a table"):
        from_table([1], "x.toml")


def test_input_limit_names_the_limit_value_and_place_and_survives_pickling() -> None:
    exc = InputLimit("pages", 1000, "2,000 pages", "page 1001")
    assert "2,000 pages at page 1001 exceeds the limit pages = 1,000" in str(exc)
    back = pickle.loads(pickle.dumps(exc))  # it travels back from a worker process
    assert (back.limit, back.value, back.found, back.where, str(back)) == ("pages", 1000, "2,000 pages", "page 1001",
                                                                           str(exc))
