"""The learning-rate schedule and the plateau rule that stops training: one place for both.

After every epoch (or solver iteration), :func:`end_of_epoch` receives the monitored value
(higher is better: minus the training loss, or the validation score) and updates the
training state:

* the plateau bookkeeping: an epoch that does not beat the best value so far by ``tol``
  counts as "no improvement";
* ``learning_rate="invscaling"``: ``eta = learning_rate_init / (t + 1) ** power_t``, ``t`` the
  samples seen so far;
* after more than ``n_iter_no_change`` epochs without improvement, training stops, except:
  with ``"adaptive"`` (MLPClassifier's rule) the rate is divided by 5 and the count starts
  again, the best value kept, until the rate is at most 1e-6; with ``"plateau"`` the rate is
  divided by 5 and the plateau is judged afresh from the current value (so one lucky epoch
  cannot shrink the rate forever, scikit-learn#15596), until it would fall below 1e-6.

Which schedule applies is the caller's decision (the solver registry's ``follows_schedule``):
MLPClassifier applies ``learning_rate`` to ``"sgd"`` only; Adam keeps its rate ("constant"),
unless ``"plateau"`` is asked for; the second-order solvers use only the plateau rule, for
early stopping.
"""

#: ``"adaptive"`` stops once the rate is at most this, ``"plateau"`` once it would fall below.
SMALLEST_ADAPTIVE_RATE = 1e-6


def plateau_update(value, reference, count, tol):
    """Track a monitored value where higher is better (a score, or minus a loss).

    An epoch counts as "no improvement" when ``value`` does not beat ``reference`` (the best
    value so far) by at least ``tol``; returns the new ``(reference, count)``.
    """
    count = count + 1 if value < reference + tol else 0
    return max(reference, value), count


def invscaling_rate(learning_rate_init, n_samples_seen, power_t):
    """Inverse-scaling schedule ``eta = eta_0 / (t + 1)^power_t``, ``t`` the samples seen so far."""
    return learning_rate_init / (n_samples_seen + 1) ** power_t


def end_of_epoch(state, value, params, schedule):
    """Apply ``schedule`` after one epoch; returns ``(stop, message)``.

    ``message`` (None if nothing happened) ends MLPClassifier's sentence "... did not improve
    more than tol=... for ... consecutive epochs.", for ``verbose``.
    """
    state.plateau_reference, state.no_improvement_count = plateau_update(
        value, state.plateau_reference, state.no_improvement_count, params["tol"]
    )
    if schedule == "invscaling":
        state.learning_rate = invscaling_rate(
            params["learning_rate_init"], state.t, params["power_t"]
        )
    if state.no_improvement_count <= params["n_iter_no_change"]:
        return False, None
    message = (
        f"did not improve more than tol={params['tol']:f} for {params['n_iter_no_change']} "
        "consecutive epochs."
    )
    if schedule == "adaptive":  # MLPClassifier's: the count starts again, the best is kept
        if state.learning_rate <= SMALLEST_ADAPTIVE_RATE:
            return True, f"{message} Learning rate too small. Stopping."
        state.learning_rate /= 5
        state.no_improvement_count = 0
        return False, f"{message} Setting learning rate to {state.learning_rate:f}"
    if schedule == "plateau" and state.learning_rate / 5 >= SMALLEST_ADAPTIVE_RATE:
        state.learning_rate /= 5
        # Judge the next plateau from where we are now, not from the best epoch ever seen.
        state.plateau_reference, state.no_improvement_count = value, 0
        return False, f"{message} Setting learning rate to {state.learning_rate:f}"
    return True, f"{message} Stopping."
