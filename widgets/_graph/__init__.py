"""Autograd graphs: ``trace`` walks ``grad_fn`` into nodes and edges (no Graphviz needed),
``show`` turns a trace into ``show_graph``'s picture, ``dot`` displays any DOT source (and
torchviz's graphs), and ``render`` draws DOT with the system ``dot`` or WebAssembly Graphviz.
"""
