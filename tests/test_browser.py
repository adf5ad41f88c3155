"""The built HTML book in a real browser, with no kernel and no network.

What is checked, in Debian's Chromium driven by Playwright:

* chapter 3's forget-bias slider renders from the widget state stored in the page,
  opened over http://127.0.0.1 and straight from disk (file://), with every request
  that is not local blocked (and counted: the page must not even try one);
* its handle is found by its accessible name (role "slider", named like the widget's
  description; ``book_assets/a11y/slider_names.js`` names it), and its value text is
  the bias on display;
* moving it with the keyboard (ArrowRight/ArrowLeft/End/Home on the handle) and by
  dragging the handle shows the right frame: the ``<img>`` on display is, byte for
  byte, the SVG that :mod:`lstm_lib.widgets` renders for the bias the slider shows,
  and the label is that bias; screenshots before and after go to
  ``_build/browser-artifacts/``;
* on a laptop (1280 px) the frame is shown at least 735 px wide (its 11 pt text is then
  12 CSS px or more), and on a phone (390 px) nothing of the slider, its readout, the
  range labels or the frame is cut off;
* no console errors except the known harmless ones listed in ``KNOWN_HARMLESS``;
* every page: every local link points at an existing file (and anchor), every image
  loaded, and no ``<script>``, stylesheet or image comes from another host.

Marked ``browser``: ``make test`` builds the book and runs them; deselect them locally
with ``pytest -m "not browser"``. Chromium: ``$CHROMIUM``, else ``chromium`` on the
PATH, which ``make test`` installs first (``make chromium``) when it is missing and it
runs as root; without one the tests skip, saying why (``-ra`` prints the reason).
``playwright install`` is never used (it downloads a browser).

The book: ``_build/html``, built first when it is missing or stale; the fixtures for it,
for Chromium and for the local server are in ``browser_helpers.py``. The axe-core audit
of every page is ``test_accessibility.py``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from browser_helpers import (
    ARTIFACTS,
    CHAPTER,
    ROOT,
    SLIDER_DESCRIPTION,
    SOURCE,
    WIDGET_STATE,
    StoredSlider,
    pages,
    read_stored_slider,
)

# Console errors that are known and harmless, each with the reason. Anything else
# logged as an error, and any uncaught exception, fails the test.
#   where: "pageerror" (an uncaught exception, matched on its message) or
#          "console" (console.error, matched on its text, or on the URL it names).
KNOWN_HARMLESS = [
    (
        "pageerror",
        re.compile(r"^Cannot read properties of undefined \(reading '(Hub|Queue)'\)$"),
        "html-manager typesets widget labels with MathJax 2's MathJax.Hub.Queue; the "
        "book loads MathJax 3, which has no Hub. No widget label here contains math.",
    ),
    (
        "pageerror",
        re.compile(r"^Identifier 'THEBE_JS_URL' has already been declared$"),
        "This Jupyter Book 1 / Sphinx 7.4 stack writes sphinx-thebe's inline script "
        "(like sphinx-togglebutton's) twice into every page, so its `const "
        "THEBE_JS_URL` throws the second time. Thebe (live code in the page) is not "
        "enabled in this book; the first copy already defined everything it needs.",
    ),
    (
        "console",
        re.compile(r"^Got invalid theme mode: \. Resetting to auto\.$"),
        "pydata-sphinx-theme on a first visit (empty localStorage): it then follows the "
        "system's light or dark mode.",
    ),
    (
        "console",
        re.compile(r"/@jupyter-widgets/html-manager/dist/[0-9a-f]{20}\.(woff2?|ttf|eot|svg)$"),
        "html-manager's bundled Font Awesome 5 stylesheet briefly matches the theme's "
        "`fas`/`fab` icons before the theme turns them into SVGs (Font Awesome 6), and "
        "names its fonts relative to an AMD module path that does not exist. No element "
        "uses Font Awesome 5 once the page has loaded (checked below).",
    ),
]


def _allowed(where: str, text: str, url: str = "") -> bool:
    return any(
        kind == where and (pattern.search(text) or (url and pattern.search(url)))
        for kind, pattern, _why in KNOWN_HARMLESS
    )


# --- the stored widget ---------------------------------------------------------------


@functools.cache
def stored_slider() -> StoredSlider:
    notebook = SOURCE / f"{CHAPTER}.ipynb"
    if not notebook.exists():
        pytest.skip(f"{CHAPTER}.ipynb does not exist yet")
    return read_stored_slider(notebook)


@functools.cache
def library_frames(labels: tuple[str, ...]) -> tuple[bytes, ...]:
    """The frames lstm_lib.widgets renders for these slider labels (same code path)."""
    widgets = pytest.importorskip("lstm_lib.widgets")
    explorer = widgets.forget_bias_explorer(
        bias=float(labels[0]), biases=tuple(float(label) for label in labels)
    )
    rendered = tuple(f"{b:+.2f}" for b in explorer.biases)
    assert rendered == labels, f"labels: library {rendered}, stored {labels}"
    return tuple(explorer.frames)


def test_stored_frames_are_what_the_library_renders():
    """Chapter 3's stored frames = lstm_lib.widgets' frames for the same biases.

    nbval skips widget outputs, so this is what notices a chapter left unexecuted
    after lstm_lib.widgets changed. Fails if the chapter passes gradient settings
    other than the defaults to forget_bias_explorer (then tell this test).
    """
    stored = stored_slider()
    expected = library_frames(stored.labels)
    stale = [
        label for label, a, b in zip(stored.labels, stored.frames, expected, strict=True) if a != b
    ]
    assert not stale, (
        f"stored frames differ from lstm_lib.widgets for b_f = {stale}: run make execute"
    )
    assert len(set(expected)) == len(expected), "two biases render the same frame"


def test_vendored_javascript_is_what_update_sh_fetched():
    """book_assets/static matches book_assets/SHA256SUMS (written by update.sh)."""
    assets = ROOT / "book_assets"
    listed = {}
    for line in (assets / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    present = {
        p.relative_to(assets).as_posix() for p in (assets / "static").rglob("*") if p.is_file()
    }
    assert present == set(listed), f"unlisted or missing: {sorted(present ^ set(listed))}"
    changed = [
        n for n, d in listed.items() if hashlib.sha256((assets / n).read_bytes()).hexdigest() != d
    ]
    assert not changed, f"edited vendored files (re-run book_assets/update.sh): {changed}"


# --- the built book -------------------------------------------------------------------


class _Collector(HTMLParser):
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
def _parse(page: Path) -> _Collector:
    collector = _Collector()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector


@pytest.mark.browser
def test_no_page_loads_anything_from_another_host(book):
    """No <script src>, stylesheet, preload, icon or image from http(s):// or //host."""
    remote = {
        f"{page.relative_to(book)}: {url}"
        for page in pages(book)
        for url in _parse(page).resources
        if re.match(r"^(https?:)?//", url)
    }
    assert not remote, "\n".join(sorted(remote))


# --- Chromium -------------------------------------------------------------------------


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


# --- chapter 3's slider ---------------------------------------------------------------

# In-page: the bytes of the frame on display (the Image widget shows a blob: URL).
_DISPLAYED_FRAME = """async (root) => {
    const shown = [...root.querySelectorAll('img.widget-image')].filter(i => i.checkVisibility());
    if (shown.length !== 1) return `${shown.length} images on display`;
    const bytes = new Uint8Array(await (await fetch(shown[0].src)).arrayBuffer());
    let s = ''; for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
}"""


class SliderOnPage:
    def __init__(self, page, stored: StoredSlider, frames: tuple[bytes, ...]) -> None:
        self.page = page
        self.labels = stored.labels
        self.frames = frames
        self.root = page.locator(".widget-vbox").filter(
            has=page.locator(".widget-slider .widget-label", has_text=SLIDER_DESCRIPTION)
        )
        # by its accessible name, as a screen reader finds it
        self.handle = page.get_by_role("slider", name=SLIDER_DESCRIPTION, exact=True)
        self.track = self.root.locator(".noUi-base")
        self.readout = self.root.locator(".widget-readout")

    def index(self) -> int:
        return round(float(self.handle.get_attribute("aria-valuenow")))

    def assert_shows(self, index: int, how: str) -> None:
        label = self.labels[index]
        assert self.index() == index, (
            f"{how}: slider at {self.labels[self.index()]}, expected {label}"
        )
        assert self.readout.inner_text().strip() == label, f"{how}: label"
        assert self.handle.get_attribute("aria-valuetext") == label, f"{how}: value text"
        shown = self.root.evaluate(_DISPLAYED_FRAME)
        frame = base64.b64decode(shown) if not shown.endswith("on display") else b""
        assert frame, f"{how}: {shown}"
        if frame != self.frames[index]:
            matches = [self.labels[i] for i, f in enumerate(self.frames) if f == frame]
            pytest.fail(
                f"{how}: label {label} but the frame on display is that of {matches or 'no bias'}"
            )

    def drag_to(self, index: int) -> None:
        """Press the handle, move it to grid position ``index`` (or past the end), release."""
        box = self.handle.bounding_box()
        track = self.track.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        step = track["width"] / (len(self.labels) - 1)
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + (index - self.index()) * step, y + 3, steps=4)
        self.page.mouse.up()


def _wait_for_slider(view: OfflinePage) -> None:
    try:
        view.page.locator(".widget-slider .noUi-handle").first.wait_for(timeout=20_000)
    except Exception as error:
        pytest.fail(f"the slider did not render: {error}\n" + "\n".join(view.problems()))


@pytest.mark.browser
@pytest.mark.parametrize("transport", ["http", "file"])
def test_slider_shows_the_right_frame_offline(book, server, offline, transport):
    stored = stored_slider()
    frames = library_frames(stored.labels)
    page_path = book / f"{CHAPTER}.html"
    assert page_path.exists(), f"{page_path} missing (is {CHAPTER} in _toc.yml?)"
    if transport == "http":
        view = offline(server)
        url = server + f"{CHAPTER}.html"
    else:
        view = offline(None)
        url = page_path.as_uri()
    page = view.page
    page.goto(url, wait_until="load")
    _wait_for_slider(view)
    slider = SliderOnPage(page, stored, frames)
    assert slider.handle.count() == 1, "no slider handle named " + repr(SLIDER_DESCRIPTION)
    last = len(stored.labels) - 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # As stored, then with the keyboard, then with the mouse.
    slider.assert_shows(stored.index, "as stored")
    slider.root.screenshot(path=ARTIFACTS / f"slider-{transport}-before.png")
    slider.handle.focus()
    expected = stored.index
    for key, move in [
        ("ArrowRight", +1),
        ("ArrowRight", +1),
        ("ArrowLeft", -1),
        ("End", None),
        ("ArrowLeft", -1),
        ("Home", None),
        ("ArrowRight", +1),
    ]:
        page.keyboard.press(key)
        expected = (
            (last if key == "End" else 0) if move is None else min(max(expected + move, 0), last)
        )
        slider.assert_shows(expected, f"after {key}")
    for target in (last * 3 // 4, last // 4, last + 5):  # the last one past the end
        slider.drag_to(target)
        slider.assert_shows(min(target, last), f"after dragging to position {target}")
    slider.drag_to(stored.index + 4)
    slider.assert_shows(stored.index + 4, "after dragging")
    slider.root.screenshot(path=ARTIFACTS / f"slider-{transport}-after.png")
    page.screenshot(path=ARTIFACTS / f"chapter3-{transport}.png", full_page=True)

    # Offline for real: the widget and math scripts came from the book itself.
    local = [u for u in view.requested if "_static/" in u]
    for script in (
        "requirejs/require.js",
        "jupyter-widgets/embed-amd.js",
        "mathjax/tex-mml-chtml.js",
    ):
        assert any(f"_static/{script}" in u for u in local), f"{script} not loaded"
    math = page.evaluate("document.querySelectorAll('mjx-container').length")
    errors = page.evaluate("document.querySelectorAll('mjx-merror, .widget-error').length")
    assert math > 0 and errors == 0, f"{math} formulas rendered, {errors} errors"
    fa5 = page.evaluate(
        """() => [...document.querySelectorAll('[class*="fa"]')].flatMap(e =>
            [null, '::before', '::after']
                .filter(p => getComputedStyle(e, p).fontFamily.includes('Font Awesome 5'))
                .map(p => e.tagName + '.' + e.className + (p || '')))"""
    )
    assert not fa5, f"elements use Font Awesome 5 (see KNOWN_HARMLESS): {fa5[:5]}"
    assert not view.problems(), "\n".join(view.problems())


_BOXES = """(root) => {
    const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.width]; };
    const shown = [...root.querySelectorAll('img.widget-image')].filter(i => i.checkVisibility());
    const parts = ['.widget-slider', '.widget-readout', '.widget-hbox', '.noUi-handle'];
    return {
        image: box(shown[0]),
        parts: Object.fromEntries(parts.map(p => [p, box(root.querySelector(p))])),
        page: document.documentElement.scrollWidth,
    };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_slider_fits_a_laptop_and_a_phone(book, server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(server + f"{CHAPTER}.html", wait_until="load")
        page.get_by_role("slider", name=SLIDER_DESCRIPTION).wait_for(timeout=20_000)
        root = page.locator(".widget-vbox").filter(has=page.locator(".widget-slider"))
        root.scroll_into_view_if_needed()
        boxes = root.evaluate(_BOXES)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        root.screenshot(path=ARTIFACTS / f"slider-{width}px.png")
        assert boxes["page"] <= width, f"the page scrolls sideways: {boxes['page']} px"
        for name, (left, right, w) in {"frame": boxes["image"], **boxes["parts"]}.items():
            assert w > 0 and left >= 0 and right <= width, f"{name} cut off: {left}..{right}"
        if width == 1280:
            assert boxes["image"][2] >= 735, f"frame only {boxes['image'][2]} px wide"
    finally:
        context.close()


# --- every page -----------------------------------------------------------------------

_LINKS_AND_IMAGES = """async () => {
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
    for (const i of document.images) i.loading = 'eager';
    // Wait (up to 10 s) until every image has loaded or failed.
    for (let t = 0; t < 200 && ![...document.images].every(i => i.complete); t++) {
        await new Promise(resolve => setTimeout(resolve, 50));
    }
    const images = [...document.images];
    return {
        links: [...document.querySelectorAll('a[href]')].map(a => a.href),
        broken: images.filter(i => !(i.naturalWidth > 0)).map(i => i.currentSrc || i.src),
        images: images.length,
        mathErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent),
        unrendered: document.querySelectorAll('.math:not(:has(mjx-container))').length,
    };
}"""


def _missing_target(book: Path, url: str) -> str:
    """'' if a local link's file (and #anchor) exists in the build, else what is missing."""
    parts = urllib.parse.urlsplit(url)
    path = book / urllib.parse.unquote(parts.path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file():
        return f"no file {path.relative_to(book) if path.is_relative_to(book) else path}"
    if parts.fragment and path.suffix == ".html":
        anchor = urllib.parse.unquote(parts.fragment)
        if anchor not in _parse(path).anchors:
            return f"no anchor #{anchor} in {path.relative_to(book)}"
    return ""


@pytest.mark.browser
def test_every_page_has_working_local_links_and_images(book, server, offline):
    all_pages = pages(book)
    assert any(
        p.relative_to(book).as_posix().startswith("chapters/") for p in all_pages
    ) or not list((SOURCE / "chapters").glob("*.ipynb")), "no chapter pages in the build"
    view = offline(server)
    problems, checked_links, checked_images = [], 0, 0
    for page_path in all_pages:
        name = page_path.relative_to(book).as_posix()
        redirect = re.match(
            r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', page_path.read_text()
        )
        if redirect:  # index.html: only check where it points
            checked_links += 1
            target = urllib.parse.urljoin(f"/{name}", redirect[1])
            if missing := _missing_target(book, target):
                problems.append(f"{name}: redirect to {redirect[1]}: {missing}")
            continue
        view.page.goto(server + name, wait_until="load")
        if WIDGET_STATE in page_path.read_text(encoding="utf-8"):
            _wait_for_slider(view)  # its image is part of the page
        found = view.page.evaluate(_LINKS_AND_IMAGES)
        checked_images += found["images"]
        problems += [f"{name}: image did not load: {src[:80]}" for src in found["broken"]]
        problems += [f"{name}: MathJax error: {text}" for text in found["mathErrors"]]
        if found["unrendered"]:
            problems.append(f"{name}: {found['unrendered']} formulas not rendered by MathJax")
        for link in found["links"]:
            if link.startswith(server):
                checked_links += 1
                missing = _missing_target(book, link[len(server) - 1 :])
                if missing:
                    problems.append(f"{name}: link {link[len(server) :]}: {missing}")
    problems += view.problems()
    assert not problems, "\n".join(problems)
    assert checked_links > len(all_pages), (
        f"only {checked_links} local links on {len(all_pages)} pages"
    )
