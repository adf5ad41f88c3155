"""Chapter 3's forget-bias slider in the browser tests: what the page should show, and the
page object that reads and moves it.

* ``stored_slider()``: the slider as stored in the chapter's notebook (labels, first
  position, frames); ``library_frames(labels)``: the frames :mod:`lstm_lib.widgets`
  renders for those biases, the same code path;
* :class:`SliderOnPage`: the handle found by its accessible name (role "slider", named
  like the widget's description), the readout, the frame on display; ``assert_shows``
  checks that position, label, value text and the frame's bytes agree, ``drag_to``
  moves the handle with the mouse;
* ``wait_for_slider(view)``: until the widget has rendered in an ``OfflinePage``.
"""

from __future__ import annotations

import base64
import functools

import pytest
from browser_helpers import (
    CHAPTER,
    SLIDER_DESCRIPTION,
    SOURCE,
    OfflinePage,
    StoredSlider,
    read_stored_slider,
)


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
        self.handle.scroll_into_view_if_needed()  # the mouse only reaches what is on screen
        box = self.handle.bounding_box()
        track = self.track.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        step = track["width"] / (len(self.labels) - 1)
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + (index - self.index()) * step, y + 3, steps=4)
        self.page.mouse.up()


def wait_for_slider(view: OfflinePage) -> None:
    try:
        view.page.locator(".widget-slider .noUi-handle").first.wait_for(timeout=20_000)
    except Exception as error:
        pytest.fail(f"the slider did not render: {error}\n" + "\n".join(view.problems()))
