"""
Cross-validated comparison with MLPClassifier and logistic regression
=====================================================================

Three-fold cross-validation on scikit-learn's embedded data sets, every model behind a
StandardScaler. ``sknn-simple benchmark`` prints the same comparison (with fit times).

The comparison runs with one BLAS thread (``threadpool_limits(limits=1)``). Nearly all of its
time is MLPClassifier's training, whose matrix products are small (batches of 200 rows): with
the default threads on a machine shared with other jobs, threads that wait for a core made it
take over 200 seconds instead of about 26. One thread changes no result, only the time.
(sknn_simple chooses its own number of threads while it fits, so the limit hardly concerns it.)
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sknn_simple import SimpleMLPClassifier

datasets = {
    "wine": load_wine,
    "breast cancer": load_breast_cancer,
    "digits": load_digits,
}
models = {
    "SimpleMLPClassifier": lambda: SimpleMLPClassifier(random_state=0),
    "MLPClassifier": lambda: MLPClassifier(random_state=0),
    "LogisticRegression": lambda: LogisticRegression(max_iter=1000),
}
results = {}
# Every model runs with its defaults, as a user would first try it. On the two
# small data sets the networks' 200 Adam epochs end before the loss settles, and
# each fit would warn about it; the comparison is of the defaults on purpose, so
# those warnings are silenced here.
with warnings.catch_warnings(), threadpool_limits(limits=1):
    warnings.simplefilter("ignore", ConvergenceWarning)
    for data_name, loader in datasets.items():
        X, y = loader(return_X_y=True)
        for model_name, make in models.items():
            scores = cross_val_score(
                make_pipeline(StandardScaler(), make()), X, y, cv=3
            )
            results[data_name, model_name] = scores
            mean, std = scores.mean(), scores.std()
            print(f"{data_name:14s} {model_name:20s} {mean:.3f} +/- {std:.3f}")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
width = 0.25
for k, model_name in enumerate(models):
    means = [results[d, model_name].mean() for d in datasets]
    stds = [results[d, model_name].std() for d in datasets]
    where = np.arange(len(datasets)) + (k - 1) * width
    ax.bar(where, means, width, yerr=stds, label=model_name)
ax.set(
    xticks=range(len(datasets)),
    xticklabels=list(datasets),
    ylim=(0.85, 1.0),
    ylabel="accuracy (3-fold)",
)
fig.legend(
    loc="lower center", ncol=3
)  # below the axes: inside, it covered the digits bars
fig.tight_layout(rect=(0, 0.08, 1, 1))
plt.show()

# %%
# What it teaches
# ---------------
# sknn_simple and MLPClassifier score the same (they train the same network the same way). On
# wine and breast cancer, logistic regression scores as well as both networks: those classes are
# (almost) linearly separable, so a hidden layer has nothing to add but cost and variance. On
# digits the networks lead by about two points, more than the spread across folds: there the
# hidden units learn features of the strokes that no linear function of the pixels captures.
# Start with the linear model, and use the network where it underfits (guide, part 6: "When is a
# linear model enough?").
