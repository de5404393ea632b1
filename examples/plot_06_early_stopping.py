"""
Early stopping and validation curves
====================================

With a validation set, every epoch records the validation loss and accuracy beside the training
loss. Early stopping ends training when the validation score has not improved for
``n_iter_no_change`` epochs, and keeps the weights of the best epoch. *Which* score it watches
matters: the validation loss (``scoring="loss"``) or the accuracy (``scoring="accuracy"``,
MLPClassifier's choice) can pick very different epochs. The example passes ``scoring``
explicitly and runs both.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn_simple import SimpleMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.25, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

histories, kept, stopped, models = {}, {}, {}, {}
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
    histories[scoring], models[scoring] = history, model
    kept[scoring], stopped[scoring] = best + 1, model.n_iter_
    at_best = history.loc[best]
    print(
        f"scoring={scoring!r}: stopped after {model.n_iter_} epochs, "
        f"kept epoch {best + 1}\n"
        f"  validation loss {at_best['validation_loss']:.3f}, "
        f"accuracy {at_best['validation_score']:.3f}"
    )

# %%
# The accuracy run trained longer, so its history shows both stops. The dashed line is the
# epoch the loss run kept, the dotted one the epoch the accuracy run kept; the loss run stopped
# where the grey band begins, the accuracy run where it ends.
history = histories["accuracy"]
fig, (losses, accuracy) = plt.subplots(2, 1, figsize=(6.4, 7.0), sharex=True)
losses.plot(
    history["epoch"],
    history["loss"],
    label="training loss (epoch mean, with penalty)",
)
losses.plot(
    history["epoch"],
    history["validation_loss"],
    label="validation loss (epoch end)",
)
accuracy.plot(
    history["epoch"],
    history["validation_score"],
    color="C2",
    label="validation accuracy",
)
for ax in (losses, accuracy):
    ax.axvline(
        kept["loss"], color="grey", ls="--", label='kept with scoring="loss"'
    )
    ax.axvline(
        kept["accuracy"],
        color="C3",
        ls=":",
        label='kept with scoring="accuracy"',
    )
    ax.axvspan(
        stopped["loss"],
        stopped["accuracy"],
        color="0.93",
        zorder=0,
        label='"loss" run stopped',
    )
losses.set(yscale="log", ylabel="loss")
accuracy.set(xlabel="epoch", ylabel="validation accuracy")
# One legend below both panels: inside, it would hide the curves or the vertical
# lines.
handles, labels = losses.get_legend_handles_labels()
handles.insert(2, accuracy.get_lines()[0])
labels.insert(2, "validation accuracy")
fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=9)
fig.tight_layout(rect=(0, 0.13, 1, 1))
plt.show()

# %%
# In the first two epochs the validation loss is *below* the training loss. The two are not
# measured alike. The training loss of an epoch is the mean of its batches' losses, each
# computed *before* that batch's step, with the L2 penalty: epoch 1's mean includes the losses
# of the random starting weights. The validation loss is computed once, at the end of the
# epoch, without penalty. Measured the validation way, at the end of epoch 1, the training set's
# loss is below the validation loss, as it should be. (One epoch is the budget here, on
# purpose, so its ConvergenceWarning is silenced.)
one_epoch = SimpleMLPClassifier(
    (200,), learning_rate_init=0.01, max_iter=1, random_state=0
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    one_epoch.fit(X_train, y_train)
recorded = one_epoch.loss_curve_[0]
above = histories["accuracy"]["loss"][0]
print(
    f"epoch 1: training loss as recorded {recorded:.3f} "
    f"(the run above: {above:.3f})"
)
print(
    "at the epoch's end, without penalty: "
    f"training {log_loss(y_train, one_epoch.predict_proba(X_train)):.3f}, "
    f"validation {log_loss(y_val, one_epoch.predict_proba(X_val)):.3f}"
)

# %%
# What the curves show
# --------------------
# The training loss falls all the way. The validation loss is lowest at an early epoch and
# then rises a little and stays there, while the validation accuracy keeps climbing for several
# more epochs. Both are right: after that early epoch the network gets more digits right, but
# grows more *confident* faster than it grows more *right*, and the cross-entropy charges the
# confident mistakes that remain heavily. Watching the loss, early stopping keeps
# the early epoch, with the best-calibrated probabilities; watching the accuracy
# (``scoring="accuracy"``, as MLPClassifier does), it keeps a later one, with more right answers.
#
# Which to choose? The loss when the probabilities are used (ranking, thresholds, costs), the
# accuracy when only the label counts. Both numbers above come from the validation set that
# chose the epoch, so they flatter the model: compare the choices on a separate test set
# (guide, part 6). On a small validation set the accuracy moves in steps of one sample and may
# stop on a plateau too early; a larger ``n_iter_no_change`` makes either criterion more patient.
