#!/usr/bin/env bash
# The deploy step of release.yml, run when a version is assigned to prod and the
# `production` environment approved it, after the service was run from the bundle and its
# golden answers checked, and its image pushed. It publishes the bundle to the version's
# GitHub release; where production runs is the team's own (a platform pulling IMAGE, or a
# host that unpacks the bundle and sends the running service SIGHUP to take it up).
# Usage: deploy/deploy.sh VERSION BUNDLE.tar.gz IMAGE   (needs GH_TOKEN for gh)
set -euo pipefail
version="$1"
bundle="$2"
image="${3:-}"
tag="credit-risk@${version}"
gh release upload "$tag" "$bundle" --clobber
echo "deployed ${tag}: published $(basename "$bundle") to its release${image:+; image ${image}}"
