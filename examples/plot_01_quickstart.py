"""
Quickstart: digits in a few lines
=================================

Train a one-hidden-layer network on scikit-learn's 8x8 digit images, measure it on held-out
images, and look at how the training loss fell from epoch to epoch.
"""

# %%
# Load the data and hold out 20 % for testing. The pixels range from 0 to 16; scaling each to
# zero mean and unit variance (inside the pipeline, so that the test images are scaled with the
# training statistics) lets the network learn quickly.
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=42
)

model = make_pipeline(
    StandardScaler(),
    SimpleMLPClassifier(hidden_layer_sizes=(100,), random_state=0),
)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# The fitted network is the last step of the pipeline. ``coefs_`` holds one weight matrix per
# layer (two here: ``hidden_layer_sizes=(64, 32)`` would give three). ``loss_curve_`` holds the
# training loss (cross-entropy plus the L2 penalty) after each epoch.
net = model[-1]
W1, W2 = net.coefs_
print(f"{net.n_iter_} epochs; W1 has shape {W1.shape}, W2 {W2.shape}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(range(1, net.n_iter_ + 1), net.loss_curve_)
ax.set(
    xlabel="epoch", ylabel="training loss", yscale="log", title="Adam on digits"
)
fig.tight_layout()
plt.show()

# %%
# Probabilities for the first test images: each row sums to one, and ``predict`` picks the
# most probable class.
print(model.predict_proba(X_test[:3]).round(3))
print("predicted:", model.predict(X_test[:3]), "true:", y_test[:3])
