"""Mutation testing of the core and training modules, one by one, with the tests that pin each.

Usage (from the repository root, with ``pip install -e ".[test,mutation]"``)::

    python mutation/run.py                      # every module of the table, 2 workers
    python mutation/run.py split network        # some modules (a file name or its stem)
    python mutation/run.py --sample 10          # about 10 % of each module's mutants
    python mutation/run.py --workers 1

mutmut (3.x) changes one operator, constant or call at a time in a copy of the package
("a mutant") and runs the tests against it: a test that fails *kills* the mutant; a mutant that
passes every test *survives*, and is either a gap in the tests or *equivalent* (it computes the
same values, e.g. an ``out=`` dropped). mutmut picks the tests to run for each mutant itself
(those that call the mutated function), but from a single test selection for the whole run;
the core math is called by every test that fits a model, so one selection for the package would
run most of the suite for each of a thousand mutants: hours.

This script therefore runs mutmut once per module, in a work folder of its own
(``.mutation/<module>/``, rebuilt at each run, where ``mutmut show NAME`` and ``mutmut browse``
show the results afterwards), with that module as ``only_mutate`` and, as the test selection,
the module's tests from ``[tool.sknn_simple.mutation.modules]`` in ``pyproject.toml``.
The other settings come from ``[tool.mutmut]`` there. To add a module, add a line to that
table.

At the end it prints, per module, the mutants, killed, survived, those of the survivors listed
as equivalent in ``mutation/SURVIVORS.md``, the mutation score (killed over non-equivalent
mutants) and the wall time, and lists every survivor that the file does not explain. It exits
with status 1 if there is any, so that a change that opens a gap does not go unnoticed.
"""

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
SURVIVORS = ROOT / "mutation" / "SURVIVORS.md"
#: What a module's work folder needs of the repository (mutmut copies it into mutants/).
COPIED = ["sknn_simple", "tests", "conftest.py"]
#: mutmut's statuses that count as detected; every other checked status is a survivor.
DETECTED = {"killed", "timeout"}


def load_settings():
    """``[tool.mutmut]``, ``[tool.pytest.ini_options]`` and the module table of pyproject.toml."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        tool = tomllib.load(f)["tool"]
    return tool["mutmut"], tool["pytest"]["ini_options"], tool["sknn_simple"]["mutation"]["modules"]


def toml_value(value):
    """A TOML literal for a str, bool, number or list of them (all the settings use)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    return repr(value)


def toml_table(name, table):
    return "\n".join([f"[{name}]", *(f"{key} = {toml_value(v)}" for key, v in table.items())])


def prepare(module, tests, mutmut_settings, pytest_settings):
    """Refresh the module's work folder: a copy of the package and tests, and its settings."""
    folder = WORK / module.removesuffix(".py").replace("/", ".")  # e.g. sknn_simple.training.split
    folder.mkdir(parents=True, exist_ok=True)
    (WORK / ".gitignore").write_text("*\n")  # the work folders never reach git
    # mutmut keeps the verdict of a mutant until the mutated function changes, even when the
    # tests change: start from scratch, so that every run checks every mutant.
    shutil.rmtree(folder / "mutants", ignore_errors=True)
    for name in COPIED:
        target = folder / name
        if target.is_dir():
            shutil.rmtree(target)
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(source, target, ignore=ignore)
        else:
            shutil.copy2(source, target)
    settings = {
        **mutmut_settings,
        "only_mutate": [module],
        "pytest_add_cli_args_test_selection": list(tests),
    }
    (folder / "pyproject.toml").write_text(
        toml_table("tool.pytest.ini_options", pytest_settings)
        + "\n\n"
        + toml_table("tool.mutmut", settings)
        + "\n"
    )
    return folder


def mutmut(folder, *args, capture=False):
    """Run mutmut's command line in ``folder``, with single-threaded BLAS in every worker."""
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"  # the workers run side by side: one BLAS thread each
    command = [sys.executable, "-m", "mutmut", *args]
    result = subprocess.run(command, cwd=folder, env=env, text=True, capture_output=capture)
    if capture and result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
    return result


def statuses(folder, module):
    """``{mutant name: status}`` of the module's mutants, from ``mutmut results``."""
    prefix = module.removesuffix(".py").replace("/", ".") + "."
    output = mutmut(folder, "results", "--all", "true", capture=True).stdout
    found = {}
    for line in output.splitlines():
        name, _, status = line.strip().partition(": ")
        if name.startswith(prefix):
            found[name] = status
    return found


def explained_survivors():
    """The mutant names that ``mutation/SURVIVORS.md`` lists as equivalent."""
    if not SURVIVORS.exists():
        return set()
    return set(re.findall(r"`(sknn_simple\.[\w.]+__mutmut_\d+)`", SURVIVORS.read_text()))


def sample_patterns(percent):
    """mutmut name patterns that select about ``percent`` % of the mutants (by last digit)."""
    if percent % 10 or not 10 <= percent <= 100:
        raise SystemExit("--sample takes a multiple of 10 between 10 and 100")
    digits = "0123456789"[: percent // 10]
    return [] if percent == 100 else [f"*__mutmut_*{digit}" for digit in digits]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules to run (default: all of the table)")
    parser.add_argument("--workers", type=int, default=2, help="mutants run in parallel (2)")
    parser.add_argument("--sample", type=int, default=100, help="percent of mutants (100)")
    args = parser.parse_args(argv)

    mutmut_settings, pytest_settings, table = load_settings()
    chosen = list(table)
    if args.modules:
        by_name = {name: m for m in table for name in (m, Path(m).name, Path(m).stem)}
        unknown = [name for name in args.modules if name not in by_name]
        if unknown:
            raise SystemExit(f"not in [tool.sknn_simple.mutation.modules]: {unknown}")
        chosen = [by_name[name] for name in args.modules]
    patterns = sample_patterns(args.sample)
    explained = explained_survivors()

    rows, unexplained, stale = [], [], []
    for module in chosen:
        folder = prepare(module, table[module], mutmut_settings, pytest_settings)
        print(f"=== {module}: mutmut in {folder.relative_to(ROOT)} ===", flush=True)
        start = time.perf_counter()
        run = mutmut(folder, "run", "--max-children", str(args.workers), *patterns)
        seconds = time.perf_counter() - start
        found = statuses(folder, module)
        if run.returncode != 0:
            # a sample may hold no mutant of a module of small functions: mutmut then stops
            sampled = [n for n in found if any(fnmatch.fnmatch(n, p) for p in patterns)]
            if not patterns or sampled:
                raise SystemExit(f"mutmut failed on {module} (exit {run.returncode})")
            print(f"(no mutant of {module} in this sample)", flush=True)
        checked = {name: s for name, s in found.items() if s != "not checked"}
        survivors = sorted(name for name, s in checked.items() if s not in DETECTED)
        equivalent = [name for name in survivors if name in explained]
        unexplained += [(n, checked[n], folder) for n in survivors if n not in explained]
        stale += [name for name in explained if checked.get(name) in DETECTED]
        killed = len(checked) - len(survivors)
        real = len(checked) - len(equivalent)
        score = 100.0 * killed / real if real else 100.0
        rows.append((module, len(checked), killed, len(survivors), len(equivalent), score, seconds))

    header = ("module", "mutants", "killed", "survived", "equivalent", "score %", "seconds")
    print("\n" + " | ".join(header))
    for module, *counts, score, seconds in rows:
        print(" | ".join([module, *map(str, counts), f"{score:.1f}", f"{seconds:.0f}"]))
    for name in stale:
        print(f"listed in {SURVIVORS.name} but now killed (remove it): {name}")
    if unexplained:
        print(f"\n{len(unexplained)} survivors not explained in {SURVIVORS.relative_to(ROOT)}:")
        for name, status, folder in unexplained:
            print(f"  {name} ({status}): cd {folder.relative_to(ROOT)} && mutmut show {name}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
