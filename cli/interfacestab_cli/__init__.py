"""Command-line interface of interfacestab (the ``interfacestab`` script)."""
