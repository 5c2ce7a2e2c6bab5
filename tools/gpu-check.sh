#!/usr/bin/env bash
# Runs on a GPU host from the bundle tools/gpu-bundle.sh builds (copied into it as gpu-bundle/gpu-check.sh):
#   gpu-bundle/gpu-check.sh OUT_DIR --smoke                 # the whole GPU path once, in under 2 minutes
#   gpu-bundle/gpu-check.sh OUT_DIR                         # GPU tests, bench on cuda (3-model set), CPU rows last: under 6 minutes
#   gpu-bundle/gpu-check.sh OUT_DIR --paper NET[,NET...]    # bench --paper on cuda for these networks only
# Finds the CUDA 13 libraries (system CUDA, or NVIDIA's Python wheels: site-packages/nvidia/*/lib) and probes the GPU
# first: with none usable it exits 2 saying why ("no usable GPU: <the library or call that failed>"). Every step has
# a time limit. Caches (JavaCPP's libraries, models, packs) live in a temporary folder on a real disk, never in OUT:
# OUT receives at most 6 files, summary.md, tests.log, bench.md, bench.json, bench.png (where the runtime can draw it)
# and extra.tar.gz (every other log and the JUnit reports), because a lent GPU host returns only a few files.
# The time limits add up to under 2 minutes for --smoke (115 s) and under 6 for the full run (355 s): the lease is short.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: gpu-check.sh OUT_DIR [--smoke | --paper NET,...]}"
mode=full paper=""
case "${2:-}" in
  --smoke) mode=smoke ;;
  --paper) mode=paper; paper="${3:?--paper needs a comma-separated list of networks (../shared/paper-models)}" ;;
  "") ;;
  *) echo "gpu-check.sh: unknown option $2 (--smoke, --paper NET,...)" >&2; exit 2 ;;
esac
mkdir -p "$out"
started=$(date +%s)
# the JNI glue references CUDA 13.1 symbols that 13.0 lacks; bound lazily they are never needed, bound now they fail
unset LD_BIND_NOW
# work space on a real disk: O_DIRECT weight reads fall back to buffered ones on tmpfs and would measure the page cache
work=""
for base in "$here" "${HOME:-/root}" /var/tmp /tmp; do
  fs=$(df -T "$base" 2>/dev/null | awk 'NR == 2 {print $2}')
  case "$fs" in tmpfs|ramfs|overlay|"") continue ;; esac
  [ -w "$base" ] && work="$(mktemp -d "$base/.gpu-check.XXXXXX")" && break
done
[ -n "$work" ] || { work="$(mktemp -d)"; fs="$(df -T "$work" | awk 'NR == 2 {print $2}') (no real disk found)"; }
trap 'rm -rf "$work"' EXIT
logs="$work/logs"
mkdir -p "$logs" "$work/tmp"
summary="$out/summary.md"
say() { echo "$*" | tee -a "$summary"; }
: > "$summary"
libdirs=()
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda/targets/aarch64-linux/lib; do [ -d "$d" ] && libdirs+=("$d"); done
for site in $(python3 -c 'import site; print(" ".join(site.getsitepackages() + [site.getusersitepackages()]))' 2>/dev/null); do
  for l in "$site"/nvidia/*/lib; do [ -d "$l" ] && libdirs+=("$l"); done
done
export LD_LIBRARY_PATH="$(IFS=:; echo "${libdirs[*]:-}")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
{
  echo "== nvidia-smi"; timeout 15 nvidia-smi 2>&1 || echo "nvidia-smi not available"
  echo "== CUDA library directories"; printf '%s\n' "${libdirs[@]:-none found}"
  echo "== libraries the backend links"
  for lib in libcudart.so.13 libnvrtc.so.13 libnvrtc-builtins.so.13* libcublas.so.13 libcublasLt.so.13 libcuda.so.1; do
    found=""; for d in "${libdirs[@]:-}" /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu; do [ -n "$d" ] && ls "$d"/$lib >/dev/null 2>&1 && found="$d"; done
    echo "$lib: ${found:-NOT FOUND}"
  done
  echo "== work folder"; df -T "$work" | tail -1
} > "$logs/device.txt" 2>&1
export DLAYER_CACHE="$work/cache"
mkdir -p "$DLAYER_CACHE" && cp -r "$here/cache/models" "$DLAYER_CACHE/"
java=("$here/jre/bin/java" -Xmx16g --add-modules=jdk.incubator.vector -Ddlayer.repo="$here/repo" -Ddlayer.home="$here/repo" -Ddlayer.test.inputs="$here/inputs"
      -Djava.io.tmpdir="$work/tmp" -Dorg.bytedeco.javacpp.cachedir="$work/javacpp" -cp "$here/lib/*")
finish() {
  (cd "$work" && tar czf "$out/extra.tar.gz" logs junit 2>/dev/null || tar czf "$out/extra.tar.gz" logs)
  say "- took $(( $(date +%s) - started )) s; other logs and the JUnit reports: extra.tar.gz"
  exit "$1"
}
say "# gpu-check ($mode), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "- work folder on $fs ($(df -h "$work" | awk 'NR == 2 {print $4}') free); packs and caches live there"
probe=$(timeout 30 "${java[@]}" dev.demandlayering.cli.Main gpu 2>>"$logs/probe.log")
status=$?
say "- ${probe:-the GPU probe printed nothing (status $status; see extra.tar.gz logs/probe.log)}"
if [ "$status" -ne 0 ]; then
  say "gpu-check: stopping: no usable GPU, nothing was measured"
  finish 2
fi
export DLAYER_REQUIRE_CUDA=1 # from here on a GPU test that cannot find the device fails instead of skipping
run_tests() { # $1 time limit, then JUnit selectors
  local limit="$1"; shift
  timeout "$limit" "${java[@]}" org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=tree --reports-dir="$work/junit" "$@" \
    > "$out/tests.log" 2>&1
}
bench() { # $1 time limit, $2 backend, then bench options
  local limit="$1" backend="$2"; shift 2
  timeout "$limit" "${java[@]}" dev.demandlayering.cli.BenchMain --backend "$backend" --inputs "$here/inputs" --output "$work/bench-$backend.md" "$@" \
    > "$logs/bench-$backend.log" 2>&1
}
case "$mode" in
  smoke)
    # one model resident and streamed on the GPU against the CPU: library load, NVRTC, cuBLAS, events, cudaMemGetInfo
    run_tests 70 --select-method=dev.demandlayering.runtime.cuda.CudaBackendTest#smokeNanodetResidentAndStreamedMatchesTheCpu
    tests=$?
    say "- smoke test: $( [ $tests = 0 ] && echo passed || echo "FAILED (status $tests; tests.log)")"
    grep -E "relative L2|device memory used|NVRTC|kernels as" "$out/tests.log" | sed 's/^[^A-Za-z]*/  - /' | tee -a "$summary"
    finish "$tests"
    ;;
  paper)
    # each network's figures land in the work folder's paper-results/NET.json, copied into extra.tar.gz
    timeout 540 "${java[@]}" dev.demandlayering.cli.BenchMain --paper --backend cuda --nets "$paper" --paper-models "$here/shared/paper-models" \
      --results "$logs/paper-results" --frames 3 --output "$work/paper-cuda.md" > "$logs/paper-cuda.log" 2>&1
    s=$?
    cp "$work/paper-cuda.md" "$out/bench.md" 2>/dev/null; cp "$work/paper-cuda.json" "$out/bench.json" 2>/dev/null
    say "- bench --paper $paper on cuda: status $s (bench.md, bench.json)"
    finish "$s"
    ;;
esac
run_tests 140 --select-class=dev.demandlayering.runtime.cuda.CudaBackendTest
tests=$?
say "- GPU tests: $( [ $tests = 0 ] && echo passed || echo "FAILED (status $tests; tests.log)")"
bench 110 cuda --models nanodet,selfie,meet
b1=$?
bench 60 cpu --models nanodet,selfie,meet --frames 3
b2=$?
say "- bench, 3-model set: cuda status $b1, cpu status $b2 (bench.md, bench.json)"
{ cat "$work/bench-cuda.md" 2>/dev/null; echo; echo "## Same host, CPU backend"; echo; cat "$work/bench-cpu.md" 2>/dev/null; } > "$out/bench.md"
printf '{"cuda": %s, "cpu": %s}\n' "$(cat "$work/bench-cuda.json" 2>/dev/null || echo null)" "$(cat "$work/bench-cpu.json" 2>/dev/null || echo null)" > "$out/bench.json"
[ -f "$work/bench-cuda.png" ] && cp "$work/bench-cuda.png" "$out/bench.png"
cp "$work"/bench-*.md "$logs/" 2>/dev/null
finish $(( tests != 0 || b1 != 0 ? 1 : 0 ))
