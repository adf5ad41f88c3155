"""Numbers a chapter's prose may type: definitions, each with the reason it is one.

Read by ``test_prose_numbers.py`` (the rules that need no entry, such as years, chapter
numbers, positions "step 5" and integers in math, are in ``prose_numbers.py``). An
entry is a phrase of the chapter's Markdown that contains the number, so that the same
number elsewhere in the chapter is still checked. A result the code computes never
belongs here: glue it (CONTRIBUTING.md, "Numbers in the prose").

Format: chapter (the notebook's stem) -> list of (reason, phrases).
"""

from __future__ import annotations

ALLOWED: dict[str, list[tuple[str, list[str]]]] = {
    "04_long_dependency": [
        (
            "the chapter's own criterion, fixed before any run (SOLVED_MSE: 1 % of the "
            "baseline 1/6 on 500 held-out sequences, an RMS error of about 0.04 on a sum in "
            "[0, 2]), and the 1997 paper's, quoted (target 0.5 + (X1 + X2)/4, error 0.04, "
            "i.e. 0.16 on the sum)",
            [
                "held-out set of 500",
                "falls below 1 % of the baseline, {glue",
                "error of about $0.04$ on a target between 0 and 2",
                "target to $0.5 + (X_1 + X_2)/4$",
                "error was below $0.04$, about $0.16$ on",
                "means below 1 % of that",
            ],
        ),
        (
            "the recipe's settings (RECIPE in experiments/long_lag.py): sizes, evaluation "
            "interval, and the 3,000-iteration budget an earlier version gave both networks",
            [
                "Hidden size 32, batches of 32",
                "every 50 iterations",
                "a budget of 3,000 iterations",
                "Stopped at 3,000 iterations",
                "needs more than 3,000 iterations",
                "within 3,000)",
                "With the 3,000 iterations",
                "error after 3,000 iterations",
                "not solved within 3,000",
                "A 3,000-iteration budget",
                "within 3,000 iterations)",
            ],
        ),
        (
            "the seeds of the design: five tuning seeds 100 to 104, reported seeds 0 to 4, "
            "20 initialisations 1000 to 1019 for claims at initialisation",
            [
                "seeds (100 to 104)",
                "the seeds 0 to 4",
                "five seeds (0 to 4)",
                "over 20 draws (seeds 1000 to 1019",
                "of 5 runs). The LSTM",
                "of 5 within its budget",
                "of 5, more slowly",
                "of 5 runs,",
                "of 5 within 3,000",
                "of these 5 within",
                "of 5 tuning runs at the same rate",
                "of the 5 reported seeds",
                "of the 5 tuning seeds",
            ],
        ),
        (
            "the sequences the trained networks are read on: 500 fresh sequences (xs_in), "
            "and the first input is k = T - 1 = 99 steps back at T = 100",
            [
                "the same 500 sequences",
                "the fit over 500 sequences",
                "the same 500 fresh sequences",
                "initial gradient 99 steps",
                "the gradient 99 steps back",
            ],
        ),
        (
            "the interventions' settings: a forget gate clamped at 0.5 (σ(0)), an input gate "
            "shut at 0.001, and the 80 % share used to count units; the fit C_T ≈ 1 − v1 − v2 "
            "read as writes of 0.5 − v",
            [
                "forget gate at $0.5$",
                "\\sigma(0) = 0.5$",
                "forget gate at 0.5",
                "forget gate clamped at 0.5",
                "units carry 80 %",
                "$i_t = 0.001$",
                "adds about $0.5 - v$",
            ],
        ),
        (
            "the Adam experiment's set-up: β2 = 0.999 (PyTorch's default), a gradient of 1 "
            "for 1,000 steps, the steps read 100 and 2,000 steps after the spike",
            [
                "\\beta_2 = 0.999$",
                "gradient of 1 for 1,000 steps",
                "learning rate 100 steps later",
                "after 2,000)",
            ],
        ),
    ],
    "01_gates": [
        (
            "σ(0) = 1/2 by the definition of σ",
            ["the 50% of $b_f = 0$"],
        ),
        (
            "the random input sequence has T = 12 steps (xs_rand in the code)",
            ["over 12 steps of random input", "with its 12 random inputs"],
        ),
        (
            "the bias that shuts a gate, set in the code (shut())",
            ["below we use −50", "its bias to −50"],
        ),
        (
            "the hand-set memory cell's task: the values written at t = 2 and t = 7, and the "
            "memory the input-gate experiment starts from (value, full in the code)",
            [
                "writes 0.8 at",
                "writes −0.5 at",
                r"\tanh(0.8)",
                r"\tanh(-0.5)",
                "already holds 0.6",
                "started at 0.6",
            ],
        ),
        (
            "what the orders O(ε) and O(ε²) predict for a tenfold smaller ε (the exercise's "
            "question, and the table shows it)",
            [
                "divided by 10?",
                "one-sided error by 10",
                "central error by 100",
                "a factor 100 per decade",
            ],
        ),
    ],
    "02_cell_state": [
        (
            "the recipe's forget bias b_f = 1 (LSTMParams.init's default, the cited "
            "recommendation)",
            [
                "forget bias 1",
                "forget bias to 1",
                "forget bias of 1",
                "held at 1",
            ],
        ),
        (
            "σ(0) = 1/2 by the definition of σ",
            ["instead of 0.5"],
        ),
        (
            "the random cell's sequence has T = 40 steps",
            ["after 40.", "its 40 random inputs", "after 40 steps"],
        ),
        (
            "the memory task: the write at step 5, the read at step 56, so 50 steps of noise "
            "between and 51 forget gates (steps 6 to 56); the gain G = 15; the candidate's "
            "scale 0.1 (SCALE), so a stored 0.8 enters as tanh(0.08)",
            [
                "for the next 50 steps",
                "ignores 50 steps",
                "the 51 forget gates",
                "the same 51 forget gates",
                "the 51 leaks",
                "after 51 steps",
                "over 51 steps",
                "Lower $b_f$ from 15",
                r"\tanh(0.1 \cdot",
                "$h_t / 0.1$",
                "$h_{56} / 0.1$",
                r"\tanh(0.08)",
                r"\tanh(\tanh(0.08)) / 0.1",
                r"\tanh(-0.03)",
            ],
        ),
        (
            "the values the exercises store: stored = (0.8, −0.35, 0.5), and 0.8 then −0.3 in "
            "the exercise on two writes (its answer (a) reads back what was written)",
            [
                "the value $-0.35$",
                "the value 0.8 is written",
                "the value $-0.3$",
                "erases the 0.8",
                "close to $-0.3$",
            ],
        ),
        (
            "the exercise's target: keep 90% of the memory over the 51 steps; b_f − 0.5 is "
            "the second bias it asks about",
            [
                "to keep 90%",
                "at least 90%",
                "whether 90%",
                "fall short of 90%",
                "alone gives 90%",
                r"$b_f - 0.5$",
                r"\ge 0.9$",
                r"p = 0.9^{1/51}",
            ],
        ),
        (
            "the exercise's 1500 noisy sequences (np.tile(stored, 500) in the code)",
            ["on 1500 more", "of the 1500 noisy", "of the 1500 sequences"],
        ),
        (
            "the long stream: 300 steps, a write every 10 steps",
            ["a stream of 300", "a write every 10 steps"],
        ),
    ],
}
