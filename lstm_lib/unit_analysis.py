"""Which unit of a trained character-level LSTM keeps what: found on one set of files,
measured on another, tested by clamping it.

For each feature of :mod:`lstm_lib.code_features` (bracket depth, column, ...):

1. **Choose** on the *selection* text: the unit whose cell state ``C_t[j]`` agrees
   best with the feature: the largest absolute r (Pearson correlation) for a number,
   the AUC farthest from 0.5 for a yes/no feature (AUC: the probability that a
   character where the feature holds gets a higher ``C_t[j]`` than one where it
   does not; 0.5 is chance). Its sign is fixed there too.
2. **Measure** on the *measurement* text (other files): the same unit, the same
   sign. Choosing and measuring on one text would flatter the best of H units.
3. **Upper bound**: a linear probe over all H cell states (least squares on the
   standardised states, fitted on the selection text, scored on the measurement
   text). A feature that the probe finds but no single unit does is spread over
   units, not kept by one.
4. **Intervene**: clamp the unit's cell state at its mean (``C_t[j] = mean``, every
   step, :func:`lstm_lib.char_lstm_states`), and compare the loss in bits on the
   characters the feature should help predict (closing brackets for the depth,
   newlines for the column, ...) with the loss on all other characters; a few
   random other units clamped the same way are the control.

Introduced in chapter "What a trained LSTM keeps in its cell state" (``chapters/05_char_lstm``).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from lstm_lib import _validate as v
from lstm_lib.char_lstm import LN2, CharLSTM, batch_streams, char_lstm_states
from lstm_lib.charset import encode
from lstm_lib.code_features import BINARY_FEATURES, CONTINUOUS_FEATURES, FEATURES, code_features

__all__ = [
    "STREAMS",
    "analyse",
    "auc",
    "best_unit",
    "emergence_scores",
    "linear_probe",
    "relevant_targets",
    "run_text",
    "unit_scores",
]

#: Texts are read as this many parallel streams (each from a zero state).
STREAMS = 16
#: The random units clamped as the control of each ablation.
CONTROL_UNITS = 5


def _check_rows(
    name: str, a: np.ndarray, ndim: int, rows: int | None, source: str = ""
) -> np.ndarray:
    """``a`` has ``ndim`` axes, at least one row (``rows`` of them if given), all finite."""
    if a.ndim != ndim or a.shape[0] == 0 or (rows is not None and a.shape[0] != rows):
        want = ("(N,)", "(N, K)")[ndim - 1] if rows is None else f"{rows} rows ({source})"
        raise ValueError(f"{name}: expected {ndim} axes, {want}, got shape {a.shape}")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name}: expected finite values, got NaN or inf")
    return a


def auc(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The AUC of each column of ``scores`` (N, K) for the boolean ``labels`` (N,).

    AUC = P(score of a random positive > score of a random negative), ties counted
    half (the Mann-Whitney statistic from average ranks). Returns (K,).
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        return auc(scores[:, None], labels)[0]
    _check_rows("scores", scores, 2, None)
    labels = np.asarray(labels)
    if labels.dtype != bool:
        raise TypeError(f"labels: expected a boolean array, got dtype {labels.dtype}")
    _check_rows("labels", labels, 1, scores.shape[0], "N from scores")
    n_pos = int(labels.sum())
    n_neg = labels.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"labels: expected both classes, got {n_pos} positive, {n_neg} negative")
    order = np.argsort(scores, axis=0, kind="stable")
    ranks = np.empty_like(scores)
    n = scores.shape[0]
    for k in range(scores.shape[1]):
        col = scores[order[:, k], k]
        r = np.arange(1, n + 1, dtype=np.float64)
        # average ranks of ties
        starts = np.flatnonzero(np.concatenate([[True], col[1:] != col[:-1]]))
        ends = np.concatenate([starts[1:], [n]])
        avg = (starts + 1 + ends) / 2.0
        r = np.repeat(avg, ends - starts)
        ranks[order[:, k], k] = r
    return (ranks[labels].sum(axis=0) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _pearson(states: np.ndarray, target: np.ndarray) -> np.ndarray:
    x = states - states.mean(axis=0)
    y = target - target.mean()
    denom = np.sqrt((x * x).sum(axis=0) * (y * y).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (x * y[:, None]).sum(axis=0) / denom
    return np.nan_to_num(r)


def unit_scores(states: np.ndarray, target: np.ndarray, feature: str) -> np.ndarray:
    """r (number features) or AUC (yes/no features) of every unit, (H,)."""
    states = np.asarray(states, np.float64)
    if feature in CONTINUOUS_FEATURES:
        return _pearson(states, np.asarray(target, np.float64))
    if feature in BINARY_FEATURES:
        return auc(states, target)
    raise ValueError(f"feature: expected one of {FEATURES}, got {feature!r}")


def best_unit(scores: np.ndarray, feature: str) -> tuple[int, int]:
    """The unit farthest from chance (largest absolute r, or AUC farthest from 0.5) and its sign."""
    centred = scores if feature in CONTINUOUS_FEATURES else scores - 0.5
    j = int(np.argmax(np.abs(centred)))
    return j, 1 if centred[j] >= 0 else -1


def _oriented(score: float, sign: int, feature: str) -> float:
    if feature in CONTINUOUS_FEATURES:
        return float(sign * score)
    return float(score if sign > 0 else 1.0 - score)


def linear_probe(
    select_states: np.ndarray,
    select_target: np.ndarray,
    measure_states: np.ndarray,
    measure_target: np.ndarray,
    feature: str,
    *,
    ridge: float = 1e-3,
) -> float:
    """Least squares from all H standardised cell states to the feature, fitted on the
    selection text (with a small ridge), scored on the measurement text (r or AUC).

    ``select_states`` (N, H) and ``select_target`` (N,); ``measure_states`` (M, H) and
    ``measure_target`` (M,).
    """
    select_states = _check_rows("select_states", np.asarray(select_states, np.float64), 2, None)
    H = select_states.shape[1]
    measure_states = np.asarray(measure_states, np.float64)
    if measure_states.ndim != 2 or measure_states.shape[1] != H:
        raise ValueError(
            f"measure_states: expected shape (M, {H}) (H from select_states), "
            f"got {measure_states.shape}"
        )
    _check_rows("select_target", np.asarray(select_target), 1, len(select_states), "N")
    _check_rows("measure_target", np.asarray(measure_target), 1, len(measure_states), "M")
    mean = select_states.mean(axis=0)
    std = select_states.std(axis=0) + 1e-6
    X = (np.asarray(select_states, np.float64) - mean) / std
    Xm = (np.asarray(measure_states, np.float64) - mean) / std
    y = np.asarray(select_target, np.float64)
    n, H = X.shape
    A = X.T @ X + ridge * n * np.eye(H)
    w = np.linalg.solve(A, X.T @ (y - y.mean()))
    prediction = Xm @ w
    return float(unit_scores(prediction[:, None], measure_target, feature)[0])


@functools.lru_cache(maxsize=4)
def _features(files: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The features of whole files, joined (cached: a text is read many times, clamped
    one unit at a time, and tokenizing it costs more than one pass of the network)."""
    parts = [code_features(t) for t in files]
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    for a in out.values():
        a.flags.writeable = False
    return out


def run_text(
    model: CharLSTM,
    text: str | list[str],
    *,
    clamp: dict[int, float] | None = None,
    keep_gates: bool = False,
) -> dict:
    """Read ``text`` in :data:`STREAMS` streams; return its features and the network's
    cell states and gates, flattened to one row per character read.

    ``text`` is Python source, or a list of whole files (joined; the features of each
    file are found on its own, so a file that does not tokenize alone cannot spoil the next).

    Keys: every feature (N,); ``cs`` (N, H); ``gates`` (N, 4, H) in the order f, i, o,
    C̃ (only with ``keep_gates=True``, else ``None``); ``chars`` (N,) the characters;
    ``loss_bits`` (N,) the loss of predicting the *next* character (NaN where the stream
    ends); ``next_chars`` (N,).
    """
    v.check_params(model, CharLSTM, "model")
    if isinstance(text, (list, tuple)):  # whole files: each tokenized on its own
        all_features = _features(tuple(text))
        text = "".join(text)
    else:
        all_features = _features((text,))
    tokens = encode(text)
    streams = batch_streams(tokens, STREAMS)
    L_, B = streams.shape
    features = all_features
    cs, gates, log_probs, _ = char_lstm_states(model, streams, clamp=clamp, keep_gates=keep_gates)
    # stream b holds characters b·L ... (b+1)·L − 1: flatten stream-major
    n = L_ * B
    loss = np.full((L_, B), np.nan)
    loss[:-1] = -log_probs / LN2
    chars = np.array(list(text[:n]))
    following = text[1 : n + 1]
    next_chars = np.array(list(following) + [""] * (n - len(following)))  # "" after the end
    return {
        **{k: f[:n] for k, f in features.items()},
        "cs": cs.transpose(1, 0, 2).reshape(n, -1),
        "gates": None if gates is None else gates.transpose(2, 0, 1, 3).reshape(n, 4, -1),
        "loss_bits": loss.T.reshape(n),
        "chars": chars,
        "next_chars": next_chars,
    }


def relevant_targets(run: dict, feature: str) -> np.ndarray:
    """Which next characters the feature should help predict (N,) boolean.

    Depth, inside brackets: a closing bracket of the code (not in a string or comment);
    column: a newline; leading whitespace: a space of the next character's indentation;
    comment, string, prose: the next character lies inside one.
    """
    nxt = {
        k: np.concatenate([run[k][1:], [False if run[k].dtype == bool else 0]])
        for k in ("inside_string", "inside_comment", "leading_whitespace", "prose")
    }
    valid = np.isfinite(run["loss_bits"])
    if feature in ("bracket_depth", "inside_brackets"):
        code = ~(nxt["inside_string"] | nxt["inside_comment"])
        mask = np.isin(run["next_chars"], list(")]}")) & code
    elif feature == "column":
        mask = run["next_chars"] == "\n"
    elif feature == "leading_whitespace":
        mask = nxt["leading_whitespace"]
    elif feature in ("inside_comment", "inside_string", "prose"):
        mask = nxt[feature]
    else:
        raise ValueError(f"feature: expected one of {FEATURES}, got {feature!r}")
    return mask & valid


def _ablation(model, measure_text, base, unit, value, mask) -> dict:
    clamped = run_text(model, measure_text, clamp={unit: value})
    valid = np.isfinite(base["loss_bits"])
    other = valid & ~mask
    return {
        "relevant": float(np.mean(clamped["loss_bits"][mask] - base["loss_bits"][mask])),
        "other": float(np.mean(clamped["loss_bits"][other] - base["loss_bits"][other])),
    }


def analyse(model: CharLSTM, select_text: str, measure_text: str, *, seed: int = 0) -> dict:
    """The whole analysis of one trained network (steps 1-4 of the module docstring).

    Returns a JSON-ready dict: ``heldout_bpc`` (the measurement text), and per feature:
    the chosen unit, its score on both texts, the probe's score, the clamp value, the
    ablation effects (bits per character, relevant and other characters) of the unit
    and of :data:`CONTROL_UNITS` random units, and the mean gates of the unit at
    ``(``, ``)`` and other characters.
    """
    rng = np.random.default_rng(seed)
    sel = run_text(model, select_text)
    mea = run_text(model, measure_text, keep_gates=True)
    valid = np.isfinite(mea["loss_bits"])
    out = {"heldout_bpc": float(np.mean(mea["loss_bits"][valid])), "features": {}}
    H = model.hidden_size
    for feature in FEATURES:
        s_scores = unit_scores(sel["cs"], sel[feature], feature)
        unit, sign = best_unit(s_scores, feature)
        m_scores = unit_scores(mea["cs"], mea[feature], feature)
        probe = linear_probe(sel["cs"], sel[feature], mea["cs"], mea[feature], feature)
        value = float(sel["cs"][:, unit].mean())
        mask = relevant_targets(mea, feature)
        controls = rng.choice(np.delete(np.arange(H), unit), CONTROL_UNITS, replace=False)
        control_effects = [
            _ablation(model, measure_text, mea, int(j), float(sel["cs"][:, j].mean()), mask)
            for j in controls
        ]
        out["features"][feature] = {
            "measure": "r" if feature in CONTINUOUS_FEATURES else "AUC",
            "unit": unit,
            "sign": sign,
            "select_score": _oriented(s_scores[unit], sign, feature),
            "heldout_score": _oriented(m_scores[unit], sign, feature),
            "heldout_best_any_unit": float(
                np.max(np.abs(m_scores))
                if feature in CONTINUOUS_FEATURES
                else np.max(np.maximum(m_scores, 1 - m_scores))
            ),
            "probe_heldout": probe,
            "clamp_value": value,
            "relevant_chars": int(mask.sum()),
            "ablation": _ablation(model, measure_text, mea, unit, value, mask),
            "control_units": [int(j) for j in controls],
            "control_ablation": control_effects,
            "baseline_relevant_bits": float(np.mean(mea["loss_bits"][mask])),
        }
    # The depth unit's gates at brackets (chapter 1's jobs of the gates).
    unit = out["features"]["bracket_depth"]["unit"]
    gates = mea["gates"][:, :, unit]
    code = ~(mea["inside_string"] | mea["inside_comment"])
    at = {
        "open": code & np.isin(mea["chars"], list("([{")),
        "close": code & np.isin(mea["chars"], list(")]}")),
        "other": ~np.isin(mea["chars"], list("()[]{}")),
    }
    out["depth_unit_gates"] = {
        where: {g: float(gates[mask, k].mean()) for k, g in enumerate(("f", "i", "o", "C_tilde"))}
        for where, mask in at.items()
    }
    return out


def emergence_scores(
    model: CharLSTM, select_text: str | list[str], measure_text: str | list[str], *, every: int = 3
) -> dict:
    """For a checkpoint: held-out bits per character and, per feature, the held-out
    score of the unit chosen on the selection text, and the probe's (scored on every
    ``every``-th character, to keep a run of many checkpoints short)."""
    full_sel = run_text(model, select_text)
    full_mea = run_text(model, measure_text)
    valid = np.isfinite(full_mea["loss_bits"])
    out = {"heldout_bpc": float(np.mean(full_mea["loss_bits"][valid]))}
    sel = {k: a[::every] for k, a in full_sel.items() if a is not None}
    mea = {k: a[::every] for k, a in full_mea.items() if a is not None}
    for feature in FEATURES:
        s_scores = unit_scores(sel["cs"], sel[feature], feature)
        unit, sign = best_unit(s_scores, feature)
        m_scores = unit_scores(mea["cs"], mea[feature], feature)
        out[feature] = {
            "unit": unit,
            "heldout_score": _oriented(m_scores[unit], sign, feature),
            "probe_heldout": linear_probe(
                sel["cs"], sel[feature], mea["cs"], mea[feature], feature
            ),
        }
    if not math.isfinite(out["heldout_bpc"]):
        raise OverflowError("emergence_scores: the loss is not finite")
    return out
