"""Reading and writing files: model files (``model_files``, and the older format in
``model_files_v1``) and the command line's CSV files (``csv_files``). The ONNX converter is
``sknn_simple.onnx``, a public module of its own."""
