"""The docstrings: the two estimators document what they share alike, and every public object
passes numpydoc's validation (as scikit-learn's own ``sklearn/tests/test_docstrings.py`` does).

Both need numpydoc (the ``test-core`` extra installs it); without it the module is skipped.
"""

import importlib
import inspect
import pkgutil

import pytest

docscrape = pytest.importorskip("numpydoc.docscrape")
numpydoc_validate = pytest.importorskip("numpydoc.validate")

import sknn_simple  # noqa: E402
from sknn_simple import (  # noqa: E402
    MLPClassifier,
    MLPRegressor,
    SimpleMLPClassifier,
    SimpleMLPRegressor,
)

SECTIONS = ("Parameters", "Attributes")

#: Entries documented by both estimators whose texts differ on purpose, each with the reason.
#: Everything else the two share (a parameter's behaviour is one code path in ``_base.py``)
#: must read the same, so that a fix to one docstring reaches the other.
INTENTIONALLY_DIFFERENT = {
    "hidden_layer_sizes": "each names the linear model it becomes without hidden layers",
    "scoring": "the validation score is accuracy for the classifier, R² for the regressor",
    "validation_split": "only the classifier stratifies the hold-out (by class)",
    "curvature": "Gauss-Newton falls short on saturated probabilities, not the squared error",
    "loss_": "only the regressor averages its reported loss over the outputs (MLPRegressor's)",
    "validation_scores_": "accuracy against R²",
    "validation_loss_curve_": "each names its own loss (cross-entropy, squared error)",
    "best_validation_score_": "accuracy against R², which is NaN on a single sample",
    "n_outputs_": "output units per class or label against columns of y",
    "out_activation_": "the output functions differ (softmax/logistic against identity/exp)",
}

#: Entries only one of the two documents: the parameters and attributes of classes, and of the
#: regressor's choice of loss.
ONLY_IN = {
    SimpleMLPClassifier: {"class_weight", "classes_"},
    SimpleMLPRegressor: {"loss", "huber_epsilon", "quantile"},
}


def _entries(cls):
    """``{name: (type, description)}`` of the Parameters and Attributes sections of ``cls``."""
    doc = docscrape.ClassDoc(cls, config={"show_class_members": False})
    return {p.name: (p.type, "\n".join(p.desc)) for section in SECTIONS for p in doc[section]}


def test_shared_parameter_docs_are_identical_unless_listed():
    classifier, regressor = _entries(SimpleMLPClassifier), _entries(SimpleMLPRegressor)
    assert set(classifier) - set(regressor) == ONLY_IN[SimpleMLPClassifier]
    assert set(regressor) - set(classifier) == ONLY_IN[SimpleMLPRegressor]
    shared = set(classifier) & set(regressor)
    assert {"alpha", "tol", "coefs_", "history_"} <= shared  # both sections were parsed
    drifted = sorted(
        name
        for name in shared - set(INTENTIONALLY_DIFFERENT)
        if classifier[name] != regressor[name]
    )
    assert not drifted, f"documented differently, with no reason listed: {drifted}"
    # A listed entry whose texts have become equal (or whose name is gone) is removed from the list.
    stale = sorted(
        name
        for name in INTENTIONALLY_DIFFERENT
        if name not in shared or classifier[name] == regressor[name]
    )
    assert not stale, f"listed as different but documented alike (or not at all): {stale}"


ALIASES = [(MLPClassifier, SimpleMLPClassifier), (MLPRegressor, SimpleMLPRegressor)]


@pytest.mark.parametrize(("alias", "original"), ALIASES)
def test_the_scikit_learn_names_carry_the_same_sections(alias, original):
    assert _entries(alias) == _entries(original)
    alias_doc = docscrape.ClassDoc(alias, config={"show_class_members": False})
    assert alias_doc["Examples"], "the alias has its own Examples section"


# --- numpydoc validation of every public object --------------------------------------------

#: Checks skipped everywhere, as scikit-learn skips them.
IGNORED = {
    # the summary starts on the line of the opening quotes (PEP 257, ruff's convention)
    "GL01",
    # a short docstring may close its quotes on its last line of text
    "GL02",
    # a Returns entry may name what it returns (``self : SimpleMLPClassifier``), as
    # scikit-learn's do, rather than give its type alone
    "RT02",
}
#: Checked for what a module exports (classes, functions), not for their methods and
#: properties: an extended summary, See Also and Examples. The class's own Examples show its
#: methods at work, as in scikit-learn (which checks these on classes only; the house style
#: asks every public function for a runnable example too).
EXPORTED_ONLY = {"ES01", "SA01", "EX01"}


def _public_modules():
    """The package and every module of it that declares its public names (``__all__``); a
    module that needs an optional dependency which is not installed comes as a skipped param."""
    found = [pytest.param(sknn_simple, id="sknn_simple")]
    for info in pkgutil.walk_packages(sknn_simple.__path__, "sknn_simple."):
        if info.name.endswith("__main__"):
            continue  # importing it would run the command line
        try:
            module = importlib.import_module(info.name)
        except ImportError as error:  # e.g. sknn_simple.onnx without skl2onnx
            reason = f"{info.name} needs {error.name}, not installed"
            found.append(pytest.param(None, id=info.name, marks=pytest.mark.skip(reason=reason)))
            continue
        if hasattr(module, "__all__"):
            found.append(pytest.param(module, id=info.name))
    return found


def _ours(value):
    """Whether a class attribute is a method or property written in this package (not one
    scikit-learn generates, such as the metadata-routing ``set_fit_request``)."""
    if isinstance(value, (classmethod, staticmethod)):
        value = value.__func__
    if isinstance(value, property):
        value = value.fget
    return inspect.isfunction(value) and value.__module__.startswith("sknn_simple")


def _public_objects(module):
    """``[(import path, object, exported)]``: the module's public callables, then the public
    methods and properties that this package's classes among them define. Classes come in
    order of inheritance, so an inherited method is named after the class that defines it."""
    values = [getattr(module, name) for name in module.__all__]
    exported = sorted(
        (value for value in values if callable(value)),  # not __version__
        key=lambda value: (len(getattr(value, "__mro__", ())), value.__name__),
    )
    objects = []
    for value in exported:
        path = f"{module.__name__}.{value.__name__}"
        objects.append((path, value, True))
        for cls in getattr(value, "__mro__", ())[::-1]:
            for attribute, member in vars(cls).items():
                if not attribute.startswith("_") and _ours(member):
                    objects.append((f"{path}.{attribute}", member, False))
    return objects


def _validation_cases():
    """One param per public object (each once: ``sknn_simple.load`` is
    ``sknn_simple.io.model_files.load``), or a skipped one per module that cannot be imported."""
    cases, seen = [], set()
    for param in _public_modules():
        (module,) = param.values
        if module is None:
            cases.append(pytest.param(param.id, True, id=param.id, marks=param.marks))
            continue
        for path, value, exported in _public_objects(module):
            key = id(value.fget if isinstance(value, property) else value)
            if key not in seen:
                seen.add(key)
                cases.append(pytest.param(path, exported, id=path))
    return cases


CASES = _validation_cases()


def test_validation_covers_every_public_name():
    paths = {param.values[0] for param in CASES}
    exported = [name for name in sknn_simple.__all__ if name != "__version__"]
    assert {f"sknn_simple.{name}" for name in exported} <= paths
    assert "sknn_simple.SimpleMLPClassifier.fit" in paths  # methods
    assert "sknn_simple.SimpleMLPRegressor.predict" in paths
    assert "sknn_simple.SimpleMLPClassifier.coefs_" in paths  # properties
    assert not any(path.endswith("set_fit_request") for path in paths)  # scikit-learn's


@pytest.mark.parametrize(("path", "exported"), CASES)
def test_docstring_passes_numpydoc_validation(path, exported):
    result = numpydoc_validate.validate(path)
    skipped = IGNORED if exported else IGNORED | EXPORTED_ONLY
    errors = [f"{code}: {message}" for code, message in result["errors"] if code not in skipped]
    assert not errors, f"{path} (line {result['file_line']}):\n" + "\n".join(errors)
