"""A network's hidden layer as features: a transformer that can sit inside a Pipeline.

A wrapper rather than a ``transform`` method on the estimators: a classifier with ``transform``
would be taken for a transformer by scikit-learn's checks and meta-estimators, and the
``MLPClassifier`` alias must keep scikit-learn's methods exactly. The wrapper fits its network
on ``(X, y)`` like any meta-estimator (``SelectFromModel`` does the same), or uses a network
fitted already when it is wrapped in :class:`sklearn.frozen.FrozenEstimator`.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, TransformerMixin, clone
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted

from ._base import BaseSimpleMLP


class HiddenFeatures(TransformerMixin, MetaEstimatorMixin, BaseEstimator):
    """The activations of one hidden layer of a network, as features for another estimator.

    ``fit`` trains a clone of ``estimator`` on ``(X, y)``; ``transform`` returns the outputs
    ``A_l = f(Z_l)`` of hidden layer ``layer`` for the rows of ``X``: what the network learned
    to compute from the inputs, for a linear model, a nearest-neighbour search or a plot.

    Parameters
    ----------
    estimator : SimpleMLPClassifier or SimpleMLPRegressor
        The network to train (cloned by ``fit``), or a fitted one wrapped in
        :class:`sklearn.frozen.FrozenEstimator`, which ``fit`` leaves as it is.
    layer : int, default=-1
        Which hidden layer: 0 is the first, -1 the last (the one the output layer reads).

    Attributes
    ----------
    estimator_ : estimator
        The fitted network (or the ``FrozenEstimator`` around it).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit``, when ``X`` has string column names.

    See Also
    --------
    SimpleMLPClassifier.decision_function : The network's raw outputs.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn_simple import HiddenFeatures, SimpleMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> net = SimpleMLPClassifier(hidden_layer_sizes=(32,), max_iter=50, random_state=0)
    >>> pipe = make_pipeline(StandardScaler(), HiddenFeatures(net), LogisticRegression())
    >>> pipe.fit(X, y).score(X, y) > 0.9
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "layer": [Interval(Integral, None, None, closed="neither")],
    }

    def __init__(self, estimator, layer=-1):
        self.estimator = estimator
        self.layer = layer

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # as the networks: CSR and CSC inputs
        tags.target_tags.required = True  # the network trains on y
        return tags

    def fit(self, X, y=None, **fit_params):
        """Train a clone of the network on ``(X, y)`` (a ``FrozenEstimator`` is not trained).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets of the network (labels or values).
        **fit_params : dict
            Passed to the network's ``fit`` (``sample_weight``, ``X_val``, ...).

        Returns
        -------
        self : HiddenFeatures
            The fitted transformer.
        """
        self._validate_params()
        if isinstance(self.layer, bool):  # an Integral to Python, not a layer
            raise ValueError(f"layer={self.layer!r}: give a layer's index, e.g. -1 for the last.")
        _network_in(self.estimator)  # a TypeError before any training
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        net = _network_in(self.estimator_)
        n_hidden = len(net.coefs_) - 1
        if not -n_hidden <= self.layer < n_hidden:
            raise ValueError(
                f"layer={self.layer}: the network has {n_hidden} hidden layer(s); choose a "
                f"layer from {-n_hidden} to {n_hidden - 1} (-1 is the last)."
            )
        self.n_features_in_ = net.n_features_in_
        if hasattr(net, "feature_names_in_"):
            self.feature_names_in_ = net.feature_names_in_
        return self

    def transform(self, X):
        """The hidden layer's activations for the rows of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs, checked as the network checks them.

        Returns
        -------
        features : ndarray of shape (n_samples, n_units)
            Row ``i`` holds the outputs of the layer's units for sample ``i``.
        """
        check_is_fitted(self)
        return _network_in(self.estimator_)._hidden_activations(X, self.layer)

    def get_feature_names_out(self, input_features=None):
        """Get the names of the output features: ``hiddenfeatures{layer}_{unit}``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored (the units do not depend on the names of the inputs).

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per unit of the layer.
        """
        check_is_fitted(self)
        coefs = _network_in(self.estimator_).coefs_
        layer = self.layer % (len(coefs) - 1)  # coefs[l] maps the inputs of layer l to it
        n_units = coefs[layer].shape[1]
        return np.asarray([f"hiddenfeatures{layer}_{i}" for i in range(n_units)], dtype=object)


def _network_in(estimator):
    """The network ``estimator`` is, or the one a ``FrozenEstimator`` wraps; TypeError else."""
    net = getattr(estimator, "estimator", estimator)
    if not isinstance(net, BaseSimpleMLP):
        raise TypeError(
            "HiddenFeatures needs a SimpleMLPClassifier or SimpleMLPRegressor (or one wrapped "
            f"in FrozenEstimator), not {type(net).__name__}."
        )
    return net
