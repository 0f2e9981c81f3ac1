"""Running work on untrusted input in worker processes with operating-system limits.

`run_all(jobs, workers=N, time=..., memory=...)` runs each job `(function, args)` in a process
of its own, at most N at a time, and returns one Outcome per job, in order:

- the function's result (`ok`);
- the exception it raised, as its type name and message (`error`; an InputError keeps its
  class so the caller can tell a budget from a bug);
- or how the process ended without an answer (`died`): killed at the wall-time limit, out
  of memory (the address-space limit makes allocation fail: MemoryError, or an abort in
  native code), over the CPU limit (SIGXCPU), or any other signal or exit.

Limits are set in the worker before the job runs (`resource`: RLIMIT_AS for memory,
RLIMIT_CPU for CPU seconds, no core files); the parent kills a worker still running at the
wall-time limit. A worker that dies takes only its own job with it.

Workers are forked from a forkserver that has imported the modules named in `preload`
(the readers), so starting one costs milliseconds and inherits no threads of the parent.
`workers=0` runs the jobs in this process, without limits (for debugging: --workers 0).

Layer: the lowest (it knows no stage).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import sys
import time as _time
import traceback
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from pubcheck.model import InputError

_CONTEXT: Any = None


@dataclass
class Outcome:
    status: str  # ok | error | died
    value: Any = None  # the result (ok) or the InputError raised (error, when it was one)
    error: str = ""  # error: "TypeName: message"; died: how the worker ended
    kind: str = ""  # died: time | memory | cpu | signal | exit
    seconds: float = 0.0


def _context(preload: Sequence[str]) -> Any:
    global _CONTEXT
    if _CONTEXT is None:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(list(preload))
        _CONTEXT = ctx
    return _CONTEXT


def _limit_self(memory: int, cpu: float) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or memory <= hard:
        resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    seconds = int(cpu) + 1
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or seconds + 5 <= hard:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5 if hard == resource.RLIM_INFINITY else hard))


def _child(conn: Any, fn: Callable[..., Any], args: tuple, memory: int, cpu: float) -> None:  # type: ignore[type-arg]
    try:
        _limit_self(memory, cpu)
        message: tuple[str, Any, str] = ("ok", fn(*args), "")
    except MemoryError:
        message = ("memory", None, "MemoryError")
    except InputError as exc:
        message = ("error", exc, f"{type(exc).__name__}: {exc}")
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as this job's error
        last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        where = f" ({os.path.basename(last[0].filename)}:{last[0].lineno})" if last else ""
        message = ("error", None, f"{type(exc).__name__}: {exc}{where}")
    try:
        conn.send(message)
    except Exception as exc:  # noqa: BLE001 - an answer that cannot be sent (e.g. too large for memory)
        try:
            conn.send(("error", None, f"the worker could not send its answer ({type(exc).__name__}: {exc})"))
        except Exception:  # noqa: BLE001
            pass
    finally:
        conn.close()


def _run_here(fn: Callable[..., Any], args: tuple) -> Outcome:  # type: ignore[type-arg]
    t0 = _time.perf_counter()
    try:
        return Outcome("ok", fn(*args), seconds=_time.perf_counter() - t0)
    except MemoryError:
        return Outcome("died", error="out of memory (MemoryError)", kind="memory", seconds=_time.perf_counter() - t0)
    except InputError as exc:
        return Outcome("error", exc, f"{type(exc).__name__}: {exc}", seconds=_time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001
        return Outcome("error", None, f"{type(exc).__name__}: {exc}", seconds=_time.perf_counter() - t0)


def _ended(code: int | None, seconds: float, limit: float, memory: int) -> tuple[str, str]:
    if code is None:
        return "time", f"still running after {limit:g} s (wall-time limit): stopped"
    if code < 0:
        sig = -code
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        if sig == signal.SIGXCPU:
            return "cpu", f"over the CPU-time limit of {limit:g} s ({name})"
        if sig in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS):
            return "memory" if sig == signal.SIGABRT else "signal", (
                f"the worker crashed ({name}) in native code"
                + (f", most likely a failed allocation under the memory limit of {memory // 1024**2:,} MiB"
                   if sig == signal.SIGABRT else ""))  # fmt: skip
        return "signal", f"the worker was killed ({name})"
    return "exit", f"the worker exited with status {code} without an answer"


Job = tuple[Callable[..., Any], tuple]  # type: ignore[type-arg]


def _start(proc: Any) -> None:
    """Start a worker without it importing the parent's __main__ (multiprocessing would run a
    calling script again in every worker unless it guards itself with `if __name__ ...`): the
    jobs are functions of pubcheck's modules, which the worker imports by name."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        proc.start()
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def run_all(jobs: Sequence[Job], *, workers: int, time: float, memory: int, preload: Sequence[str] = (),
            progress: Callable[[int, Outcome], None] | None = None) -> list[Outcome]:  # fmt: skip
    """Run every job in a limited worker process (see the module docstring)."""
    if workers <= 0:
        out = []
        for i, (fn, args) in enumerate(jobs):
            out.append(_run_here(fn, args))
            if progress:
                progress(i, out[-1])
        return out
    ctx = _context(preload)
    results: list[Outcome | None] = [None] * len(jobs)
    running: dict[int, tuple[Any, Any, float]] = {}  # job -> (process, connection, started)
    answers: dict[int, tuple[str, Any, str]] = {}
    pending = list(range(len(jobs)))[::-1]

    def finish(i: int, outcome: Outcome) -> None:
        results[i] = outcome
        if progress:
            progress(i, outcome)

    while pending or running:
        while pending and len(running) < workers:
            i = pending.pop()
            fn, args = jobs[i]
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(send, fn, args, memory, time), daemon=True)
            _start(proc)
            send.close()
            running[i] = (proc, recv, _time.monotonic())
        now = _time.monotonic()
        next_deadline = min(started + time for _, _, started in running.values())
        ready = wait([c for _, c, _ in running.values()] + [p.sentinel for p, _, _ in running.values()],
                     timeout=max(0.0, next_deadline - now))  # fmt: skip
        now = _time.monotonic()
        for i, (proc, conn, started) in list(running.items()):
            if conn in ready and i not in answers:
                try:
                    answers[i] = conn.recv()
                except (EOFError, OSError):
                    answers[i] = ("lost", None, "")
            done = i in answers and answers[i][0] != "lost"
            if done or proc.sentinel in ready or not proc.is_alive():
                if not done and conn.poll():
                    try:
                        answers[i] = conn.recv()
                        done = True
                    except (EOFError, OSError):
                        pass
                proc.join(timeout=5)
                if proc.is_alive():
                    proc.kill()
                    proc.join()
                conn.close()
                del running[i]
                seconds = now - started
                if done:
                    status, value, error = answers.pop(i)
                    if status == "memory":
                        finish(i, Outcome("died", error="out of memory (MemoryError under the memory limit "
                                          f"of {memory // 1024**2:,} MiB)", kind="memory", seconds=seconds))
                    else:
                        finish(i, Outcome(status, value, error, seconds=seconds))
                else:
                    answers.pop(i, None)
                    kind, why = _ended(proc.exitcode, seconds, time, memory)
                    finish(i, Outcome("died", error=why, kind=kind, seconds=seconds))
            elif now - started >= time:
                proc.kill()
                proc.join()
                conn.close()
                del running[i]
                answers.pop(i, None)
                kind, why = _ended(None, now - started, time, memory)
                finish(i, Outcome("died", error=why, kind=kind, seconds=now - started))
    return [r for r in results if r is not None]


def default_workers() -> int:
    """One worker per core this process may use, at most 8."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(8, n))
