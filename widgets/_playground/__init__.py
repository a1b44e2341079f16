"""``playground()``: a TensorFlow-Playground-like trainer in a notebook.

``settings`` declares every setting once; ``tasks`` makes the data; ``train`` is one run in
plain PyTorch; ``session`` runs it in a background thread; ``view`` draws a frame;
``controls`` and ``widget`` are the ipywidgets layer; ``export`` writes the run as code.
"""
