"""What the browser tests share: the built book, Debian's Chromium, a local server.

Fixtures (registered for every test in ``tests/`` by ``conftest.py``):

* ``book``: the built HTML book, ``_build/html``, built first (the same command as
  ``make book``) when it is missing or older than chapter 3's stored widget state.
  ``BOOK_HTML`` points the tests at another build (then nothing is built) and
  ``BOOK_SOURCE`` at its source folder;
* ``chromium``: ``$CHROMIUM``, else ``chromium`` on the PATH; if there is none, the test
  is skipped, saying why. ``make test`` installs Debian's chromium first when it is
  missing and it runs as root (``make chromium``); ``playwright install`` is never used
  (it downloads a browser);
* ``browser``: one Chromium for the whole session, launched by Playwright;
* ``server``: ``http://127.0.0.1:PORT/`` serving the built book, in a thread.

Helpers: ``pages`` (every HTML page of the build) and ``read_stored_slider`` (chapter
3's slider as stored in its notebook).
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(os.environ.get("BOOK_SOURCE", ROOT)).resolve()
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
ARTIFACTS = HTML.parent / "browser-artifacts"
CHAPTER = "chapters/03_vanishing_gradients"
SLIDER_DESCRIPTION = "forget bias b_f"

CHROMIUM_ARGS = [
    "--no-sandbox",  # containers and CI run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",  # Docker's /dev/shm is 64 MB
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


# --- the stored widget ---------------------------------------------------------------


@dataclass(frozen=True)
class StoredSlider:
    """Chapter 3's slider as stored in the notebook: labels, first index, frames."""

    labels: tuple[str, ...]
    index: int
    frames: tuple[bytes, ...]  # SVG bytes, one per label, from the linked Stack's Images
    model_ids: frozenset[str]


def _model_id(ref: str) -> str:
    assert ref.startswith("IPY_MODEL_"), ref
    return ref.removeprefix("IPY_MODEL_")


def read_stored_slider(notebook: Path) -> StoredSlider:
    """Find the SelectionSlider described SLIDER_DESCRIPTION and the Stack it is jslinked to."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    sliders = [
        mid
        for mid, m in state.items()
        if m["model_name"] == "SelectionSliderModel"
        and m["state"].get("description") == SLIDER_DESCRIPTION
    ]
    assert len(sliders) == 1, (
        f"{notebook}: {len(sliders)} sliders {SLIDER_DESCRIPTION!r} in the stored widget "
        "state, expected one (re-execute the chapter: make execute)"
    )
    slider = state[sliders[0]]["state"]
    links = [
        m["state"]
        for m in state.values()
        if m["model_name"] == "LinkModel"
        and m["state"]["source"] == [f"IPY_MODEL_{sliders[0]}", "index"]
        and m["state"]["target"][1] == "selected_index"
    ]
    assert len(links) == 1, "the slider's index is not jslinked to a Stack's selected_index"
    stack = state[_model_id(links[0]["target"][0])]
    assert stack["model_name"] == "StackModel", stack["model_name"]
    frames = []
    for ref in stack["state"]["children"]:
        image = state[_model_id(ref)]
        assert image["model_name"] == "ImageModel", image["model_name"]
        (buffer,) = [b for b in image.get("buffers", []) if b["path"] == ["value"]]
        frames.append(base64.b64decode(buffer["data"]))
    labels = tuple(slider["_options_labels"])
    assert len(frames) == len(labels), (len(frames), len(labels))
    return StoredSlider(labels, int(slider["index"]), tuple(frames), frozenset(state))


# --- the built book -------------------------------------------------------------------


def book_is_stale() -> str:
    """Why the book must be (re)built before testing, or '' if it need not be."""
    if not (HTML / "index.html").exists():
        return "no build"
    notebook, page = SOURCE / f"{CHAPTER}.ipynb", HTML / f"{CHAPTER}.html"
    if notebook.exists():
        if not page.exists():
            return f"{page.relative_to(HTML)} missing (is {CHAPTER} in _toc.yml?)"
        # Model ids change on every execution: the page must embed the current ones.
        html = page.read_text(encoding="utf-8")
        if not all(mid in html for mid in read_stored_slider(notebook).model_ids):
            return f"{page.relative_to(HTML)} is older than its notebook"
    return ""


def book_build_command() -> list[str]:
    """The README's ``make book`` (the Makefile's BOOK_BUILD), with this environment's tools."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (command,) = re.findall(r"^BOOK_BUILD\s*:?=\s*(.+)$", makefile, re.MULTILINE)
    program, *args = command.split()
    return [str(Path(sys.executable).with_name(program)), *args]


@pytest.fixture(scope="session")
def book() -> Path:
    reason = book_is_stale()
    if reason and "BOOK_HTML" not in os.environ:
        subprocess.run(book_build_command(), cwd=SOURCE, check=True, stdout=subprocess.DEVNULL)
        reason = book_is_stale()
    assert not reason, f"{HTML}: {reason}; build the book first (make book)"
    return HTML


def pages(html: Path) -> list[Path]:
    """Every HTML page of the book (not the copies of sources and static files)."""
    return sorted(
        p
        for p in html.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(html).parts[:-1])
    )


# --- Chromium -------------------------------------------------------------------------


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path; ``make test`` installed it (as root) if it was missing."""
    path = find_chromium()
    if not path:
        pytest.skip(
            "no Chromium: set $CHROMIUM, or install Debian's chromium "
            "(make chromium does, as root; make test runs it)"
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def server(book):
    """http://127.0.0.1:PORT/ serving the built book, on a free port, in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
