"""`make test`'s pytest run: parallel, slowest first, and never silent for long.

A pytest plugin (``pyproject.toml``: ``-p progress``):

* **one notebook, one worker**: under pytest-xdist (``make test`` runs ``-n auto``) a
  chapter's nbval cells are one unit of work (``scope_of``), so they run in order in one
  kernel on one worker; so are the tests of the JupyterLab module (one server);
* **slowest first**: the tests that take a minute or more on a 2-core machine (chapter 4
  under nbval, the assignments' training, the accessibility audits) are sent to the
  workers first, one at a time (a worker holds one test besides the one it runs), so
  the run does not end with one worker busy and the other idle;
* **one BLAS thread per worker** (``BLAS_THREADS``), unless the environment says otherwise;
* **a heartbeat**: every ``HEARTBEAT`` seconds, a line names each test that has been
  running for longer than that, with its time so far, so a long step never looks hung.

``run_once(name, build)`` (for the session fixtures of long builds): the first worker to
get there runs ``build``, the others wait for it and share its result, once per test run.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "_build" / ".test-locks"
HEARTBEAT = 30.0
#: Test ids (prefixes) that take a minute or more on a 2-core machine, slowest first.
SLOW_FIRST = (
    "chapters/04_long_dependency.ipynb",
    "tests/test_jupyterlab.py",
    "tests/test_grading.py::test_grading_gives_the_expected_points[long_dependency",
    "tests/test_grading.py::test_two_variants_differ",
    "tests/test_assignments.py::test_make_assignments_writes",
    "tests/test_accessibility.py",
    "tests/test_grading.py::test_every_check_cell_of_the_student_notebook_runs",
    "tests/test_experiments.py::test_a_stored_run_is_reproduced_by_the_command[rnn",
    "tests/test_browser.py::test_every_page",
)
_RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex


#: The BLAS's own threads, per worker, under ``-n N``: one, because N workers already use
#: the cores, and OpenBLAS's threads spin while they wait (2 workers x 2 threads on 2 cores
#: made the assignments' training runs several times slower).
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def pytest_configure(config: pytest.Config) -> None:
    global _RUN_ID
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        for var in BLAS_THREADS:  # before the workers (and their kernels) start
            os.environ.setdefault(var, "1")
    workerinput = getattr(config, "workerinput", None)
    if workerinput:
        _RUN_ID = workerinput["testrunuid"]
    if not workerinput:  # the controller (or a run without xdist) reports
        config.pluginmanager.register(Heartbeat(config), "progress-heartbeat")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next(
            (k for k, p in enumerate(SLOW_FIRST) if item.nodeid.startswith(p)), len(SLOW_FIRST)
        )

    items.sort(key=rank)  # stable: nbval cells keep their order


#: Test modules whose tests share one module fixture that must run once (a JupyterLab
#: server; the package build, which writes ./build and the egg-info in the tree): one
#: worker runs all of a module's tests. Each notebook is one too (its cells share a kernel).
ONE_WORKER = ("tests/test_jupyterlab.py", "tests/test_packaging.py")


def scope_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its notebook, its module if in ``ONE_WORKER``,
    else the test alone."""
    path = nodeid.split("::", 1)[0]
    return path if path.endswith(".ipynb") or path in ONE_WORKER else nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Under ``-n N``: the units of ``scope_of`` in the order of the collection, and a worker
    holds one test besides the one it runs (xdist's own loadgroup groups by an ``@group``
    suffix it writes into the node id, which pytest 9.2 no longer lets it write, so it
    silently split the notebooks' cells between workers, pytest-xdist#1386; and it queues
    up to three tests, so one worker took all four accessibility audits while the other
    sat idle for half the run)."""
    if config.option.dist not in ("load", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneAhead(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

        def _reschedule(self, node) -> None:
            if node.shutting_down:
                return
            if not self.workqueue:
                node.shutdown()
                return
            # A worker runs a test once it knows the next one: one queued is the minimum.
            if self._pending_of(self.assigned_work[node]) <= 1:
                self._assign_work_unit(node)

    config.option.loadscopereorder = False  # SLOW_FIRST's order, not the biggest unit first
    return OneAhead(config, log)


class Heartbeat:
    """Names the tests that have been running for more than HEARTBEAT seconds."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.running: dict[str, float] = {}
        self.start = time.monotonic()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def pytest_sessionstart(self) -> None:
        self.thread.start()

    def pytest_sessionfinish(self) -> None:
        self.stop.set()

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.running[nodeid] = time.monotonic()

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        self.running.pop(nodeid, None)

    def _beat(self) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        while not self.stop.wait(HEARTBEAT):
            now = time.monotonic()
            slow = sorted(
                (now - t, nodeid) for nodeid, t in list(self.running.items()) if now - t > 20
            )
            reporter = reporter or self.config.pluginmanager.get_plugin("terminalreporter")
            if slow and reporter is not None:
                names = "; ".join(f"{nodeid} ({s:.0f} s)" for s, nodeid in reversed(slow))
                reporter.write_line(f"\n[{now - self.start:.0f} s] still running: {names}")
                reporter.flush()  # stdout may be a file or a pipe (CI): show it now


def run_once(name: str, build: Callable[[], dict]) -> dict:
    """``build()`` once per test run, whichever worker asks first; its (JSON) result."""
    LOCKS.mkdir(parents=True, exist_ok=True)
    done = LOCKS / f"{name}.json"
    with open(LOCKS / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with contextlib.suppress(FileNotFoundError, ValueError):
                record = json.loads(done.read_text())
                if record["run"] == _RUN_ID:
                    return record["result"]
            result = build()
            done.write_text(json.dumps({"run": _RUN_ID, "result": result}))
            return result
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def exclusive(name: str):
    """One worker at a time in the block (e.g. checking and rebuilding the book)."""
    LOCKS.mkdir(parents=True, exist_ok=True)
    with open(LOCKS / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
