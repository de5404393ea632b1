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
    state.split_rng = np.random.RandomState(11)
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
    assert state.loss_curve == [2.0, 3.0]
    # each record has every key, NaN (numpy.nan) for the values it was not given
    assert state.history == [dict.fromkeys(HISTORY_KEYS, np.nan) | {"epoch": e} for e in (1, 2)]
    assert state.validation_scores == [0.5, 0.25]
    assert state.validation_loss_curve == [1.5, 1.25]
    assert state.best_validation_score == 0.5 and state.best_loss == 2.0


def test_the_best_validation_score_is_one_of_the_scores():
    """NaN (R² of a one-sample validation set) while every score is NaN, never -inf; then the
    largest number; a NaN score after a number changes nothing. It round-trips as it is."""
    state = TrainingState(np.zeros(2), 0.1, np.random.RandomState(0))
    state.monitor(has_validation=True, early_stopping=True)
    for score, best in [(np.nan, np.nan), (np.nan, np.nan), (0.3, 0.3), (np.nan, 0.3), (0.5, 0.5)]:
        state.record(1.0, 1, dict.fromkeys(HISTORY_KEYS, np.nan), validation=(score, 1.0))
        np.testing.assert_equal(state.best_validation_score, best)
        back = TrainingState.from_dict(state.to_dict())
        np.testing.assert_equal(back.best_validation_score, best)


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
    # either flag alone is a change of what is watched
    for has_validation, early_stopping in [(False, True), (True, True), (True, False)]:
        state.record(
            1.0, 1, {}, validation=(0.5, 0.5) if state.validation_scores is not None else None
        )
        state.no_improvement_count = 5
        state.monitor(has_validation=has_validation, early_stopping=early_stopping)
        assert state.monitor_mode == (has_validation, early_stopping)
        assert state.no_improvement_count == 0
        assert state.validation_scores == ([] if has_validation else None)
        assert state.best_loss == (None if early_stopping else np.inf)
    state.record(0.5, 1, {}, validation=(0.75, 0.5))
    state.monitor(has_validation=True, early_stopping=False)  # the same again: no restart
    assert state.validation_scores == [0.75]


def train_one_epoch(state):
    """What an epoch changes: every array in place, the streams, the records, the counters."""
    state.theta += 1
    state.optimizer *= 2
    state.rng.randint(10)
    state.dropout_rng.random()
    state.n_updates += 1
    state.record(0.5, 3, dict.fromkeys(HISTORY_KEYS, 0.5), validation=(0.9, 0.6))
    state.best_epoch = 3


def assert_same_state(a, b):
    for f in fields(TrainingState):
        if f.name in ("rng", "dropout_rng", "split_rng"):
            np.testing.assert_equal(
                str(getattr(a, f.name).__getstate__()), str(getattr(b, f.name).__getstate__())
            )
        else:
            np.testing.assert_equal(getattr(a, f.name), getattr(b, f.name), err_msg=f.name)


def test_a_snapshot_shares_nothing():
    """Training the state after a snapshot changes nothing of the snapshot, and training the
    snapshot nothing of the state (a callback's fitted_estimator, issue 24 item 13)."""
    state = full_state()
    twin = state.snapshot()
    reference = copy.deepcopy(state)
    train_one_epoch(state)
    assert_same_state(twin, reference)
    train_one_epoch(twin)
    train_one_epoch(reference)
    assert_same_state(state, reference)


@pytest.mark.parametrize("change_mode", [False, True])
def test_restore_undoes_what_training_did_since_the_checkpoint(change_mode):
    """What a fit that leaves no usable weights puts back: every field, the records cut to their
    lengths (or the lists a change of what is monitored replaced, put back)."""
    state = full_state()
    reference = copy.deepcopy(state)
    checkpoint = state.checkpoint()
    if change_mode:
        state.monitor(has_validation=True, early_stopping=False)
    train_one_epoch(state)
    train_one_epoch(state)
    state.restore(checkpoint)
    assert_same_state(state, reference)
    train_one_epoch(state)  # and it goes on as the state it was
    train_one_epoch(reference)
    assert_same_state(state, reference)


def test_plain_values_round_trip():
    state = full_state()
    values = state.to_dict()
    assert set(values) == {f.name for f in fields(TrainingState)}
    back = TrainingState.from_dict(copy.deepcopy(values))
    for f in fields(TrainingState):
        a, b = getattr(state, f.name), getattr(back, f.name)
        if f.name in ("rng", "split_rng"):
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


def test_a_restarted_optimizer_is_a_new_one():
    """What a warm-started fit starts with (as MLPClassifier's does): no optimizer arrays, no
    Adam steps counted, the new learning rate; the rest of the state stays, and the state
    still round-trips."""
    state = full_state()
    theta, curve = state.theta.copy(), list(state.loss_curve)
    state.restart_optimizer(0.25)
    assert state.optimizer_solver is None and state.optimizer is None
    assert state.n_updates == 0 and state.learning_rate == 0.25
    np.testing.assert_array_equal(state.theta, theta)
    assert state.loss_curve == curve
    back = TrainingState.from_dict(state.to_dict())
    assert (back.optimizer_solver, back.optimizer, back.n_updates, back.learning_rate) == (
        None,
        None,
        0,
        0.25,
    )


def bare_state():
    """A state as a full-batch fit without validation or dropout leaves it, after epochs
    that overflowed: the curves keep the infinite and NaN values as they were."""
    state = TrainingState(np.zeros(3, dtype=np.float32), 0.0, np.random.RandomState(1))
    state.monitor(has_validation=False, early_stopping=False)
    for loss in (np.inf, np.nan, 1.5):
        state.record(loss, 3, dict.fromkeys(HISTORY_KEYS, np.nan))
    state.best_epoch = 1
    return state


@pytest.mark.parametrize("make", [bare_state, lambda: TrainingState(np.ones(2), 0.1, None)])
def test_states_without_optional_parts_round_trip(make):
    """A bare state, and one never monitored (no rng either: from_dict needs one)."""
    state = make()
    if state.rng is None:
        state.rng = np.random.RandomState(0)
    back = TrainingState.from_dict(state.to_dict())
    for name in (
        "dropout_rng",
        "split_rng",
        "optimizer",
        "validation_scores",
        "best_validation_score",
    ):
        assert getattr(back, name) is None, name
    assert back.monitor_mode == state.monitor_mode and back.best_epoch == state.best_epoch
    assert back.theta.dtype == state.theta.dtype
    np.testing.assert_array_equal(back.loss_curve, state.loss_curve)  # inf and NaN kept
    assert back.best_loss == state.best_loss


def test_a_state_written_before_split_rng_and_with_an_order_still_reads():
    """Model files of version 2 written before this version have the retired field ``order``
    (the shuffled rows, no longer kept between calls) and lack ``split_rng``."""
    values = full_state().to_dict()
    del values["split_rng"]
    values["order"] = np.array([2, 0, 1])
    back = TrainingState.from_dict(values)
    assert back.split_rng is None and not hasattr(back, "order")


# field -> (forged value, the whole reason the error gives, or None where NumPy gives it)
ARRAY_1D, ARRAY_2D = "expected a 1-d array of floats, got", "expected a 2-d array of floats, got"
A_NUMBER, AN_INTEGER = "expected a number, got", "expected an integer >= 0, got"
MT19937, PCG64 = "a numpy RandomState (MT19937)", "a numpy Generator (PCG64)"
FORGED = {
    "theta": [
        (np.zeros((2, 3)), f"{ARRAY_1D} ndarray"),
        (np.array([1.0, np.nan]), "it holds infinite or NaN values"),
        (np.array([1, 2]), f"{ARRAY_1D} ndarray"),
        ([1.0, 2.0], f"{ARRAY_1D} list"),
        (np.ones(2, dtype=np.float16), "unsupported dtype float16"),
    ],
    "learning_rate": [
        (np.inf, "expected a finite number, got inf"),
        ("0.1", f"{A_NUMBER} '0.1'"),
        (None, f"{A_NUMBER} None"),
        (True, f"{A_NUMBER} True"),
        (-0.001, "expected a learning rate >= 0, got -0.001"),
    ],
    "rng": [
        ({"bit_generator": "PCG64"}, f"expected the state of {MT19937}"),
        (None, f"expected the state of {MT19937}"),
        ({"bit_generator": "MT19937", "state": {}}, None),
    ],
    "dropout_rng": [
        ({"bit_generator": "MT19937"}, f"expected the state of {PCG64}"),
        (3, f"expected the state of {PCG64}"),
    ],
    "split_rng": [
        ({"bit_generator": "PCG64"}, f"expected the state of {MT19937}"),
        (7, f"expected the state of {MT19937}"),
    ],
    "optimizer_solver": [("rmsprop", "unknown solver 'rmsprop'"), (1, "unknown solver 1")],
    "optimizer": [
        (np.zeros(6), f"{ARRAY_2D} ndarray"),
        (np.full((2, 6), np.inf), "it holds infinite or NaN values"),
    ],
    "n_updates": [
        (-1, f"{AN_INTEGER} -1"),
        (1.5, f"{AN_INTEGER} 1.5"),
        (True, f"{AN_INTEGER} True"),
    ],
    "t": [(-3, f"{AN_INTEGER} -3"), ("3", f"{AN_INTEGER} '3'")],
    "n_iter": [(None, f"{AN_INTEGER} None")],
    "loss": [(np.nan, f"{A_NUMBER} nan"), ("x", f"{A_NUMBER} 'x'")],
    "loss_curve": [([0.9, 0.7], f"{ARRAY_1D} list"), (np.zeros((2, 1)), f"{ARRAY_1D} ndarray")],
    "history": [
        (np.zeros((2, 3)), f"expected {len(HISTORY_KEYS)} columns ({', '.join(HISTORY_KEYS)})"),
        (np.zeros(7), f"{ARRAY_2D} ndarray"),
    ],
    "seconds": [(np.nan, f"{A_NUMBER} nan"), (None, f"{A_NUMBER} None")],
    "monitor_mode": [
        ([True], "expected two booleans, got [True]"),
        ([1, 0], "expected two booleans, got [1, 0]"),
        ("both", "expected two booleans, got 'both'"),
    ],
    "watched": [
        (3, "expected a text of at most 1000 characters"),
        ("x" * 1001, "expected a text of at most 1000 characters"),
    ],
    "no_improvement_count": [(-1, f"{AN_INTEGER} -1")],
    "plateau_reference": [(np.nan, f"{A_NUMBER} nan")],
    "best_loss": [("low", f"{A_NUMBER} 'low'")],
    "validation_scores": [(np.zeros((2, 2)), f"{ARRAY_1D} ndarray"), ("high", f"{ARRAY_1D} str")],
    "validation_loss_curve": [([1.0, 2.0], f"{ARRAY_1D} list")],
    # NaN is a real value (R² of a one-sample validation set); text is not
    "best_validation_score": [("high", f"{A_NUMBER} 'high'"), (True, f"{A_NUMBER} True")],
    "best_epoch": [
        (0, "expected an integer >= 1"),
        (-1, f"{AN_INTEGER} -1"),
        (2.5, f"{AN_INTEGER} 2.5"),
    ],
}


def test_every_field_has_forged_values():
    assert set(FORGED) == {f.name for f in fields(TrainingState)}


@pytest.mark.parametrize(
    "name, value, reason",
    [(name, value, reason) for name, cases in FORGED.items() for value, reason in cases],
)
def test_a_forged_field_is_refused_by_name_and_reason(name, value, reason):
    """The error names the field and says, whole, what is wrong with its value."""
    values = full_state().to_dict()
    values[name] = value
    with pytest.raises(ValueError, match=f"the training state's '{name}' is invalid") as error:
        TrainingState.from_dict(values)
    if reason is not None:
        assert str(error.value).endswith(f"({reason})")


def test_optional_fields_may_be_none_and_the_others_may_not():
    """None is what a fit that does not use a part records (no dropout, no validation set,
    a full-batch solver, no epoch yet); every other field refuses it."""
    optional = {
        "dropout_rng", "optimizer_solver", "optimizer", "loss", "monitor_mode", "watched",
        "best_loss", "validation_scores", "validation_loss_curve", "best_validation_score",
        "best_epoch", "split_rng",
    }  # fmt: skip
    for f in fields(TrainingState):
        values = full_state().to_dict()
        values[f.name] = None
        if f.name in ("optimizer_solver", "optimizer"):  # they go together
            values["optimizer_solver"] = values["optimizer"] = None
        if f.name in ("validation_scores", "validation_loss_curve"):
            values["validation_scores"] = values["validation_loss_curve"] = None
        if f.name in optional:
            assert getattr(TrainingState.from_dict(values), f.name) is None
        else:
            with pytest.raises(ValueError, match=f"'{f.name}' is invalid"):
                TrainingState.from_dict(values)


def test_fields_that_must_agree_with_each_other():
    cases = {  # the whole message of each
        "optimizer arrays do not match the weights": {"optimizer": np.zeros((1, 6))},
        "optimizer arrays belong to no solver": {"optimizer_solver": "lbfgs"},
        "validation curves do not match": {"validation_loss_curve": np.zeros(3)},
        "history does not match its loss curve": {"history": np.zeros((3, len(HISTORY_KEYS)))},
    }
    for message, changes in cases.items():
        values = full_state().to_dict()
        values.update(changes)
        with pytest.raises(ValueError, match=f"^the training state's {message}$"):
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
    with pytest.raises(ValueError, match="must have the fields") as error:
        TrainingState.from_dict(values)
    # the message lists the fields expected and those given (or what was given instead)
    known, got = str(error.value).split("; got ")
    assert "'seconds'" in known and "'momentum'" not in known
    assert {"missing": "'n_iter'", "extra": "'momentum'", "not a dict": "list"}[change] in got
    assert ("'seconds'" in got) == (change == "extra")


def test_the_records_restart_when_a_fit_watches_something_else():
    """``monitor(..., watched)``: the same measure keeps the records of the best values and of
    the epochs without improvement (a warm start goes on); another one (a changed loss or
    scoring) restarts them; an unknown one (None: a state of an earlier version, or a call
    that does not say) keeps them, and is replaced by what the next call says."""
    state = TrainingState(np.zeros(3), 0.1, np.random.RandomState(0))

    def watch(watched):
        state.monitor(False, False, watched)
        return state.no_improvement_count, state.best_loss, state.watched

    watch("loss='squared_error'")
    state.no_improvement_count, state.best_loss = 4, 0.5  # what a fit leaves
    assert watch("loss='squared_error'") == (4, 0.5, "loss='squared_error'")
    assert watch("loss='quantile(0.9)'") == (0, np.inf, "loss='quantile(0.9)'")
    state.no_improvement_count, state.best_loss = 3, 0.25
    assert watch(None) == (3, 0.25, None)  # unknown: kept
    assert watch("loss='huber(1.35)'") == (3, 0.25, "loss='huber(1.35)'")  # after unknown: kept
    state.watched = None  # a state loaded from an earlier version's file
    assert watch("loss='squared_error'") == (3, 0.25, "loss='squared_error'")


def test_a_description_of_a_thousand_characters_is_read():
    """The loader's limit on ``watched`` is what the estimators can write, with room."""
    values = full_state().to_dict()
    values["watched"] = "x" * 1000
    assert TrainingState.from_dict(values).watched == "x" * 1000
