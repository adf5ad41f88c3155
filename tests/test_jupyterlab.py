"""Chapter 3 live in JupyterLab, from the notebook environment (what Binder runs).

JupyterLab is started from ``.venv-notebook`` (``make notebook-env``: requirements-notebook.txt
and the two settings in ``binder/``) on a copy of the chapters in a temporary folder (so
nothing saves over the repository), as root with ``--allow-root``; Chromium opens chapter
3 and runs it. Then, in the one page:

* the MyST renders: no raw role or directive (``{eq}``, ``{exercise}``, ``:label:``...)
  in the text, equations typeset, the exercises drawn as exercises;
* every gated solution is collapsed: none of its prose or code is on screen (the cells of
  a solution open as bars saying what they are, its first part as a closed dropdown);
* the slider recomputes: dragged, and moved with the arrow keys (focus stays on the
  handle), the frame on display is the one :mod:`lstm_lib.widgets` draws for the bias the
  slider shows, and the kernel's explorer holds that bias (asked through a second client
  of the same kernel);
* nothing errors: no error output in any cell, no uncaught exception in the page, no
  console error except ``LIVE_KNOWN`` (each explained).

Marked ``browser``; skipped, saying why, without Chromium or without ``.venv-notebook``
(``make test`` creates both). Screenshots go to ``_build/browser-artifacts/jupyterlab-*.png``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from browser_helpers import ARTIFACTS, ROOT, SLIDER_DESCRIPTION
from slider_page import _DISPLAYED_FRAME, library_frames, stored_slider

pytestmark = pytest.mark.browser  # one worker runs this module: tests/progress.py ONE_WORKER

NB_VENV = ROOT / ".venv-notebook"
CHAPTER = "chapters/03_vanishing_gradients.ipynb"
#: Console errors JupyterLab logs for this chapter that are not a fault of the chapter.
LIVE_KNOWN = [
    (
        re.compile(r"^(Cross reference target was not found: fig-[\w-]+\n?)+$"),
        "jupyterlab-myst resolves {numref} only to targets in Markdown; the chapter's figures "
        "are named in their code cells' metadata (myst-nb's mystnb.figure.name), which "
        "Jupyter Book reads and jupyterlab-myst does not. The reference shows as its label.",
    ),
]
#: Typeset math: jupyterlab-myst draws it with KaTeX.
MATH = ".jp-Notebook .katex"
#: An exercise as jupyterlab-myst draws it.
EXERCISE = ".jp-Notebook aside.myst-exercise"
#: A solution's first part as a closed dropdown.
SOLUTION = ".jp-Notebook details.myst-exercise:not([open])"
#: Test-only JupyterLab settings: every cell in the page (so the whole text can be read)
#: and no autosave (the copy is thrown away anyway).
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def _exercises_in_source() -> int:
    """How many ``{exercise}`` directives chapter 3's Markdown cells hold."""
    nb = json.loads((ROOT / CHAPTER).read_text(encoding="utf-8"))
    markdown = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    return sum(source.count("{exercise}") for source in markdown)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    jupyter = NB_VENV / "bin" / "jupyter"
    if not jupyter.exists():
        pytest.skip("no notebook environment .venv-notebook (make notebook-env; make test does)")
    tmp = tmp_path_factory.mktemp("jupyterlab")
    shutil.copytree(ROOT / "chapters", tmp / "root" / "chapters")
    for name, value in SETTINGS.items():
        (tmp / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / "settings" / name).write_text(json.dumps(value))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),  # not the user's own settings
        "JUPYTER_DATA_DIR": str(tmp / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
    }
    port = _free_port()
    command = [
        str(jupyter), "lab", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
        "--ServerApp.token=", "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={tmp / 'root'}", f"--LabApp.user_settings_dir={tmp / 'settings'}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
    ] + (["--allow-root"] if os.getuid() == 0 else [])  # fmt: skip
    log = open(tmp / "server.log", "w")  # closed below
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            if server.poll() is not None:
                pytest.fail("JupyterLab exited:\n" + (tmp / "server.log").read_text()[-3000:])
            try:
                urllib.request.urlopen(url + "api/status", timeout=2)
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("JupyterLab did not answer in 60 s")
        yield {"url": url, "runtime": tmp / "runtime", "log": tmp / "server.log"}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class Chapter:
    """Chapter 3 open in JupyterLab, its console errors recorded."""

    def __init__(self, page, runtime: Path) -> None:
        self.page = page
        self.runtime = runtime
        self.errors: list[str] = []
        self.ran = False
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e.message}"))
        self.root = page.locator(".jp-Notebook .widget-vbox").filter(
            has=page.locator(".widget-slider .widget-label", has_text=SLIDER_DESCRIPTION)
        )
        self.handle = self.root.locator(".noUi-handle")
        self.readout = self.root.locator(".widget-readout")

    def text(self) -> str:
        """The notebook's text as shown (closed dropdowns and collapsed cells excluded)."""
        return self.page.locator(".jp-Notebook").inner_text()

    def run_all(self) -> None:
        self.page.locator(".jp-Notebook").click(position={"x": 2, "y": 2})
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.locator('li[data-command="runmenu:run-all"]').click()
        queued = ".jp-Notebook .jp-InputPrompt:text-matches('\\\\*')"
        self.page.wait_for_selector(queued, timeout=30_000)
        self.page.wait_for_selector(queued, state="detached", timeout=180_000)
        self.ran = True

    def kernel_bias(self) -> str:
        """The bias of the kernel's explorer (the chapter's Out[...]), asked through a second
        client of the same kernel."""
        from jupyter_client import BlockingKernelClient

        (connection,) = self.runtime.glob("kernel-*.json")
        client = BlockingKernelClient(connection_file=str(connection))
        client.load_connection_file()
        client.start_channels()
        try:
            printed: list[str] = []
            code = (
                "print([f'{v.bias:+.2f}' for v in Out.values()"
                " if type(v).__name__ == 'ForgetBiasExplorer'][-1])"
            )
            reply = client.execute_interactive(
                code, store_history=False, timeout=30,
                output_hook=lambda m: printed.append(m["content"].get("text", "")),
            )  # fmt: skip
            if reply["content"]["status"] != "ok":
                return f"none ({reply['content'].get('ename')})"
            return "".join(printed).strip()
        finally:
            client.stop_channels()

    def assert_shows(self, index: int, labels, frames, how: str) -> None:
        label = labels[index]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the kernel redraws, then the page shows it
            shown = self.root.evaluate(_DISPLAYED_FRAME)
            frame = b"" if shown.endswith("on display") else base64.b64decode(shown)
            bias = self.kernel_bias()
            if self.readout.inner_text().strip() == label and frame == frames[index]:
                if bias == label:
                    return
            time.sleep(0.25)
        where = [labels[i] for i, f in enumerate(frames) if f == frame]
        pytest.fail(
            f"{how}: expected {label}; readout {self.readout.inner_text()!r}, frame of "
            f"{where or 'no grid bias'}, kernel's explorer at {bias}"
        )


@pytest.fixture(scope="module")
def chapter(jupyterlab, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    view = Chapter(page, jupyterlab["runtime"])
    page.goto(jupyterlab["url"] + f"lab/tree/{CHAPTER}", wait_until="load")
    page.wait_for_selector(".jp-Notebook .jp-MarkdownCell .myst", timeout=60_000)
    # jupyterlab-myst renders the cells one by one: wait for all of the chapter's exercises
    # and its math, not the first one (under load the rest arrive seconds later)
    page.wait_for_function(
        f"document.querySelectorAll({EXERCISE!r}).length >= {_exercises_in_source()}",
        timeout=60_000,
    )
    page.wait_for_function(f"document.querySelectorAll({MATH!r}).length > 20", timeout=30_000)
    page.wait_for_function(
        f"document.querySelectorAll({SOLUTION!r}).length >= {_exercises_in_source()}",
        timeout=30_000,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield view
    page.screenshot(path=ARTIFACTS / "jupyterlab-chapter3-end.png")
    context.close()


def test_the_myst_renders(chapter):
    text = chapter.text()
    raw = [s for s in ("{eq}", "{cite", "{numref}", "{exercise}", "{solution", ":label:", "$$")
           if s in text]  # fmt: skip
    assert not raw, f"raw MyST in JupyterLab: {raw}"
    math = chapter.page.locator(MATH).count()
    exercises = chapter.page.locator(EXERCISE).count()
    assert math > 20 and exercises == _exercises_in_source() >= 3, (math, exercises)
    chapter.page.locator(".jp-Notebook .myst-exercise").first.scroll_into_view_if_needed()
    chapter.page.screenshot(path=ARTIFACTS / "jupyterlab-exercises.png")


def _solution_lines() -> tuple[list[str], list[str]]:
    """Chapter 3's solution prose (runs of words) and the lines of its solution code."""
    nb = json.loads((ROOT / CHAPTER).read_text(encoding="utf-8"))
    code, phrases, elsewhere, inside = [], [], set(), False
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        lines = [x.strip() for x in source.splitlines() if len(x.strip()) > 20]
        if cell["cell_type"] == "markdown" and inside:  # lines of plain words render as such
            phrases += [x for x in lines if len(x) > 30 and not set(x) & set("*_[]{}$`<>|#\\")]
        if cell["cell_type"] == "code":
            if inside:
                code += lines
            else:
                elsewhere.update(lines)
        for gate in re.findall(r"\{(solution-start|solution-end)\}", source):
            inside = gate == "solution-start"
    return phrases, [line for line in code if line not in elsewhere]


def test_every_solution_is_collapsed_before_and_after_running(chapter):
    phrases, code = _solution_lines()
    assert len(phrases) >= 2 and len(code) >= 10
    for when in ("opened", "run"):
        if when == "run":
            chapter.run_all()
        text = " ".join(chapter.text().split())
        shown = [p for p in phrases if p in text] + [c for c in code if " ".join(c.split()) in text]
        assert not shown, f"solution text visible in JupyterLab ({when}): {shown[:3]}"
        closed = chapter.page.locator(SOLUTION).count()
        assert closed >= 3, f"{closed} closed solution dropdowns ({when})"
    bars = chapter.page.locator(".jp-Notebook .jp-Cell .jp-Placeholder").all_inner_texts()
    assert bars and all("of the solution above: click" in b for b in bars), bars[:3]


def test_the_slider_recomputes_when_dragged_and_with_the_arrow_keys(chapter):
    stored = stored_slider()
    labels, frames = stored.labels, library_frames(stored.labels)
    if not chapter.ran:
        chapter.run_all()  # when run alone
    chapter.handle.wait_for(timeout=30_000)
    chapter.handle.scroll_into_view_if_needed()
    chapter.assert_shows(stored.index, labels, frames, "as run")
    step = chapter.root.locator(".noUi-base").bounding_box()["width"] / (len(labels) - 1)
    for target in (stored.index + 4, stored.index - 2):
        box = chapter.handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        now = round(float(chapter.handle.get_attribute("aria-valuenow")))
        chapter.page.mouse.move(x, y)
        chapter.page.mouse.down()
        chapter.page.mouse.move(x + (target - now) * step, y + 3, steps=4)
        chapter.page.mouse.up()
        chapter.assert_shows(target, labels, frames, f"dragged to {labels[target]}")
    index = stored.index - 2
    chapter.handle.focus()
    for key, move in [("ArrowRight", 1), ("ArrowRight", 1), ("ArrowLeft", -1), ("ArrowUp", 1)]:
        chapter.page.keyboard.press(key)
        index += move
        chapter.assert_shows(index, labels, frames, f"after {key}")
        focused = chapter.page.evaluate("document.activeElement.className")
        assert "noUi-handle" in focused, f"after {key} the focus moved to {focused[:60]}"
    chapter.root.screenshot(path=ARTIFACTS / "jupyterlab-slider.png")


def test_nothing_errors(chapter):
    """Run last in this module (after the chapter ran and the slider moved)."""
    if not chapter.ran:
        chapter.run_all()  # when run alone
    outputs = chapter.page.locator(
        ".jp-Notebook [data-mime-type='application/vnd.jupyter.stderr'],"
        " .jp-Notebook [data-mime-type='application/vnd.jupyter.error']"
    ).all_inner_texts()
    assert not outputs, f"error outputs: {[o[:200] for o in outputs]}"
    unknown = [e for e in chapter.errors if not any(p.search(e) for p, _ in LIVE_KNOWN)]
    assert not unknown, "console errors in JupyterLab:\n" + "\n".join(unknown)
