"""Worker processes with operating-system limits (pubcheck.sandbox). The jobs are standard
library functions, so the workers need nothing of the tests to run them."""

from __future__ import annotations

import operator
import os
import time

from pubcheck.model import InputError
from pubcheck.sandbox import run_all

MIB = 1024**2


def test_results_come_back_in_order_from_parallel_workers() -> None:
    jobs = [(operator.add, (i, 1)) for i in range(5)]
    out = run_all(jobs, workers=2, time=30, memory=1024 * MIB)
    assert [o.status for o in out] == ["ok"] * 5
    assert [o.value for o in out] == [1, 2, 3, 4, 5]


def test_an_exception_is_this_jobs_error_and_an_input_error_keeps_its_class() -> None:
    out = run_all([(int, ("x",)), (operator.add, (1, 1))], workers=2, time=30, memory=1024 * MIB)
    assert out[0].status == "error" and out[0].error.startswith("ValueError: invalid literal")
    assert out[1].value == 2
    here = run_all([(_raise, ())], workers=0, time=30, memory=1024 * MIB)[0]
    assert here.status == "error" and isinstance(here.value, InputError)


def _raise() -> None:
    raise InputError("a budget")


def test_a_job_past_the_wall_time_is_killed_and_the_others_finish() -> None:
    t0 = time.monotonic()
    out = run_all([(time.sleep, (60,)), (operator.mul, (6, 7))], workers=2, time=1.5, memory=1024 * MIB)
    assert time.monotonic() - t0 < 20
    assert (out[0].status, out[0].kind) == ("died", "time")
    assert out[1].value == 42


def test_a_job_over_the_memory_limit_dies_alone() -> None:
    out = run_all([(bytearray, (3 * 1024 * MIB,)), (operator.add, (2, 2))], workers=1, time=30, memory=512 * MIB)
    assert (out[0].status, out[0].kind) == ("died", "memory")
    assert out[1].value == 4


def test_a_crash_in_native_code_is_an_outcome_not_the_end_of_the_run() -> None:
    out = run_all([(os.abort, ()), (operator.add, (1, 2))], workers=2, time=30, memory=1024 * MIB)
    assert out[0].status == "died" and "SIGABRT" in out[0].error
    assert out[1].value == 3


def test_workers_zero_runs_here() -> None:
    out = run_all([(operator.add, (1, 2)), (int, ("x",))], workers=0, time=30, memory=1024 * MIB)
    assert out[0].value == 3 and out[1].status == "error"
