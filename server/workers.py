"""Analyses in worker processes that can be stopped: every request has a time and memory budget.

A thread cannot be stopped, and the HTML parser's work grows with the square of a page's nesting
depth (40,000 nested elements, 430 KB, take 4 s of a core; a 16 MB page of them would take
hours). So the service analyses in a few worker processes. A job that uses more than
ANALYSIS_SECONDS of processor time ends its worker (the kernel's profiling timer), which is
replaced, and the request is answered 422 ``page_too_complex``; a worker that does not answer
within WALL_CLOCK_FACTOR budgets on the clock is killed the same way. A worker may not grow past
WORKER_MEMORY_BYTES (an analysis that would is answered 422 ``page_too_large_to_analyse``) and
is replaced once it has grown past WORKER_RECYCLE_BYTES, so the service's memory returns to
where it started after a heavy page. No work outlives the answer. Workers also let two analyses
use two cores at once.

Each worker opens its own read-only connection for the price history; recording stays with
the service's threads and their one-writer discipline (server/store/database.py).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import queue
import signal
import socket
import sys
import threading
import traceback
from dataclasses import dataclass

from . import analysis_request
from .problems import Problem, UnreadableInput

try:
    import resource
except ImportError:  # Windows: no address-space limit; the time budget still holds
    resource = None


def _context():
    # forkserver forks from a clean, single-threaded server process (forking the threaded service
    # itself is unsafe); Windows and macOS have spawn.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods and sys.platform != "darwin" else "spawn")


@dataclass(frozen=True)
class Budget:
    seconds: float
    memory_bytes: int
    recycle_bytes: int


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _cpu_alarm(seconds: float) -> None:
    """Have the kernel end this worker once the job has used ``seconds`` of CPU (0: disarm).

    CPU time, not time on the clock: on a machine busy with other work an honest page may wait
    for a core, and must not be refused for it. SIGPROF's default action ends the process even
    while the parser holds the thread in C, where no Python handler could run; the service
    sees the worker gone and answers page_too_complex.
    """
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_PROF, seconds)


def _worker(connection, database: str, budget: Budget, debug: bool) -> None:
    """A worker's life: answer jobs until the service closes the pipe or the worker has grown."""
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_AS, (budget.memory_bytes, budget.memory_bytes))
    from . import store

    history = None

    def load_history(marketplace, product_id):
        nonlocal history
        if history is None:
            history = store.connect(database)
        return store.load_history(history, marketplace, product_id)

    while True:
        try:
            encoding, limit, now = connection.recv()
            raw = connection.recv_bytes()  # the page as bytes, not pickled: no copy on either side
        except (EOFError, OSError):
            return
        _cpu_alarm(budget.seconds)
        try:
            outcome = analysis_request.run(raw, encoding, limit=limit, now=now, load_history=load_history, debug=debug)
            reply = ("ok", outcome)
        except Problem as problem:
            reply = ("problem", type(problem), problem.code, problem.message, problem.field)
        except MemoryError:
            reply = ("problem", UnreadableInput, "page_too_large_to_analyse",
                     f"Analysing this page needed more than {budget.memory_bytes // 2**20} MB, emptor's limit; "
                     "real listings need a small part of that.", None)
        except Exception:  # reported to the service, which logs it and answers 500
            reply = ("crash", traceback.format_exc())
        finally:
            _cpu_alarm(0)
        del raw
        resident = _resident_bytes()
        retiring = resident is not None and resident > budget.recycle_bytes
        connection.send((*reply, retiring) if reply[0] != "crash" else (*reply, True))
        if retiring:
            return


def _rebuild(kind: type[Problem], code: str, message: str, field: str | None) -> Problem:
    problem = kind.__new__(kind)
    Exception.__init__(problem, message)
    problem.code, problem.message, problem.field = code, message, field
    return problem


# Where the kernel cannot count a worker's CPU time (Windows), or a worker stops answering at
# all, the service waits this many budgets on the clock before it stops the worker.
WALL_CLOCK_FACTOR = 5


class WorkerCrashed(RuntimeError):
    """A worker failed in a way that is a bug; the message holds its traceback."""


# A rendered page crosses to its worker in a few large writes instead of many 200 KB ones:
# 0.48 ms per MB against 0.75 ms with the system's default socket buffers (measured here).
PIPE_BUFFER_BYTES = 4 * 1024 * 1024


def _widen(connection) -> None:
    try:
        sock = socket.socket(fileno=connection.fileno())
    except OSError:  # not a socket (Windows pipes): keep the default
        return
    try:
        for option in (socket.SO_SNDBUF, socket.SO_RCVBUF):
            sock.setsockopt(socket.SOL_SOCKET, option, PIPE_BUFFER_BYTES)
    finally:
        sock.detach()  # the connection keeps its descriptor


class _Worker:
    def __init__(self, context, database: str, budget: Budget, debug: bool):
        self.connection, child = context.Pipe()
        _widen(self.connection)
        _widen(child)
        self.process = context.Process(target=_worker, args=(child, database, budget, debug), daemon=True,
                                       name="emptor-analysis")
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class AnalysisWorkers:
    """A fixed number of worker processes, started on first use; a request waits for a free one."""

    def __init__(self, size: int, database: str, budget: Budget, debug: bool = False):
        self._size = size
        self._database = str(database)
        self._budget = budget
        self._debug = debug
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._started = 0
        self._lock = threading.Lock()
        self._context = None

    def _start(self) -> _Worker:
        if self._context is None:
            self._context = _context()
            if self._context.get_start_method() == "forkserver":
                # Workers forked with the analysis already imported start in milliseconds.
                self._context.set_forkserver_preload(["server.analysis_request"])
        return _Worker(self._context, self._database, self._budget, self._debug)

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle.empty() and self._started < self._size:
                return self._counted_start()
        return self._idle.get()

    def _counted_start(self) -> _Worker:
        """A new worker in a slot of the pool (the caller holds the lock). A start that fails gives
        the slot back, so that a later request starts one instead of waiting for ever on a pool
        that has shrunk."""
        self._started += 1
        try:
            return self._start()
        except BaseException:
            self._started -= 1
            raise

    def _replace(self, worker: _Worker) -> None:
        """Stop ``worker`` and put a fresh one in its place, so the pool keeps its size for the
        requests waiting on it."""
        worker.stop()
        with self._lock:
            self._started -= 1  # the stopped worker's slot, taken again by the fresh one
            fresh = self._counted_start()
        self._idle.put(fresh)

    def run(self, raw: bytes, encoding: str, limit: int, now: dt.datetime) -> analysis_request.Outcome:
        worker = self._take()
        returned = False  # whether the worker went back to the pool or was replaced
        try:
            worker.connection.send((encoding, limit, now))
            worker.connection.send_bytes(raw)
            if not worker.connection.poll(self._budget.seconds * WALL_CLOCK_FACTOR):
                returned = True
                self._replace(worker)  # a worker that does not answer at all, whatever it is doing
                raise self._too_complex()
            reply = worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join(5)
            returned = True
            self._replace(worker)
            if worker.process.exitcode == -getattr(signal, "SIGPROF", 0):
                raise self._too_complex() from None
            raise UnreadableInput("page_too_large_to_analyse",
                                  "The analysis of this page ended its worker (most likely out of memory); "
                                  "real listings do not.") from None
        except BaseException:
            if not returned:  # whatever happened, the pool keeps its size
                self._replace(worker)
            raise
        *answer, retiring = reply
        if retiring:
            self._replace(worker)
        else:
            self._idle.put(worker)
        if answer[0] == "ok":
            return answer[1]
        if answer[0] == "problem":
            raise _rebuild(*answer[1:])
        raise WorkerCrashed(answer[1])

    def _too_complex(self) -> UnreadableInput:
        return UnreadableInput(
            "page_too_complex",
            f"Analysing this page took more than {self._budget.seconds:g} s of processor time, emptor's limit, and was "
            "stopped: real listings take well under a second (docs/performance.md), so this page is not one.",
        )

    def close(self) -> None:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.stop()
