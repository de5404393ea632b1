"""The package's own exception: a fit that diverged with no usable weights.

Everything else the package raises is one of Python's or scikit-learn's classes
(``ValueError``, ``NotFittedError``, ...), as scikit-learn's estimators do.
"""


class DivergenceError(ValueError):
    """Training diverged and no weights of the fit have a finite training loss.

    Raised by ``fit`` and ``partial_fit`` when the loss overflowed and neither the last
    weights nor those of the last recorded epoch (or iteration) give a finite loss on the
    training data, so there is no usable model. The estimator is left as it was before the
    call. A subclass of ``ValueError``, the class scikit-learn's MLPs raise for weights that
    became infinite, so code that catches that keeps working.

    See Also
    --------
    SimpleMLPClassifier, SimpleMLPRegressor : The estimators that raise it.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn_simple import SimpleMLPRegressor
    >>> from sknn_simple.exceptions import DivergenceError
    >>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
    >>> try:
    ...     SimpleMLPRegressor(solver="sgd", learning_rate_init=1e3, random_state=0).fit(
    ...         X, 1e6 * X.ravel()
    ...     )
    ... except DivergenceError as error:
    ...     print(str(error)[:17])
    Training diverged
    """
