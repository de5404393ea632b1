"""The same network, learning rate and epochs on digits, with the pixels scaled three ways."""

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from two_layer_net import TwoLayerNet

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
scaler = StandardScaler().fit(X_train)
scalings = {
    "pixels / 255 (the tutorial)": lambda X: X / 255,
    "pixels / 16 (their true range)": lambda X: X / 16,
    "StandardScaler (mean 0, variance 1)": scaler.transform,
}
fig, ax = plt.subplots(figsize=(6.5, 3.4))
for name, scale in scalings.items():
    net = TwoLayerNet(n_hidden=32, learning_rate=1.0).fit(scale(X_train), y_train, epochs=200)
    accuracy = (net.predict(scale(X_test)) == y_test).mean()
    ax.plot(net.losses, label=f"{name}: test accuracy {accuracy:.2f}")
ax.set(xlabel="epoch", ylabel="training loss", yscale="log")
ax.legend(title="learning rate 1.0, inputs scaled by", fontsize=8)
fig.tight_layout()
