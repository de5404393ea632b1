"""Full-batch gradient descent on digits with three learning rates (chapter 4's loop)."""

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from two_layer_net import TwoLayerNet

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, test_size=0.2, random_state=42)

fig, ax = plt.subplots(figsize=(6.5, 3.4))
for learning_rate, verdict in [(0.1, "too small"), (3.0, "about right"), (30.0, "too large")]:
    net = TwoLayerNet(n_hidden=32, learning_rate=learning_rate).fit(X_train, y_train, epochs=200)
    accuracy = (net.predict(X_test) == y_test).mean()
    ax.plot(net.losses, label=f"{learning_rate:g} ({verdict}): test accuracy {accuracy:.2f}")
ax.set(xlabel="epoch (one step each)", ylabel="training loss", yscale="log")
ax.legend(title="learning rate", fontsize=8)
fig.tight_layout()
