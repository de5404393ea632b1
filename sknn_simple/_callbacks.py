"""scikit-learn's callbacks (1.9+; ``ProgressBar``, ``ScoringMonitor``, ...) for one fit.

On older versions :class:`CallbackSupportMixin` is an empty stand-in and no callback runs.
"""

try:  # scikit-learn >= 1.9: experimental callbacks (ProgressBar, ScoringMonitor, ...)
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # older versions: no callbacks, nothing else changes

    class CallbackSupportMixin:
        """Stand-in without callbacks for scikit-learn < 1.9."""


class FitCallbacks:
    """scikit-learn's callbacks (1.9+) for one fit: a task per epoch or iteration."""

    def __init__(self, estimator, data, max_subtasks, task_name):
        self.estimator, self.data, self.task_name = estimator, data, task_name
        self.root = estimator._init_callback_context(max_subtasks=max_subtasks)
        self.root.call_on_fit_task_begin(estimator=estimator, **data)
        self.task = None

    def begin_iteration(self):
        self.task = self.root.subcontext(task_name=self.task_name)
        self.task.call_on_fit_task_begin(estimator=self.estimator, **self.data)

    def end_iteration(self, state):
        task, self.task = self.task, None
        return task.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=lambda: {"_state": state.snapshot()},
            **self.data,
        )

    def close(self):
        """Close the task of an iteration that did not run (the solver stopped first)."""
        if self.task is not None:
            self.task.call_on_fit_task_end(estimator=self.estimator)
            self.task = None

    def end_fit(self):
        self.root.call_on_fit_task_end(
            estimator=self.estimator, reconstruction_attributes={}, **self.data
        )


def start_callbacks(estimator, given, incremental, stochastic):
    """The callbacks of one fit of ``estimator`` (1.9+), or None when none are set.

    ``given`` is ``(X, y, sample_weight)`` as the caller passed them: what callbacks see.
    """
    if not getattr(estimator, "_skl_callbacks", None):
        return None
    X, y, sample_weight = given
    data = {
        "X": X,
        "y": y,
        "metadata": {} if sample_weight is None else {"sample_weight": sample_weight},
    }
    # A second-order solver's loop opens the task of the next iteration before knowing
    # whether it will run: one more than max_iter (as in LogisticRegression).
    max_subtasks = 1 if incremental else estimator.max_iter + (not stochastic)
    return FitCallbacks(estimator, data, max_subtasks, "epoch" if stochastic else "iteration")
