"""_env: see the modules inside."""
