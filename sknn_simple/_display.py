"""Training curves to look at: a display in scikit-learn's style (``from_estimator``, ``plot``).

It reads a fitted estimator's ``history_`` (one record per epoch or iteration) and draws the
training loss, the validation loss and the validation score, marks the best epoch and the
epochs where the learning rate changed. matplotlib is imported only by :meth:`plot` (the
``plot`` extra), as scikit-learn's displays do.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .training.history import HISTORY_KEYS


class TrainingCurveDisplay:
    """Training curves of a fitted network: losses and validation score per epoch.

    Create it with :meth:`from_estimator`, which also plots; or construct it from the curves
    and call :meth:`plot`. Every solver and both estimators have the curves: an "epoch" is a
    solver iteration for ``"lbfgs"`` and ``"newton-cg"``.

    Parameters
    ----------
    epochs : ndarray of shape (n_epochs,)
        The epoch (or iteration) numbers, counted over every call that trained the weights.
    loss : ndarray of shape (n_epochs,)
        The training loss with its penalty (``loss_curve_``).
    validation_loss : ndarray of shape (n_epochs,) or None, default=None
        The validation loss (no penalty); NaN where there was no validation set.
    validation_score : ndarray of shape (n_epochs,) or None, default=None
        The validation score (accuracy, R² or the negative loss; what ``scoring`` chose).
    learning_rate : ndarray of shape (n_epochs,) or None, default=None
        The learning rate in force in each epoch (NaN for the full-batch solvers).
    best_epoch : int or None, default=None
        The epoch to mark as the best: the one whose weights early stopping kept, or the one
        of the lowest training loss without early stopping.
    estimator_name : str or None, default=None
        The name in the legend and the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes of the losses.
    score_ax_ : matplotlib Axes or None
        The twin axes of the validation score, when there is one.
    figure_ : matplotlib Figure
        The figure of ``ax_``.
    lines_ : dict of str to matplotlib Line2D
        The drawn curves, by name (``"loss"``, ``"validation_loss"``, ``"validation_score"``).

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Scores against the training set's size.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sknn_simple import SimpleMLPClassifier, TrainingCurveDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> model = SimpleMLPClassifier(early_stopping=True, random_state=0).fit(X / 16, y)
    >>> display = TrainingCurveDisplay.from_estimator(model)
    >>> sorted(display.lines_)
    ['loss', 'validation_loss', 'validation_score']
    """

    def __init__(
        self,
        *,
        epochs,
        loss,
        validation_loss=None,
        validation_score=None,
        learning_rate=None,
        best_epoch=None,
        estimator_name=None,
    ):
        self.epochs = epochs
        self.loss = loss
        self.validation_loss = validation_loss
        self.validation_score = validation_score
        self.learning_rate = learning_rate
        self.best_epoch = best_epoch
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None):
        """Plot the training curves of a fitted ``SimpleMLPClassifier`` or ``SimpleMLPRegressor``.

        Parameters
        ----------
        estimator : SimpleMLPClassifier or SimpleMLPRegressor
            A fitted network (``fit`` or ``partial_fit``).
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        name : str, default=None
            The name in the title; the estimator's class name when None.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with the curves drawn.
        """
        check_is_fitted(estimator)
        table = estimator.history_.to_array()  # (n_epochs, len(HISTORY_KEYS))
        column = dict(zip(HISTORY_KEYS, table.T, strict=True))

        def present(values):
            return None if np.isnan(values).all() else values

        # The epoch whose weights early stopping kept (by the validation score, or loss with
        # scoring="loss"); otherwise the one of the lowest training loss (the first of ties).
        best = estimator._state.best_epoch
        if best is None and len(table):
            best = int(column["epoch"][int(np.argmin(column["loss"]))])
        display = cls(
            epochs=column["epoch"].astype(int),
            loss=column["loss"],
            validation_loss=present(column["validation_loss"]),
            validation_score=present(column["validation_score"]),
            learning_rate=present(column["learning_rate"]),
            best_epoch=best,
            estimator_name=name or type(estimator).__name__,
        )
        return display.plot(ax=ax)

    def plot(self, ax=None, *, name=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        name : str, default=None
            The name in the title; ``estimator_name`` when None.

        Returns
        -------
        display : TrainingCurveDisplay
            This display, with ``ax_``, ``score_ax_``, ``figure_`` and ``lines_`` set.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        name = name or self.estimator_name
        lines = {"loss": ax.plot(self.epochs, self.loss, label="training loss")[0]}
        if self.validation_loss is not None:
            lines["validation_loss"] = ax.plot(
                self.epochs, self.validation_loss, label="validation loss"
            )[0]
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        score_ax = None
        if self.validation_score is not None:
            score_ax = ax.twinx()
            lines["validation_score"] = score_ax.plot(
                self.epochs, self.validation_score, color="tab:green", label="validation score"
            )[0]
            score_ax.set_ylabel("validation score")
        if self.best_epoch is not None:
            ax.axvline(self.best_epoch, color="grey", linestyle="--", label="best epoch")
        if self.learning_rate is not None:
            changed = self.epochs[1:][np.diff(self.learning_rate) != 0]
            for i, epoch in enumerate(changed):
                ax.axvline(
                    epoch,
                    color="tab:red",
                    linestyle=":",
                    label="learning rate changed" if i == 0 else None,
                )
        handles = [*ax.get_legend_handles_labels()[0]]
        if score_ax is not None:
            handles += score_ax.get_legend_handles_labels()[0]
        # where it covers the fewest points of the curves and the epoch markers
        (score_ax or ax).legend(handles=handles, loc="best", framealpha=0.9)
        if name:
            ax.set_title(f"Training curves of {name}")
        self.ax_, self.score_ax_, self.figure_, self.lines_ = ax, score_ax, ax.figure, lines
        return self
