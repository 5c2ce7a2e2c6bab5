#!/usr/bin/env bash
# Lints the Dockerfiles with dockerfilelint from the npm registry (they cannot be built here).
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home/tools/dockerfilelint"
[ -x node_modules/.bin/dockerfilelint ] || npm install --no-audit --no-fund --silent >/dev/null
cd "$home/docker"
for f in Dockerfile.*; do "$home/tools/dockerfilelint/node_modules/.bin/dockerfilelint" "$f"; done
