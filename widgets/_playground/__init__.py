"""_playground: see the modules inside."""
