#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need when it is missing (Debian's ONNX
# conformance cases, OpenCV and python3-onnx for the ONNX oracle, CycloneDDS for the DDS peer, ament-cmake for the
# ROS package build, NVRTC for the CUDA
# kernels' compile test, FUSE for a file
# system without O_DIRECT, the real models and images, the TensorFlow.js and rosbag2/MCAP oracles), then runs the
# Maven test suite and prints the reliability fault matrix from its results.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
missing=()
[ -d /usr/share/libonnx-testdata/data/node ] || missing+=(libonnx-testdata)
command -v npm >/dev/null || missing+=(npm)
/usr/bin/python3 -c "import cv2, onnx" 2>/dev/null || missing+=(python3-opencv python3-onnx)
[ -f /usr/include/dds/dds.h ] && command -v idlc >/dev/null || missing+=(cyclonedds-dev cyclonedds-tools)
# Debian's real ament-cmake, to build and install the ROS package as colcon would (AmentPackageIT)
[ -f /usr/share/ament_cmake/cmake/ament_cmakeConfig.cmake ] && /usr/bin/python3 -c "import ament_index_python" 2>/dev/null || missing+=(ament-cmake python3-ament-index)
# a FUSE file system without O_DIRECT for the buffered-read fallback test (tools/faults/no-direct-io-fs.py)
/usr/bin/python3 -c "import fusepy" 2>/dev/null && command -v fusermount3 >/dev/null || missing+=(python3-fusepy fuse3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test.sh: some tests will skip: install ${missing[*]} (sudo apt-get install ...)" >&2
  fi
fi
if [ ! -s .cache/data/messi5.jpg ] && [ "$(id -u)" = 0 ]; then apt-get update -qq; fi
# a real NVRTC for the kernel compile test (Debian non-free, that package only)
if [ "$(id -u)" = 0 ]; then tools/install-nvrtc.sh; fi
models/fetch.sh >/dev/null
for oracle in tfjs-oracle bag-oracle; do
  if [ ! -f tools/$oracle/node_modules/.package-lock.json ] || [ tools/$oracle/package-lock.json -nt tools/$oracle/node_modules/.package-lock.json ]; then
    (cd tools/$oracle && npm ci --no-audit --no-fund --silent)
  fi
done
tools/lint-docker.sh
# the ONNX Runtime peer of bench --vs onnxruntime, which BenchVsOnnxRuntimeTest drives (its own module: never in the jar)
mvn -B -ntp -q -Ponnxruntime -pl peers/onnxruntime -DskipTests package
mvn -B -ntp verify "$@"
tools/fault-matrix.sh --report-only || true  # the table of docs/reliability.md, from the run above (its tests already gate the build)
# one summary line over unit and integration tests (Surefire and Failsafe each print their own)
python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
t = f = s = 0
for path in glob.glob('node/target/*-reports/TEST-*.xml') + glob.glob('modules/*/target/*-reports/TEST-*.xml'):
    r = ET.parse(path).getroot()
    t += int(r.get('tests', 0)); f += int(r.get('failures', 0)) + int(r.get('errors', 0)); s += int(r.get('skipped', 0))
print(f"tests: {t - f - s} passed, {f} failed, {s} skipped")
PY
