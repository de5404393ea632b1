"""
Class weights and dropout on an imbalanced problem
==================================================

With 5 % of the samples in one class, a network minimizing the plain cross-entropy can ignore
that class. ``class_weight="balanced"`` gives both classes the same total weight and raises the
recall of the rare one; ``dropout`` regularizes by switching hidden units off at random while
training (in every hidden layer).
"""

# %%
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay, recall_score
from sklearn.model_selection import train_test_split

from sknn_simple import SimpleMLPClassifier

X, y = make_classification(
    4000, 10, n_informative=4, weights=[0.95], flip_y=0.02, class_sep=0.6, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

models = {
    "plain": SimpleMLPClassifier((20,), max_iter=100, random_state=0),
    "class_weight='balanced'": SimpleMLPClassifier(
        (20,), max_iter=100, class_weight="balanced", random_state=0
    ),
    "balanced + dropout=0.3": SimpleMLPClassifier(
        (20,), max_iter=100, class_weight="balanced", dropout=0.3, random_state=0
    ),
}
fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
for ax, (name, model) in zip(axes, models.items(), strict=True):
    # 100 epochs is a fixed training budget, the same for the three models: the comparison is
    # at equal training time. The loss is still falling slowly by then, which each fit would
    # report with a ConvergenceWarning; that is expected here, so it is silenced.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    recall = recall_score(y_test, model.predict(X_test))
    ConfusionMatrixDisplay.from_estimator(model, X_test, y_test, ax=ax, colorbar=False)
    ax.set_title(f"{name}\nrecall of class 1: {recall:.2f}")
fig.tight_layout()
plt.show()
