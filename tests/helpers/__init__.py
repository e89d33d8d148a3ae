"""Helper modules shared by the test suite (imported as ``helpers.*``; ``tests/`` is on ``pythonpath``)."""
