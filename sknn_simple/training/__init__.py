"""Training: one state, the update rules and loops that change it, and what watches them.

``state``       the :class:`TrainingState`: everything a fit changes
``solvers``     the solver registry (``SOLVERS``); ``optimizers``: SGD and Adam update rules
``schedule``    the learning-rate schedule and the plateau rule
``minibatch``   mini-batches and one epoch over them
``full_batch``  the full-data objective, its curvature, and L-BFGS through SciPy
``newton``      ``newton-cg``: subsampled curvature, damped conjugate gradients, line search
``monitor``     after each epoch: validation, records, early stopping, callbacks
``loop``        ``train``: one call of fit or partial_fit
``threads``     how many BLAS threads a fit (or a prediction) uses
``split``       the early-stopping hold-out split
"""
