"""Where the suite finds its data: the offline snapshot (``../shared/data`` or ``$INTERFACESTAB_SHARED_DATA``),
the published-value tables beside it, and the hand-made toy set in ``tests/data``."""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
SHARED = Path(os.environ.get("INTERFACESTAB_SHARED_DATA", REPO.parent / "shared" / "data")).resolve()
VALIDATION = SHARED.parent / "validation"
TOY_DATA = TESTS / "data"
SNAPSHOT_CSV = "mp_legacy2019_ground_state_eform_merged.csv"
