"""Docstrings shared between the estimators and their scikit-learn-named aliases."""

import inspect
import textwrap


def renamed_docstring(cls, name, summary, examples):
    """The docstring of ``cls`` under scikit-learn's ``name``: ``summary`` (one paragraph),
    then ``cls``'s sections from Parameters to See Also, then ``examples`` (the Examples
    section's lines). The sections are shared, so the two docstrings cannot drift apart."""
    # Python 3.13 strips a docstring's indentation when it compiles it, older versions keep it:
    # the cleaned text, indented as the summary and examples are, is the same on every version.
    doc = textwrap.indent(inspect.cleandoc(cls.__doc__), "    ")
    sections = doc[doc.index("    Parameters\n") : doc.index("    Examples\n")]
    intro = textwrap.fill(
        f"It is :class:`{cls.__name__}` under the name {name}: a subclass that changes "
        f"nothing but the name, so ``from sknn_simple import {name}`` in place of ``from "
        f"sklearn.neural_network import {name}`` is the only change code needs. Pipeline step "
        f"names and the ``repr`` are scikit-learn's (``make_pipeline(StandardScaler(), "
        f"{name}())`` names its step ``{name.lower()}``, so grids keyed "
        f"``{name.lower()}__alpha`` work).",
        width=96,
        initial_indent="    ",
        subsequent_indent="    ",
    )
    return f"{summary}\n\n{intro}\n\n{sections}    Examples\n    --------\n{examples}    "
