"""``python -m interfacestab_cli``."""

from __future__ import annotations

from interfacestab_cli.main import main

main()
