"""The learning-rate schedule and the plateau rule (training/schedule.py), value by value."""

import numpy as np
import pytest

from sknn_simple import SimpleMLPClassifier
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


@pytest.mark.parametrize("stochastic", [True, False])
def test_invscaling_follows_the_samples_seen_for_stochastic_solvers_only(stochastic):
    state = new_state(learning_rate=0.1, t=99)
    end_of_epoch(state, 1.0, params(learning_rate="invscaling", learning_rate_init=0.1), stochastic)
    assert state.learning_rate == pytest.approx(0.01 if stochastic else 0.1, rel=1e-15)


@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_stop_after_more_than_n_iter_no_change_epochs_without_improvement(schedule):
    state = new_state()
    settings = params(learning_rate=schedule, n_iter_no_change=3, tol=0.5)
    outcomes = [end_of_epoch(state, value, settings, True) for value in [1.0, 1.0, 1.0, 1.0]]
    assert [stop for stop, _ in outcomes] == [False, False, False, False]
    assert state.no_improvement_count == 3
    stop, message = end_of_epoch(state, 1.0, settings, True)
    assert stop and message.endswith("Stopping.")
    assert "for 3 consecutive epochs" in message and "tol=0.5" in message


def test_adaptive_divides_the_rate_by_5_and_judges_afresh_from_the_current_value():
    state = new_state(learning_rate=0.1)
    settings = params(learning_rate="adaptive", n_iter_no_change=1, tol=0.0)
    for value in [5.0, 4.0, 4.0]:  # the best is 5.0, two epochs fail to beat it
        stop, message = end_of_epoch(state, value, settings, True)
    assert not stop
    assert state.learning_rate == pytest.approx(0.02, rel=1e-15)
    assert message.endswith("Learning rate set to 0.02.")
    assert state.plateau_reference == 4.0 and state.no_improvement_count == 0
    stop, message = end_of_epoch(state, 4.5, settings, True)  # beats 4.0 (not 5.0): progress
    assert not stop and message is None and state.learning_rate == pytest.approx(0.02)


def test_adaptive_stops_when_the_rate_would_fall_below_the_smallest():
    rate = SMALLEST_ADAPTIVE_RATE * 5
    state = new_state(learning_rate=rate)
    settings = params(learning_rate="adaptive", n_iter_no_change=1, tol=0.5)
    for value in [1.0, 1.0]:
        assert not end_of_epoch(state, value, settings, True)[0]
    stop, message = end_of_epoch(state, 1.0, settings, True)
    assert not stop and state.learning_rate == pytest.approx(SMALLEST_ADAPTIVE_RATE)
    for value in [1.0, 1.0]:
        stop, message = end_of_epoch(state, value, settings, True)
    assert stop and message.endswith("Stopping.")
    assert state.learning_rate == pytest.approx(SMALLEST_ADAPTIVE_RATE)  # not divided again


def test_full_batch_solvers_use_the_plateau_rule_but_no_schedule():
    state = new_state(learning_rate=0.1)
    settings = params(learning_rate="adaptive", n_iter_no_change=1, tol=0.5)
    outcomes = [end_of_epoch(state, 1.0, settings, False) for _ in range(3)]
    assert outcomes[-1][0] and outcomes[-1][1].endswith("Stopping.")
    assert state.learning_rate == 0.1
