#!/usr/bin/env bash
# Put exactly the checked-out version's model in models/: pull it from the DVC remote when
# one is configured (DVC_REMOTE_URL), else rebuild it from the sources (the pipeline is
# deterministic on one machine). Either way, fail unless it is the model dvc.lock records:
# its bytes, or, rebuilt on a CPU whose floats give other last bits, its answers
# (modelops same-model, gate.equivalence).
set -euo pipefail
"$(dirname "$0")/feedback_folder.sh"
if [ -n "${DVC_REMOTE_URL:-}" ]; then
  dvc remote add --local --default --force ci "$DVC_REMOTE_URL"
  dvc pull models/model.skops || dvc repro
else
  dvc repro
fi
modelops same-model || { echo "::error::the model is not the one dvc.lock records"; exit 1; }
dvc status --quiet || { echo "::error::pipeline outputs differ from dvc.lock"; exit 1; }
