#!/usr/bin/env bash
# Lint, format check and type check, as CI runs them (.ci/run). Needs the dev extras in .venv
# (bash scripts/test.sh installs them). Runs every check and fails if any of them failed.
set -uo pipefail
cd "$(dirname "$0")/.."
PATHS=(src cli tests benchmarks notebooks)
status=0
echo "== ruff check" && .venv/bin/ruff check "${PATHS[@]}" || status=1
echo "== ruff format --check" && .venv/bin/ruff format --check "${PATHS[@]}" || status=1
echo "== mypy" && .venv/bin/mypy || status=1  # files and strictness: [tool.mypy] in pyproject.toml
exit "$status"
