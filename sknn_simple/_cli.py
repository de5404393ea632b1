"""Command-line entry point: ``python -m sknn_simple [demo]``."""

import argparse
import time

from sklearn.datasets import load_digits
from sklearn.metrics import accuracy_score, classification_report
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import __version__
from ._classifier import SimpleMLPClassifier


def demo(random_state=0):
    """Train on scikit-learn's digits, evaluate on a held-out 20 %, print a short report."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    print(
        f"digits: {X.shape[0]} images of 8x8 pixels, {len(set(y))} classes; "
        f"training on {len(y_train)}, testing on {len(y_test)}"
    )
    model = make_pipeline(
        StandardScaler(), SimpleMLPClassifier(hidden_layer_size=100, random_state=random_state)
    )
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    net = model[-1]
    print(f"trained {net.n_iter_} epochs in {seconds:.2f} s; final training loss {net.loss_:.4f}")
    y_pred = model.predict(X_test)
    print(f"test accuracy: {accuracy_score(y_test, y_pred):.4f}\n")
    print(classification_report(y_test, y_pred, digits=3))
    return 0


def main(argv=None):
    """Run the command line; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog="sknn-simple",
        description="A one-hidden-layer neural network classifier for scikit-learn "
        "(also runs as: python -m sknn_simple).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "command",
        nargs="?",
        default="demo",
        choices=["demo"],
        help="demo (default): train on the embedded digits data and report",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the network's initial weights and shuffling (default 0)",
    )
    args = parser.parse_args(argv)
    return demo(random_state=args.random_state)
