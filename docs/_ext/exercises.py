"""Exercises with collapsed answers: the ``exercise`` directive.

``.. exercise::`` holds a question; an ``.. answer::`` inside it holds the answer, which the
HTML page shows folded (a ``<details>`` element: the reader clicks "Answer" to open it). The
answer's ``>>>`` examples are ordinary examples of the page: the build runs them like any
other (``guide_examples.py``), so a wrong answer fails the build.
"""

from docutils import nodes
from docutils.parsers.rst import Directive


class answer(nodes.General, nodes.Element):
    """An answer: folded in HTML."""


class AnswerDirective(Directive):
    has_content = True

    def run(self):
        node = answer()
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class ExerciseDirective(Directive):
    has_content = True

    def run(self):
        node = nodes.admonition(classes=["exercise"])
        node += nodes.title(text="Exercise")
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def _visit_answer_html(self, node):
    self.body.append('<details class="answer"><summary>Answer</summary>\n')


def _depart_answer_html(self, node):
    self.body.append("</details>\n")


def _visit_answer_other(self, node):
    pass  # other builders show the answer as plain content


def setup(app):
    app.add_node(
        answer,
        html=(_visit_answer_html, _depart_answer_html),
        latex=(_visit_answer_other, _visit_answer_other),
        text=(_visit_answer_other, _visit_answer_other),
    )
    app.add_directive("exercise", ExerciseDirective)
    app.add_directive("answer", AnswerDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
