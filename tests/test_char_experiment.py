"""Chapter 5's stored experiment (``experiments/char_lstm.py``): the corpus is what its
checksums say, every seed's record is complete and consistent, and the stored weights
are the analysed ones."""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import lstm_lib as L

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "experiments" / "char_lstm"
RESULTS = ROOT / "experiments" / "results" / "char_lstm"
sys.path.insert(0, str(ROOT / "experiments"))
import char_lstm  # noqa: E402

CORPUS = json.loads((DATA / "corpus.json").read_text())
with gzip.open(DATA / "heldout.json.gz", "rt", encoding="utf-8") as _f:
    TEXTS = json.load(_f)
RUNS = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("seed*.json"))]


def test_corpus_list_is_disjoint_and_checksummed():
    train, select, measure = (set(CORPUS[k]) for k in ("train", "select", "measure"))
    assert not (train & select) and not (train & measure) and not (select & measure)
    assert select == set(char_lstm.SELECT_FILES) and measure == set(char_lstm.MEASURE_FILES)
    assert set(CORPUS["sha256"]) == train | select | measure
    assert CORPUS["python"] == char_lstm.PYTHON_VERSION
    assert (DATA / "PSF-LICENSE.txt").read_text().count("PYTHON SOFTWARE FOUNDATION") >= 1


def test_stored_texts_match_their_checksums():
    assert set(TEXTS) == set(CORPUS["select"]) | set(CORPUS["measure"]) | set(char_lstm.LIVE_FILES)
    assert set(char_lstm.LIVE_FILES) <= set(CORPUS["train"])
    for name, text in TEXTS.items():
        assert hashlib.sha256(text.encode()).hexdigest() == CORPUS["sha256"][name], name


def test_every_held_out_file_tokenizes():
    for name in CORPUS["select"] + CORPUS["measure"]:
        features = L.code_features.code_features(TEXTS[name])
        assert features["bracket_depth"].min() == 0, name  # brackets balance in real code


def test_a_changed_file_stops_the_run(tmp_path):
    name = CORPUS["select"][0]
    (tmp_path / name).write_text(TEXTS[name] + "# edited\n")
    with pytest.raises(SystemExit, match=name):
        char_lstm.read_files([name], tmp_path, CORPUS["sha256"])


@pytest.mark.skipif(not RUNS, reason="no stored runs yet")
def test_every_seed_is_stored_and_complete():
    assert [r["seed"] for r in RUNS] == list(char_lstm.SEEDS)
    for r in RUNS:
        assert r["recipe"] == char_lstm.RECIPE
        assert r["eval_step"][-1] == r["recipe"]["iterations"]
        assert set(r["features"]) == set(L.code_features.FEATURES)
        assert 1.0 < r["heldout_bpc"] < np.log2(L.VOCAB_SIZE)
        for f in r["features"].values():
            assert len(f["control_ablation"]) == L.unit_analysis.CONTROL_UNITS
            assert f["unit"] not in f["control_units"]
        steps = [e["iteration"] for e in r["emergence"]]
        assert steps[0] == 0 and steps[-1] == r["recipe"]["iterations"]


@pytest.mark.skipif(not RUNS, reason="no stored runs yet")
def test_stored_weights_are_small_and_are_seed_0():
    path = RESULTS / "seed0.npz"
    assert path.stat().st_size < 2_000_000
    model = L.load_char_lstm(path)
    assert model.hidden_size == char_lstm.RECIPE["hidden_size"]
    with np.load(path) as data:
        assert data["W_f"].dtype == np.float16


def _stdlib_matches() -> bool:
    stdlib = char_lstm.stdlib_dir()
    name = CORPUS["train"][0]
    path = stdlib / name
    return path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == CORPUS["sha256"][name]


@pytest.mark.skipif(not _stdlib_matches(), reason="needs CPython 3.11.7's Lib/ (the corpus)")
def test_a_tiny_run_trains_analyses_and_resumes(tmp_path, monkeypatch):
    """The experiment's two stages on a tiny recipe and two small held-out files: each
    stage's result is cached, so a second call redoes nothing."""
    monkeypatch.setattr(char_lstm, "SELECT_FILES", ("bisect.py",))
    monkeypatch.setattr(char_lstm, "MEASURE_FILES", ("colorsys.py",))
    recipe = {**char_lstm.RECIPE, "hidden_size": 8, "iterations": 4, "eval_every": 2}
    work, out = tmp_path / "work", tmp_path / "out"
    trained = char_lstm.train_seed(5, work, char_lstm.stdlib_dir(), recipe)
    assert trained["eval_step"] == [0, 2, 4] and len(trained["eval_bpc"]) == 3
    assert sorted(p.name for p in (work / "seed5").glob("ckpt*.npz")) == [
        "ckpt000000.npz",
        "ckpt000002.npz",
        "ckpt000004.npz",
    ]
    record = char_lstm.analyse_seed(5, work, out)
    assert set(record["features"]) == set(L.code_features.FEATURES)
    assert [e["iteration"] for e in record["emergence"]] == [0]  # every 1,000th only
    stamp = (out / "seed5.json").stat().st_mtime_ns
    assert char_lstm.train_seed(5, work, char_lstm.stdlib_dir(), recipe) == trained
    assert char_lstm.analyse_seed(5, work, out) == record
    assert (out / "seed5.json").stat().st_mtime_ns == stamp
    assert char_lstm.compare([record], out) == []
