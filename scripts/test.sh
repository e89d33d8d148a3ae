#!/usr/bin/env bash
# Install interfacestab with its test dependencies into .venv and run the whole test suite.
# The suite reads the offline snapshot from ../shared/data (or $INTERFACESTAB_SHARED_DATA).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
.venv/bin/python -m pytest "$@"
