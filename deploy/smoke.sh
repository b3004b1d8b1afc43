#!/usr/bin/env bash
# Run the service from a release bundle on this machine, wait until it is ready, check it
# answers the golden applications exactly as the pipeline did, then stop it. release.yml's
# deploy job runs this before the image is pushed.
# Usage: deploy/smoke.sh BUNDLE_DIR_OR_TAR_GZ
set -euo pipefail
bundle="$1"
port="${SMOKE_PORT:-8765}"
store="sqlite:///${RUNNER_TEMP:-/tmp}/smoke-$$.db"
modelops serve --bundle "$bundle" --port "$port" --store "$store" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
modelops serve-check --url "http://127.0.0.1:${port}" --bundle "$bundle" --timeout 120
