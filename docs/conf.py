"""Sphinx configuration of the sknn_simple documentation."""

import os
import sys
import warnings

from threadpoolctl import threadpool_limits

import sknn_simple

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "_ext"))
# The guide's reference code (guide/two_layer_net.py) and its figures' helpers import from here.
sys.path.insert(0, os.path.join(here, "guide"))

project = "sknn_simple"
author = "the sknn_simple developers"
copyright = "2026, the sknn_simple developers"
version = release = sknn_simple.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # serves MathJax from the built site: formulas render offline
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",  # the guide's figures, drawn during the build
    "guide_examples",  # _ext/guide_examples.py: runs the guide's >>> examples, :val: role
    "exercises",  # _ext/exercises.py: exercises with folded answers
]

html_theme = "pydata_sphinx_theme"
html_title = f"sknn_simple {version}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.md5",
    "auto_examples/*.json",
]

autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Links to NumPy, SciPy and scikit-learn, from small local inventories (the build machine may
# be offline; see _intersphinx/inventories.py).
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "_intersphinx"))
from inventories import write_inventories  # noqa: E402

intersphinx_mapping = write_inventories(
    os.path.join(os.path.dirname(__file__), "_build", "inventories")
)

# Every >>> example of these pages runs while the page is read; a changed output, an exception
# or a new warning fails the build (see _ext/guide_examples.py).
guide_examples_pages = [
    "guide/*",
    "activations",
    "robust_losses",
    "outputs_and_features",
    "early_stopping_scorers",
    "training_curves",
]

# The figures of the guide: code in guide/figures/*.py, run by matplotlib's plot directive.
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 120)]
plot_rcparams = {"figure.dpi": 120, "savefig.bbox": "tight", "font.size": 10}
plot_apply_rcparams = True

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "show_memory": False,
    "matplotlib_animations": False,
    # No sg_execution_times.rst in the sources: a build must not change tracked files.
    "write_computation_times": False,
}

# Examples run with a non-interactive backend and no stray warnings of our own.
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is currently")
sys.path.insert(0, os.path.abspath("."))
# One BLAS thread for everything the build runs (snippets, figures, examples): on a machine
# shared with other jobs, threads that wait for a core make small matrix products many times
# slower (the estimator still chooses its own threads during fit).
threadpool_limits(limits=1)
