"""The figures of the reference pages (``docs/figures/``) show what their text says.

As for the guide's figures (``test_guide_figures.py``): each module computes what its figure
draws and prints its claim with ``report()``; these tests import the computation and assert it.
"""

import sys
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

FIGURES = Path(__file__).resolve().parent.parent / "docs" / "figures"


@pytest.fixture(scope="module", autouse=True)
def figures_on_path():
    sys.path.insert(0, str(FIGURES))
    with threadpool_limits(limits=1):
        yield
    sys.path.remove(str(FIGURES))


def test_activations_figure_gelu_and_silu_dip_and_the_others_do_not():
    """docs/activations: the slopes below 0 the page describes: relu's 0, leaky relu's 0.01,
    elu's and softplus's positive, gelu's and silu's negative (they are not monotone)."""
    import activations

    rows = activations.report()
    assert rows["relu"][1] == 0
    assert rows["leaky_relu"][1] == pytest.approx(0.01)
    assert rows["elu"][1] > 0 and rows["softplus"][1] > 0
    assert rows["gelu"][1] < 0 and rows["silu"][1] < 0
    assert rows["gelu"][0] == pytest.approx(0.5) and rows["silu"][0] == pytest.approx(0.5)


def test_robust_losses_figure_covers_its_quantiles_and_huber_resists_outliers():
    """docs/robust_losses: each quantile model's held-out coverage within 3 points of its
    quantile; with 10 % outliers, the Huber fit's error to the noise-free curve under half the
    squared error's."""
    import robust_losses

    out = robust_losses.results()
    for q, share in out["coverage"].items():
        assert abs(share - q) <= 0.03, q
    assert out["error"]["huber"] < 0.5 * out["error"]["squared_error"]
