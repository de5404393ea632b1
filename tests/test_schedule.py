"""The learning-rate schedule and the plateau rule (training/schedule.py), value by value."""

import numpy as np
import pytest

from sknn_simple import SimpleMLPClassifier
from sknn_simple._params import schedule_in_force
from sknn_simple.training.schedule import (
    SMALLEST_ADAPTIVE_RATE,
    end_of_epoch,
    invscaling_rate,
    plateau_update,
)
from sknn_simple.training.state import TrainingState


def params(**changes):
    return SimpleMLPClassifier(**changes).get_params()


def new_state(learning_rate=0.1, t=0):
    state = TrainingState(np.zeros(2), learning_rate, np.random.RandomState(0))
    state.t = t
    return state


def test_plateau_update_counts_epochs_that_do_not_beat_the_best_by_tol():
    assert plateau_update(1.0, -np.inf, 0, 0.1) == (1.0, 0)
    assert plateau_update(1.05, 1.0, 0, 0.1) == (1.05, 1)  # better, but by less than tol
    assert plateau_update(1.1, 1.0, 3, 0.1) == (1.1, 0)  # exactly tol better: an improvement
    assert plateau_update(0.5, 1.0, 1, 0.1) == (1.0, 2)  # worse: the best stays


def test_invscaling_rate_is_the_formula():
    assert invscaling_rate(0.1, 0, 0.5) == 0.1
    assert invscaling_rate(0.1, 99, 0.5) == pytest.approx(0.01, rel=1e-15)
    assert invscaling_rate(0.2, 7, 1.0) == pytest.approx(0.2 / 8, rel=1e-15)


@pytest.mark.parametrize("schedule", ["invscaling", "constant"])
def test_invscaling_follows_the_samples_seen_where_it_applies(schedule):
    """``schedule`` is the one in force: "constant" for a solver that does not follow
    learning_rate (Adam, the second-order solvers; see _params.schedule_in_force)."""
    state = new_state(learning_rate=0.1, t=99)
    end_of_epoch(state, 1.0, params(learning_rate="invscaling", learning_rate_init=0.1), schedule)
    assert state.learning_rate == pytest.approx(0.01 if schedule == "invscaling" else 0.1)


@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_stop_after_more_than_n_iter_no_change_epochs_without_improvement(schedule):
    state = new_state()
    settings = params(learning_rate=schedule, n_iter_no_change=3, tol=0.5)
    outcomes = [end_of_epoch(state, value, settings, schedule) for value in [1.0, 1.0, 1.0, 1.0]]
    assert [stop for stop, _ in outcomes] == [False, False, False, False]
    assert state.no_improvement_count == 3
    stop, message = end_of_epoch(state, 1.0, settings, schedule)
    assert stop
    assert message == "did not improve more than tol=0.500000 for 3 consecutive epochs. Stopping."


def test_adaptive_divides_the_rate_by_5_and_keeps_the_best_as_mlpclassifier():
    """MLPClassifier's rule: after the plateau the count starts again, but the next plateau
    is still judged against the best value ever seen."""
    state = new_state(learning_rate=0.1)
    settings = params(learning_rate="adaptive", n_iter_no_change=1, tol=0.0)
    for value in [5.0, 4.0, 4.0]:  # the best is 5.0, two epochs fail to beat it
        stop, message = end_of_epoch(state, value, settings, "adaptive")
    assert not stop
    assert state.learning_rate == pytest.approx(0.02, rel=1e-15)
    assert message.endswith("consecutive epochs. Setting learning rate to 0.020000")
    assert state.plateau_reference == 5.0 and state.no_improvement_count == 0
    stop, message = end_of_epoch(state, 4.5, settings, "adaptive")  # does not beat 5.0
    assert not stop and message is None and state.no_improvement_count == 1


def test_adaptive_stops_once_the_rate_is_at_most_the_smallest():
    """MLPClassifier's: it divides while the rate is above 1e-6 (so the last rate may be below
    it) and stops, without dividing, once it is not."""
    state = new_state(learning_rate=SMALLEST_ADAPTIVE_RATE * 2)
    settings = params(learning_rate="adaptive", n_iter_no_change=1, tol=0.5)
    for value in [1.0, 1.0]:
        assert not end_of_epoch(state, value, settings, "adaptive")[0]
    stop, message = end_of_epoch(state, 1.0, settings, "adaptive")
    assert not stop and state.learning_rate == pytest.approx(SMALLEST_ADAPTIVE_RATE * 2 / 5)
    for value in [1.0, 1.0]:
        stop, message = end_of_epoch(state, value, settings, "adaptive")
    assert stop and message.endswith("Learning rate too small. Stopping.")
    assert state.learning_rate == pytest.approx(SMALLEST_ADAPTIVE_RATE * 2 / 5)


def test_plateau_divides_the_rate_by_5_and_judges_afresh_from_the_current_value():
    """The package's rule (learning_rate="plateau", every stochastic solver): one lucky epoch
    cannot shrink the rate forever (scikit-learn#15596)."""
    state = new_state(learning_rate=0.1)
    settings = params(learning_rate="plateau", n_iter_no_change=1, tol=0.0)
    for value in [5.0, 4.0, 4.0]:
        stop, message = end_of_epoch(state, value, settings, "plateau")
    assert not stop
    assert state.learning_rate == pytest.approx(0.02, rel=1e-15)
    assert message.endswith("Setting learning rate to 0.020000")
    assert state.plateau_reference == 4.0 and state.no_improvement_count == 0
    stop, message = end_of_epoch(state, 4.5, settings, "plateau")  # beats 4.0: progress
    assert not stop and message is None and state.no_improvement_count == 0


def test_plateau_stops_when_the_rate_would_fall_below_the_smallest():
    rate = SMALLEST_ADAPTIVE_RATE * 5
    state = new_state(learning_rate=rate)
    settings = params(learning_rate="plateau", n_iter_no_change=1, tol=0.5)
    for value in [1.0, 1.0]:
        assert not end_of_epoch(state, value, settings, "plateau")[0]
    stop, message = end_of_epoch(state, 1.0, settings, "plateau")
    assert not stop and state.learning_rate == pytest.approx(SMALLEST_ADAPTIVE_RATE)
    for value in [1.0, 1.0]:
        stop, message = end_of_epoch(state, value, settings, "plateau")
    assert stop and message.endswith("Stopping.")
    assert state.learning_rate == pytest.approx(SMALLEST_ADAPTIVE_RATE)  # not divided again


@pytest.mark.parametrize(
    "solver, learning_rate, in_force",
    [
        ("sgd", "adaptive", "adaptive"),
        ("sgd", "invscaling", "invscaling"),
        ("adam", "adaptive", "constant"),  # MLPClassifier: Adam keeps its rate
        ("adam", "invscaling", "constant"),
        ("adam", "plateau", "plateau"),
        ("sgd", "plateau", "plateau"),
        ("lbfgs", "adaptive", "constant"),
        ("newton-cg", "plateau", "constant"),
    ],
)
def test_which_schedule_is_in_force(solver, learning_rate, in_force):
    assert schedule_in_force(solver, learning_rate) == in_force
