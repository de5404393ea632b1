"""
Tuning inside a Pipeline with GridSearchCV
==========================================

Scaling belongs inside the pipeline, so that each cross-validation fold scales with its own
training statistics. The grid crosses the hidden layers with the L2 penalty: one layer of 50 or
100 units, or two layers of 50 (``hidden_layer_sizes=(50, 50)``). The depth is one more
hyperparameter, searched like any other; the grid is the one scikit-learn users write for
``MLPClassifier``.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=42
)

# L-BFGS converges within its default max_iter=200 for each of these penalties,
# so no fit warns (with alpha=10 it needs several times as many iterations).
sizes, alphas = [(50,), (100,), (50, 50)], [1e-4, 1e-2, 1.0]
pipe = make_pipeline(
    StandardScaler(), SimpleMLPClassifier(solver="lbfgs", random_state=0)
)
search = GridSearchCV(
    pipe,
    {
        "simplemlpclassifier__hidden_layer_sizes": sizes,
        "simplemlpclassifier__alpha": alphas,
    },
    cv=3,
)
search.fit(X_train, y_train)
for name, value in search.best_params_.items():
    print(f"best {name.removeprefix('simplemlpclassifier__')}: {value}")
print(f"test accuracy {search.score(X_test, y_test):.3f}")
best = search.best_estimator_[-1]
print(
    "its layers:", [W.shape for W in best.coefs_], "n_layers_ =", best.n_layers_
)

# %%
# ``cv_results_`` lists the candidates with the last parameter (in alphabetical order,
# ``hidden_layer_sizes``) varying fastest: one row per ``alpha``.
scores = search.cv_results_["mean_test_score"].reshape(len(alphas), len(sizes))
fig, ax = plt.subplots(figsize=(5, 3.8))
image = ax.imshow(scores, cmap="viridis")
ax.set(
    xticks=range(len(sizes)),
    xticklabels=[str(size) for size in sizes],
    yticks=range(len(alphas)),
    yticklabels=alphas,
    xlabel="hidden_layer_sizes",
    ylabel="alpha",
    title="cross-validated accuracy",
)
for (i, j), value in np.ndenumerate(scores):
    ax.text(j, i, f"{value:.3f}", ha="center", va="center", color="w")
fig.colorbar(image)
fig.tight_layout()
plt.show()
