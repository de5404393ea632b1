"""The data of a fit: the training and validation sets checked, and early stopping's hold-out.

A mixin of ``BaseSimpleMLP``: these methods call the subclass's hooks (``_prepare_targets``,
``_encode_validation_targets``, ``_hold_out_strata``, ``_score_outputs``), which know the
classes or the targets; the split itself (``training/split.py``) knows neither.
"""

import copy
import warnings

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_array, validate_data

from ._params import validation_scorer
from ._report import warn
from .core.heads import mean_loss
from .training.split import random_split, validation_mask, weight_share


class FitData:
    """Checking and splitting the data of a fit (a mixin of ``BaseSimpleMLP``)."""

    def _validate_training_data(self, X, y, sample_weight, reset, incremental, target_options):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32) if reset else self._state.theta.dtype,
            reset=reset,
            ensure_min_samples=1 if incremental else 2,
        )
        Y, sample_weight = self._prepare_targets(
            y, sample_weight, X, reset, incremental, **target_options
        )
        return X, Y, sample_weight

    def _validate_validation_data(self, X_val, y_val, sample_weight_val, dtype):
        if X_val is None or y_val is None:
            alone = X_val is None and y_val is None  # only sample_weight_val was given
            raise ValueError(
                "X_val and y_val must be given together"
                + (" (sample_weight_val weighs their samples)." if alone else ".")
            )
        try:  # scikit-learn's messages call it X: say which argument was refused
            X_val = validate_data(
                self, X_val, accept_sparse=["csr", "csc"], dtype=dtype, reset=False
            )
        except ValueError as exc:
            raise ValueError(f"X_val was refused (it is checked as X is): {exc}") from None
        # y_val as validate_data checks a multi-output y, under its own name in any message
        y_val = check_array(
            y_val, accept_sparse="csr", ensure_2d=False, dtype=None, input_name="y_val"
        )
        if X_val.shape[0] != y_val.shape[0]:
            raise ValueError(
                f"X_val has {X_val.shape[0]} samples and y_val has {y_val.shape[0]}; y_val "
                "must hold one target per row of X_val."
            )
        Y_val, sample_weight_val = self._encode_validation_targets(
            y_val, sample_weight_val, X_val.shape[0], dtype
        )
        return X_val, Y_val, sample_weight_val

    def _hold_out(self, X, Y, sample_weight, state):
        """Split off early stopping's validation set: ``(X, Y, sample_weight, validation)``.

        The first split of these weights draws from the call's random stream, as
        MLPClassifier's does (``validation_split="random"``: its very rows); a warm-started
        fit draws again from the stream as it stood then, so it holds out the same rows of the
        same data instead of validating on rows it trained on.
        """
        if state.split_rng is None:
            state.split_rng, split_rng = copy.deepcopy(state.rng), state.rng
        else:
            split_rng = copy.deepcopy(state.split_rng)
        fraction = self.validation_fraction
        strata = self._hold_out_strata(Y, self.validation_split)
        if self.validation_split == "random":
            train_rows, held_out = random_split(X.shape[0], fraction, split_rng, strata)
            if sample_weight is not None:
                self._warn_if_weighted_far_off(weight_share(sample_weight, held_out), fraction)
        else:
            seed = split_rng.randint(np.iinfo(np.int32).max)
            held_out = validation_mask(X, Y, sample_weight, fraction, seed, strata)
            train_rows = ~held_out
        w_val = None if sample_weight is None else sample_weight[held_out]
        if not np.any(held_out) or (w_val is not None and not w_val.any()):
            raise ValueError(
                "The validation set for early stopping is empty: the data set is too small "
                f"for validation_fraction={fraction}. Increase validation_fraction, add "
                "samples, pass X_val and y_val, or set early_stopping=False."
            )
        w_train = None if sample_weight is None else sample_weight[train_rows]
        return X[train_rows], Y[train_rows], w_train, (X[held_out], Y[held_out], w_val)

    #: How far (a factor) the sample weight of MLPClassifier's hold-out may be from
    #: ``validation_fraction``, on either side of the split, before a warning says so.
    WEIGHT_SHARE_FACTOR = 3.0

    def _warn_if_weighted_far_off(self, share, fraction):
        """MLPClassifier's split draws rows, not weight: say so when the held-out rows carry
        a share of the weight far from ``validation_fraction`` (heavy-tailed weights)."""
        factor = self.WEIGHT_SHARE_FACTOR
        if 1 / factor <= share / fraction <= factor and (
            1 / factor <= (1 - share) / (1 - fraction) <= factor
        ):
            return
        original = "MLPClassifier" if is_classifier(self) else "MLPRegressor"
        warn(
            f"Early stopping held out validation_fraction={fraction} of the rows, as "
            f"{original} does, but they carry {share:.1%} of the sample weight, so the "
            "validation score weighs far from what was asked. To hold out that share of the "
            "weight, set validation_split='grouped'; or pass X_val and y_val.",
            UserWarning,
        )

    def _validator(self, X, Y, sample_weight):
        """``validate(theta) -> (score, loss)`` on an encoded validation set, for the monitor."""

        scorer = validation_scorer(self, self._builtin_score)
        y = None if scorer is None else self._decode_targets(Y)
        head = self._head()

        def validate(theta):
            Z = self._forward(X, theta)
            scale = head.report_scale(Y.shape[1])  # as loss_curve_
            loss = scale * mean_loss(Z.copy(), Y, head, sample_weight)
            if not np.isfinite(loss):  # outputs overflowed (exp of a Poisson head): no score
                return -np.inf, loss  # can rank them, and scikit-learn's would raise inside
            if self.scoring == "loss":  # the score is the negative loss (as in scikit-learn's
                return -loss, loss  # HistGradientBoosting): the one value early stopping watches
            if scorer is None:
                return self._score_outputs(Z, Y, sample_weight), loss
            # The scorer predicts with the estimator's weights: theta is the training state's
            # own vector (the monitor validates the weights being trained, in place).
            assert theta is self._state.theta
            with warnings.catch_warnings():  # X is checked already, and has no column names
                warnings.filterwarnings("ignore", "X does not have valid feature names")
                kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
                return float(scorer(self, X, y, **kwargs)), loss

        if scorer is not None:  # a scorer that cannot score these targets fails before training
            try:
                validate(self._state.theta)
            except Exception as exc:
                raise ValueError(
                    f"scoring={self.scoring!r} cannot score this validation set ({exc}); "
                    "choose a scorer for this kind of target."
                ) from exc
        return validate
