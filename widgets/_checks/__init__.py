"""Exercise checks: ``verdict`` (✓ / ✗ + hint / not yet), ``guard`` (what an answer ran),
one module per chapter (``ch00`` …), and ``homework/`` for chapter 08.
"""
