"""``env_report()``: ``probe`` asks the machine (safely, with time limits), ``report`` shows it."""
