"""Model files: round trips, clear errors, a fuzzer, and the pickle/skops paths."""

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sknn_simple import ModelFileError, SimpleMLPClassifier, load, save


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


def test_warm_start_continues_after_loading(digits):
    X, y = digits
    settings_ = dict(max_iter=3, shuffle=False, tol=0.0, random_state=0)
    once = SimpleMLPClassifier(10, **settings_).set_params(max_iter=6)
    with pytest.warns(ConvergenceWarning, match=r"max_iter=\d+"):
        once.fit(X, y)
    first = SimpleMLPClassifier(10, warm_start=True, **settings_)
    with pytest.warns(ConvergenceWarning, match=r"max_iter=\d+"):
        first.fit(X, y)
    resumed = round_trip(first)
    with pytest.warns(ConvergenceWarning, match=r"max_iter=\d+"):
        resumed.fit(X, y)  # the optimizer's state came back too
    np.testing.assert_allclose(resumed._theta, once._theta, rtol=1e-12)


def test_save_refuses_what_it_cannot_write(digits):
    X, y = digits
    with pytest.raises(TypeError, match="writes a SimpleMLPClassifier"):
        save(StandardScaler().fit(X), io.BytesIO())
    with pytest.raises(TypeError, match="StandardScaler steps"):
        save(make_pipeline(MinMaxScaler(), SimpleMLPClassifier(max_iter=1)).fit(X, y), io.BytesIO())
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        save(SimpleMLPClassifier(), io.BytesIO())


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
    import hashlib

    members_newer = dict(members)
    members_newer["metadata.npy"] = npy(np.frombuffer(text, np.uint8))
    members_newer["metadata_sha256.npy"] = npy(
        np.frombuffer(hashlib.sha256(text).digest(), np.uint8)
    )
    cases["format version 99.*Upgrade sknn_simple"] = zipped(members_newer)
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
        section = data.draw(
            st.sampled_from([meta, meta["classifier"], meta["classifier"]["params"]])
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


def test_skops_needs_only_this_class_trusted(digits, tmp_path):
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
    np.testing.assert_allclose(
        model.predict_proba(X), np.load(DATA / f"{name}_proba.npy"), rtol=1e-12, atol=0
    )
