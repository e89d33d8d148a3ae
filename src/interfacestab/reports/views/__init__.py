"""One module per result type: each builds the result's report model and registers its view.

Every module here is imported by :mod:`interfacestab.reports.registry` on first use; a new result
type needs a new module here and nothing else in ``reports``.
"""
