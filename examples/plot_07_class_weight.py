"""
Class weights and dropout on an imbalanced problem
==================================================

With 5 % of the samples in one class, a network minimizing the plain cross-entropy can ignore
that class. ``class_weight="balanced"`` gives both classes the same total weight; ``dropout``
regularizes by switching hidden units off at random while training (in every hidden layer).
The example trains the three side by side and prints, for each, the *recall* of the rare class
(the share of its samples that the model finds), the *precision* (the share of the model's
"rare" answers that are right), and the accuracy on the test and the training sets.
"""

# %%
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    precision_score,
    recall_score,
)
from sklearn.model_selection import train_test_split

from sknn_simple import SimpleMLPClassifier

X, y = make_classification(
    4000,
    10,
    n_informative=4,
    weights=[0.95],
    flip_y=0.02,
    class_sep=0.6,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, stratify=y, random_state=0
)

models = {
    "plain": SimpleMLPClassifier((20,), max_iter=100, random_state=0),
    "class_weight='balanced'": SimpleMLPClassifier(
        (20,), max_iter=100, class_weight="balanced", random_state=0
    ),
    "balanced + dropout=0.3": SimpleMLPClassifier(
        (20,),
        max_iter=100,
        class_weight="balanced",
        dropout=0.3,
        random_state=0,
    ),
}
fig, axes = plt.subplots(1, 3, figsize=(7.2, 3.2))
for ax, (name, model) in zip(axes, models.items(), strict=True):
    # 100 epochs is a fixed training budget, the same for the three models: the
    # comparison is at equal training time. The loss is still falling slowly by
    # then, which each fit would report with a ConvergenceWarning; that is
    # expected here, so it is silenced.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    predicted = model.predict(X_test)
    recall = recall_score(y_test, predicted)
    precision = precision_score(y_test, predicted)
    print(
        f"{name}: recall {recall:.2f}, precision {precision:.2f}\n"
        f"  accuracy: test {model.score(X_test, y_test):.3f}, "
        f"training {model.score(X_train, y_train):.3f}"
    )
    ConfusionMatrixDisplay.from_estimator(
        model, X_test, y_test, ax=ax, colorbar=False
    )
    ax.set_title(f"{name}\nrecall of class 1: {recall:.2f}", fontsize=10)
fig.tight_layout()
plt.show()

# %%
# What it shows
# -------------
# The plain network rarely answers "class 1": it finds only a small share of the rare samples
# (low recall), though most of its few "class 1" answers are right (high precision), and its
# accuracy is the highest of the three, because always answering "class 0" would already be
# 95 % right. Balanced class weights make a missed rare sample cost as much, in total, as all
# the common ones: the network now finds most of the rare samples, at the price of many false
# alarms (low precision) and a lower accuracy. Neither is "better": choose by what each kind of
# error costs, or move the decision threshold on ``predict_proba`` instead.
#
# Dropout changes little here. It fights a gap between training and test scores, and this small
# network has none to fight: its training and test accuracies are close (last two columns
# above). It is no remedy for imbalance.
