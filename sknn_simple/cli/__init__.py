"""The command line ``sknn-simple`` (``main``), its demo and its benchmark."""
