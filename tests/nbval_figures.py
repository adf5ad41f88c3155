"""A pytest plugin: strict nbval also compares the chapters' figures, pixel by pixel.

nbval skips ``image/png`` (PNG bytes are not a stable thing to compare), so on its own
a chapter whose plotting code changed without re-execution still passes: the book would
show a figure the code no longer draws. This plugin wraps nbval's comparison of a cell:
after nbval's own checks, each stored PNG is decoded and compared with the one the
re-executed cell produced, with a tolerance for anti-aliasing and palette round-off:

* the sizes must agree;
* at most :data:`MAX_CHANGED` pixels may differ by more than :data:`LEVELS` (of 255) in
  some colour channel (a single changed character of a label changes a hundred or more).

A moved label, a changed colour or line, another annotation exceeds that; the same
figure drawn from numbers that differ in the last bits does not. A cell whose figure
truly depends on the processor (a network trained for a thousand steps, where OpenBLAS's
AVX2 and AVX-512 kernels round differently) carries the tag
``figure-varies-by-processor``; its figure is not compared, and its text outputs still
are. Loaded with ``-p nbval_figures`` (``pyproject.toml``).
"""

from __future__ import annotations

import base64
import io

import numpy as np

#: A pixel counts as changed if some channel moved by more than this many levels.
LEVELS = 48
#: Number of changed pixels above which two figures are different figures.
MAX_CHANGED = 20
#: Cells with this tag keep their figure out of the comparison (see the docstring).
VARIES_TAG = "figure-varies-by-processor"


def _pixels(data: str) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(data))) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def figure_difference(stored: str, fresh: str) -> str | None:
    """``None`` if two base64 PNGs show the same figure, else what differs."""
    a, b = _pixels(stored), _pixels(fresh)
    if a.shape != b.shape:
        return f"size {a.shape[1]}x{a.shape[0]} px stored, {b.shape[1]}x{b.shape[0]} px now"
    changed = int((np.abs(a - b).max(axis=2) > LEVELS).sum())
    if changed > MAX_CHANGED:
        return f"{changed} pixels changed (more than {MAX_CHANGED} allowed)"
    return None


def _pngs(outputs) -> list[str]:
    return [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]


def stale_figure_problems(stored_outputs, fresh_outputs) -> list[str]:
    """What differs between the stored and the fresh figures of one cell, in order."""
    stored, fresh = _pngs(stored_outputs), _pngs(fresh_outputs)
    if len(stored) != len(fresh):
        return [f"{len(stored)} figure(s) stored, {len(fresh)} drawn now"]
    problems = []
    for k, (a, b) in enumerate(zip(stored, fresh, strict=True)):
        difference = figure_difference(a, b)
        if difference:
            problems.append(f"figure {k + 1}: {difference}")
    return problems


def pytest_configure(config):
    if not config.pluginmanager.hasplugin("nbval"):  # nbval not installed: nothing to wrap
        return
    # Fails loudly if nbval renames its cell class: a check that silently stops checking
    # is worse than none.
    from nbval.plugin import IPyNbCell

    if getattr(IPyNbCell, "_figures_compared", False):
        return
    compare = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        same = compare(self, test, ref, skip_compare)
        if VARIES_TAG in self.cell.metadata.get("tags", []):
            return same
        problems = stale_figure_problems(ref, test)
        if problems:
            self.comparison_traceback.append(
                "The stored figure is not what the code draws now (re-execute the chapter: "
                "make execute):\n  " + "\n  ".join(problems)
            )
            return False
        return same

    IPyNbCell.compare_outputs = compare_outputs
    IPyNbCell._figures_compared = True
