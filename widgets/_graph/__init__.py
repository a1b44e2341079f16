"""_graph: see the modules inside."""
