"""The command line: ``sknn-simple`` (or ``python -m sknn_simple``).

Every command checks what it is given (parameter values, input files, output paths, optional
dependencies) before it starts working, and reports each problem as one line on stderr with exit
status 2 (usage) or 1 (anything else); ``--traceback`` shows the full Python traceback instead.
``parser.py`` holds the parser, ``commands.py`` the commands, ``params.py`` reads and checks
parameter values, ``task.py`` is the ``--task auto`` rule. Outputs are written whole or not at
all (``io/atomic.py``): a failed command leaves the files it would have replaced as they were.
This module parses, runs the command, and turns its errors into lines.
"""

import os
import sys

from .parser import build_parser


def _error_lines(exc):
    """What to print for ``exc``: one line per problem, every file error as ``PATH: what``."""
    from .csv_files import file_problem
    from .params import CommandError, first_line

    if isinstance(exc, CommandError):
        return str(exc).splitlines()
    if isinstance(exc, OSError) and exc.filename is not None:
        return [file_problem(exc.filename, exc)]
    return [first_line(exc)]


def main(argv=None):
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # the options given, then the demo's defaults
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "demo"])
    if args.command == "benchmark" and (args.data is None) != (args.target is None):
        parser.error("benchmark: give both DATA.csv and --target, or neither")
    if getattr(args, "cv", 2) < 2:
        parser.error("--cv must be at least 2")
    if getattr(args, "n_jobs", None) == 0:
        parser.error("--n-jobs must not be 0 (1 runs one fit at a time, -1 one per core)")
    # Only now the commands, and scikit-learn with them: --help and usage errors need neither.
    from ..io.model_files import ModelFileError
    from .commands import COMMANDS
    from .csv_files import DataFileError
    from .params import CommandError

    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # the reader stopped early (| head): not an error of the command
        # Python flushes stdout at exit, which would fail again: point it at nothing first
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (
        CommandError,
        DataFileError,
        ModelFileError,
        ValueError,
        OSError,
        ImportError,
        MemoryError,
    ) as exc:
        if args.traceback:
            raise
        for line in _error_lines(exc):
            print(f"sknn-simple {args.command}: error: {line}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # python -m sknn_simple.cli.main: the same as python -m sknn_simple
    sys.exit(main())
