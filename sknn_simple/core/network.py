"""The network as plain NumPy functions: no estimator, no scikit-learn.

Notation (the same in the docs, the code and the tests). With one hidden layer, the teaching
core::

    X  (n, d)   inputs, one row per sample (dense ndarray or SciPy sparse)
    W1 (d, h)   b1 (h,)   hidden layer
    W2 (h, k)   b2 (k,)   output layer
    Z1 = X @ W1 + b1        (n, h)   hidden pre-activations
    A1 = f(Z1)              (n, h)   hidden activations
    Z2 = A1 @ W2 + b2       (n, k)   output logits
    P  = g(Z2)              (n, k)   output: softmax, or a sigmoid per unit (see heads.py)
    Y                       (n, k)   targets: one-hot rows (softmax output) or 0/1 (logistic)

``k`` is 1 for a binary problem (one logistic unit), the number of classes for a multiclass
problem (softmax) and the number of labels for a multilabel problem (independent logistic units).

With ``L`` hidden layers of sizes ``h_1, ..., h_L`` nothing changes but the bookkeeping: layer
``l = 1, ..., L + 1`` reads ``A_{l-1}`` (``A_0 = X``) and computes ``Z_l = A_{l-1} @ W_l + b_l``;
``A_l = f(Z_l)`` for the hidden layers and ``P = g(Z_{L+1})`` at the output. The forward pass
and the backward pass are loops over the layers, and the one-hidden-layer network is the case
``L = 1`` (``L = 0`` is a linear model, as in scikit-learn's MLPClassifier).

All parameters live in one flat vector ``theta`` laid out as
``[W_1 | W_2 | ... | W_{L+1} | b_1 | ... | b_{L+1}]``; :meth:`Layout.unpack` returns named views
into it, so every solver, first-order or :func:`scipy.optimize.minimize`, updates the same
memory without packing or copying. Weights come first so that the L2 penalty, which skips the
biases, is one dot product.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .activations import init_factors, layer_activations
from .blas import axpy, column_sums, matmul_into
from .heads import head_of


@dataclass(frozen=True)
class Layout:
    """The sizes of the layers and the position of each parameter block inside ``theta``.

    ``sizes`` is ``(d, h_1, ..., h_L, k)``: inputs, the hidden layers, outputs.
    """

    sizes: tuple

    @classmethod
    def of(cls, n_features, hidden_layer_sizes, n_outputs):
        """The layout of a network with these inputs, hidden layers and outputs."""
        return cls((int(n_features), *(int(h) for h in hidden_layer_sizes), int(n_outputs)))

    @property
    def n_features(self):
        return self.sizes[0]

    @property
    def n_outputs(self):
        return self.sizes[-1]

    @property
    def hidden(self):
        """The sizes of the hidden layers, ``(h_1, ..., h_L)``."""
        return self.sizes[1:-1]

    @cached_property
    def _blocks(self):
        """``(start, end, shape)`` of every weight block, then of every bias block."""
        shapes = [*zip(self.sizes[:-1], self.sizes[1:], strict=True)]
        shapes += [(fan_out,) for fan_out in self.sizes[1:]]
        blocks, start = [], 0
        for shape in shapes:
            end = start + int(np.prod(shape))
            blocks.append((start, end, shape))
            start = end
        return blocks

    @cached_property
    def n_weights(self):
        """Number of entries of the weight matrices (the penalized part of ``theta``)."""
        return sum(a * b for a, b in zip(self.sizes[:-1], self.sizes[1:], strict=True))

    @cached_property
    def size(self):
        """Length of ``theta``."""
        return self.n_weights + sum(self.sizes[1:])

    def unpack(self, theta):
        """Views ``([W_1, ..., W_{L+1}], [b_1, ..., b_{L+1}])`` into the flat vector ``theta``."""
        views = [theta[start:end].reshape(shape) for start, end, shape in self._blocks]
        n_layers = len(self.sizes) - 1
        return views[:n_layers], views[n_layers:]


# --- initialization and forward pass -------------------------------------------------------------


def init_params(layout, activation, rng, dtype=np.float64):
    """Glorot-uniform initial ``theta`` drawn from the ``numpy.random.RandomState`` ``rng``.

    Draws happen in MLPClassifier's order (``W_1, b_1, W_2, b_2, ...``), so the same
    ``random_state`` gives the same starting point as ``MLPClassifier``. Each layer's bound
    is ``sqrt(factor / (fan_in + fan_out))`` with the factor of
    :func:`~sknn_simple.core.activations.init_factors`.
    """
    theta = np.empty(layout.size, dtype=dtype)
    factors = init_factors(activation, len(layout.hidden))
    for W, b, factor in zip(*layout.unpack(theta), factors, strict=True):
        bound = np.sqrt(factor / (W.shape[0] + W.shape[1]))
        W[...] = rng.uniform(-bound, bound, W.shape)
        b[...] = rng.uniform(-bound, bound, b.shape)
    return theta


def dense(A, W, b, out=None):
    """One layer's pre-activations ``Z = A @ W + b`` (n, fan_out), written to ``out`` if given.

    ``A`` may be a SciPy sparse matrix (the inputs); ``out`` may be row- or column-major.
    """
    if out is None:
        Z = A @ W
    elif isinstance(A, np.ndarray):
        Z = matmul_into(A, W, out)
    else:  # sparse A: SciPy returns a new array
        Z = out
        Z[...] = A @ W
    Z += b
    return Z


class Buffers:
    """Work arrays for the passes over at most ``n`` rows, so a training loop allocates nothing.

    ``A[l]`` holds the activations of hidden layer ``l + 1``, ``H[l]`` the same after dropout,
    ``dZ[l]`` its delta (only with ``backward``); :meth:`inputs` its pre-activations, kept
    for the backward pass of an activation whose derivative reads them (gelu, silu). Without
    ``backward`` (a prediction), two arrays take turns: layer ``l + 1`` overwrites layer
    ``l - 1``, which it no longer needs, so memory does not grow with depth. ``Z`` holds the
    logits, stored column-major (one output after the other): the softmax reduces over the
    outputs of each row, and NumPy reduces over ``k`` rows of length ``n`` several times
    faster than over ``n`` rows of length ``k``.
    """

    def __init__(self, layout, n, dtype, dropout=False, backward=True):
        hidden = layout.hidden
        self.n = n
        if backward or dropout:  # the backward pass reads every layer's activations
            self.A = [np.empty((n, h), dtype) for h in hidden]
        else:  # a forward pass alone reads only the layer below: two arrays take turns
            turns = [np.empty(n * max(hidden[i::2]), dtype) for i in range(min(2, len(hidden)))]
            self.A = [turns[l % 2][: n * h].reshape(n, h) for l, h in enumerate(hidden)]
        self.dZ = [np.empty((n, h), dtype) for h in hidden] if backward else None
        self.H = [np.empty((n, h), dtype) for h in hidden] if dropout else None
        self.Z = np.empty((layout.n_outputs, n), dtype).T  # column-major (n, k)
        self._views = {}
        self._inputs = {}
        self._whole = self

    def inputs(self, l):
        """An (n, h) array for the pre-activations ``Z`` of hidden layer ``l + 1``, made on
        first use: only a layer whose activation reads ``Z`` to differentiate needs it."""
        whole = self._whole  # a part of rows() cuts the whole's arrays
        if l not in whole._inputs:
            whole._inputs[l] = np.empty_like(whole.A[l])
        return whole._inputs[l][: self.n]

    def unpack(self, layout, array):
        """``layout.unpack(array)``, remembered for the arrays a loop passes at every step
        (the parameters and the gradient): 6 views less to make per step and layer."""
        # Each entry keeps its array alive, so no other array can have its id meanwhile.
        cached = self._views.get(id(array))
        if cached is None:
            if len(self._views) >= 2:  # a full-batch solver passes a new point each time
                self._views.clear()
            cached = self._views[id(array)] = (array, layout.unpack(array))
        return cached[1]

    def rows(self, m):
        """The same buffers cut to the first ``m`` rows (views)."""
        if m == self.n:
            return self
        part = object.__new__(Buffers)
        part.n = m
        part.A = [a[:m] for a in self.A]
        part.dZ = None if self.dZ is None else [d[:m] for d in self.dZ]
        part.H = None if self.H is None else [h[:m] for h in self.H]
        part.Z = self.Z[:m]
        part._views = self._views
        part._whole = self._whole
        return part


def forward(theta, layout, X, activation, buffers=None, dropout_masks=None, saved=False):
    """The logits ``Z_{L+1}`` (n, k), the input of every layer and every hidden activation.

    Returns ``Z, H, A`` with ``H = [X, H_1, ..., H_L]`` (layer ``l`` reads ``H[l - 1]``) and
    ``A = [A_1, ..., A_L]``, ``A_l = f_l(Z_l)``. ``H_l`` is ``A_l`` itself, or ``A_l`` times
    its dropout mask when ``dropout_masks`` (one (n, h_l) array per hidden layer) is given:
    the inverted-dropout multipliers, 0 for a dropped unit and ``1 / (1 - p)`` for a kept one.
    ``activation`` names the activation of every hidden layer, or of each in turn (a sequence).

    With ``saved=True`` it also returns ``S = [S_1, ..., S_L]``, what each activation's
    derivatives read (``A_l``, or ``Z_l`` for gelu and silu): ``Z, H, A, S``.
    """
    Z, H, A, S = _forward(*layout.unpack(theta), X, activation, buffers, dropout_masks)
    return (Z, H, A, S) if saved else (Z, H, A)


def _forward(Ws, bs, X, activation, buffers, dropout_masks):
    """:func:`forward` on the weights and biases already unpacked; returns ``Z, H, A, S``."""
    L = len(Ws) - 1
    acts = layer_activations(activation, L)
    # Z_l is kept where a backward pass will read it (no buffers: a one-off pass keeps all)
    keep = buffers is None or buffers.dZ is not None
    H, A, S = [X], [], []
    for l in range(L):
        act = acts[l]
        if act.reads == "input" and keep:  # Z_l and A_l in two arrays
            Z_l = dense(H[l], Ws[l], bs[l], out=None if buffers is None else buffers.inputs(l))
            A_l = act.forward(Z_l, np.empty_like(Z_l) if buffers is None else buffers.A[l])
            S.append(Z_l)
        else:  # A_l = f(Z_l), in place
            Z_l = dense(H[l], Ws[l], bs[l], out=None if buffers is None else buffers.A[l])
            A_l = act.forward(Z_l, Z_l)
            S.append(A_l)
        A.append(A_l)
        if dropout_masks is None:
            H.append(A_l)
        else:
            out = None if buffers is None or buffers.H is None else buffers.H[l]
            H.append(np.multiply(A_l, dropout_masks[l], out=out))
    Z = dense(H[L], Ws[L], bs[L], out=None if buffers is None else buffers.Z)
    return Z, H, A, S


# --- loss and gradient ---------------------------------------------------------------------------


def loss_and_grad(
    theta,
    layout,
    X,
    Y,
    activation,
    head,
    alpha=0.0,
    sample_weight=None,
    grad=None,
    buffers=None,
    dropout_masks=None,
    row_curvature=None,
):
    """Penalized, weighted loss and its exact gradient with respect to ``theta``.

    The objective, with sample weights ``w`` (all ones when ``sample_weight`` is None) and
    their total ``S = sum_i w_i``, is the one scikit-learn's MLPClassifier minimizes::

        L(theta) = ( sum_i w_i * loss_i  +  alpha / 2 * sum_l ||W_l||^2 ) / S

    Parameters
    ----------
    theta : ndarray of shape (layout.size,)
    layout : Layout
    X : ndarray or sparse matrix of shape (n, d)
    Y : ndarray of shape (n, k)
        Targets; for the classification heads 0/1 of any numeric dtype.
    activation : str, a key of ``ACTIVATIONS``, or a sequence of them, one per hidden layer
    head : str, a key of ``HEADS``, or a Head
    alpha : float
    sample_weight : ndarray of shape (n,) or None
        Non-negative, with a positive total.
    grad : ndarray of shape (layout.size,) or None
        Receives the gradient; allocated when None.
    buffers : Buffers or None
        Work arrays for ``n`` rows, allocated when None.
    dropout_masks : list of ndarrays of shapes (n, h_l), or None
        Inverted-dropout multipliers of the hidden units of each hidden layer: 0 where a unit
        is dropped, ``1 / (1 - p)`` where it is kept. None: no dropout.
    row_curvature : ndarray of shape (n,) or None
        Receives each row's output curvature, the head's ``curvature_trace`` of its output (the
        Newton solver draws its curvature rows by it). None: not computed.

    Returns
    -------
    loss : float
    grad : ndarray of shape (layout.size,)
    """
    n = X.shape[0]
    if grad is None:
        grad = np.empty_like(theta)
    if buffers is None:
        buffers = Buffers(layout, n, theta.dtype, dropout=dropout_masks is not None)
    Ws, bs = buffers.unpack(layout, theta)
    dWs, dbs = buffers.unpack(layout, grad)
    weight_sum = n if sample_weight is None else sample_weight.sum()

    # Forward pass, keeping each layer's input H_{l-1} and activation A_l for the backward pass.
    Z, H, A, S = _forward(Ws, bs, X, activation, buffers, dropout_masks)

    # Loss; Z now holds d loss_i / dZ = g(Z) - Y for each row.
    out = head_of(head)
    row_loss = out.loss_and_delta(Z, Y)  # (n,)
    if row_curvature is not None:  # Z + Y is the output g(Z) of a canonical pair
        row_curvature[...] = out.curvature_trace(Z + Y, Z)
    dZ = Z  # (n, k)
    if sample_weight is None:
        data_loss = row_loss.sum()
    else:
        data_loss = row_loss @ sample_weight
        dZ *= sample_weight[:, None]
    dZ /= weight_sum  # dL/dZ_{L+1} = w_i (g(Z) - Y) / S
    weights = theta[: layout.n_weights]
    loss = (data_loss + 0.5 * alpha * np.dot(weights, weights)) / weight_sum

    # Backward pass, from the output layer down. Layer l computed Z_l = H_{l-1} W_l + b_l, so
    # dL/dW_l = H_{l-1}^T dZ_l and dL/db_l = sum over rows of dZ_l; the layer below gets
    # dL/dH_{l-1} = dZ_l W_l^T, then dL/dA_{l-1} = dL/dH_{l-1} * M_{l-1} (dropout mask) and
    # dL/dZ_{l-1} = dL/dA_{l-1} * f'(Z_{l-1}).  (dL/dX is never needed.)
    acts = layer_activations(activation, len(Ws) - 1)
    for l in range(len(Ws) - 1, -1, -1):
        if isinstance(H[l], np.ndarray):
            np.matmul(H[l].T, dZ, out=dWs[l])
        else:  # sparse inputs
            dWs[l][...] = H[l].T @ dZ
        column_sums(dZ, out=dbs[l])
        if l == 0:
            break
        dH = np.matmul(dZ, Ws[l].T, out=buffers.dZ[l - 1])  # (n, h_l)
        if dropout_masks is not None:
            dH *= dropout_masks[l - 1]
        dZ = acts[l - 1].backward(S[l - 1], dH)  # in place: dL/dZ_{l-1}

    # L2 penalty on the weights (not the biases): d/dW [alpha/2 ||W||^2 / S] = alpha W / S.
    axpy(alpha / weight_sum, weights, grad[: layout.n_weights])
    return float(loss), grad
