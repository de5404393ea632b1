"""Reading and writing files: model files (``model_files``, its JSON values in ``codec``, its
verified ``.npz`` entries in ``archive``, and the older format in ``model_files_v1``), the command
line's CSV files (``csv_files``), and writing any file whole or not at all (``atomic``). The ONNX
converter is ``sknn_simple.onnx``, a public module of its own."""
