"""A two-layer network in plain NumPy: the tutorial's class, corrected.

Samples are rows: X is (n, d), the one-hot targets Y are (n, k). Training is
full-batch gradient descent on the mean cross-entropy plus the L2 penalty
alpha / (2 n) * (||W1||^2 + ||W2||^2).
"""

import numpy as np
from scipy.special import expit as sigmoid  # 1 / (1 + exp(-z)), no overflow


def log_softmax(Z):
    """log P, row by row, from the logits Z: every exponent is at most 0."""
    Z = Z - Z.max(axis=1, keepdims=True)
    return Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))


class TwoLayerNet:
    def __init__(
        self,
        n_hidden=128,
        learning_rate=1.0,
        alpha=0.0,
        random_state=0,
    ):
        self.n_hidden = n_hidden
        self.learning_rate = learning_rate  # the tutorial called it alpha
        self.alpha = alpha  # the L2 penalty, as in scikit-learn
        self.random_state = random_state

    def init_weights(self, d, k):
        """Glorot-uniform weights and biases, drawn as scikit-learn does."""
        rng = np.random.RandomState(self.random_state)
        params = []
        for fan_in, fan_out in [(d, self.n_hidden), (self.n_hidden, k)]:
            bound = np.sqrt(2 / (fan_in + fan_out))  # sigmoid: 2, not 6
            params.append(rng.uniform(-bound, bound, (fan_in, fan_out)))  # W
            params.append(rng.uniform(-bound, bound, fan_out))  # b
        self.W1, self.b1, self.W2, self.b2 = params

    def forward(self, X):
        Z1 = X @ self.W1 + self.b1  # (n, h)
        A1 = sigmoid(Z1)  # (n, h)
        Z2 = A1 @ self.W2 + self.b2  # (n, k)  the logits
        return A1, Z2

    def loss(self, Z2, Y):
        n = len(Y)
        squares = (self.W1**2).sum() + (self.W2**2).sum()
        penalty = self.alpha / (2 * n) * squares
        return -(Y * log_softmax(Z2)).sum() / n + penalty

    def backward(self, X, Y, A1, Z2):
        n = len(X)
        dZ2 = (np.exp(log_softmax(Z2)) - Y) / n  # (n, k)  (P - Y) / n
        dW2 = A1.T @ dZ2 + self.alpha / n * self.W2  # (h, k)
        db2 = dZ2.sum(axis=0)  # (k,)
        dZ1 = (dZ2 @ self.W2.T) * A1 * (1 - A1)  # (n, h)  f' = A1 (1 - A1)
        dW1 = X.T @ dZ1 + self.alpha / n * self.W1  # (d, h)
        db1 = dZ1.sum(axis=0)  # (h,)
        return dW1, db1, dW2, db2

    def update(self, grads):
        params = [self.W1, self.b1, self.W2, self.b2]
        for param, grad in zip(params, grads, strict=True):
            param -= self.learning_rate * grad  # in place

    def fit(self, X, y, epochs=500):
        self.classes = np.unique(y)
        Y = (y[:, None] == self.classes).astype(float)  # (n, k) one-hot
        self.init_weights(X.shape[1], len(self.classes))
        self.losses = []
        for _ in range(epochs):
            A1, Z2 = self.forward(X)
            self.losses.append(self.loss(Z2, Y))
            self.update(self.backward(X, Y, A1, Z2))
        return self

    def predict(self, X):
        _, Z2 = self.forward(X)
        return self.classes[Z2.argmax(axis=1)]  # one label per row
