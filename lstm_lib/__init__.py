"""lstm_lib: the NumPy LSTM of the course "LSTM, dissected".

Every name the chapters use is importable from here::

    from lstm_lib import LSTMParams, lstm_forward, lstm_backward

Modules, one idea each:

* :mod:`lstm_lib.params`: :class:`LSTMParams`, :class:`RNNParams` (weights in the seed's notation)
* :mod:`lstm_lib.activations`: numerically stable σ and tanh
* :mod:`lstm_lib.lstm`: the LSTM cell, one step and a sequence, forward and backward
* :mod:`lstm_lib.reference`: the sequence as a plain loop of the step functions (the oracle)
* :mod:`lstm_lib.rnn`: the simple RNN with the same API
* :mod:`lstm_lib.gradcheck`: finite-difference gradient checking
* :mod:`lstm_lib.memory`: the hand-set memory cell of chapters 1 and 2
* :mod:`lstm_lib.gradient_flow`: gradient norms over time (the forget-bias slider)
* :mod:`lstm_lib.readout`: the linear readout of ``h_T`` and the mean squared error
* :mod:`lstm_lib.optim`: Adam and gradient clipping, with PyTorch's semantics
* :mod:`lstm_lib.tasks`: the adding problem
* :mod:`lstm_lib.training`: a cell plus readout, trained on the adding problem
* :mod:`lstm_lib.ablation`: one unit's gate clamped in a trained LSTM; the readout's units
* :mod:`lstm_lib.experiment`: chapter 4's stored sweep, counted and costed
* :mod:`lstm_lib.tokens`: the LSTM fed token ids (the input column instead of a one-hot product)
* :mod:`lstm_lib.softmax_readout`: a readout at every step and the softmax cross-entropy
* :mod:`lstm_lib.charset`: characters as token ids
* :mod:`lstm_lib.char_lstm`: a character-level language model, truncated BPTT, bits per character
* :mod:`lstm_lib.code_features`: what a reader of Python knows at each character
* :mod:`lstm_lib.unit_analysis`: a unit per feature, chosen, measured elsewhere, clamped

Modules that serve the book are not imported here: ``lstm_lib.style`` (the figure
style) and ``lstm_lib.plots`` (the gradient-norm figure) need matplotlib,
``lstm_lib.widgets`` (the slider of chapter "Vanishing gradients") and ``lstm_lib.char_plots``
(chapter 5's figures) matplotlib, the first also
ipywidgets (the ``book`` extra); ``lstm_lib.diagram`` (the cell diagram) writes SVG.
"""

from lstm_lib import (
    code_features,
    experiment,
    gradcheck,
    gradient_flow,
    optim,
    reference,
    unit_analysis,
)
from lstm_lib.ablation import clamp_gate, readout_shares
from lstm_lib.activations import sigmoid, tanh
from lstm_lib.char_lstm import (
    CharLSTM,
    CharTrainingHistory,
    batch_streams,
    bits_per_char,
    char_lstm_loss_and_gradients,
    char_lstm_states,
    exponential_decay,
    init_char_lstm,
    load_char_lstm,
    save_char_lstm,
    train_char_lstm,
)
from lstm_lib.charset import VOCAB_SIZE, decode, encode
from lstm_lib.gradcheck import numerical_gradient, numerical_jacobian, relative_error
from lstm_lib.gradient_flow import (
    GradientNormDraws,
    GradientNorms,
    Spread,
    cell_state_draws,
    gradient_norm_draws,
    gradient_norms,
    non_normal_draws,
    non_normal_matrix,
    power_norms,
    rnn_gradient_norms,
    rnn_tanh_derivative_draws,
    spread,
)
from lstm_lib.lstm import (
    LSTMCache,
    LSTMStepCache,
    lstm_backward,
    lstm_cell_state_gradients,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
)
from lstm_lib.memory import MEMORY_INPUTS, memory_cell
from lstm_lib.optim import Adam, clip_grad_norm
from lstm_lib.params import LSTMParams, RNNParams
from lstm_lib.readout import (
    ReadoutCache,
    ReadoutParams,
    mse_loss,
    readout_backward,
    readout_forward,
)
from lstm_lib.reference import lstm_backward_reference, lstm_forward_reference
from lstm_lib.rnn import (
    RNNCache,
    RNNStepCache,
    rnn_backward,
    rnn_forward,
    rnn_hidden_state_gradients,
    rnn_step_backward,
    rnn_step_forward,
)
from lstm_lib.softmax_readout import (
    SequenceReadoutCache,
    log_softmax,
    sequence_readout_backward,
    sequence_readout_forward,
    softmax_cross_entropy,
    target_log_probs,
)
from lstm_lib.tasks import ADDING_BASELINE_MSE, adding_problem
from lstm_lib.tokens import LSTMTokenCache, lstm_token_backward, lstm_token_forward, one_hot
from lstm_lib.training import (
    SOLVED_MSE,
    Network,
    TrainingHistory,
    TrainingResult,
    init_network,
    input_gradient_norms,
    load_network,
    loss_and_gradients,
    predict,
    save_network,
    train,
)

__version__ = "0.1.0"

__all__ = [
    "ADDING_BASELINE_MSE",
    "MEMORY_INPUTS",
    "SOLVED_MSE",
    "VOCAB_SIZE",
    "Adam",
    "CharLSTM",
    "CharTrainingHistory",
    "GradientNormDraws",
    "GradientNorms",
    "LSTMCache",
    "LSTMParams",
    "LSTMStepCache",
    "LSTMTokenCache",
    "Network",
    "RNNCache",
    "RNNParams",
    "RNNStepCache",
    "ReadoutCache",
    "ReadoutParams",
    "SequenceReadoutCache",
    "Spread",
    "TrainingHistory",
    "TrainingResult",
    "adding_problem",
    "batch_streams",
    "bits_per_char",
    "cell_state_draws",
    "char_lstm_loss_and_gradients",
    "char_lstm_states",
    "clamp_gate",
    "clip_grad_norm",
    "code_features",
    "decode",
    "encode",
    "experiment",
    "exponential_decay",
    "gradcheck",
    "gradient_flow",
    "gradient_norm_draws",
    "gradient_norms",
    "init_char_lstm",
    "init_network",
    "input_gradient_norms",
    "load_char_lstm",
    "load_network",
    "log_softmax",
    "loss_and_gradients",
    "lstm_backward",
    "lstm_backward_reference",
    "lstm_cell_state_gradients",
    "lstm_forward",
    "lstm_forward_reference",
    "lstm_step_backward",
    "lstm_step_forward",
    "lstm_token_backward",
    "lstm_token_forward",
    "memory_cell",
    "mse_loss",
    "non_normal_draws",
    "non_normal_matrix",
    "numerical_gradient",
    "numerical_jacobian",
    "one_hot",
    "optim",
    "power_norms",
    "predict",
    "readout_backward",
    "readout_forward",
    "readout_shares",
    "reference",
    "relative_error",
    "rnn_backward",
    "rnn_forward",
    "rnn_gradient_norms",
    "rnn_hidden_state_gradients",
    "rnn_step_backward",
    "rnn_step_forward",
    "rnn_tanh_derivative_draws",
    "save_char_lstm",
    "save_network",
    "sequence_readout_backward",
    "sequence_readout_forward",
    "sigmoid",
    "softmax_cross_entropy",
    "spread",
    "tanh",
    "target_log_probs",
    "train",
    "train_char_lstm",
    "unit_analysis",
]
