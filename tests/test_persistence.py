"""Model files: round trips, clear errors, a fuzzer, and the pickle/skops paths."""

import copy
import hashlib
import io
import json
import pickle
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sknn_simple import ModelFileError, SimpleMLPClassifier, SimpleMLPRegressor, load, save


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X, y


def round_trip(model):
    buffer = io.BytesIO()
    save(model, buffer)
    buffer.seek(0)
    return load(buffer)


@pytest.mark.parametrize(
    "make, kind",
    [
        (lambda: SimpleMLPClassifier(10, max_iter=3, random_state=0), "multiclass"),
        (lambda: SimpleMLPClassifier(10, max_iter=3, activation="tanh"), "binary"),
        (lambda: SimpleMLPClassifier(10, max_iter=3, early_stopping=True), "strings"),
        (lambda: SimpleMLPClassifier(10, max_iter=3, class_weight="balanced"), "multilabel"),
        (lambda: SimpleMLPClassifier(10, solver="lbfgs", max_iter=3), "multiclass"),
        (
            lambda: make_pipeline(StandardScaler(), SimpleMLPClassifier(10, max_iter=3)),
            "multiclass",
        ),
        (
            lambda: make_pipeline(
                StandardScaler(with_mean=False), SimpleMLPClassifier(10, max_iter=3, solver="sgd")
            ),
            "binary",
        ),
    ],
)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_round_trip_predicts_bit_for_bit(digits, make, kind):
    X, y = digits
    targets = {
        "multiclass": y,
        "binary": y > 4,
        "strings": np.array(list("abcdefghij"))[y],
        "multilabel": np.c_[y > 4, y % 2 == 0],
    }
    model = make().fit(X, targets[kind])
    loaded = round_trip(model)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    net, loaded_net = (model[-1], loaded[-1]) if hasattr(model, "steps") else (model, loaded)
    assert loaded_net.get_params() == net.get_params()
    for attr in (
        "classes_",
        "n_iter_",
        "t_",
        "loss_curve_",
        "n_outputs_",
        "out_activation_",
        "validation_scores_",
        "best_loss_",
    ):
        np.testing.assert_array_equal(getattr(loaded_net, attr), getattr(net, attr))
    assert len(loaded_net.history_) == len(net.history_)


def test_float32_sparse_and_feature_names_survive(digits):
    pd = pytest.importorskip("pandas")
    X, y = digits
    frame = pd.DataFrame(X.astype(np.float32), columns=[f"pixel{i}" for i in range(64)])
    model = SimpleMLPClassifier(10, max_iter=2).fit(frame, y)
    loaded = round_trip(model)
    assert loaded.coefs_[0].dtype == np.float32
    np.testing.assert_array_equal(loaded.feature_names_in_, model.feature_names_in_)
    np.testing.assert_array_equal(loaded.predict_proba(frame), model.predict_proba(frame))
    sparse_model = SimpleMLPClassifier(10, max_iter=2).fit(sp.csr_matrix(X), y)
    np.testing.assert_array_equal(
        round_trip(sparse_model).predict(sp.csr_matrix(X)), sparse_model.predict(sp.csr_matrix(X))
    )


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_training_continues_after_loading_as_it_would_have(digits, how):
    """A loaded model goes on exactly as the model it was saved from: a warm-started fit
    (a new optimizer, as MLPClassifier's) and partial_fit (the optimizer's state, Adam's
    moments and step count, came back too)."""
    X, y = digits
    settings_ = dict(max_iter=3, shuffle=False, tol=0.0, random_state=0, warm_start=True)
    first = SimpleMLPClassifier(10, **settings_)
    with pytest.warns(ConvergenceWarning, match=r"max_iter=\d+"):
        first.fit(X, y)
    in_memory, resumed = copy.deepcopy(first), round_trip(first)
    for model in (in_memory, resumed):
        if how == "warm_start":
            with pytest.warns(ConvergenceWarning, match=r"max_iter=\d+"):
                model.fit(X, y)
        else:
            model.partial_fit(X, y)
    np.testing.assert_array_equal(resumed._state.theta, in_memory._state.theta)
    assert resumed.loss_curve_ == in_memory.loss_curve_


def test_save_refuses_what_it_cannot_write(digits):
    X, y = digits
    with pytest.raises(TypeError, match="writes a SimpleMLPClassifier or SimpleMLPRegressor"):
        save(StandardScaler().fit(X), io.BytesIO())
    with pytest.raises(TypeError, match="StandardScaler steps"):
        save(make_pipeline(MinMaxScaler(), SimpleMLPClassifier(max_iter=1)).fit(X, y), io.BytesIO())
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        save(SimpleMLPClassifier(), io.BytesIO())


@pytest.mark.parametrize(
    "make, n_outputs",
    [
        (lambda: SimpleMLPRegressor(hidden_layer_sizes=(10,), max_iter=3, random_state=0), 1),
        (lambda: SimpleMLPRegressor(hidden_layer_sizes=(8, 4), solver="lbfgs", max_iter=5), 2),
        (lambda: SimpleMLPRegressor("poisson", (6,), max_iter=3, early_stopping=True), 1),
        (
            lambda: make_pipeline(
                StandardScaler(), SimpleMLPRegressor(hidden_layer_sizes=(), solver="sgd")
            ),
            2,
        ),
    ],
)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_regressor_round_trip_predicts_bit_for_bit(make, n_outputs):
    X, y = load_diabetes(return_X_y=True)
    y = y / 100 if n_outputs == 1 else np.c_[y / 100, X[:, 2] ** 2]
    model = make().fit(X.astype(np.float32) if n_outputs == 2 else X, y)
    X = X.astype(np.float32) if n_outputs == 2 else X
    loaded = round_trip(model)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    net, loaded_net = (model[-1], loaded[-1]) if hasattr(model, "steps") else (model, loaded)
    assert type(loaded_net) is SimpleMLPRegressor
    assert loaded_net.get_params() == net.get_params()
    for attr in ("n_iter_", "t_", "loss_curve_", "n_outputs_", "out_activation_", "best_loss_"):
        np.testing.assert_array_equal(getattr(loaded_net, attr), getattr(net, attr))
    np.testing.assert_array_equal(loaded_net.validation_scores_, net.validation_scores_)


@pytest.mark.parametrize("pipeline", [False, True])
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_target_scaler_round_trips(pipeline, n_outputs):
    """TransformedTargetRegressor(..., transformer=StandardScaler()): the usual way to scale a
    regressor's targets (and what the command line saves) is a model file too."""
    from sklearn.compose import TransformedTargetRegressor

    pd = pytest.importorskip("pandas")
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    y = y.to_numpy() if n_outputs == 1 else np.c_[y.to_numpy(), X["bmi"].to_numpy() * 1000]
    net = SimpleMLPRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    model = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), net) if pipeline else net, transformer=StandardScaler()
    ).fit(X, y)
    loaded = round_trip(model)
    assert isinstance(loaded, TransformedTargetRegressor) and isinstance(X, pd.DataFrame)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.score(X, y) == model.score(X, y)
    np.testing.assert_array_equal(loaded.feature_names_in_, model.feature_names_in_)
    np.testing.assert_array_equal(loaded.transformer_.scale_, model.transformer_.scale_)
    other = TransformedTargetRegressor(net, transformer=MinMaxScaler())
    with pytest.raises(TypeError, match="whose transformer is a StandardScaler"):
        save(other.fit(X, y), io.BytesIO())


def test_a_regressor_keeps_the_head_it_was_fitted_with_whatever_its_loss_now(tmp_path):
    """set_params(loss="poisson") after fitting with the squared error: the model still
    predicts with its fitted head ("identity"), so the file holds both and loads; partial_fit
    then refuses the mismatch, as on the original. A head no regressor has is refused."""
    X, y = load_diabetes(return_X_y=True)
    with pytest.warns(ConvergenceWarning):
        model = SimpleMLPRegressor(hidden_layer_sizes=(4,), max_iter=1).fit(X, y / 100)
    model.set_params(loss="poisson")
    path = tmp_path / "changed.npz"
    save(model, path)
    loaded = load(path)
    assert loaded.loss == "poisson" and loaded.out_activation_ == "identity"
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    for m in (model, loaded):
        with pytest.raises(ValueError, match="loss='poisson' differs from the loss the model"):
            m.partial_fit(X, y / 100)
    members = entries(path.read_bytes())
    metadata = json.loads(np.lib.format.read_array(io.BytesIO(members["metadata.npy"])).tobytes())
    metadata["estimator"]["fitted"]["out_activation_"] = "softmax"
    text = json.dumps(metadata).encode()
    members["metadata.npy"] = npy(np.frombuffer(text, np.uint8))
    members["metadata_sha256.npy"] = npy(np.frombuffer(hashlib.sha256(text).digest(), np.uint8))
    path.write_bytes(zipped(members))
    with pytest.raises(ModelFileError, match="output function 'softmax' is not a regressor's"):
        load(path)


def resigned(members, arrays):
    """The archive ``members`` with ``arrays`` replacing entries and every digest and the
    checksum recomputed: a forged file that passes the integrity checks."""
    members = dict(members)
    meta = json.loads(np.lib.format.read_array(io.BytesIO(members["metadata.npy"])).tobytes())
    for name, array in arrays.items():
        members[f"{name}.npy"] = npy(array)
        meta["digests"][name] = hashlib.sha256(members[f"{name}.npy"]).hexdigest()
    text = json.dumps(meta).encode()
    members["metadata.npy"] = npy(np.frombuffer(text, np.uint8))
    members["metadata_sha256.npy"] = npy(np.frombuffer(hashlib.sha256(text).digest(), np.uint8))
    return zipped(members)


@pytest.mark.parametrize("scaler", ["scaler0", "target_scaler"])
@pytest.mark.parametrize(("statistic", "value"), [("scale_", 0), ("scale_", -1), ("var_", -1)])
def test_a_forged_scaler_statistic_no_scaler_has_is_refused(scaler, statistic, value):
    """A scale of 0 made every prediction infinite (features) or one constant (targets), and a
    negative one mirrored them: a file with them is forged, and refused at load."""
    X, y = load_diabetes(return_X_y=True)
    net = SimpleMLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    model = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), net), transformer=StandardScaler()
    )
    with pytest.warns(ConvergenceWarning):
        model.fit(X, np.c_[y, y / 2])
    data = io.BytesIO()
    save(model, data)
    members = entries(data.getvalue())
    name = f"{scaler}_{statistic}"
    original = np.lib.format.read_array(io.BytesIO(members[f"{name}.npy"]))
    resaved = load(io.BytesIO(resigned(members, {name: original})))  # the forger's tools work
    assert (resaved.predict(X) == model.predict(X)).all()
    forged = original.copy()
    forged[1] = value
    with pytest.raises(ModelFileError, match=f"the entry '{name}' holds"):
        load(io.BytesIO(resigned(members, {name: forged})))


@pytest.fixture(scope="module")
def model_file(digits):
    X, y = digits
    model = SimpleMLPClassifier(5, max_iter=2, random_state=0)
    with pytest.warns(ConvergenceWarning, match=r"max_iter=\d+"):
        model.fit(X[:300], y[:300])
    buffer = io.BytesIO()
    save(model, buffer)
    return model, buffer.getvalue()


def entries(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, raw in members.items():
            archive.writestr(name, raw)
    return buffer.getvalue()


def npy(array, allow_pickle=False):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def test_clear_errors_for_broken_files(model_file, tmp_path):
    _, data = model_file
    cases = {
        "not a valid archive": b"not a zip file at all",
        "not a valid archive|damaged|corrupted": data[: len(data) // 2],
        "no metadata entry": zipped({"theta.npy": npy(np.zeros(3))}),
    }
    members = entries(data)
    newer = json.loads(np.lib.format.read_array(io.BytesIO(members["metadata.npy"])).tobytes())
    newer["format_version"] = 99
    text = json.dumps(newer).encode()
    members_newer = dict(members)
    members_newer["metadata.npy"] = npy(np.frombuffer(text, np.uint8))
    members_newer["metadata_sha256.npy"] = npy(
        np.frombuffer(hashlib.sha256(text).digest(), np.uint8)
    )
    cases["format version 99.*Upgrade sknn_simple"] = zipped(members_newer)
    scaled = json.loads(np.lib.format.read_array(io.BytesIO(members["metadata.npy"])).tobytes())
    scaled["target"] = {"scaler": {}, "training_dim": 1}  # a classifier's targets: no
    text = json.dumps(scaled).encode()
    members_scaled = dict(members)
    members_scaled["metadata.npy"] = npy(np.frombuffer(text, np.uint8))
    members_scaled["metadata_sha256.npy"] = npy(
        np.frombuffer(hashlib.sha256(text).digest(), np.uint8)
    )
    cases["only a regressor's targets can be scaled"] = zipped(members_scaled)
    for pattern, content in cases.items():
        with pytest.raises(ModelFileError, match=pattern):
            load(io.BytesIO(content))
    path = tmp_path / "broken.npz"
    path.write_bytes(data[:100])
    with pytest.raises(ModelFileError, match=str(path.name)):
        load(path)


# --- the fuzzer ----------------------------------------------------------------------------------

TRIPPED = []


def _tripwire(*args):
    """Called only if a file's pickle were ever executed."""
    TRIPPED.append(args)
    return "tripped"


class Canary:
    def __reduce__(self):
        return (_tripwire, ("executed",))


def _random_array(data):
    kind = data.draw(
        st.sampled_from(["float", "int", "complex", "text", "object", "struct", "bool", "empty"])
    )
    shape = tuple(data.draw(st.lists(st.integers(0, 6), min_size=0, max_size=3)))
    if kind == "object":
        array = np.empty(max(1, int(np.prod(shape))), dtype=object)
        array[:] = [Canary() for _ in range(array.size)]
        return npy(array, allow_pickle=True)
    if kind == "struct":
        return npy(np.zeros(shape, dtype=[("a", "f8"), ("b", "i4")]))
    dtypes = {
        "float": np.float64,
        "int": np.int64,
        "complex": np.complex128,
        "text": "<U4",
        "bool": np.bool_,
        "empty": np.float32,
    }
    values = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    return npy(values.astype(dtypes[kind]))


def _mutate(data, original, resign=False):
    """A corrupted copy of ``original``; with ``resign``, a forged one whose metadata was
    rewritten and its checksum recomputed (a valid file with other contents)."""
    members = entries(original)
    names = sorted(members)
    how = (
        "metadata"
        if resign
        else data.draw(
            st.sampled_from(
                ["truncate", "flip", "overwrite", "drop", "extra", "replace", "metadata"]
            )
        )
    )
    if how == "truncate":
        return original[: data.draw(st.integers(0, len(original) - 1))]
    if how in ("flip", "overwrite"):
        raw = bytearray(original)
        for _ in range(data.draw(st.integers(1, 8))):
            at = data.draw(st.integers(0, len(raw) - 1))
            raw[at] = (
                raw[at] ^ (1 << data.draw(st.integers(0, 7)))
                if how == "flip"
                else data.draw(st.integers(0, 255))
            )
        return bytes(raw)
    if how == "drop":
        del members[data.draw(st.sampled_from(names))]
    elif how == "extra":
        members[data.draw(st.sampled_from(["extra.npy", "x", "__init__.py"]))] = _random_array(data)
    elif how == "replace":
        members[data.draw(st.sampled_from(names))] = _random_array(data)
    else:  # rewrite the metadata JSON (keeping or breaking its checksum)
        meta = json.loads(np.lib.format.read_array(io.BytesIO(members["metadata.npy"])).tobytes())
        estimator = meta["estimator"]
        section = data.draw(
            st.sampled_from(
                [
                    meta,
                    estimator,
                    estimator["params"],
                    estimator["fitted"],
                    estimator["fitted"]["_state"]["object"],
                ]
            )
        )
        key = data.draw(st.sampled_from(sorted(section)))
        section[key] = data.draw(
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(-5, 10**12),
                st.floats(),
                st.text(max_size=8),
                st.lists(st.integers(), max_size=3),
            )
        )
        text = json.dumps(meta).encode()
        members["metadata.npy"] = npy(np.frombuffer(text, np.uint8))
        if resign:
            import hashlib

            members["metadata_sha256.npy"] = npy(
                np.frombuffer(hashlib.sha256(text).digest(), np.uint8)
            )
    return zipped(members)


@settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_fuzzed_files_load_equal_or_raise_model_file_error(model_file, data, digits):
    model, original = model_file
    mutated = _mutate(data, original)
    try:
        loaded = load(io.BytesIO(mutated))
    except ModelFileError:
        assert not TRIPPED
        return
    assert not TRIPPED
    X = digits[0][:50]
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.get_params() == model.get_params()


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_forged_metadata_loads_a_working_model_or_raises(model_file, data, digits):
    """Rewritten metadata with a recomputed checksum is a valid file with other contents: it
    must still give ModelFileError or a model that predicts, and never run code."""
    _, original = model_file
    try:
        loaded = load(io.BytesIO(_mutate(data, original, resign=True)))
    except ModelFileError:
        assert not TRIPPED
        return
    assert not TRIPPED
    proba = loaded.predict_proba(digits[0][:50])
    assert np.isfinite(proba).all()


def test_a_pickled_payload_is_never_executed(model_file):
    _, original = model_file
    members = entries(original)
    payload = np.empty(1, dtype=object)
    payload[0] = Canary()
    for name in list(members):
        poisoned = dict(members)
        poisoned[name] = npy(payload, allow_pickle=True)
        with pytest.raises(ModelFileError):
            load(io.BytesIO(zipped(poisoned)))
    assert not TRIPPED


# --- other ways to persist -----------------------------------------------------------------------


def test_pickle_round_trip(digits):
    X, y = digits
    model = SimpleMLPClassifier(10, max_iter=2).fit(X, y)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(model)).predict_proba(X), model.predict_proba(X)
    )
    regressor = SimpleMLPRegressor(hidden_layer_sizes=(10,), max_iter=2).fit(X, np.c_[y, -y])
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(regressor)).predict(X), regressor.predict(X)
    )


def test_skops_needs_only_the_estimator_class_trusted(digits, tmp_path):
    sio = pytest.importorskip("skops.io")
    X, y = digits
    model = make_pipeline(
        StandardScaler(), SimpleMLPClassifier(10, max_iter=2, dropout=0.1, class_weight="balanced")
    )
    with pytest.warns(ConvergenceWarning, match=r"max_iter=\d+"):
        model.fit(X, y)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    assert sio.get_untrusted_types(file=path) == ["sknn_simple._classifier.SimpleMLPClassifier"]
    loaded = sio.load(path, trusted=["sknn_simple._classifier.SimpleMLPClassifier"])
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    regressor = SimpleMLPRegressor(hidden_layer_sizes=(5,), max_iter=2)
    with pytest.warns(ConvergenceWarning):
        regressor.fit(X, y / 10)
    sio.dump(regressor, path)
    assert sio.get_untrusted_types(file=path) == ["sknn_simple._regressor.SimpleMLPRegressor"]
    loaded = sio.load(path, trusted=["sknn_simple._regressor.SimpleMLPRegressor"])
    np.testing.assert_array_equal(loaded.predict(X), regressor.predict(X))


# --- files written by earlier versions -----------------------------------------------------------

DATA = Path(__file__).parent / "data"


def _v1_inputs(name):
    """The first 60 rows each format-1 model was asked to predict (see data/make_v1_models.py)."""
    X, _ = load_digits(return_X_y=True)
    if name == "v1_pipeline_adam":
        import pandas as pd

        return pd.DataFrame(X, columns=[f"pixel_{i}" for i in range(64)])[:60]
    if name == "v1_float32_sgd_binary":
        return (X / 16).astype(np.float32)[:60]
    return (X / 16)[:60]


@pytest.mark.parametrize(
    "name", ["v1_pipeline_adam", "v1_float32_sgd_binary", "v1_multilabel_lbfgs"]
)
def test_format_1_files_load_and_predict_as_when_written(name):
    model = load(DATA / f"{name}.npz")
    X = _v1_inputs(name)
    np.testing.assert_array_equal(model.predict(X), np.load(DATA / f"{name}_predict.npy"))
    # Within the rounding of the dtype: a binary model's P(class 0) is now computed as
    # MLPClassifier computes it, 1 - p, where it was sigmoid(-z) when the files were written.
    proba = model.predict_proba(X)
    expected = np.load(DATA / f"{name}_proba.npy")
    np.testing.assert_allclose(proba, expected, rtol=0, atol=4 * np.finfo(proba.dtype).eps)


# --- every parameter value a search can hand over round-trips ---------------------------------


def _numpy_or_not(strategy, *numpy_types):
    return st.one_of(strategy, *(strategy.map(t) for t in numpy_types))


SEARCH_VALUES = {
    "hidden_layer_sizes": st.one_of(
        _numpy_or_not(st.integers(1, 8), np.int64, np.int32),
        st.lists(_numpy_or_not(st.integers(1, 8), np.int64), min_size=0, max_size=2).map(tuple),
        st.lists(st.integers(1, 8), min_size=1, max_size=2),
        st.lists(st.integers(1, 8), min_size=1, max_size=2).map(np.array),
    ),
    "activation": _numpy_or_not(st.sampled_from(["relu", "tanh", "logistic"]), np.str_),
    "alpha": _numpy_or_not(st.floats(0, 10), np.float64, np.float32),
    "batch_size": st.one_of(st.sampled_from(["auto", "full"]), st.integers(1, 50).map(np.int64)),
    "learning_rate_init": _numpy_or_not(st.floats(1e-4, 0.1), np.float64),
    "max_iter": _numpy_or_not(st.integers(1, 3), np.int64, np.int32, np.uint8),
    "shuffle": _numpy_or_not(st.booleans(), np.bool_),
    "random_state": st.one_of(
        st.none(),
        _numpy_or_not(st.integers(0, 2**31 - 1), np.int64, np.int32),
        st.integers(0, 100).map(np.random.RandomState),
    ),
    "tol": _numpy_or_not(st.floats(0, 1e-3), np.float64),
    "momentum": _numpy_or_not(st.floats(0, 1), np.float32),
    "n_iter_no_change": st.one_of(st.integers(1, 20).map(np.int64), st.just(np.inf)),
    "class_weight": st.one_of(
        st.none(),
        st.just("balanced"),
        st.dictionaries(
            _numpy_or_not(st.integers(0, 2), np.int64), _numpy_or_not(st.floats(0, 5), np.float64)
        ),
    ),
    "dropout": _numpy_or_not(st.floats(0, 0.5), np.float64),
}


def _same(a, b):
    """Equal values of the same type; RandomState instances by their state."""
    if isinstance(a, np.random.RandomState):
        return isinstance(b, np.random.RandomState) and all(
            np.array_equal(x, y) for x, y in zip(a.get_state(), b.get_state(), strict=True)
        )
    if isinstance(a, np.ndarray):
        return type(b) is np.ndarray and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(map(_same, a.values(), b.values()))
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    return type(a) is type(b) and a == b


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(params=st.fixed_dictionaries({}, optional=SEARCH_VALUES))
def test_every_parameter_value_of_a_search_round_trips(params, digits):
    """What GridSearchCV(..., {"max_iter": np.arange(...), "alpha": np.logspace(...)}) leaves in
    best_estimator_: NumPy scalars, arrays, tuples, RandomState instances, dicts with NumPy
    keys. Saved and loaded, get_params() gives the same values of the same types."""
    X, y = digits
    X, y = X[:120] / 16, y[:120] % 3
    model = SimpleMLPClassifier(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model.fit(X, y)
        except ValueError:  # e.g. a class_weight of 0 for all but one class: not our subject
            return
    loaded = round_trip(model)
    for name, value in model.get_params().items():
        assert _same(value, loaded.get_params()[name]), (name, value, loaded.get_params()[name])
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_what_cannot_be_stored_is_refused_at_save(digits):
    X, y = digits
    model = SimpleMLPClassifier(5, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X[:50], y[:50])
    model.set_params(random_state=np.random.default_rng(0))  # a Generator: not accepted by fit
    with pytest.raises(TypeError, match="params.random_state: cannot store a value of type"):
        save(model, io.BytesIO())


# --- forged files: deep nesting and sizes ---------------------------------------------------------


def _forge(members, metadata):
    """A model file with ``metadata`` (any bytes) as its metadata, correctly checksummed."""
    import hashlib

    forged = dict(members)
    forged["metadata.npy"] = npy(np.frombuffer(metadata, np.uint8))
    forged["metadata_sha256.npy"] = npy(np.frombuffer(hashlib.sha256(metadata).digest(), np.uint8))
    return forged


def _meta(data):
    return json.loads(np.lib.format.read_array(io.BytesIO(entries(data)["metadata.npy"])).tobytes())


@pytest.mark.parametrize("depth", [50, 5_000, 100_000])
@pytest.mark.parametrize("where", ["top", "params", "fitted"])
def test_deeply_nested_metadata_is_a_model_file_error(model_file, depth, where):
    _, data = model_file
    meta = _meta(data)
    nested = "[" * depth + "]" * depth
    text = json.dumps(meta)
    if where == "top":
        text = text[:-1] + f', "extra": {nested}}}'
    elif where == "params":
        text = text.replace('"activation": "relu"', f'"activation": {nested}')
    else:
        text = text.replace('"_class_weights": null', f'"_class_weights": {nested}')
    with pytest.raises(ModelFileError):
        load(io.BytesIO(zipped(_forge(entries(data), text.encode()))))


def _deflated(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as f:
        for name, raw in members.items():
            f.writestr(name, raw)
    return buffer.getvalue()


def _peak_bytes(action):
    import tracemalloc

    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


FORGED_SIZE = 200 * 2**20  # what each forged entry inflates to (it deflates to ~200 kB)


@pytest.mark.parametrize("entry", ["metadata", "theta", "classes", "history", "extra"])
def test_a_small_forged_file_cannot_use_much_memory(model_file, entry):
    """Entries that inflate to 200 MB, with valid digests: load reads at most what a model of
    the declared size can need, so peak memory stays a few MB."""
    import hashlib

    _, data = model_file
    members = entries(data)
    meta = _meta(data)
    if entry == "metadata":  # valid JSON, mostly spaces
        text = json.dumps(meta).encode()
        members = _forge(members, text[:-1] + b" " * FORGED_SIZE + b"}")
    else:
        names = {"theta": "fitted._state.theta", "classes": "fitted.classes_"}
        name = names.get(entry, f"fitted._state.{entry}" if entry == "history" else "extra")
        raw = npy(np.zeros(FORGED_SIZE // 8))
        members[f"{name}.npy"] = raw
        meta["digests"][name] = hashlib.sha256(raw).hexdigest()
        members = _forge(members, json.dumps(meta).encode())
    forged = _deflated(members)
    assert len(forged) < 2**20

    def try_loading():
        with pytest.raises(ModelFileError):
            load(io.BytesIO(forged))

    assert _peak_bytes(try_loading) < 16 * 2**20
