"""``python -m nyumon_classview`` (as the hub runs it) or ``python -m classroom.classview``."""

from .service import main

main()
