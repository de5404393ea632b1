"""Reading and writing files: model files (``model_files``: ``save`` and ``load``; what a file
must hold and how much may be read in ``schema``; its JSON values in ``codec``; its verified
``.npz`` entries in ``archive``; the older format in ``model_files_v1``; the one error in
``errors``), and writing any file whole or not at all (``atomic``). The command line's CSV
files are read in ``sknn_simple.cli.csv_files``. The ONNX converter is ``sknn_simple.onnx``,
a public module of its own."""
