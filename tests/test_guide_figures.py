"""The guide's figures show what their text says: each claim, asserted on the figure's own code.

Every figure with a claim has a module in ``docs/guide/figures/`` whose ``results()`` (or plain
functions) compute what the figure draws and whose ``report()`` prints the claim; the docs build
draws the figure with ``draw()`` and prints ``report()`` under it. These tests import the
computation, not the drawing, and assert the claim. Also here: the sanity checks of part 5 on
the package's estimator, and the guide's structure (parts short enough to read, exercises with
answers in every part).
"""

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sknn_simple import SimpleMLPClassifier
from sknn_simple.core.network import Layout, init_params, loss_and_grad

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide"


@pytest.fixture(scope="module", autouse=True)
def guide_on_path():
    """The figures import ``figures.*`` and ``two_layer_net`` as the docs build does."""
    sys.path.insert(0, str(GUIDE))
    with threadpool_limits(limits=1):  # small matrix products: one thread is fastest
        yield
    sys.path.remove(str(GUIDE))


# --- part 2 ----------------------------------------------------------------------------------


def test_activations_sigmoid_slope_is_at_most_a_quarter_and_relu_slope_is_0_or_1():
    from figures import activations

    _, slope = activations.curves("sigmoid")
    assert slope.max() == pytest.approx(0.25)
    assert activations.Z[slope.argmax()] == 0
    _, slope = activations.curves("relu")
    assert set(slope[activations.Z < 0]) == {0.0}
    assert set(slope[activations.Z > 0]) == {1.0}


def test_cross_entropy_corrects_a_confident_mistake_many_times_faster():
    from figures import cross_entropy

    fast = cross_entropy.steps_to_half(
        cross_entropy.train(cross_entropy.GRADIENTS["cross-entropy"])
    )
    slow = cross_entropy.steps_to_half(
        cross_entropy.train(cross_entropy.GRADIENTS["squared error"])
    )
    assert 0 < fast < 30
    assert slow > 5 * fast


# --- part 4 ----------------------------------------------------------------------------------


def test_gates_hand_back_the_gradient_times_the_local_gradient():
    from figures import gates, worked_example

    assert gates.local_gradients_hold()
    # The rule fails for a wrong local gradient: the check is not vacuous.
    assert not np.allclose(worked_example.dA1, worked_example.dZ2 @ worked_example.W2)
    assert gates.ROWS[1][2] is worked_example.dZ1


# --- part 5 ----------------------------------------------------------------------------------


def test_learning_rates_too_small_crawls_middle_ends_lowest_too_large_jumps():
    from figures import learning_rates

    results = learning_rates.results()
    small, middle, large = (results[rate][0] for rate in learning_rates.RATES)
    assert learning_rates.rises(small) == 0 and small[-1] > 1.0  # safe, but still far from 0
    assert middle[-1] < min(small[-1], large[-1])
    assert learning_rates.rises(large) > len(large) / 3 and large[-1] > large[0]


def test_input_scaling_small_inputs_with_small_weights_learn_nothing():
    from figures import input_scaling

    results = input_scaling.results()
    glorot_255, tutorial_255, by_16, standardized = results.values()
    # pixels / 255 with Glorot weights: hidden outputs nearly equal, nothing learned
    assert glorot_255[2] < 0.01 and glorot_255[1] < 0.2
    assert glorot_255[0][-1] > 0.95 * glorot_255[0][0]
    # the tutorial's N(0, 1) weights on the same pixels: learning, slowly
    assert tutorial_255[2] > 5 * glorot_255[2] and tutorial_255[1] > 0.6
    # pixels on their scale learn better, standardized best
    assert by_16[1] > tutorial_255[1]
    assert standardized[1] >= by_16[1] and standardized[0][-1] < by_16[0][-1]


def test_momentum_damps_the_zigzag_at_a_step_where_plain_descent_zigzags():
    from figures import momentum

    paths = momentum.results()
    plain, heavy = paths["plain"], paths["momentum"]
    across = plain[:, 1]
    assert (np.sign(across[1:11]) != np.sign(across[:10])).all()  # plain: every step crosses
    assert momentum.swings(plain) >= 15
    assert momentum.swings(heavy) <= momentum.swings(plain) / 2
    assert momentum.loss(heavy[-1]) < 1e-6 * momentum.loss(plain[-1])
    assert momentum.loss(paths["nesterov"][-1]) > momentum.loss(momentum.START)  # diverges


@pytest.mark.parametrize("classes", [10, 2])
def test_initial_loss_is_near_ln_k(classes):
    """Part 5's first sanity check, on the estimator: loss_curve_[0] of a full-batch step is the
    loss at the starting weights, about ln k; for ten classes, the loss part 4's class starts
    from."""
    X, y = load_digits(return_X_y=True)
    X, y = X / 16, y % classes
    model = SimpleMLPClassifier(
        (128,),
        activation="sigmoid",
        solver="sgd",
        batch_size="full",
        momentum=0.0,
        learning_rate_init=1e-9,
        max_iter=1,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning):  # one epoch, on purpose
        model.fit(X, y)
    assert model.loss_curve_[0] == pytest.approx(np.log(classes), abs=0.1)
    if classes == 10:
        layout = Layout((64, 128, 10))
        theta = init_params(layout, "sigmoid", np.random.RandomState(0))
        start, _ = loss_and_grad(theta, layout, X, np.eye(10)[y], "sigmoid", "softmax", 1e-4)
        assert model.loss_curve_[0] == pytest.approx(start, rel=1e-12)


def test_a_tiny_subset_is_overfitted_to_training_accuracy_one():
    """Part 5's second sanity check: the default network memorizes 20 digits."""
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:20]
    model = SimpleMLPClassifier(solver="lbfgs", alpha=0.0, random_state=0).fit(X, y[:20])
    assert model.score(X, y[:20]) == 1.0
    assert model.loss_ < 1e-3


# --- part 6 and 7 ----------------------------------------------------------------------------


def test_diagnostics_small_networks_underfit_larger_ones_leave_a_gap_that_closes():
    from figures import diagnostics

    by_size, by_alpha = diagnostics.results()["by size"], diagnostics.results()["by alpha"]
    for h in (1, 2):
        assert by_size[h]["training accuracy"] < 0.8 and by_size[h]["validation accuracy"] < 0.8
    large = [h for h in diagnostics.SIZES if h >= 8]
    assert all(by_size[h]["training accuracy"] == 1.0 for h in large)
    validation = [by_size[h]["validation accuracy"] for h in large]
    assert validation == sorted(validation)  # rises with every doubling
    assert all(v < 1.0 for v in validation)  # a gap remains
    losses = {a: s["validation loss"] for a, s in by_alpha.items()}
    assert min(losses, key=losses.get) == 1.0
    assert by_alpha[100.0]["training loss"] == max(s["training loss"] for s in by_alpha.values())


def test_penalty_shrinks_the_weights_at_every_step_of_alpha():
    from figures import diagnostics, penalty

    sizes = [penalty.rms(a) for a in diagnostics.ALPHAS]
    assert all(b < a for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def test_calibration_network_is_over_confident_and_calibration_helps():
    from figures import calibration

    (proba, y), (calibrated, _) = calibration.results().values()
    rows = calibration.bins(proba, y)
    assert rows[0][2] + rows[-1][2] > 0.9 * len(y)  # nearly every sample in the end bins
    assert rows[0][1] > rows[0][0] + 0.1 and rows[-1][1] < rows[-1][0] - 0.1  # over-confident
    assert sum(n for _, _, n in rows) == len(y)  # the counts shown cover every sample
    assert (
        calibration.calibration_error(calibrated, y) < calibration.calibration_error(proba, y) / 2
    )


# --- part 9 ----------------------------------------------------------------------------------


def test_depth_sigmoid_gradient_vanishes_relu_does_not():
    from figures import depth

    results = depth.results()
    sigmoid, relu = results["sigmoid"], results["relu"]
    assert sigmoid[-1] / sigmoid[0] > 1e4
    assert relu[-1] / relu[0] < 10
    assert np.all(np.diff(np.log(sigmoid)) > 0)  # smaller at every layer further down


def test_regression_relu_network_is_piecewise_linear_with_at_most_h_kinks():
    from figures import regression

    x, t = regression.data()
    scores = []
    for units in regression.UNITS:
        model = regression.fit(units)
        kinks = regression.kinks(model)
        assert len(kinks) <= units
        grid = np.linspace(regression.LOW, regression.HIGH, 2001)
        bend = np.abs(np.diff(model.predict(grid[:, None]), 2))  # 0 where it is straight
        step = grid[1] - grid[0]
        near_kink = np.array([np.min(np.abs(kinks - g), initial=np.inf) for g in grid[1:-1]])
        assert bend[near_kink > 2 * step].max() < 1e-9
        scores.append(model.score(x[:, None], t))
    assert scores == sorted(scores)


# --- the guide's structure -------------------------------------------------------------------

PARTS = sorted(GUIDE.glob("[0-9]*_*.rst"), key=lambda p: int(p.name.split("_")[0]))


def test_every_part_is_short_enough_and_ends_with_exercises_that_have_running_answers():
    assert len(PARTS) == 10
    for page in PARTS:
        text = page.read_text()
        assert len(text.splitlines()) <= 380, page.name
        exercises = text.split("\nExercises\n---------\n")
        assert len(exercises) == 2, page.name
        answers = re.findall(r"\.\. answer::\n(.*?)(?=\n\.\. exercise::|\Z)", exercises[1], re.S)
        assert answers and all(">>>" in answer for answer in answers), page.name


def test_the_figures_are_readable_at_the_page_width():
    """No figure is wider than 7 inches (840 pixels at the build's 120 dpi), so the page, about
    700 pixels wide, shrinks it by at most a sixth, and no text is set below 9 points."""
    for script in (GUIDE / "figures").glob("*.py"):
        text = script.read_text()
        for width in re.findall(r"figsize=\((\d+(?:\.\d+)?),", text):
            assert float(width) <= 7.0, script.name
        for size in re.findall(r"fontsize=(\d+)", text):
            assert int(size) >= 9, script.name
