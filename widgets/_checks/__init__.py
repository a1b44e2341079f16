"""_checks: see the modules inside."""
