"""Parameter values from ``--param NAME=VALUE`` and grid files, checked before any work.

Values are JSON (a bare word such as ``relu`` is text). Every value goes through what the
estimator itself would check when fitting, short of the data: scikit-learn's parameter
validation (``_validate_params``), then the package's own rules (the hidden layers' sizes, the
solvers dropout needs), and the size of the network the command can save. Parsing is bounded
too: a value nested deeper than :data:`MAX_NESTING` levels, a grid file larger than
:data:`MAX_GRID_BYTES` or with more than :data:`MAX_CANDIDATES` candidates is refused in one
line, never with a RecursionError or a search that cannot end.
"""

import json

from .._params import check_solver_options, hidden_sizes, validation_scorer
from ..core.network import Layout
from ..io.model_files import size_problem
from .csv_files import DataFileError, reading

#: Parameter values are numbers, text, and lists or objects of them: a grid is an object of
#: lists of values (``{"hidden_layer_sizes": [[50], [50, 50]]}``), 4 levels.
MAX_NESTING = 8
#: A grid file is a small JSON object.
MAX_GRID_BYTES = 2**20
#: The candidates of a grid search (the product of the lengths of its lists).
MAX_CANDIDATES = 100_000


class CommandError(Exception):
    """Problems to report, one line each, with exit status 1."""


def parse_params(pairs, classes):
    """``name=value`` pairs as keyword arguments of one of ``classes`` (values as JSON)."""
    known = set().union(*(cls().get_params() for cls in classes))
    params = {}
    for pair in pairs or []:
        name, sep, text = pair.partition("=")
        if not sep:
            raise CommandError(f"--param {pair!r}: expected name=value, e.g. alpha=0.01")
        if name == "random_state":
            raise CommandError(f"--param {pair!r}: use --random-state {text} instead")
        if name not in known:
            raise CommandError(f"--param {name!r}: {no_parameter(classes)}; {_has(known)}")
        params[name] = _json(text, f"--param {name}", bare_words=True)
    return params


def read_grid(path, classes):
    """The grid of a grid file: an object of non-empty lists of values of ``classes``."""
    with reading(path) as f:
        text = f.read(MAX_GRID_BYTES + 1)
    if len(text) > MAX_GRID_BYTES:
        raise DataFileError(
            f"{path}: larger than {MAX_GRID_BYTES // 2**20} MiB; a grid is a small JSON object "
            "of parameter lists"
        )
    grid = _json(text, path)
    if (
        not isinstance(grid, dict)
        or not grid
        or not all(isinstance(v, list) and v for v in grid.values())
    ):
        raise CommandError(
            f"{path}: expected an object of parameter lists, e.g. "
            '{"alpha": [0.0001, 0.01], "hidden_layer_sizes": [[50], [100], [50, 50]]}'
        )
    known = set().union(*(cls().get_params() for cls in classes))
    unknown = sorted(set(grid) - known)
    if unknown:
        raise CommandError(f"{path}: {no_parameter(classes, unknown[0])}")
    n_candidates = 1
    for values in grid.values():
        n_candidates *= len(values)
    if n_candidates > MAX_CANDIDATES:
        raise CommandError(
            f"{path}: {n_candidates:,} candidates (the product of the lists' lengths), more "
            f"than a search can try ({MAX_CANDIDATES:,}); search fewer values at a time"
        )
    return grid


def _json(text, where, bare_words=False):
    """The JSON value ``text`` (with ``bare_words``, text that is no JSON is itself), nested at
    most :data:`MAX_NESTING` levels."""
    try:
        value = json.loads(text)
    except RecursionError:
        value = None
        depth = MAX_NESTING + 1  # deeper than Python's recursion limit
    except json.JSONDecodeError as exc:
        if not bare_words:
            raise CommandError(f"{where}: not valid JSON ({exc})") from None
        return text  # a bare word such as relu
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise CommandError(f"{where}: not a valid value ({exc})") from None
    else:
        depth = _nesting(value)
    if depth > MAX_NESTING:
        raise CommandError(
            f"{where}: nested more than {MAX_NESTING} levels deep; parameter values are numbers, "
            "text, and lists or objects of them"
        )
    return value


def _nesting(value):
    """How many levels of lists and objects ``value`` has (a number or text: 1), counted
    without recursion."""
    depth, level = 0, [value]
    while level:
        depth += 1
        if depth > MAX_NESTING:
            return depth
        inner = []
        for item in level:
            if isinstance(item, dict):
                inner.extend(item.values())
            elif isinstance(item, list):
                inner.extend(item)
        level = inner
    return depth


def no_parameter(classes, name=None):
    """``X has no such parameter``, ``neither X nor Y has a parameter 'name'``, ..."""
    if len(classes) == 1:
        which = "such parameter" if name is None else f"parameter {name!r}"
        return f"{classes[0].__name__} has no {which}"
    which = "such a parameter" if name is None else f"a parameter {name!r}"
    return f"neither {' nor '.join(cls.__name__ for cls in classes)} has {which}"


def _has(known):
    return f"the parameters are {', '.join(sorted(known))}"


def check_values(grid, where, classes, hint=""):
    """Every value of ``grid`` (name -> values) through the estimators' own checks.

    Each value alone first, so that every bad value gets its line; then each combination (the
    candidates of a search), for the rules that involve several parameters (dropout needs a
    stochastic solver). A value is bad when every one of ``classes`` that has the parameter
    rejects it (their messages are shown, as one that names each estimator when they say the
    same, followed by ``hint``). Raises CommandError with one line per distinct problem.
    """
    from sklearn.model_selection import ParameterGrid

    single = [{name: value} for name, values in grid.items() for value in values]
    for candidates in (single, ParameterGrid(grid)):
        problems = []
        for candidate in candidates:
            errors = []
            for cls in classes:
                if not set(candidate) <= set(cls().get_params()):
                    continue
                try:
                    check_estimator_params(cls().set_params(**candidate))
                    break
                except (ValueError, TypeError) as exc:
                    errors.append((cls.__name__, first_line(exc)))
            else:
                problem = f"{where}: {_rejection(errors)}{hint}" if errors else None
                if problem is not None and problem not in problems:
                    problems.append(problem)
        if problems:
            raise CommandError("\n".join(problems))


def check_estimator_params(estimator):
    """Raise the error that fitting ``estimator`` would raise for its parameters alone.

    scikit-learn's validation of each parameter, the package's rules that need no data (the
    hidden layers' sizes, dropout's solvers; early stopping's hold-out, since the commands pass
    no validation set), and the size of the network: even with one input and one output, it
    must fit in a model file (the commands save what they train).
    """
    estimator._validate_params()
    validation_scorer(estimator, estimator._builtin_score)  # a scorer name it does not know
    hidden = hidden_sizes(estimator.hidden_layer_sizes)
    check_solver_options(estimator.solver, estimator.dropout)
    if estimator.early_stopping and estimator.validation_fraction == 0:
        raise ValueError(
            "early_stopping=True holds out validation_fraction of the rows to watch, and "
            "validation_fraction=0 holds out none; set validation_fraction > 0 (e.g. 0.1)"
        )
    problem = size_problem(Layout.of(1, hidden, 1).sizes)
    if problem is not None:
        raise ValueError(
            f"hidden_layer_sizes={list(hidden)}: with one input and one output, {problem}; "
            "use smaller hidden layers"
        )


def _rejection(errors):
    """One line for a value that every estimator rejected, from ``[(class name, message)]``.

    The messages of scikit-learn's parameter validation name the estimator: the same rule of
    both is said once, naming both (not only the classifier, when the task is not settled yet);
    different rules (such as the options of ``scoring``) are each said.
    """
    first_name, first = errors[0]
    if all(message.replace(name, first_name) == first for name, message in errors):
        return first.replace(first_name, " and ".join(name for name, _ in errors))
    return " ".join(message for _, message in errors)


def first_line(error):
    """The first non-blank line of an error message (some start with a newline)."""
    text = str(error)
    return next((line for line in text.splitlines() if line.strip()), type(error).__name__)
