#!/usr/bin/env bash
# Runs on a GPU host from the bundle tools/gpu-bundle.sh builds (copied into it as gpu-bundle/gpu-check.sh):
#   gpu-bundle/gpu-check.sh OUT_DIR                       # GPU tests, then bench on cuda and cpu
#   gpu-bundle/gpu-check.sh OUT_DIR --paper NET[,NET...]  # bench --paper on cuda for these networks only
# Finds the CUDA 13 libraries (system CUDA, or NVIDIA's Python wheels: site-packages/nvidia/*/lib), records the
# device, runs the GPU test suite (JUnit console launcher; reports in OUT_DIR/junit), then the benchmark on the
# CUDA backend and, for comparison on the same host, the CPU backend. Every step's output goes to OUT_DIR.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: gpu-check.sh OUT_DIR [--paper NET,...]}"
paper=""
if [ "${2:-}" = "--paper" ]; then paper="${3:?--paper needs a comma-separated list of networks (../shared/paper-models)}"; fi
mkdir -p "$out"
libdirs=()
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do [ -d "$d" ] && libdirs+=("$d"); done
for site in $(python3 -c 'import site; print(" ".join(site.getsitepackages() + [site.getusersitepackages()]))' 2>/dev/null); do
  for l in "$site"/nvidia/*/lib; do [ -d "$l" ] && libdirs+=("$l"); done
done
export LD_LIBRARY_PATH="$(IFS=:; echo "${libdirs[*]:-}")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
{
  echo "== nvidia-smi"; nvidia-smi 2>&1 || echo "nvidia-smi not available"
  echo "== CUDA library directories"; printf '%s\n' "${libdirs[@]:-none found}"
  echo "== libraries the backend links"
  for lib in libcudart.so.13 libnvrtc.so.13 libnvrtc-builtins.so.13* libcublas.so.13 libcublasLt.so.13; do
    found=""; for d in "${libdirs[@]:-}"; do [ -n "$d" ] && ls "$d"/$lib >/dev/null 2>&1 && found="$d"; done
    echo "$lib: ${found:-NOT FOUND}"
  done
  echo "== disk"; df -h "$here" | tail -1
} > "$out/device.txt" 2>&1
cat "$out/device.txt"
export DLAYER_CACHE="$out/cache"
mkdir -p "$DLAYER_CACHE" && cp -r "$here/cache/models" "$DLAYER_CACHE/"
java=("$here/jre/bin/java" -Xmx16g -Ddlayer.repo="$here/repo" -Ddlayer.home="$here/repo" -Ddlayer.test.inputs="$here/inputs"
      -Dorg.bytedeco.javacpp.cachedir="$out/javacpp-cache" -cp "$here/lib/*")
if [ -n "$paper" ]; then
  echo "== bench --paper, CUDA backend: $paper"
  # each network's figures land in OUT_DIR/paper-results/NET.json; merge runs with: dlayer bench --paper --report-only --results DIR
  "${java[@]}" dev.demandlayering.cli.BenchMain --paper --backend cuda --nets "$paper" --paper-models "$here/shared/paper-models" \
    --results "$out/paper-results" --frames 3 --output "$out/paper-cuda.md" 2>&1 | tee "$out/paper-cuda.log"
  exit "${PIPESTATUS[0]}"
fi
echo "== GPU tests"
"${java[@]}" org.junit.platform.console.ConsoleLauncher --disable-banner --details=tree --reports-dir="$out/junit" \
  --select-class=dev.demandlayering.runtime.cuda.CudaBackendTest 2>&1 | tee "$out/tests.log"
tests=${PIPESTATUS[0]}
echo "== benchmark, CUDA backend"
"${java[@]}" dev.demandlayering.cli.BenchMain --backend cuda --inputs "$here/inputs" --output "$out/bench-cuda.md" 2>&1 | tee "$out/bench-cuda.log"
echo "== benchmark, CPU backend (same host)"
"${java[@]}" dev.demandlayering.cli.BenchMain --backend cpu --inputs "$here/inputs" --frames 3 --output "$out/bench-cpu.md" 2>&1 | tee "$out/bench-cpu.log"
echo "gpu-check: tests exit status $tests; results in $out"
exit "$tests"
