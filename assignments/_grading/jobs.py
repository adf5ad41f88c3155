"""What the fresh process runs (:mod:`_grading.fresh`): training runs of assignment 3."""

from __future__ import annotations


def _train(settings: dict, seed: int, steps: int, iterations: int):
    """One run of ``lstm_lib.train`` with ``settings``, as the notebook's ``run`` does."""
    from lstm_lib import SOLVED_MSE, init_network, train

    net = init_network(
        "lstm", 2, settings["hidden_size"], forget_bias=settings["forget_bias"], seed=seed
    )
    return train(
        net, steps, iterations=iterations, batch_size=settings["batch_size"], lr=settings["lr"],
        max_norm=settings["max_norm"], threshold=SOLVED_MSE, seed=seed,
    )  # fmt: skip


def train_runs(settings: dict, seeds: list[int], steps: int, iterations: int) -> list[dict]:
    """Train a fresh LSTM with ``settings`` for each seed; outcome and iterations."""
    out = []
    for seed in seeds:
        r = _train(settings, seed, steps, iterations)
        out.append({"seed": seed, "solved": r.solved, "steps_to_solve": r.steps_to_solve,
                    "test_mse": r.test_mse})  # fmt: skip
    return out


def max_change(settings: dict, seed: int, steps: int, iterations: int) -> float:
    """The largest change of any weight or bias during one training run (question 1)."""
    r = _train(settings, seed, steps, iterations)
    pairs = zip(r.net.parameters(), r.initial.parameters(), strict=True)
    return max(
        float(abs(after - before).max())
        for now, then in pairs
        for after, before in zip(now.arrays().values(), then.arrays().values(), strict=True)
    )
