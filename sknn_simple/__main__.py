"""``python -m sknn_simple``: train on the digits data shipped with scikit-learn and report."""

import sys

from .cli.main import main

if __name__ == "__main__":
    sys.exit(main())
