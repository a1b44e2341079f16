"""Chapter 08's homework checks: the hand-made Tensor (``tensor``, with ``probes`` and
``hints``), its drawing and training (``graph``), and ``conv2d`` by hand (``conv``).
"""
