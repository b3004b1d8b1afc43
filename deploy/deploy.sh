#!/usr/bin/env bash
# The deploy step of release.yml, run when a version is assigned to prod and the
# `production` environment approved it. Today it publishes the release bundle to the
# version's GitHub release; the serving stage replaces it with deploying the service.
# Usage: deploy/deploy.sh VERSION BUNDLE.tar.gz   (needs GH_TOKEN for gh)
set -euo pipefail
version="$1"
bundle="$2"
tag="credit-risk@${version}"
gh release upload "$tag" "$bundle" --clobber
echo "deployed ${tag}: published $(basename "$bundle") to its release"
