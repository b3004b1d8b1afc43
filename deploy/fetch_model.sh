#!/usr/bin/env bash
# Put exactly the checked-out version's model in models/: pull it from the DVC remote when
# one is configured (DVC_REMOTE_URL), else rebuild it from the sources (the pipeline is
# deterministic). Either way, fail unless its hash is the one dvc.lock records.
set -euo pipefail
"$(dirname "$0")/feedback_folder.sh"
if [ -n "${DVC_REMOTE_URL:-}" ]; then
  dvc remote add --local --default --force ci "$DVC_REMOTE_URL"
  dvc pull models/model.skops || dvc repro
else
  dvc repro
fi
git diff --exit-code dvc.lock || { echo "::error::the model differs from dvc.lock"; exit 1; }
dvc status --quiet || { echo "::error::pipeline outputs differ from dvc.lock"; exit 1; }
