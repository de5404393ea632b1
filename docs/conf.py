"""Sphinx configuration of the sknn_simple documentation."""

import os
import sys
import warnings

import sknn_simple

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
