"""
Early stopping and validation curves
====================================

With a validation set, every epoch records the validation loss and accuracy beside the training
loss. Early stopping ends training when the validation score has not improved for
``n_iter_no_change`` epochs, and keeps the weights of the best epoch. *Which* score it watches
matters: the loss (the default) or the accuracy (``scoring="accuracy"``, MLPClassifier's
choice) can pick very different epochs.
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

histories, kept = {}, {}
for scoring in ["loss", "accuracy"]:
    model = SimpleMLPClassifier(
        (200,),
        learning_rate_init=0.01,
        early_stopping=True,
        n_iter_no_change=8,
        scoring=scoring,
        random_state=0,
    )
    model.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    history = pd.DataFrame(model.history_)
    if scoring == "loss":
        best = history["validation_loss"].idxmin()
    else:
        best = history["validation_score"].idxmax()
    histories[scoring], kept[scoring] = history, best + 1
    print(
        f"scoring={scoring!r:11s} stopped after {model.n_iter_:2d} epochs and kept epoch "
        f"{best + 1:2d}: validation loss {history['validation_loss'][best]:.3f}, "
        f"accuracy {history['validation_score'][best]:.3f}"
    )

# %%
history = histories["loss"]
fig, (losses, accuracy) = plt.subplots(1, 2, figsize=(10, 3.6))
losses.plot(history["epoch"], history["loss"], label="training loss (with penalty)")
losses.plot(history["epoch"], history["validation_loss"], label="validation loss")
accuracy.plot(history["epoch"], history["validation_score"], color="C2")
for ax in (losses, accuracy):
    ax.axvline(kept["loss"], color="grey", ls="--", label='kept with scoring="loss"')
    ax.set(xlabel="epoch")
accuracy.axvline(kept["accuracy"], color="C3", ls=":", label='kept with scoring="accuracy"')
losses.set(yscale="log")
losses.legend(fontsize=8)
accuracy.set(ylabel="validation accuracy")
accuracy.legend(fontsize=8, loc="lower right")
fig.tight_layout()
plt.show()

# %%
# What the curves show
# --------------------
# The training loss falls all the way. The validation loss is lowest at an early epoch and
# then rises a little and stays there, while the validation accuracy keeps climbing for several
# more epochs. Both are right: after that early epoch the network gets more digits right, but
# grows more *confident* faster than it grows more *right*, and the cross-entropy charges the
# confident mistakes that remain heavily. Watching the loss (the default), early stopping keeps
# the early epoch, with the best-calibrated probabilities; watching the accuracy
# (``scoring="accuracy"``, as MLPClassifier does), it keeps a later one, with more right answers.
#
# Which to choose? The loss when the probabilities are used (ranking, thresholds, costs), the
# accuracy when only the label counts. Both numbers above come from the validation set that
# chose the epoch, so they flatter the model: compare the choices on a separate test set
# (guide, part 5). On a small validation set the accuracy moves in steps of one sample and may
# stop on a plateau too early; a larger ``n_iter_no_change`` makes either criterion more patient.
