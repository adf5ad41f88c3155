"""The character-level LSTM of chapter 5, trained on Python's standard library.

**Corpus.** The top-level modules of CPython 3.11.7's standard library (``Lib/*.py``,
PSF licence: ``experiments/char_lstm/PSF-LICENSE.txt``), chosen by the name list in
``experiments/char_lstm/corpus.json``, which also holds each file's sha256. Whole
files are held out: :data:`SELECT_FILES` (where a unit is chosen for a feature and a
probe is fitted) and :data:`MEASURE_FILES` (where it is measured, and the held-out
bits per character); the rest is the training text. The held-out files and the
training files of the chapter's live run are kept in the repository
(``experiments/char_lstm/heldout.json.gz``, with the licence), so the chapter runs on
Binder and anywhere without retraining.

On a fresh machine the training text comes from the running Python's ``Lib/``
directory (``sysconfig``), which must be 3.11.7's (every sha256 is checked; a file
that differs stops the run, naming it). Another Python: unpack CPython 3.11.7's
source (``Python-3.11.7.tgz`` from python.org, or ``pyenv install 3.11.7``) and pass
``--stdlib PATH/Lib``.

**Runs.** One seed per process (joblib, one BLAS thread each), with a progress bar;
each stage of a seed is cached, so an interrupted run continues where it stopped:

1. *train* (``WORK/seed<S>/``): :func:`lstm_lib.train_char_lstm` with :data:`RECIPE`;
   a checkpoint (float16) every ``eval_every`` iterations; the final weights are
   rounded to float16, the form that is stored and analysed;
2. *analyse* (``OUT/seed<S>.json``): :func:`lstm_lib.unit_analysis.analyse` on the
   held-out files, and the unit scores of every checkpoint (their emergence).

``OUT/seed0.npz`` keeps seed 0's weights (float16, 0.24 MB) for the chapter.
``make experiments`` reruns everything into ``_build/experiments/char_lstm`` and
compares with the stored results; ``STORE=1`` stores them.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
import sysconfig
import time
from pathlib import Path

# One BLAS thread per process, set before NumPy loads (seeds run side by side).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "experiments" / "char_lstm"
CORPUS_LIST = DATA / "corpus.json"
HELDOUT = DATA / "heldout.json.gz"
OUT = ROOT / "experiments" / "results" / "char_lstm"
WORK = ROOT / "_build" / "char_lstm"

PYTHON_VERSION = "3.11.7"
#: Held out: the units are chosen (and the probes fitted) on these files ...
SELECT_FILES = (
    "bisect.py",
    "calendar.py",
    "csv.py",
    "fractions.py",
    "graphlib.py",
    "heapq.py",
    "netrc.py",
    "queue.py",
    "sched.py",
    "shlex.py",
    "string.py",
    "textwrap.py",
)
#: ... and measured on these (also the held-out bits per character).
MEASURE_FILES = (
    "base64.py",
    "colorsys.py",
    "contextlib.py",
    "copy.py",
    "fnmatch.py",
    "gettext.py",
    "glob.py",
    "numbers.py",
    "operator.py",
    "random.py",
    "selectors.py",
    "tempfile.py",
)
#: Not used at all: generated for one machine.
EXCLUDED_PREFIXES = ("_sysconfigdata",)
#: The chapter's live run trains on these training files (kept in the repository).
LIVE_FILES = ("keyword.py", "this.py", "stat.py", "token.py")

RECIPE = {
    "hidden_size": 128,
    "batch_size": 32,
    "steps": 100,
    "lr": 2e-3,
    "final_lr_fraction": 0.1,
    "max_norm": 1.0,
    "forget_bias": 1.0,
    "iterations": 8000,
    "eval_every": 500,
    "dtype": "float32",
}
SEEDS = (0, 1, 2)
#: The checkpoints whose units are scored (their emergence over training).
EMERGENCE_EVERY = 1000
#: Characters of the selection files scored during training (the eval curve).
EVAL_CHARS = 32000


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stdlib_dir() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def make_corpus_list(stdlib: Path) -> dict:
    """The name list with checksums, from a 3.11.7 ``Lib/`` (run once; stored)."""
    names = sorted(p.name for p in stdlib.glob("*.py") if not p.name.startswith(EXCLUDED_PREFIXES))
    held = set(SELECT_FILES) | set(MEASURE_FILES)
    files = {n: sha256((stdlib / n).read_text(encoding="utf-8")) for n in names}
    return {
        "python": PYTHON_VERSION,
        "source": "CPython Lib/*.py (top-level modules), PSF licence",
        "select": list(SELECT_FILES),
        "measure": list(MEASURE_FILES),
        "train": [n for n in names if n not in held],
        "sha256": files,
    }


def read_files(names, stdlib: Path, checksums: dict) -> dict[str, str]:
    """The texts of ``names`` from ``stdlib``, each checked against its sha256."""
    texts, wrong = {}, []
    for n in names:
        path = stdlib / n
        text = path.read_text(encoding="utf-8") if path.exists() else None
        if text is None or sha256(text) != checksums[n]:
            wrong.append(n)
        texts[n] = text
    if wrong:
        raise SystemExit(
            f"{len(wrong)} corpus files missing or different in {stdlib} (e.g. {wrong[:3]}): "
            f"this needs CPython {PYTHON_VERSION}'s Lib/ (pass --stdlib PATH/Lib)"
        )
    return texts


def load_heldout() -> dict[str, str]:
    """The stored texts: the held-out files and the live run's training files."""
    with gzip.open(HELDOUT, "rt", encoding="utf-8") as f:
        return json.load(f)


def store_heldout(stdlib: Path, corpus: dict) -> None:
    names = [*corpus["select"], *corpus["measure"], *LIVE_FILES]
    texts = read_files(names, stdlib, corpus["sha256"])
    payload = json.dumps(texts, indent=0, sort_keys=True).encode("utf-8")
    with open(HELDOUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(payload)


def join(texts) -> str:
    """Files joined into one text, each ending in one newline."""
    return "".join(t if t.endswith("\n") else t + "\n" for t in texts)


def files(texts: dict[str, str], names) -> list[str]:
    """The texts of ``names``, each ending in one newline (joined, they make :func:`join`)."""
    return [t if t.endswith("\n") else t + "\n" for t in (texts[n] for n in names)]


def training_text(stdlib: Path) -> str:
    corpus = json.loads(CORPUS_LIST.read_text())
    texts = read_files(corpus["train"], stdlib, corpus["sha256"])
    return join(texts[n] for n in corpus["train"])


def machine() -> dict:
    """Where a run ran: the same description as chapter 4's runs (``long_lag.machine``)."""
    sys.path.insert(0, str(ROOT / "experiments"))
    from long_lag import machine as describe

    return describe()


# --------------------------------------------------------------------------- stage 1


def train_seed(seed: int, work: Path, stdlib: Path, recipe: dict = RECIPE) -> dict:
    """Train one seed (cached in ``work/seed<S>/``); returns its training record."""
    import numpy as np

    import lstm_lib as L

    folder = work / f"seed{seed}"
    record_path = folder / "train.json"
    if record_path.exists():
        return json.loads(record_path.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    tokens = L.encode(training_text(stdlib))
    heldout = load_heldout()
    eval_tokens = L.encode(join(heldout[n] for n in SELECT_FILES))[:EVAL_CHARS]
    model = L.init_char_lstm(
        L.VOCAB_SIZE,
        recipe["hidden_size"],
        forget_bias=recipe["forget_bias"],
        seed=seed,
        dtype=recipe["dtype"],
    )
    log = open(folder / "log.txt", "w")

    def checkpoint(it: int, m) -> None:
        L.save_char_lstm(folder / f"ckpt{it:06d}.npz", m, dtype="float16")
        print(f"{time.strftime('%H:%M:%S')} iteration {it}", file=log, flush=True)

    history = L.train_char_lstm(
        model,
        tokens,
        iterations=recipe["iterations"],
        batch_size=recipe["batch_size"],
        steps=recipe["steps"],
        lr=recipe["lr"],
        final_lr_fraction=recipe["final_lr_fraction"],
        max_norm=recipe["max_norm"],
        eval_tokens=eval_tokens,
        eval_every=recipe["eval_every"],
        callback=checkpoint,
    )
    log.close()
    L.save_char_lstm(folder / "trained.npz", model, dtype="float16")
    every = 100  # the training curve: the mean of each block of 100 iterations
    blocks = history.train_bpc[: history.train_bpc.size // every * every].reshape(-1, every)
    record = {
        "seed": seed,
        "recipe": recipe,
        "training_chars": int(tokens.size),
        "train_seconds": round(history.seconds, 1),
        "eval_step": history.eval_step.tolist(),
        "eval_bpc": [round(float(b), 4) for b in history.eval_bpc],
        "train_curve_step": list(range(every, blocks.shape[0] * every + 1, every)),
        "train_curve_bpc": [round(float(b), 4) for b in blocks.mean(axis=1)],
        "grad_norm_median": round(float(np.median(history.grad_norm)), 4),
        "lstm_lib": L.__version__,
        "machine": machine(),
    }
    record_path.write_text(json.dumps(record, indent=1) + "\n")
    return record


# --------------------------------------------------------------------------- stage 2


def analyse_seed(seed: int, work: Path, out: Path) -> dict:
    """Score the trained units of one seed on the held-out files (cached in ``out``)."""
    import lstm_lib as L
    from lstm_lib import unit_analysis as U

    path = out / f"seed{seed}.json"
    if path.exists():
        return json.loads(path.read_text())
    folder = work / f"seed{seed}"
    train = json.loads((folder / "train.json").read_text())
    heldout = load_heldout()
    select = files(heldout, SELECT_FILES)
    measure = files(heldout, MEASURE_FILES)
    model = L.load_char_lstm(folder / "trained.npz")
    start = time.perf_counter()
    result = U.analyse(model, select, measure, seed=seed)
    emergence = []
    for ckpt in sorted(folder.glob("ckpt*.npz")):
        it = int(ckpt.stem[4:])
        if it % EMERGENCE_EVERY:
            continue
        emergence.append(
            {"iteration": it, **U.emergence_scores(L.load_char_lstm(ckpt), select, measure)}
        )
    record = {
        **train,
        "heldout_bpc": result.pop("heldout_bpc"),
        **result,
        "emergence": emergence,
        "analysis_seconds": round(time.perf_counter() - start, 1),
    }
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n")
    if seed == 0:
        (out / "seed0.npz").write_bytes((folder / "trained.npz").read_bytes())
    return record


def _run(seed: int, work: str, out: str, stdlib: str, stage: str) -> dict:
    record = train_seed(seed, Path(work), Path(stdlib))
    if stage == "train":
        return record
    return analyse_seed(seed, Path(work), Path(out))


def run_all(seeds, work: Path, out: Path, stdlib: Path, jobs: int, stage: str) -> list[dict]:
    from joblib import Parallel, delayed
    from tqdm import tqdm

    parallel = Parallel(n_jobs=jobs, return_as="generator_unordered")
    records = []
    with tqdm(total=len(seeds), desc=f"char_lstm {stage}", unit="seed") as bar:
        calls = (delayed(_run)(s, str(work), str(out), str(stdlib), stage) for s in seeds)
        for record in parallel(calls):
            records.append(record)
            bar.update()
    return sorted(records, key=lambda r: r["seed"])


def compare(fresh: list[dict], stored_dir: Path) -> list[str]:
    """Where a rerun differs from the stored runs beyond round-off between machines."""
    problems = []
    for r in fresh:
        path = stored_dir / f"seed{r['seed']}.json"
        if not path.exists():
            problems.append(f"seed {r['seed']}: not stored")
            continue
        s = json.loads(path.read_text())
        if abs(r["heldout_bpc"] - s["heldout_bpc"]) > 0.05:
            problems.append(
                f"seed {r['seed']}: held-out {r['heldout_bpc']} bpc, stored {s['heldout_bpc']}"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="*", default=list(SEEDS))
    parser.add_argument("--stage", choices=("train", "all"), default="all")
    parser.add_argument("--stdlib", type=Path, default=None, help="CPython 3.11.7's Lib/")
    parser.add_argument("--work", type=Path, default=WORK, help="checkpoints, cached stages")
    parser.add_argument("--out", type=Path, default=OUT, help="where the results go")
    parser.add_argument("--compare", type=Path, default=None, help="stored results to compare")
    parser.add_argument(
        "--make-corpus-list",
        action="store_true",
        help="write corpus.json and heldout.json.gz from --stdlib (maintainers)",
    )
    args = parser.parse_args(argv)
    stdlib = (args.stdlib or stdlib_dir()).resolve()
    if args.make_corpus_list:
        corpus = make_corpus_list(stdlib)
        CORPUS_LIST.write_text(json.dumps(corpus, indent=1) + "\n")
        store_heldout(stdlib, corpus)
        return 0
    records = run_all(
        args.seeds, args.work.resolve(), args.out.resolve(), stdlib, args.jobs, args.stage
    )
    if args.compare is not None:
        problems = compare(records, args.compare)
        for line in problems:
            print(f"differs: {line}", file=sys.stderr)
        print(f"{len(records) - len(problems)} of {len(records)} seeds reproduce {args.compare}")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
