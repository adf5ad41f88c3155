"""The forget-bias slider of chapter 3: how long a live move takes, how big the page is.

Run from the repository root, in the book's own environment (no PyTorch needed)::

    python benchmarks/bench_slider.py            # after `make book` for the page size

Measured (issue 23's budget: a live move ≤ 50 ms, the stored-frame page near 1.3 MB):

* ``gradient_norm_draws`` alone: the computation of one frame, 20 draws, after the first
  call has filled the per-setting cache (as building the slider does);
* the redraw alone (``ForgetBiasExplorer.render``: medians, bands, SVG);
* a **live move**: ``ForgetBiasExplorer.set_bias`` on the slider of the chapter
  (``forget_bias_explorer()``, 29 frames, 20 draws), which recomputes all draws, redraws
  the frame and hands it to the Image widget; new bias values every time, so nothing is
  cached; medians and the 90th percentile of ``--repeat`` moves;
* the **stored frames**: the bytes of the 29 SVG frames, as the notebook stores them
  (base64) and as they are; and the built chapter page ``_build/html/chapters/
  03_vanishing_gradients.html`` (written by ``make book``), if it exists.

The machine (processor, vector extension, BLAS) is printed with the numbers
(``benchmarks/machine.py``): times differ 2-3× between machines.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from machine import environment

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "_build" / "html" / "chapters" / "03_vanishing_gradients.html"
NOTEBOOK = ROOT / "chapters" / "03_vanishing_gradients.ipynb"
GOAL_MOVE_MS = 50.0


def timeit(fn, repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def slider_timings(repeat: int) -> dict[str, float]:
    """Medians (ms) of one frame's computation, one redraw and one live move."""
    from lstm_lib.gradient_flow import gradient_norm_draws

    gradient_norm_draws(1.0)  # fill the per-setting cache, as the first slider draw does
    biases = iter(np.linspace(-6, 8, 100_000))
    compute = timeit(lambda: gradient_norm_draws(float(next(biases))), repeat=max(repeat, 20))
    result = {"gradient_norm_draws_ms": 1e3 * statistics.median(compute)}
    try:
        from lstm_lib.widgets import forget_bias_explorer
    except ImportError:  # matplotlib or ipywidgets missing: compute only
        return result
    explorer = forget_bias_explorer()  # the chapter's slider: 29 frames of 20 draws
    draws = gradient_norm_draws(1.0)
    redraw = timeit(lambda: explorer.render(draws), repeat=max(repeat, 20))
    # What a reader's slider move costs in a live kernel: recompute all draws, update the
    # lines and bands, render the SVG frame and hand it to the Image widget.
    move = timeit(lambda: explorer.set_bias(float(next(biases))), repeat=max(repeat, 20))
    result["redraw_ms"] = 1e3 * statistics.median(redraw)
    result["move_ms"] = 1e3 * statistics.median(move)
    result["move_p90_ms"] = 1e3 * float(np.quantile(move, 0.9))
    result["frames"] = len(explorer.frames)
    result["frames_bytes"] = sum(len(f) for f in explorer.frames)
    result["frames_base64_bytes"] = sum(len(base64.b64encode(f)) for f in explorer.frames)
    return result


def sizes() -> dict[str, int]:
    """The stored notebook and, if built, the chapter's HTML page, in bytes."""
    out = {"notebook_bytes": NOTEBOOK.stat().st_size}
    if PAGE.exists():
        out["page_bytes"] = PAGE.stat().st_size
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed moves")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead")
    args = parser.parse_args()
    env = environment(threads=1)
    result = {**slider_timings(args.repeat), **sizes()}
    if args.json:
        print(json.dumps({"environment": env, **result}))
        return 0
    print(f"machine: {env['machine']}; Python {env['python']}, NumPy {env['numpy']}, "
          f"BLAS {env.get('blas', '?')} ({env.get('blas kernel', '?')})")  # fmt: skip
    print(f"one frame's computation (gradient_norm_draws, 20 draws): "
          f"{result['gradient_norm_draws_ms']:.1f} ms")  # fmt: skip
    if "move_ms" in result:
        ok = "✓" if result["move_ms"] <= GOAL_MOVE_MS else "✗"
        print(f"redraw: {result['redraw_ms']:.1f} ms")
        print(
            f"live move (recompute all draws + redraw): median {result['move_ms']:.1f} ms, "
            f"90th percentile {result['move_p90_ms']:.1f} ms; {ok} goal ≤ {GOAL_MOVE_MS:.0f} ms"
        )
        print(f"stored frames: {result['frames']}, {result['frames_bytes'] / 1e6:.3f} MB of SVG, "
              f"{result['frames_base64_bytes'] / 1e6:.3f} MB as stored (base64)")  # fmt: skip
    print(f"chapter notebook: {result['notebook_bytes'] / 1e6:.3f} MB")
    if "page_bytes" in result:
        print(f"built page {PAGE.relative_to(ROOT)}: {result['page_bytes'] / 1e6:.3f} MB")
    else:
        print(f"built page: {PAGE.relative_to(ROOT)} missing (make book)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
