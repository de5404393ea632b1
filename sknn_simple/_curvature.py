"""Exact Hessian-vector products of the training loss, by Pearlmutter's R-operator.

For a direction ``v`` (a vector shaped like ``theta``, with views ``V1, c1, V2, c2`` matching
``W1, b1, W2, b2``), the R-operator ``R{q} = d/dr q(theta + r v) at r = 0`` is the directional
derivative of any quantity ``q`` computed by the network. Applied to the gradient it gives
``R{grad L} = H v``, the Hessian times ``v``, exactly (no finite differences), at the cost of one
forward and one backward pass: the chain rule is pushed through every line of
:func:`~sknn_simple._network.loss_and_grad`.

Forward pass and its R-forward pass::

    Z1 = X W1 + b1                R{Z1} = X V1 + c1
    A1 = f(Z1)                    R{A1} = f'(Z1) * R{Z1}
    Z2 = A1 W2 + b2               R{Z2} = R{A1} W2 + A1 V2 + c2
    P  = softmax(Z2)              R{P}  = P * (R{Z2} - sum_j P_j R{Z2}_j)      (row by row)
       or sigmoid(Z2)                   = P (1 - P) * R{Z2}

Backward pass (gradient) and its R-backward pass, with ``w_i`` the sample weights over their sum::

    dZ2 = w (P - Y)               R{dZ2} = w R{P}
    dW2 = A1^T dZ2                R{dW2} = R{A1}^T dZ2 + A1^T R{dZ2}
    db2 = sum_rows dZ2            R{db2} = sum_rows R{dZ2}
    dA1 = dZ2 W2^T                R{dA1} = R{dZ2} W2^T + dZ2 V2^T
    dZ1 = dA1 * f'(Z1)            R{dZ1} = R{dA1} * f'(Z1) + dA1 * f''(Z1) * R{Z1}
    dW1 = X^T dZ1                 R{dW1} = X^T R{dZ1}
    db1 = sum_rows dZ1            R{db1} = sum_rows R{dZ1}

and the L2 penalty adds ``alpha / sum(w) * V`` to the weight blocks. The terms
``R{A1}^T dZ2``, ``dZ2 V2^T`` and ``dA1 * f'' * R{Z1}`` are what separates the Hessian from the
Gauss-Newton matrix; they make ``H`` indefinite away from a minimum, which is why the Newton
solver that uses these products is a trust-region method.
"""

import numpy as np

from ._network import ACTIVATIONS, forward, proba_from_logits


def hessian_product(theta, layout, X, Y, activation, out_activation, alpha=0.0, sample_weight=None):
    """Return a function ``hvp(v)`` that computes ``H v``, the Hessian of the loss at ``theta``.

    The forward pass at ``theta`` is computed once, here; each call of ``hvp`` then costs one
    R-forward and one R-backward pass. The arguments are those of
    :func:`~sknn_simple._network.loss_and_grad`.
    """
    n = X.shape[0]
    W1, _, W2, _ = layout.unpack(theta)
    weight_sum = n if sample_weight is None else sample_weight.sum()
    w = (
        np.full((n, 1), 1 / weight_sum, dtype=theta.dtype)
        if sample_weight is None
        else ((sample_weight / weight_sum)[:, None])
    )  # (n, 1)

    Z2, A1 = forward(theta, layout, X, activation)
    P = proba_from_logits(Z2, out_activation)  # (n, k)
    dZ2 = w * (P - Y)  # (n, k)
    dA1 = dZ2 @ W2.T  # (n, h)
    act = ACTIVATIONS[activation]
    d1 = act.derivative(A1)  # f'(Z1), (n, h)
    d2 = None if act.second_derivative is None else act.second_derivative(A1) * dA1
    softmax = out_activation == "softmax"
    curvature_scale = alpha / weight_sum

    def hvp(v):
        V1, c1, V2, c2 = layout.unpack(v)
        RZ1 = X @ V1 + c1  # (n, h)
        RA1 = d1 * RZ1  # (n, h)
        RZ2 = RA1 @ W2 + A1 @ V2 + c2  # (n, k)
        if softmax:
            RP = P * (RZ2 - np.einsum("ij,ij->i", P, RZ2)[:, None])
        else:
            RP = P * (1 - P) * RZ2
        RdZ2 = w * RP  # (n, k)

        Hv = np.empty_like(v)
        HV1, Hc1, HV2, Hc2 = layout.unpack(Hv)
        HV2[...] = RA1.T @ dZ2 + A1.T @ RdZ2
        RdZ2.sum(axis=0, out=Hc2)
        RdZ1 = (RdZ2 @ W2.T + dZ2 @ V2.T) * d1  # (n, h)
        if d2 is not None:
            RdZ1 += d2 * RZ1
        HV1[...] = X.T @ RdZ1
        RdZ1.sum(axis=0, out=Hc1)
        Hv[: layout.n_weights] += curvature_scale * v[: layout.n_weights]
        return Hv

    return hvp
