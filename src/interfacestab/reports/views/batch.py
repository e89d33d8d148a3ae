"""Report of a batch of stability windows: counts, files, source."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.reports.format import provenance_lines
from interfacestab.reports.model import Item, Report
from interfacestab.reports.registry import View, register

if TYPE_CHECKING:
    from interfacestab.analyses.batch import BatchResult


def batch_report(result: BatchResult, *, top: int | None = None) -> Report:
    """The report of a batch run (``top`` is not used)."""
    failed = f"{result.n_failed}" + (" (see the error column)" if result.n_failed else "")
    head = (
        Item("targets", str(result.n_targets)),
        Item("computed this run", f"{result.n_computed} ({result.n_targets - result.n_computed} from the checkpoint)"),
        Item("failed", failed, emphasis=bool(result.n_failed)),
        Item("output", str(result.output)),
        Item("checkpoint", str(result.checkpoint)),
        Item("source", result.source),
    )
    return Report(
        title="batch of stability windows",
        head=head,
        provenance=provenance_lines(result.provenance),
    )


register(View("interfacestab.analyses.batch.BatchResult", batch_report))
