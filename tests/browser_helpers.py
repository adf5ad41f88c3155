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
* ``server``: ``http://127.0.0.1:PORT/`` serving the built book, in a thread;

* ``offline``: opens an :class:`OfflinePage`, a fresh browser context in which only local
  requests get through and console errors are recorded (``KNOWN_HARMLESS`` would list
  accepted ones, each with its reason; it is empty).

Helpers: ``pages`` (every HTML page of the build), ``parse_page`` (its anchors and the
resources it loads), ``missing_target`` (what a local link points at that is not in the
build) and ``read_stored_slider`` (chapter 3's slider as stored in its notebook; the
slider on the page is ``slider_page.py``).
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
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from progress import exclusive

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
        # The page must embed the notebook's current widget models.
        html = page.read_text(encoding="utf-8")
        if not all(mid in html for mid in read_stored_slider(notebook).model_ids):
            return f"{page.relative_to(HTML)} is older than its notebook"
    for notebook in sorted((SOURCE / "chapters").glob("*.ipynb")):
        page = HTML / "chapters" / f"{notebook.stem}.html"
        # `make execute` keeps the model ids (scripts/execute_chapters.py): compare times too.
        if page.exists() and page.stat().st_mtime < notebook.stat().st_mtime:
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
    with exclusive("book"):  # pytest-xdist: one worker checks and builds, the others wait
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


class PageIndex(HTMLParser):
    """Ids and names (anchors), and the URLs of resources a page loads."""

    RESOURCES: ClassVar[dict[str, str]] = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "source": "src",
    }

    def __init__(self) -> None:
        super().__init__()
        self.anchors: set[str] = set()
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.anchors.add(a[key])
        if tag in self.RESOURCES and a.get(self.RESOURCES[tag]):
            self.resources.append(a[self.RESOURCES[tag]])
        rel = (a.get("rel") or "").split()
        if (
            tag == "link"
            and a.get("href")
            and {"stylesheet", "preload", "icon", "modulepreload"} & set(rel)
        ):
            self.resources.append(a["href"])


@functools.cache
def parse_page(page: Path) -> PageIndex:
    collector = PageIndex()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector


def missing_target(book: Path, url: str) -> str:
    """'' if a local link's file (and #anchor) exists in the build, else what is missing."""
    parts = urllib.parse.urlsplit(url)
    path = book / urllib.parse.unquote(parts.path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file():
        return f"no file {path.relative_to(book) if path.is_relative_to(book) else path}"
    if parts.fragment and path.suffix == ".html":
        anchor = urllib.parse.unquote(parts.fragment)
        if anchor not in parse_page(path).anchors:
            return f"no anchor #{anchor} in {path.relative_to(book)}"
    return ""


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


# --- a page with no network ------------------------------------------------------------

# Console errors that are known and harmless, each with the reason: none. Anything logged
# as an error, any uncaught exception and any failed local request fails the test. What
# used to be listed here is fixed at its cause: sphinx-thebe's script twice on every page
# and the theme's empty starting mode (book_assets/extensions/clean_console.py);
# html-manager's MathJax 2 call (book_assets/a11y/mathjax_hub.js); its Font Awesome 5
# fonts (book_assets/a11y/a11y.css). An entry would be (where, regex, reason), where
#   where: "pageerror" (an uncaught exception, matched on its message) or
#          "console" (console.error, matched on its text, or on the URL it names).
KNOWN_HARMLESS: list[tuple[str, re.Pattern, str]] = []


def _allowed(where: str, text: str, url: str = "") -> bool:
    return any(
        kind == where and (pattern.search(text) or (url and pattern.search(url)))
        for kind, pattern, _why in KNOWN_HARMLESS
    )


class OfflinePage:
    """A fresh browser context and page in which only local requests get through.

    Allowed: file:, data:, blob: and http://127.0.0.1:PORT. Everything else is aborted
    and recorded in ``blocked``; console errors, uncaught exceptions and failed local
    requests are recorded too, and ``problems()`` lists those not in KNOWN_HARMLESS.
    """

    def __init__(self, browser, origin: str | None) -> None:
        self.origin = origin
        self.blocked: list[str] = []
        self.errors: list[tuple[str, str, str]] = []  # (where, text, url)
        self.failed: list[str] = []
        self.requested: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000})
        self.context.route("**/*", self._route)
        self.context.route_web_socket(re.compile(".*"), self._block_web_socket)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(("pageerror", e.message, "")))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)

    def _local(self, url: str) -> bool:
        if url.split(":", 1)[0] in ("file", "data", "blob"):
            return True
        return self.origin is not None and url.startswith(self.origin)

    def _route(self, route) -> None:
        url = route.request.url
        if self._local(url):
            self.requested.append(url)
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def _block_web_socket(self, ws) -> None:
        self.blocked.append(ws.url)  # not connected to any server

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(("console", message.text, message.location.get("url", "")))

    def _request_failed(self, request) -> None:
        # ERR_ABORTED: cancelled, e.g. by moving on to the next page (not a missing file,
        # which is a 404 over http and ERR_FILE_NOT_FOUND from disk).
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} {response.status}")

    def problems(self) -> list[str]:
        out = [f"blocked non-local request: {url}" for url in self.blocked]
        out += [
            f"{where}: {text} ({url})"
            for where, text, url in self.errors
            if not _allowed(where, text, url)
        ]
        out += [
            f"failed request: {f}"
            for f in self.failed
            if not _allowed("console", "", f.split(" ", 1)[0])
        ]
        return out

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline(browser):
    opened = []

    def open_page(origin: str | None) -> OfflinePage:
        opened.append(OfflinePage(browser, origin))
        return opened[-1]

    yield open_page
    for p in opened:
        p.close()
