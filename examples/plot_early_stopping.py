"""
Early stopping and validation curves
====================================

With a validation set, every epoch records the validation loss and accuracy beside the training
loss. Early stopping ends training when the validation loss stops improving and keeps the
weights of the best epoch.
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

model = SimpleMLPClassifier(
    (200,), learning_rate_init=0.01, early_stopping=True, n_iter_no_change=8, random_state=0
)
model.fit(X_train, y_train, X_val=X_val, y_val=y_val)
history = pd.DataFrame(model.history_)
best = history["validation_loss"].idxmin()
print(history.tail(3).round(4).to_string())
print(f"stopped after {model.n_iter_} epochs; kept epoch {best + 1}")

# %%
fig, (losses, accuracy) = plt.subplots(1, 2, figsize=(10, 3.6))
losses.plot(history["epoch"], history["loss"], label="training loss (with penalty)")
losses.plot(history["epoch"], history["validation_loss"], label="validation loss")
losses.axvline(best + 1, color="grey", ls="--", label="kept epoch")
losses.set(xlabel="epoch", yscale="log")
losses.legend()
accuracy.plot(history["epoch"], history["validation_score"], color="C2")
accuracy.axvline(best + 1, color="grey", ls="--")
accuracy.set(xlabel="epoch", ylabel="validation accuracy")
fig.tight_layout()
plt.show()
