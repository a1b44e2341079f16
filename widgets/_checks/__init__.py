"""Exercise checks: ``verdict`` (✓ / ✗ + hint / not yet), ``guard`` (what an answer ran),
one module per chapter (``ch00`` …), ``homework/`` for chapter 08, and ``report`` (verdicts
sent to the classroom's class view, only when the hub turns it on).
"""
