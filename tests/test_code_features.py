"""The features of Python source (chapter 5), on hand-written snippets, and the unit
scores that compare them with cell states."""

from __future__ import annotations

import numpy as np
import pytest

import lstm_lib as L
from lstm_lib.code_features import FEATURES, code_features
from lstm_lib.unit_analysis import auc, best_unit, linear_probe, relevant_targets, unit_scores

SNIPPET = 'def f(a, b=[1, 2]):\n    # a (comment)\n    return g(a, "(s)")\n'


def at(text: str, feature: str) -> list:
    return code_features(text)[feature].tolist()


def test_bracket_depth_counts_code_brackets_only():
    depth = at(SNIPPET, "bracket_depth")
    # after reading each character of the first line: "def f(" opens 1, "[" opens 2
    assert depth[SNIPPET.index("(")] == 1
    assert depth[SNIPPET.index("[")] == 2
    assert depth[SNIPPET.index("]")] == 1  # a closing bracket no longer counts
    assert depth[SNIPPET.index(")")] == 0
    # the brackets in the comment and in the string do not count
    assert depth[SNIPPET.index("(comment")] == 0
    s = SNIPPET.index('"(s)"')
    assert depth[s : s + 5] == [1, 1, 1, 1, 1]  # inside g( ... ), string brackets ignored
    assert depth[-2] == 0 and max(depth) == 2
    assert at(SNIPPET, "inside_brackets") == [d > 0 for d in depth]


def test_column_and_leading_whitespace():
    text = "x = 1\n    y = (\n        2)\n"
    column = at(text, "column")
    assert column[:6] == [0, 1, 2, 3, 4, 5]  # the newline has the line's length
    assert column[6] == 0 and column[text.index("y")] == 4
    lead = at(text, "leading_whitespace")
    assert [i for i, x in enumerate(lead) if x] == [6, 7, 8, 9, *range(16, 24)]
    assert not lead[text.index("y") + 1]  # a space after code is not indentation


def test_comments_strings_prose():
    text = 'x = "a#b"  # c "d"\n"""doc\nstring"""\n'
    comment = at(text, "inside_comment")
    string = at(text, "inside_string")
    assert "".join(ch for ch, c in zip(text, comment, strict=True) if c) == '# c "d"'
    assert "".join(ch for ch, s in zip(text, string, strict=True) if s) == '"a#b""""doc\nstring"""'
    prose = at(text, "prose")
    assert prose == [c or s for c, s in zip(comment, string, strict=True)]


def test_every_feature_has_one_value_per_character():
    f = code_features(SNIPPET)
    assert set(f) == set(FEATURES)
    assert all(a.shape == (len(SNIPPET),) for a in f.values())


def test_code_that_does_not_tokenize_is_named():
    with pytest.raises(ValueError, match="text: expected Python source"):
        code_features("f(1,\n")
    with pytest.raises(TypeError, match="text: expected a str"):
        code_features(b"x = 1\n")


def test_auc_and_best_unit():
    labels = np.array([0, 0, 1, 1, 0, 1], bool)
    scores = np.column_stack(
        [
            [0.1, 0.2, 0.8, 0.9, 0.3, 0.7],  # perfect
            [0.9, 0.8, 0.2, 0.1, 0.7, 0.3],  # perfect, reversed
            [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],  # ties: chance
        ]
    )
    np.testing.assert_allclose(auc(scores, labels), [1.0, 0.0, 0.5])
    assert auc(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 1, 0, 1], bool)) == 0.75
    assert best_unit(unit_scores(scores[:, 1:], labels, "prose"), "prose") == (0, -1)
    r = unit_scores(
        np.column_stack([np.arange(5.0), -(np.arange(5.0) ** 3)]), np.arange(5), "bracket_depth"
    )
    assert r[0] == pytest.approx(1.0) and best_unit(r, "bracket_depth") == (0, 1)


def test_linear_probe_recovers_a_spread_feature():
    rng = np.random.default_rng(0)
    states = rng.standard_normal((2000, 6))
    target = states[:, 0] - states[:, 3]  # in two units, no single one
    r_probe = linear_probe(
        states[:1000], target[:1000], states[1000:], target[1000:], "bracket_depth"
    )
    assert r_probe > 0.999
    assert np.abs(unit_scores(states[1000:], target[1000:], "bracket_depth")).max() < 0.75


def test_relevant_targets_pick_the_right_next_characters():
    model = L.init_char_lstm(L.VOCAB_SIZE, 4, seed=0)
    from lstm_lib.unit_analysis import run_text

    text = SNIPPET * 16  # 16 streams of equal length
    run = run_text(model, text)
    closing = relevant_targets(run, "bracket_depth")
    assert set(run["next_chars"][closing]) == {")", "]"}
    newline = relevant_targets(run, "column")
    assert set(run["next_chars"][newline]) == {"\n"}
    assert run["cs"].shape == (len(text), 4) and run["gates"] is None
    with_gates = run_text(model, text, keep_gates=True)
    assert with_gates["gates"].shape == (len(text), 4, 4)
    np.testing.assert_array_equal(with_gates["cs"], run["cs"])


def test_clamping_a_unit_holds_its_cell_state():
    model = L.init_char_lstm(L.VOCAB_SIZE, 5, seed=1)
    streams = L.batch_streams(L.encode(SNIPPET * 4), 2)
    cs = L.char_lstm_states(model, streams, clamp={3: 0.25})[0]
    assert np.all(cs[:, :, 3] == np.float32(0.25))
    free = L.char_lstm_states(model, streams)[0]
    assert not np.allclose(free[:, :, 3], 0.25)
    with pytest.raises(ValueError, match=r"clamp: expected units in \[0, 5\)"):
        L.char_lstm_states(model, streams, clamp={5: 0.0})


def test_cell_text_html_is_static_accessible_and_exact():
    from lstm_lib.cell_text import BINS, cell_text_html, contrast_ratio, palette

    text = "f(a)\n"
    page = cell_text_html(
        text, {"unit 1": np.array([0.0, 1.2, 1.0, 0.0, -2.0]), "unit 2": np.zeros(5)}, name="t"
    )
    assert "<script" not in page and page.count('type="radio"') == 2
    assert "<span class=c8 title=1.20>(</span>" in page  # 1.2 / 2.0 · 5 bins = +3
    assert '<span class=c0 title="newline: -2.00"> </span>' in page
    assert "#t-1:checked ~ .views .v1 {display: block;}" in page
    colours = palette()
    assert len(colours) == 2 * BINS + 1 and colours[BINS] == "#ffffff"
    assert min(contrast_ratio("#000000", c) for c in colours) >= 7.0
    with pytest.raises(ValueError, match=r"views\['u'\]: expected shape \(N,\) = \(5,\)"):
        cell_text_html(text, {"u": np.zeros(4)})


def test_cell_text_css_parses_and_hides_all_but_the_checked_view():
    """Every rule is balanced (a stray brace swallows the next rule: all views shown)."""
    import re

    from lstm_lib.cell_text import cell_text_html

    page = cell_text_html("x\n", {"a": np.zeros(2), "b": np.ones(2)}, name="t")
    css = re.search(r"<style>(.*)</style>", page).group(1)
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    assert "".join(f"{s}{{{b}}}" for s, b in rules).replace(" ", "") == css.replace(" ", "")
    assert (".t .view", "display: none;") in [(s.strip(), b) for s, b in rules]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: auc(np.ones((4, 2)), np.array([0, 1, 2, 3])),
            TypeError,
            "labels: expected a boolean",
        ),
        (
            lambda: auc(np.ones((4, 2)), np.array([True, False])),
            ValueError,
            "labels: expected 1 axes, 4 rows",
        ),
        (
            lambda: auc(np.full((2, 1), np.nan), np.array([True, False])),
            ValueError,
            "scores: expected finite",
        ),
        (
            lambda: linear_probe(
                np.ones((5, 3)), np.ones(5), np.ones((4, 2)), np.ones(4), "column"
            ),
            ValueError,
            r"measure_states: expected shape \(M, 3\)",
        ),
        (
            lambda: linear_probe(
                np.ones((5, 3)), np.ones(4), np.ones((4, 3)), np.ones(4), "column"
            ),
            ValueError,
            "select_target: expected 1 axes, 5 rows",
        ),
    ],
)
def test_auc_and_linear_probe_name_a_bad_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
