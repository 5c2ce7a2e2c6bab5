#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need when it is missing (Debian's ONNX
# conformance cases, the real models and images, the TensorFlow.js oracle), then runs the Maven test suite.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
if [ ! -d /usr/share/libonnx-testdata/data/node ] || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libonnx-testdata npm >/dev/null
  else
    echo "test.sh: install libonnx-testdata and npm (sudo apt-get install libonnx-testdata npm) for the full suite" >&2
  fi
fi
if [ ! -s .cache/data/messi5.jpg ] && [ "$(id -u)" = 0 ]; then apt-get update -qq; fi
models/fetch.sh >/dev/null
if [ ! -d tools/tfjs-oracle/node_modules/@tensorflow/tfjs ]; then
  (cd tools/tfjs-oracle && npm ci --no-audit --no-fund --silent)
fi
mvn -B -ntp test "$@"
