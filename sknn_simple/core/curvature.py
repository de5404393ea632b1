"""Exact Hessian-vector products of the training loss, by Pearlmutter's R-operator.

For a direction ``v`` (a vector shaped like ``theta``, with views ``V_l, c_l`` matching
``W_l, b_l``), the R-operator ``R{q} = d/dr q(theta + r v) at r = 0`` is the directional
derivative of any quantity ``q`` computed by the network. Applied to the gradient it gives
``R{grad L} = H v``, the Hessian times ``v``, exactly (no finite differences), at the cost of one
forward and one backward pass: the chain rule is pushed through every line of
:func:`~sknn_simple.core.network.loss_and_grad`.

With one hidden layer, each forward line and its R-forward line::

    Z1 = X W1 + b1                R{Z1} = X V1 + c1
    A1 = f(Z1)                    R{A1} = f'(Z1) * R{Z1}
    Z2 = A1 W2 + b2               R{Z2} = R{A1} W2 + A1 V2 + c2
    P  = g(Z2)                    R{P}  = J_g R{Z2}      (for softmax
                                                          P * (R{Z2} - sum_j P_j R{Z2}_j),
                                                          for sigmoids P (1 - P) * R{Z2})

and each backward line (gradient) and its R-backward line, with ``w_i`` the sample weights over
their sum::

    dZ2 = w (P - Y)               R{dZ2} = w R{P}        (the head's curvature_jvp; for a
                                                          loss that is not a canonical pair,
                                                          dZ2 = w D and R{dZ2} = w D' R{Z2}
                                                          with D' = d^2 loss / dZ2^2)
    dW2 = A1^T dZ2                R{dW2} = R{A1}^T dZ2 + A1^T R{dZ2}
    db2 = sum_rows dZ2            R{db2} = sum_rows R{dZ2}
    dA1 = dZ2 W2^T                R{dA1} = R{dZ2} W2^T + dZ2 V2^T
    dZ1 = dA1 * f'(Z1)            R{dZ1} = R{dA1} * f'(Z1) + dA1 * f''(Z1) * R{Z1}
    dW1 = X^T dZ1                 R{dW1} = X^T R{dZ1}
    db1 = sum_rows dZ1            R{db1} = sum_rows R{dZ1}

and the L2 penalty adds ``alpha / sum(w) * V`` to the weight blocks. With ``L`` hidden layers the
same lines run in a loop over the layers, as in ``loss_and_grad`` (a dropout mask ``M`` turns
``A_l`` into ``H_l = A_l * M_l``, and ``R{H_l} = R{A_l} * M_l``). The terms ``R{A}^T dZ``,
``dZ V^T`` and ``dA * f'' * R{Z}`` are what separates the Hessian from the Gauss-Newton matrix;
they make ``H`` indefinite away from a minimum, which is why the Newton solver steps with the
Gauss-Newton matrix by default (positive semi-definite) and damps either one.
"""

import numpy as np
from scipy.sparse import issparse

from .activations import layer_activations
from .heads import head_of
from .network import forward


def hessian_product(
    theta,
    layout,
    X,
    Y,
    activation,
    head,
    alpha=0.0,
    sample_weight=None,
    dropout_masks=None,
    gauss_newton=False,
):
    """Return a function ``hvp(v)`` that computes ``H v``, the Hessian of the loss at ``theta``.

    The forward and backward passes at ``theta`` are computed once, here; each call of ``hvp``
    then costs one R-forward and one R-backward pass. The arguments are those of
    :func:`~sknn_simple.core.network.loss_and_grad`.

    With ``gauss_newton=True`` it computes ``G v`` for the Gauss-Newton matrix
    ``G = J^T H_out J`` instead (``J`` the Jacobian of the logits, ``H_out`` the head's
    curvature, plus the penalty): the same lines without the three terms that carry the
    gradient (``R{A}^T dZ``, ``dZ V^T``, ``dA * f'' * R{Z}``). ``G`` is positive
    semi-definite, the Hessian's best such approximation near a minimum, and cheaper.
    """
    n = X.shape[0]
    Ws, _ = layout.unpack(theta)
    n_layers = len(Ws)  # L + 1
    weight_sum = n if sample_weight is None else sample_weight.sum()
    w = (
        np.full((n, 1), 1 / weight_sum, dtype=theta.dtype)
        if sample_weight is None
        else ((sample_weight / weight_sum)[:, None])
    )  # (n, 1)
    masks = dropout_masks if dropout_masks is not None else [None] * (n_layers - 1)
    acts, out = layer_activations(activation, n_layers - 1), head_of(head)

    # The forward pass, and the backward pass of the gradient: every quantity the R-passes reuse.
    Z, H, _, S = forward(theta, layout, X, activation, dropout_masks=dropout_masks, saved=True)
    D = Z.copy()
    out.loss_and_delta(D, Y)  # the delta d loss / dZ (P - Y for a canonical pair)
    P = out.output(Z)  # (n, k)
    d1 = [act.derivative(S_l) for act, S_l in zip(acts, S, strict=True)]  # f'(Z_l), each layer
    dZ = [None] * n_layers  # dZ[l]: delta of layer l (0-based), (n, fan_out)
    d2 = [None] * (n_layers - 1)  # dA * f''(Z) of each hidden layer, or None where f'' = 0
    if not gauss_newton:  # the gradient's deltas, for the terms the Hessian adds
        dZ[-1] = w * D
        for l in range(n_layers - 1, 0, -1):
            dA = dZ[l] @ Ws[l].T  # dL/dA of hidden layer l, before f'
            if masks[l - 1] is not None:
                dA *= masks[l - 1]
            dZ[l - 1] = dA * d1[l - 1]
            second = acts[l - 1].second_derivative(S[l - 1])
            d2[l - 1] = None if second is None else second * dA
    curvature_scale = alpha / weight_sum

    def hvp(v):
        Vs, cs = layout.unpack(v)
        Hv = np.empty_like(v)
        HVs, Hcs = layout.unpack(Hv)
        # R-forward: RZ[l] = R{Z_l}, RH[l] = R{H_l} (the input of layer l; R{X} = 0).
        RZ, RH = [None] * n_layers, [None] * n_layers
        for l in range(n_layers):
            RZ[l] = H[l] @ Vs[l] + cs[l]
            if l > 0:
                RZ[l] += RH[l] @ Ws[l]
            if l < n_layers - 1:
                RH[l + 1] = d1[l] * RZ[l]  # R{A} = f'(Z) R{Z}
                if masks[l] is not None:
                    RH[l + 1] *= masks[l]
        RdZ = w * out.curvature_jvp(P, D, RZ[-1])  # R{dZ_{L+1}} = w R{P} (canonical pairs)
        # R-backward, from the output layer down.
        for l in range(n_layers - 1, -1, -1):
            HVs[l][...] = H[l].T @ RdZ
            if l > 0 and not gauss_newton:
                HVs[l] += RH[l].T @ dZ[l]
            RdZ.sum(axis=0, out=Hcs[l])
            if l == 0:
                break
            RdA = RdZ @ Ws[l].T  # R{dH}
            if not gauss_newton:
                RdA += dZ[l] @ Vs[l].T
            if masks[l - 1] is not None:
                RdA *= masks[l - 1]
            RdZ = RdA * d1[l - 1]
            if d2[l - 1] is not None:
                RdZ += d2[l - 1] * RZ[l - 1]
        Hv[: layout.n_weights] += curvature_scale * v[: layout.n_weights]
        return Hv

    return hvp


def squared_gradient_diagonal(theta, layout, X, Y, activation, head, alpha=0.0, sample_weight=None):
    """The diagonal of the empirical Fisher matrix: each parameter's mean squared per-row gradient.

    With ``g_i`` the gradient of row ``i``'s loss and ``w_i`` the sample weights over their sum,
    returns ``sum_i w_i g_i * g_i`` (shaped like ``theta``), plus the penalty's curvature
    ``alpha / sum(w)`` on the weights. A weight ``W_l[a, b]``'s per-row gradient is
    ``H_l[i, a] dZ_l[i, b]`` (the layer's input times its delta, as in the gradient before the
    sum over rows), so the diagonal is ``(H_l * H_l)^T (w * dZ_l * dZ_l)``, and a bias's
    ``sum_i w_i dZ_l[i, b]^2``: one forward and one backward pass, on squares.

    It is the scale of each coordinate's curvature that the Newton solver preconditions its
    conjugate gradients with (Martens 2010): cheap, and right where the features' scales
    differ by orders of magnitude. The arguments are those of :func:`hessian_product`.
    """
    n = X.shape[0]
    Ws, _ = layout.unpack(theta)
    weight_sum = n if sample_weight is None else sample_weight.sum()
    w = (
        np.full((n, 1), 1 / weight_sum)
        if sample_weight is None
        else (sample_weight / weight_sum)[:, None]
    )
    acts = layer_activations(activation, len(Ws) - 1)
    Z, H, _, S = forward(theta, layout, X, activation, saved=True)
    diagonal = np.empty_like(theta, dtype=np.float64)
    DWs, Dbs = layout.unpack(diagonal)
    dZ = Z
    head_of(head).loss_and_delta(dZ, Y)  # each row's delta, unweighted
    for l in range(len(Ws) - 1, -1, -1):
        weighted = w * (dZ * dZ)  # float64: w is
        H2 = H[l].power(2) if issparse(H[l]) else np.square(H[l])
        DWs[l][...] = H2.T @ weighted
        weighted.sum(axis=0, out=Dbs[l])
        if l == 0:
            break
        dZ = (dZ @ Ws[l].T) * acts[l - 1].derivative(S[l - 1])
    diagonal[: layout.n_weights] += alpha / weight_sum
    return diagonal
