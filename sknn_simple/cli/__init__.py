"""The command line ``sknn-simple`` (``main``; its parameter values in ``params``, the
``--task auto`` rule in ``task``), its demo and its benchmark."""
