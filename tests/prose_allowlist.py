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
