"""The training state (training/state.py): its records, and its plain values checked field by field.

``TrainingState.from_dict`` is how a model file's content becomes a state, so every field is
checked: each of the tests below forges one field and expects a ValueError that names it.
"""

import copy
from dataclasses import fields

import numpy as np
import pytest

from sknn_simple.training.state import HISTORY_KEYS, TrainingState


def full_state():
    """A state with every optional part in use."""
    rng = np.random.RandomState(3)
    state = TrainingState(rng.normal(size=6), 0.01, np.random.RandomState(7))
    state.dropout_rng = np.random.default_rng(5)
    state.order = np.array([2, 0, 1])
    state.optimizer_solver, state.optimizer = "adam", rng.normal(size=(2, 6))
    state.n_updates = 4
    state.monitor(has_validation=True, early_stopping=True)
    for loss, score in [(0.9, 0.5), (0.7, 0.75)]:
        record = dict.fromkeys(HISTORY_KEYS, np.nan) | {"loss": loss, "validation_score": score}
        state.record(loss, 3, record, validation=(score, loss + 0.1))
    state.best_epoch = 2
    state.seconds = 1.5
    return state


def test_record_appends_one_epoch_everywhere():
    state = TrainingState(np.zeros(2), 0.1, np.random.RandomState(0))
    state.monitor(has_validation=True, early_stopping=False)
    assert state.best_loss == np.inf and state.best_validation_score == -np.inf
    state.record(2.0, 10, {"epoch": 1}, validation=(0.5, 1.5))
    state.record(3.0, 10, {"epoch": 2}, validation=(0.25, 1.25))
    assert (state.n_iter, state.t, state.loss) == (2, 20, 3.0)
    assert state.loss_curve == [2.0, 3.0] and state.history == [{"epoch": 1}, {"epoch": 2}]
    assert state.validation_scores == [0.5, 0.25]
    assert state.validation_loss_curve == [1.5, 1.25]
    assert state.best_validation_score == 0.5 and state.best_loss == 2.0


def test_monitor_restarts_the_records_only_when_what_is_watched_changes():
    state = TrainingState(np.zeros(2), 0.1, np.random.RandomState(0))
    state.monitor(has_validation=False, early_stopping=False)
    assert state.validation_scores is None and state.best_loss == np.inf
    state.record(1.0, 1, {}, None)
    state.no_improvement_count, state.plateau_reference, state.best_epoch = 3, 2.0, 1
    state.monitor(has_validation=False, early_stopping=False)  # the same: nothing restarts
    assert (state.no_improvement_count, state.plateau_reference, state.best_loss) == (3, 2.0, 1.0)
    state.monitor(has_validation=True, early_stopping=True)
    assert state.best_loss is None and state.validation_scores == []
    assert (state.no_improvement_count, state.plateau_reference) == (0, -np.inf)
    assert state.best_epoch is None and state.best_validation_score == -np.inf
    assert state.loss_curve == [1.0]  # the loss curve and history go on


def test_snapshot_copies_the_weights_only():
    state = full_state()
    twin = state.snapshot()
    twin.theta[0] += 1
    assert twin.theta[0] != state.theta[0]
    assert twin.loss_curve is state.loss_curve


def test_plain_values_round_trip():
    state = full_state()
    values = state.to_dict()
    assert set(values) == {f.name for f in fields(TrainingState)}
    back = TrainingState.from_dict(copy.deepcopy(values))
    for f in fields(TrainingState):
        a, b = getattr(state, f.name), getattr(back, f.name)
        if f.name == "rng":
            assert a.randint(10**9) == b.randint(10**9)
        elif f.name == "dropout_rng":
            assert a.random() == b.random()
        elif isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        elif f.name == "history":  # NaN where a value does not apply
            np.testing.assert_array_equal(
                [list(r.values()) for r in a], [list(r.values()) for r in b]
            )
        else:
            assert a == b, f.name
    assert TrainingState.from_dict(state.to_dict(portable=True)).order is None


# field -> values that must be refused
FORGED = {
    "theta": [np.zeros((2, 3)), np.array([1.0, np.nan]), np.array([1, 2]), [1.0, 2.0]],
    "learning_rate": [np.inf, "0.1", None, True, -0.001],
    "rng": [{"bit_generator": "PCG64"}, None, {"bit_generator": "MT19937", "state": {}}],
    "dropout_rng": [{"bit_generator": "MT19937"}, 3],
    "order": [np.array([0, 0, 1]), np.array([0.0, 1.0, 2.0]), np.array([[0, 1]])],
    "optimizer_solver": ["rmsprop", 1],
    "optimizer": [np.zeros(6), np.full((2, 6), np.inf)],
    "n_updates": [-1, 1.5, True],
    "t": [-3, "3"],
    "n_iter": [None],
    "loss": [np.nan, "x"],
    "loss_curve": [[0.9, 0.7], np.zeros((2, 1))],
    "history": [np.zeros((2, 3)), np.zeros(7)],
    "seconds": [np.nan, None],
    "monitor_mode": [[True], [1, 0], "both"],
    "no_improvement_count": [-1],
    "plateau_reference": [np.nan],
    "best_loss": ["low"],
    "validation_scores": [np.zeros((2, 2)), "high"],
    "validation_loss_curve": [[1.0, 2.0]],
    "best_validation_score": [np.nan],
    "best_epoch": [0, -1, 2.5],
}


def test_every_field_has_forged_values():
    assert set(FORGED) == {f.name for f in fields(TrainingState)}


@pytest.mark.parametrize(
    "name, value", [(name, value) for name, values in FORGED.items() for value in values]
)
def test_a_forged_field_is_refused_by_name(name, value):
    values = full_state().to_dict()
    values[name] = value
    with pytest.raises(ValueError, match=name):
        TrainingState.from_dict(values)


def test_fields_that_must_agree_with_each_other():
    cases = {
        "optimizer arrays do not match": {"optimizer": np.zeros((1, 6))},
        "optimizer arrays belong to no solver": {"optimizer_solver": "lbfgs"},
        "validation curves do not match": {"validation_loss_curve": np.zeros(3)},
        "history does not match": {"history": np.zeros((3, len(HISTORY_KEYS)))},
    }
    for message, changes in cases.items():
        values = full_state().to_dict()
        values.update(changes)
        with pytest.raises(ValueError, match=message):
            TrainingState.from_dict(values)
    values = full_state().to_dict()
    values["validation_scores"] = None
    with pytest.raises(ValueError, match="validation curves do not match"):
        TrainingState.from_dict(values)
    float32 = full_state().to_dict()
    float32["optimizer"] = float32["optimizer"].astype(np.float32)
    with pytest.raises(ValueError, match="do not match the weights"):
        TrainingState.from_dict(float32)


@pytest.mark.parametrize("change", ["missing", "extra", "not a dict"])
def test_the_fields_are_exactly_those_of_the_state(change):
    values = full_state().to_dict()
    if change == "missing":
        del values["seconds"]
    elif change == "extra":
        values["momentum"] = 0.9
    else:
        values = list(values.items())
    with pytest.raises(ValueError, match="must have the fields"):
        TrainingState.from_dict(values)
