"""scikit-learn's own conformance checks, run on several configurations.

No check is marked as expected to fail: every configuration must pass all of them.

Early stopping runs here with ``validation_split="grouped"`` and ``scoring="loss"``: the checks
compare a sample of weight ``k`` with ``k`` copies of it, which MLPClassifier's random split
(the default, as it is rows it draws, not weight) does not treat alike, and ask for fits on a
handful of rows, of which it refuses to hold out fewer than 2 (as MLPClassifier does).

Not here, by nature: ``dropout > 0`` draws an independent mask for each row, so ``k`` copies of a
row are not the same as one row of weight ``k`` (the sample-weight equivalence checks), and
``scoring="accuracy"`` with extreme class weights stops on ties of the weighted accuracy. Both
are tested in ``test_training_control.py``. ``SimpleMLPRegressor(loss="poisson")`` neither:
the checks draw negative targets for multi-output regression, which the Poisson deviance
refuses, and judge every regressor by R² on data that are not counts (it is tested against
MLPRegressor's own Poisson loss in ``test_regressor.py``).

A limit of the sample-weight checks with ``solver="newton-cg"``: they hold when the weighted
and the repeated fit stop at the same point, and on their 15-row problem, which the network
separates, the loss keeps falling towards 0 with ever larger weights, so two runs that differ
by one rounding stop apart. ReLU passes by stopping early (9 iterations, loss 0.95, dead
units); with ``tol=1e-10`` it differs by 0.004 in probability too, ``"leaky_relu"`` by 0.001 and
``"gelu"`` alone by 0.06. The mixed configurations below (``("gelu", "tanh")`` and
``("silu", "elu")``, 50 iterations as the regressor's Newton configuration) stop at one point
and pass; the activations themselves are checked against finite differences in
``test_network.py``.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn_simple import MLPClassifier, MLPRegressor, SimpleMLPClassifier, SimpleMLPRegressor

EARLY_STOPPING = dict(early_stopping=True, validation_split="grouped", scoring="loss")
CONFIGURATIONS = [
    SimpleMLPClassifier(solver="adam"),
    SimpleMLPClassifier(solver="sgd"),
    SimpleMLPClassifier(solver="sgd", momentum=0.0, batch_size="full", learning_rate_init=0.1),
    SimpleMLPClassifier(activation="sigmoid"),
    SimpleMLPClassifier(**EARLY_STOPPING, learning_rate_init=0.01),
    SimpleMLPClassifier(solver="lbfgs"),
    # Newton with 50 iterations, as the regressor's below: the checks' small problems need no
    # more, and the iterations past them were a third of the time of all the checks
    SimpleMLPClassifier(solver="newton-cg", max_iter=50),
    SimpleMLPClassifier(solver="newton-cg", activation="tanh", **EARLY_STOPPING),
    SimpleMLPClassifier(
        solver="newton-cg", curvature="hessian", curvature_fraction=1.0, max_iter=50
    ),
    SimpleMLPClassifier(class_weight="balanced"),
    # two hidden layers, with every solver
    *(SimpleMLPClassifier((20, 10), solver=solver) for solver in ("adam", "sgd", "lbfgs")),
    SimpleMLPClassifier((20, 10), solver="newton-cg", max_iter=50),
    SimpleMLPClassifier((20, 10), **EARLY_STOPPING, learning_rate_init=0.01),
    # the regressor, with every solver (Newton at depth 2; 50 of its iterations, the expensive
    # ones, are plenty for the checks' small problems and take a quarter of the time of 200)
    *(SimpleMLPRegressor(solver=solver) for solver in ("adam", "sgd", "lbfgs")),
    SimpleMLPRegressor(hidden_layer_sizes=(20, 10), solver="newton-cg", max_iter=50),
    SimpleMLPRegressor(**EARLY_STOPPING, learning_rate_init=0.01),
    # this package's additions, each with every solver that can train it, and one activation
    # per hidden layer (one reading its input, one its output) with every solver: the
    # classifier, the Huber loss, the pinball loss (not with newton-cg, which refuses a loss
    # without curvature)
    SimpleMLPClassifier((20, 10), activation=("gelu", "tanh")),
    SimpleMLPClassifier((20, 10), activation=("gelu", "tanh"), solver="newton-cg", max_iter=50),
    *(
        SimpleMLPRegressor("huber", (20, 10), ("silu", "elu"), solver=solver)
        for solver in ("adam", "sgd", "lbfgs")
    ),
    SimpleMLPRegressor("huber", (20, 10), ("silu", "elu"), solver="newton-cg", max_iter=50),
    *(
        SimpleMLPRegressor("quantile", (20, 10), ("gelu", "leaky_relu"), solver=solver)
        for solver in ("adam", "lbfgs")
    ),
    # (SGD's constant pull of the pinball loss at the default rate needs the default network
    # to reach the checks' R² of 0.5 on their data in 200 epochs; two layers of 20 and 10 do not)
    SimpleMLPRegressor("quantile", solver="sgd"),
    # under scikit-learn's names, with scikit-learn's defaults
    MLPClassifier(),
    MLPRegressor(),
]


# scikit-learn before 1.9 hands pytest a generator of checks, which pytest deprecates: a list
_CHECKS = parametrize_with_checks(CONFIGURATIONS)
_CHECKS = pytest.mark.parametrize(_CHECKS.args[0], list(_CHECKS.args[1]), **_CHECKS.kwargs)


@_CHECKS
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
