"""pytest configuration shared by the tests and the doctests of the package."""

import importlib.util

# sknn_simple/onnx.py imports skl2onnx: skip its doctest collection without the extra.
collect_ignore = [] if importlib.util.find_spec("skl2onnx") else ["sknn_simple/onnx.py"]
