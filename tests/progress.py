"""`make test`'s pytest run: parallel, slowest first, and never silent for long.

A pytest plugin (``pyproject.toml``: ``-p progress``):

* **one notebook, one worker**: under pytest-xdist (``make test`` runs ``-n auto``) each
  chapter's nbval cells get the notebook's ``xdist_group``, so its cells run in order in
  one kernel on one worker (``--dist loadgroup``, set here when ``-n`` is given);
* **slowest first**: the tests that take a minute or more on a 2-core machine (chapter 4
  under nbval, the assignments' training, the accessibility audits) are sent to the
  workers first, so the run does not end with one worker busy and the other idle;
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
    "tests/test_browser.py::test_every_page",
)
_RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex


def _is_nbval(item: pytest.Item) -> bool:
    return type(item).__name__ == "IPyNbCell"


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """``-n N``: loadgroup (xdist's default, load, would split a notebook), in the order of
    the collection (xdist would start the groups with the most tests, the notebooks,
    before the slow single tests)."""
    if getattr(config.option, "numprocesses", None):
        if config.option.dist == "no":
            config.option.dist = "loadgroup"
        config.option.loadscopereorder = False


def pytest_configure(config: pytest.Config) -> None:
    global _RUN_ID
    workerinput = getattr(config, "workerinput", None)
    if workerinput:
        _RUN_ID = workerinput["testrunuid"]
    if not workerinput:  # the controller (or a run without xdist) reports
        config.pluginmanager.register(Heartbeat(config), "progress-heartbeat")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _is_nbval(item):
            item.add_marker(pytest.mark.xdist_group(item.path.name))

    def rank(item: pytest.Item) -> int:
        return next(
            (k for k, p in enumerate(SLOW_FIRST) if item.nodeid.startswith(p)), len(SLOW_FIRST)
        )

    items.sort(key=rank)  # stable: nbval cells keep their order


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
