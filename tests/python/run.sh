#!/usr/bin/env bash
# Runs the Python tests (the scenario, and the model-walk conformance test)
# against a freshly built orgbackup binary: with pytest when it is
# installed, else with unittest.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin_dir=$(mktemp -d)
trap 'rm -rf "$bin_dir"' EXIT
go build -o "$bin_dir/orgbackup" ./cmd/orgbackup
export ORGBACKUP_BIN="$bin_dir/orgbackup"

if python3 -c 'import pytest' 2>/dev/null; then
	python3 -m pytest -q tests/python
else
	python3 -m unittest discover -s tests/python -p 'test_*.py' -v
fi
