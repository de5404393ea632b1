"""Assertions shared by several test modules."""

import numpy as np


def assert_same_parameters(ours, theirs, rtol=1e-9, atol=1e-12):
    """Two fitted MLPs have the same weight matrices and bias vectors, layer by layer, within
    ``rtol`` and ``atol`` (both 0: exactly), and the same number of layers."""
    pairs = zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True)
    for a, b in pairs:
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
