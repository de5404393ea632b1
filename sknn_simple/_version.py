"""The package's version: one place, imported by the package root, the model files and the
command line's ``--version`` (none of which has to import anything else for it)."""

__version__ = "0.1.0"
