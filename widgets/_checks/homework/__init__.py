"""homework: see the modules inside."""
