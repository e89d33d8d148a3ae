#!/usr/bin/env bash
# Set up interfacestab on a fresh clone and run a first real command, offline.
#  1. a virtual environment in .venv with the package installed (editable)
#  2. the offline Materials Project snapshot (../shared/data) imported into cache/
#  3. the stability window of Li6PS5Cl vs Li/Li+
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/interfacestab setup
.venv/bin/interfacestab window Li6PS5Cl
