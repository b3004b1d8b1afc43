#!/usr/bin/env bash
# data/feedback is tracked with `dvc add`, so git does not hold it: `dvc pull` brings it. With
# no feedback yet (its .dvc file records an empty folder, nfiles: 0) there is nothing to pull,
# and a clone without a DVC remote gets the empty folder here. Anything else missing is left
# missing, for dvc repro to stop on: it is never replaced by an empty folder.
set -euo pipefail
if [ ! -e data/feedback ]; then
  if grep -q '^  nfiles: 0$' data/feedback.dvc; then
    mkdir -p data/feedback
  else
    echo "data/feedback is recorded in data/feedback.dvc but not here: run \`dvc pull data/feedback.dvc\`" >&2
  fi
fi
