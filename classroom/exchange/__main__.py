"""``python -m nyumon_exchange`` (as the hub runs it) or ``python -m classroom.exchange``."""

from .service import main

main()
