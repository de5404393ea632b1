"""
Tuning inside a Pipeline with GridSearchCV
==========================================

Scaling belongs inside the pipeline, so that each cross-validation fold scales with its own
training statistics. The grid crosses the size of the hidden layer with the L2 penalty.
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
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

sizes, alphas = [8, 32, 128], [1e-4, 1e-1, 10.0]
pipe = make_pipeline(StandardScaler(), SimpleMLPClassifier(solver="lbfgs", random_state=0))
search = GridSearchCV(
    pipe,
    {"simplemlpclassifier__hidden_layer_size": sizes, "simplemlpclassifier__alpha": alphas},
    cv=3,
)
search.fit(X_train, y_train)
print("best:", search.best_params_, f"test accuracy {search.score(X_test, y_test):.3f}")

# %%
scores = search.cv_results_["mean_test_score"].reshape(len(alphas), len(sizes))
fig, ax = plt.subplots(figsize=(5, 3.8))
image = ax.imshow(scores, cmap="viridis")
ax.set(
    xticks=range(len(sizes)),
    xticklabels=sizes,
    yticks=range(len(alphas)),
    yticklabels=alphas,
    xlabel="hidden_layer_size",
    ylabel="alpha",
    title="cross-validated accuracy",
)
for (i, j), value in np.ndenumerate(scores):
    ax.text(j, i, f"{value:.3f}", ha="center", va="center", color="w")
fig.colorbar(image)
fig.tight_layout()
plt.show()
