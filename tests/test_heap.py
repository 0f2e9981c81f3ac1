"""pubcheck.heap: the cyclic collector paused for a phase, and restored after it."""

from __future__ import annotations

import gc
import weakref

from pubcheck.heap import rarely_collecting


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_paused_within_restored_after_and_nested() -> None:
    assert gc.isenabled()
    with rarely_collecting():
        assert not gc.isenabled()
        with rarely_collecting():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves the outer one's pause alone
    assert gc.isenabled()


def test_restored_after_an_exception() -> None:
    try:
        with rarely_collecting():
            raise ValueError("x")
    except ValueError:
        pass
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with rarely_collecting():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_made_within_are_old_and_cycles_still_freed() -> None:
    with rarely_collecting():
        kept = [(i, str(i)) for i in range(20_000)]
        cycle = weakref.ref(_Node())
    assert cycle() is not None  # a pause: the collector did not run
    # moved to the oldest generation at once, not left in the youngest to be rescanned
    assert any(o is kept for o in gc.get_objects(generation=2))
    assert gc.get_freeze_count() == 0  # nothing left frozen
    gc.collect()
    assert cycle() is None  # garbage cycles made within are freed by the next full collection
    assert len(kept) == 20_000
