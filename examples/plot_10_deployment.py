"""
Deployment: model files and ONNX
================================

Save a fitted pipeline to a model file, load it back, export it to ONNX and run it with
onnxruntime: every copy must predict the same.
"""

# %%
import os
import tempfile
import textwrap

import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sknn_simple
import sknn_simple.onnx  # noqa: F401  (registers the ONNX converter)

X, y = load_digits(return_X_y=True)
X = X.astype(np.float32)
model = make_pipeline(
    StandardScaler(), sknn_simple.SimpleMLPClassifier(random_state=0)
)
model.fit(X, y)

# %%
# A model file: arrays and JSON, loaded without pickle.
folder = tempfile.mkdtemp()
path = os.path.join(folder, "digits.npz")
sknn_simple.save(model, path)
reloaded = sknn_simple.load(path)
print(
    f"{os.path.getsize(path) / 1024:.0f} KiB;",
    "identical probabilities:",
    np.array_equal(reloaded.predict_proba(X), model.predict_proba(X)),
)

# %%
# ONNX: the whole pipeline, scaler included, as one graph.
onx = to_onnx(model, X[:1], options={"zipmap": False})
session = ort.InferenceSession(
    onx.SerializeToString(), providers=["CPUExecutionProvider"]
)
labels, probabilities = session.run(None, {session.get_inputs()[0].name: X})
nodes = ", ".join(node.op_type for node in onx.graph.node)
print(textwrap.fill(f"ONNX nodes: {nodes}", width=72, subsequent_indent="  "))
print(
    "same labels:",
    np.array_equal(labels, model.predict(X)),
    "| largest probability difference:",
    float(np.abs(probabilities - model.predict_proba(X)).max()),
)
