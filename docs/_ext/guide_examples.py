"""Run the guide's code while Sphinx reads it; any drift fails the build.

Every ``>>>`` example of a page matched by ``guide_examples_pages`` (``conf.py``) runs when
Sphinx reads the page: in order, in one namespace per page, as in a Python session. An output
that differs from the one written under its example, or an exception, is reported as a Sphinx
warning at the example's line, so that ``sphinx -W`` fails. A warning raised by an example is
printed as a ``Category: message`` line, which its expected output must show: a snippet that
starts to warn, like one whose numbers change, fails the build.

The role ``:val:`expression:format``` writes a value computed by the page's examples into the
prose, formatted as in an f-string (``:val:`score:.2f``` gives ``0.96``): the numbers of the
text come from the same run as the snippets. The expression sees the names as the last example
above the role left them, as a reader who ran the page so far would.

Matching uses ``doctest.ELLIPSIS`` and ``NORMALIZE_WHITESPACE``. The examples run with one
BLAS thread: on a machine shared with other jobs, threads that wait for a core make small
matrix products many times slower.

An example marked ``# doctest: +APPROX`` reports a long run whose last digits depend on the
processor (OpenBLAS picks its kernels for the CPU it runs on, so sums are rounded in another
order: :doc:`/training_control`, "Reproducible fits"), such as a thousand L-BFGS iterations of a
network of one hidden unit: its decimal numbers may differ by :data:`APPROX_RELATIVE` of their
value, and everything else must match, integers included. Sphinx does not show the mark.

Sphinx is imported only in :func:`setup`: ``tests/test_guide.py`` runs parts of pages with
:func:`run_examples`.
"""

import doctest
import fnmatch
import re
import sys
import traceback
import warnings

from threadpoolctl import threadpool_limits

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
APPROX = doctest.register_optionflag("APPROX")
#: How far a decimal number of an ``APPROX`` example may be from the one written.
APPROX_RELATIVE = 0.03
_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


class _Checker(doctest.OutputChecker):
    """doctest's checker; with ``APPROX``, decimal numbers within :data:`APPROX_RELATIVE`."""

    def check_output(self, want, got, optionflags):
        if super().check_output(want, got, optionflags):
            return True
        if not optionflags & APPROX:
            return False
        wanted, found = _NUMBER.findall(want), _NUMBER.findall(got)
        if (
            len(wanted) != len(found)
            or _NUMBER.sub("#", want).split() != _NUMBER.sub("#", got).split()
        ):
            return False
        return all(
            abs(float(a) - float(b)) <= APPROX_RELATIVE * max(abs(float(a)), abs(float(b)))
            for a, b in zip(wanted, found, strict=True)
        )


class _Runner(doctest.DocTestRunner):
    """A DocTestRunner that collects ``(line, message)`` failures instead of printing them."""

    def __init__(self, snapshots):
        super().__init__(checker=_Checker(), optionflags=FLAGS)
        self.problems = []
        self.snapshots = snapshots

    def _snapshot(self, test, example):
        if self.snapshots is not None:  # the names as this example left them
            self.snapshots.append((example.lineno + 1, dict(test.globs)))

    def report_success(self, out, test, example, got):
        self._snapshot(test, example)

    def report_failure(self, out, test, example, got):
        self._snapshot(test, example)
        self.problems.append(
            (
                example.lineno,
                f"example gives a different output\n{example.source}"
                f"expected:\n{example.want}got:\n{got}",
            )
        )

    def report_unexpected_exception(self, out, test, example, exc_info):
        self._snapshot(test, example)
        error = "".join(traceback.format_exception_only(*exc_info[:2])).strip()
        self.problems.append((example.lineno, f"example raises\n{example.source}{error}"))


def _show_warning(message, category, filename, lineno, file=None, line=None):
    sys.stdout.write(f"{category.__name__}: {message}\n")  # doctest's captured output


def section(text, label):
    """The part of ``text`` from the label ``.. _label:`` to the next label, other lines blank.

    Blank lines keep the line numbers of the page.
    """
    lines = text.splitlines(keepends=True)
    start = lines.index(f".. _{label}:\n")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(".. _")), len(lines))
    return "".join(line if start <= i < end else "\n" for i, line in enumerate(lines))


def run_examples(text, name, filename=None, snapshots=None):
    """Run the ``>>>`` examples of ``text``; return their namespace and the failures.

    ``failures`` is a list of ``(line, message)``, lines counted from 1. If ``snapshots`` is a
    list, ``(line, names)`` is appended to it after each example: a shallow copy of the
    namespace as the example at that line left it.
    """
    test = doctest.DocTestParser().get_doctest(text, {"__name__": name}, name, filename, 0)
    runner = _Runner(snapshots)
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("always")
        warnings.showwarning = _show_warning
        runner.run(test, clear_globs=False)
    return test.globs, [(line + 1, message) for line, message in runner.problems]


# --- Sphinx ---------------------------------------------------------------------------------

_SNAPSHOTS = {}  # docname -> [(line, names)] after each of its examples, while Sphinx reads it


def _on_source_read(app, docname, source):
    if not any(fnmatch.fnmatch(docname, p) for p in app.config.guide_examples_pages):
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    snapshots = [(0, {})]
    _, failures = run_examples(source[0], docname, app.env.doc2path(docname), snapshots)
    for line, message in failures:
        logger.warning(message, location=(docname, line))
    _SNAPSHOTS[docname] = snapshots


def _on_doctree_read(app, doctree):
    _SNAPSHOTS.pop(app.env.docname, None)


def _names_at(docname, line):
    """The namespace as the last example above ``line`` left it."""
    snapshots = _SNAPSHOTS[docname]
    return max((s for s in snapshots if s[0] < line), key=lambda s: s[0])[1]


_FORMAT = re.compile(r"^(?P<expression>.+?)(?::(?P<spec>[^:\[\]()]*))?$", re.DOTALL)


def _value_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    from docutils import nodes

    docname = inliner.document.settings.env.docname
    # The line in the page's own source (directives such as plot insert lines of their own).
    line = inliner.reporter.get_source_and_line(lineno)[1] or lineno
    try:
        namespace = _names_at(docname, line)
        match = _FORMAT.match(text)
        value = eval(match["expression"], dict(namespace))  # the page's own code, nothing else
        formatted = format(value, match["spec"] or "")
    except Exception as error:  # report any failure at the role's line
        message = inliner.reporter.error(
            f":val:`{text}` cannot be computed: {error!r}", line=lineno
        )
        problem = inliner.problematic(rawtext, rawtext, message)
        return [problem], [message]
    return [nodes.Text(formatted)], []


def setup(app):
    app.add_config_value("guide_examples_pages", [], "env")
    app.connect("source-read", _on_source_read)
    app.connect("doctree-read", _on_doctree_read)
    app.add_role("val", _value_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
