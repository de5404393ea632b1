"""What save writes, load reads: one contract for model files, whatever the model.

A property test draws estimators (alone, in a Pipeline, in a TransformedTargetRegressor),
depths, solvers, losses, parameter values of every type a search hands over, feature names,
label types and history lengths, and checks that ``load(save(m))`` predicts identically and
has equal parameters and fitted values. The tests after it pin the instances that broke the
contract (a long history, a deep network), the loader's allowances (derived from the sizes a
file declares, still refusing forged sizes before reading), save's own check of what it writes,
and the atomic write (a failed save leaves the previous file as it was).
"""

import errno
import io
import math
import os
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_simple import ModelFileError, SimpleMLPClassifier, SimpleMLPRegressor, load, save
from sknn_simple.io import schema
from sknn_simple.training.history import HISTORY_KEYS, History
from sknn_simple.training.state import TrainingState
from tests.test_persistence import entries, npy, round_trip, zipped


def network(model):
    """The estimator of this package inside ``model``."""
    model = getattr(model, "regressor_", model)
    return model[-1] if hasattr(model, "steps") else model


def same(a, b, strict=True):
    """Equal values of the same type, arrays by dtype and values (NaN equal to NaN), random
    streams by their state; not ``strict``, a NumPy number equals the Python number."""
    if not strict and isinstance(a, (np.floating, np.integer)):
        a = a.item()
    if not strict and isinstance(b, (np.floating, np.integer)):
        b = b.item()
    if isinstance(a, np.random.RandomState):
        return isinstance(b, np.random.RandomState) and same(
            a.get_state(legacy=False), b.get_state(legacy=False)
        )
    if isinstance(a, np.ndarray):
        return (
            type(b) is np.ndarray
            and a.dtype == b.dtype
            and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        )
    if isinstance(a, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(same(x, y, strict) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, dict):
        return (
            type(b) is dict
            and list(a) == list(b)
            and all(same(a[key], b[key], strict) for key in a)
        )
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(a) is type(b) and a == b


def stretch(net, n_epochs):
    """Put ``n_epochs`` more epochs in front of ``net``'s curves, as a long stream of
    partial_fit calls leaves them (without running them)."""
    state = net._state
    rows = np.full((n_epochs, len(HISTORY_KEYS)), np.nan)
    rows[:, 1] = np.linspace(2.0, 1.0, n_epochs)  # the losses
    rows[:, 4] = 1e-3  # the learning rate
    rows[:, 6] = np.linspace(0.0, 1.0, n_epochs)  # the seconds
    table = np.vstack([rows, state.history.to_array()])
    table[:, 0] = np.arange(1, len(table) + 1)  # the epochs, counted afresh
    state.history = History(table)
    state.loss_curve[:0] = rows[:, 1].tolist()


# --- the property: every model save writes, load reads back as it was -------------------------

RNG = np.random.RandomState(0)
X = RNG.normal(size=(40, 3))
LABELS = {
    "binary": (X[:, 0] > 0).astype(int),
    "multiclass": np.digitize(X[:, 0], [-0.5, 0.5]) * 3 + 1,
    "text": np.array(["cat", "dog", "émeu"])[np.digitize(X[:, 1], [-0.5, 0.5])],
    "object": np.array(["a", "b"], dtype=object)[(X[:, 2] > 0).astype(int)],
    "bool": X[:, 1] > 0,
    "uint8": (np.digitize(X[:, 0], [0.0]) * 7).astype(np.uint8),
    "float labels": np.where(X[:, 0] > 0, 1.0, -1.0),
    "multilabel": np.c_[X[:, 0] > 0, X[:, 1] > 0, X[:, 0] + X[:, 1] > 0].astype(int),
}
TARGETS = {
    "one output": X @ [1.0, -2.0, 0.5],
    "two outputs": np.c_[X @ [1.0, -2.0, 0.5], X[:, 0] ** 2],
    "counts": np.exp(X[:, 0]).round(),
}


def numpy_or_not(strategy, *types):
    return st.one_of(strategy, *(strategy.map(t) for t in types))


@st.composite
def hidden_layer_sizes(draw):
    sizes = draw(st.lists(st.integers(1, 5), min_size=0, max_size=4))
    form = draw(st.sampled_from(["tuple", "list", "array", "int"]))
    if form == "int" and len(sizes) == 1:
        return draw(numpy_or_not(st.just(sizes[0]), np.int64))
    if form == "array" and sizes:
        return np.array(sizes)
    return sizes if form == "list" else tuple(sizes)


@st.composite
def models(draw):
    """``(unfitted model, X, y, n extra partial_fit calls, changes after fitting)``."""
    kind = draw(st.sampled_from(["classifier", "regressor"]))
    solver = draw(st.sampled_from(["adam", "sgd", "lbfgs", "newton-cg"]))
    stochastic = solver in ("adam", "sgd")
    params = {
        "hidden_layer_sizes": draw(hidden_layer_sizes()),
        "solver": solver,
        "activation": draw(st.sampled_from(["relu", "tanh", "logistic", "identity"])),
        "alpha": draw(numpy_or_not(st.sampled_from([0.0, 1e-4, 0.5]), np.float32, np.float64)),
        "max_iter": draw(numpy_or_not(st.integers(1, 4), np.int32, np.int64)),
        "batch_size": draw(st.one_of(st.just("auto"), st.integers(5, 50).map(np.int64))),
        "random_state": draw(
            st.one_of(
                st.none(),
                numpy_or_not(st.integers(0, 2**32 - 1), np.int64),
                st.integers(0, 9).map(np.random.RandomState),
            )
        ),
        "early_stopping": draw(numpy_or_not(st.booleans(), np.bool_)),
        "warm_start": draw(st.booleans()),
        "n_iter_no_change": draw(st.one_of(st.integers(1, 5), st.just(np.inf))),
    }
    if stochastic:
        params["dropout"] = draw(st.sampled_from([0.0, 0.0, 0.25]))
    if kind == "classifier":
        labels = draw(st.sampled_from(sorted(LABELS)))
        y = LABELS[labels]
        if labels != "multilabel":
            params["class_weight"] = draw(st.sampled_from([None, "balanced"]))
        net = SimpleMLPClassifier(**params)
        wrapper = draw(st.sampled_from(["none", "pipeline"]))
    else:
        target = draw(st.sampled_from(sorted(TARGETS)))
        y = TARGETS[target]
        params["loss"] = "poisson" if target == "counts" else "squared_error"
        net = SimpleMLPRegressor(**params)
        options = ["none", "pipeline"] + (["target", "both"] if target != "counts" else [])
        wrapper = draw(st.sampled_from(options))
    model = {
        "none": lambda: net,
        "pipeline": lambda: make_pipeline(StandardScaler(), net),
        "target": lambda: TransformedTargetRegressor(net, transformer=StandardScaler()),
        "both": lambda: TransformedTargetRegressor(
            make_pipeline(StandardScaler(), net), transformer=StandardScaler()
        ),
    }[wrapper]()
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    names = draw(st.booleans())
    streams = stochastic and wrapper == "none" and params.get("class_weight") != "balanced"
    extra = draw(st.integers(0, 3)) if streams else 0  # partial_fit calls after fit
    epochs = draw(st.sampled_from([0, 0, 0, 1_000, 140_000]))  # beyond the old 8 MiB allowance
    changes = draw(
        st.sampled_from([{}, {}, {"hidden_layer_sizes": (7,)}, {"tol": np.float32(0.5)}])
    )
    if kind == "regressor" and draw(st.booleans()):
        changes = {**changes, "loss": "poisson" if params["loss"] != "poisson" else "squared_error"}
    return model, X.astype(dtype), y, names, extra, epochs, changes


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(drawn=models())
def test_whatever_save_writes_loads_back_as_it_was(drawn):
    pd = pytest.importorskip("pandas")
    model, X, y, names, extra, epochs, changes = drawn
    if names:
        X = pd.DataFrame(X, columns=["x0", "größe", "x 2"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model.fit(X, y)
        except ValueError as exc:  # a drawn combination the estimator rejects: not our subject
            assert "needs a stochastic solver" in str(exc) or "validation set" in str(exc)
            return
        for _ in range(extra):
            model.partial_fit(X, y)
    net = network(model)
    stretch(net, epochs)
    net.set_params(**changes)

    loaded = round_trip(model)

    assert type(loaded) is type(model)
    loaded_net = network(loaded)
    if hasattr(net, "classes_"):
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    for name, value in net.get_params().items():
        assert same(value, loaded_net.get_params()[name]), name
    fitted, loaded_fitted = net._fitted_values(), loaded_net._fitted_values()
    for name in fitted:
        assert same(fitted[name], loaded_fitted[name], strict=False), name
    assert loaded_net.history_ == net.history_ and len(net.history_) == len(net.loss_curve_)


# --- the instances: long histories, deep networks ---------------------------------------------


def test_a_model_after_200000_partial_fit_calls_saves_and_loads(tmp_path):
    """Streaming learning: 200,000 epochs of records (more than the 8 MiB the loader allowed)."""
    X, y = np.eye(3), np.array([0, 1, 1])
    model = SimpleMLPClassifier(hidden_layer_sizes=(2,), random_state=0)
    model.partial_fit(X, y, classes=[0, 1])
    stretch(model, 200_000 - 1)
    model.partial_fit(X, y)  # one more real call on top of the long history
    assert len(model.history_) == len(model.loss_curve_) == 200_001
    path = tmp_path / "stream.npz"
    save(model, path)
    loaded = load(path)
    assert loaded.history_ == model.history_ and loaded.loss_curve_ == model.loss_curve_
    assert loaded.history_[-1]["epoch"] == 200_001
    loaded.partial_fit(X, y)  # and the stream goes on
    model.partial_fit(X, y)
    np.testing.assert_array_equal(loaded.coefs_[0], model.coefs_[0])


def test_real_epochs_round_trip_with_every_record():
    """3,000 real partial_fit calls (no constructed records): history and curves come back."""
    X, y = np.eye(4), np.arange(4.0)
    model = SimpleMLPRegressor(hidden_layer_sizes=(2,), random_state=0)
    for _ in range(3_000):
        model.partial_fit(X, y)
    loaded = round_trip(model)
    assert len(loaded.history_) == 3_000 and loaded.history_ == model.history_
    assert [r["epoch"] for r in loaded.history_[-2:]] == [2_999, 3_000]
    assert loaded.loss_curve_ == model.loss_curve_
    seconds = [r["seconds"] for r in loaded.history_]
    assert seconds == sorted(seconds)


def test_history_costs_a_table_row_an_epoch():
    """history_ grew by ~360 bytes an epoch as a list of dicts; as a float64 table it grows by
    56 bytes (7 numbers), plus what the buffer keeps in reserve."""
    state = TrainingState(np.zeros(3), 0.1, np.random.RandomState(0))
    state.monitor(has_validation=False, early_stopping=False)
    record = dict.fromkeys(HISTORY_KEYS, np.nan)
    for epoch in range(1, 101):  # warm up
        state.record(1.0, 1, record | {"epoch": epoch})
    n = 20_000
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for epoch in range(101, 101 + n):
            state.record(1.0 / epoch, 1, record | {"epoch": epoch, "loss": 1.0 / epoch})
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    loss_curve = 32  # a pointer and a float object a loss: what MLPRegressor's curve costs
    per_epoch = grown / n - loss_curve
    assert per_epoch < 80, f"{per_epoch:.0f} bytes an epoch"


def test_history_reads_as_a_list_of_records():
    pd = pytest.importorskip("pandas")
    X, y = np.eye(4), np.arange(4) % 2
    model = SimpleMLPClassifier(hidden_layer_sizes=(2,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    history = model.history_
    assert len(history) == 3 and [r["epoch"] for r in history] == [1, 2, 3]
    assert isinstance(history[0]["epoch"], int) and list(history[0]) == list(HISTORY_KEYS)
    assert history[-1] == history[2] and history[1:] == [history[1], history[2]]
    assert history[-1]["validation_loss"] is np.nan  # "NaN where a value does not apply"
    with pytest.raises(IndexError):
        history[3]
    frame = pd.DataFrame(history)
    assert list(frame.columns) == list(HISTORY_KEYS) and len(frame) == 3
    np.testing.assert_array_equal(frame["loss"], model.loss_curve_)
    twin = history.copy()
    twin.append({"epoch": 4})
    assert len(history) == 3 and len(twin) == 4 and twin != history


def test_a_network_of_999_hidden_layers_round_trips():
    X, y = np.eye(3), np.array([0, 1, 1])
    model = SimpleMLPClassifier(hidden_layer_sizes=(2,) * 999, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    loaded = round_trip(model)
    assert loaded.n_layers_ == 1001
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_network_larger_than_a_file_holds_is_refused_at_save(monkeypatch):
    """The loader's bound on the network's size is save's too: the file is never written."""
    X, y = np.eye(3), np.array([0, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SimpleMLPClassifier(hidden_layer_sizes=(4, 4), max_iter=1).fit(X, y)
    monkeypatch.setattr(schema, "MAX_PARAMETERS", 30)  # the model has 41
    buffer = io.BytesIO()
    with pytest.raises(ValueError, match="a network of 41 parameters is more than a model file"):
        save(model, buffer)
    assert buffer.getvalue() == b""


# --- the loader's allowances: derived from what the file declares, checked before reading ------


def _saved(model):
    buffer = io.BytesIO()
    save(model, buffer)
    return entries(buffer.getvalue())


@pytest.fixture(scope="module")
def fitted():
    X, y = np.eye(3), np.array([0, 1, 1])
    model = SimpleMLPClassifier(hidden_layer_sizes=(2,), random_state=0)
    for _ in range(5):
        model.partial_fit(X, y, classes=[0, 1])
    return model


def test_a_history_that_does_not_match_the_loss_curve_is_refused_unread(fitted, monkeypatch):
    """The history must have one row an epoch of the loss curve: checked on the headers, so
    no entry of the training state is read (a forged history cannot claim more allowance)."""
    members = _saved(fitted)
    members["fitted._state.history.npy"] = npy(np.zeros((6, len(HISTORY_KEYS))))
    read = []
    real_read = zipfile.ZipFile.read

    def spy(self, name, pwd=None):
        read.append(getattr(name, "filename", name))
        return real_read(self, name, pwd)

    monkeypatch.setattr(zipfile.ZipFile, "read", spy)
    with pytest.raises(ModelFileError, match=r"'fitted._state.history' has shape \(6, 7\), expe"):
        load(io.BytesIO(zipped(members)))
    assert read and not any("_state" in name for name in read)


def _claim_sizes(data, filename, size):
    """``data`` (a zip archive) whose central directory says entry ``filename`` has ``size``
    bytes, compressed and not."""
    data, at = bytearray(data), 0
    while True:
        at = data.index(b"PK\x01\x02", at)  # a central directory record
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == filename.encode():
            break
        at += 4
    data[at + 20 : at + 28] = size.to_bytes(4, "little") * 2
    return bytes(data)


def test_entries_that_claim_more_bytes_than_the_file_has_are_refused(fitted):
    """A central directory that declares a loss curve of 4 GB (500 million epochs) in a file
    of a few kB: refused before anything is read."""
    forged = _claim_sizes(zipped(_saved(fitted)), "fitted._state.loss_curve.npy", 2**32 - 1)
    with pytest.raises(ModelFileError, match="'fitted._state.loss_curve.npy' claims more bytes"):
        load(io.BytesIO(forged))


def test_a_loss_curve_longer_than_its_entry_is_refused(fitted):
    """A header that declares 500,000 epochs over the 5 the entry holds."""
    members = _saved(fitted)
    header = io.BytesIO()
    fields = {"descr": "<f8", "fortran_order": False, "shape": (500_000,)}
    np.lib.format.write_array_header_1_0(header, fields)
    members["fitted._state.loss_curve.npy"] = header.getvalue() + np.zeros(5).tobytes()
    with pytest.raises(ModelFileError, match="is not the size its header declares"):
        load(io.BytesIO(zipped(members)))


# --- save checks its own file, and writes it whole or not at all ------------------------------


def test_save_refuses_a_model_that_load_would_refuse_and_keeps_the_old_file(fitted, tmp_path):
    path = tmp_path / "model.npz"
    save(fitted, path)
    before = path.read_bytes()
    broken = round_trip(fitted)
    broken._state.theta[0] = np.nan  # load refuses weights that are not finite
    with pytest.raises(ValueError, match="save.. cannot write this model: load.. would refuse"):
        save(broken, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]


def _disk_full_after(n_entries, monkeypatch):
    """Make the n-th entry written to a zip archive fail as a full disk does."""
    written = []
    real_writestr = zipfile.ZipFile.writestr

    def writestr(self, name, data, *args, **kwargs):
        if len(written) == n_entries:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(name)
        return real_writestr(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)


def _disk_full(*args):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("when", ["an entry", "fsync"])
def test_a_failed_save_leaves_the_previous_file_intact(fitted, tmp_path, monkeypatch, when):
    path = tmp_path / "model.npz"
    save(fitted, path)
    before = path.read_bytes()
    os.chmod(path, 0o640)
    bigger = round_trip(fitted)
    bigger.partial_fit(np.eye(3), [0, 1, 1])
    if when == "an entry":
        _disk_full_after(3, monkeypatch)
    else:
        monkeypatch.setattr(os, "fsync", _disk_full)
    with pytest.raises(OSError) as error:
        save(bigger, path)
    assert error.value.errno == errno.ENOSPC
    assert path.read_bytes() == before  # the previous model, whole
    assert os.listdir(tmp_path) == ["model.npz"]  # and no temporary file left behind
    monkeypatch.undo()
    save(bigger, path)  # once there is room again, the new one replaces it
    assert load(path).loss_curve_ == bigger.loss_curve_
    assert os.stat(path).st_mode & 0o777 == 0o640  # with the permissions of the old one
    assert os.listdir(tmp_path) == ["model.npz"]


def test_save_writes_through_a_symbolic_link(fitted, tmp_path):
    target, link = tmp_path / "real.npz", tmp_path / "link.npz"
    save(fitted, target)
    link.symlink_to(target)
    model = round_trip(fitted)
    model.partial_fit(np.eye(3), [0, 1, 1])
    save(model, link)
    assert link.is_symlink() and load(target).loss_curve_ == model.loss_curve_


@pytest.mark.parametrize("where", ["a missing directory", "a directory"])
def test_a_save_that_cannot_start_names_the_file_asked_for(fitted, tmp_path, where):
    """The temporary file is an implementation detail: errors name the caller's path."""
    path = tmp_path / "missing" / "m.npz" if where == "a missing directory" else tmp_path
    with pytest.raises(OSError) as error:
        save(fitted, path)
    assert error.value.filename == path and error.value.filename2 is None
    assert [p.name for p in tmp_path.iterdir()] == []
