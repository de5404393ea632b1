"""The network as pure NumPy functions: no estimator, no scikit-learn.

``activations``  the hidden activations (registry ``ACTIVATIONS``)
``heads``        output functions and their losses (registry ``HEADS``)
``network``      the layout of the flat parameter vector, forward pass, loss and gradient
``curvature``    exact Hessian-vector products (R-operator)
``blas``         three array operations faster than NumPy's own spelling
"""
