"""scikit-learn's own conformance checks, run on several configurations.

No check is marked as expected to fail: every configuration must pass all of them.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn_simple import SimpleMLPClassifier

CONFIGURATIONS = [
    SimpleMLPClassifier(solver="adam"),
    SimpleMLPClassifier(solver="sgd"),
    SimpleMLPClassifier(solver="sgd", momentum=0.0, batch_size="full", learning_rate_init=0.1),
    SimpleMLPClassifier(activation="sigmoid"),
    SimpleMLPClassifier(early_stopping=True, learning_rate_init=0.01),
    SimpleMLPClassifier(solver="lbfgs"),
    SimpleMLPClassifier(solver="newton-cg"),
    SimpleMLPClassifier(solver="newton-cg", activation="tanh", early_stopping=True),
]


@parametrize_with_checks(CONFIGURATIONS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
