"""_data: see the modules inside."""
