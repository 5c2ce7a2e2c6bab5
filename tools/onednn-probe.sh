#!/usr/bin/env bash
# oneDNN's convolutions against dlayer's on one shipped model's convolution shapes (docs/cpu-backend.md, "The choice of
# library"). Rounds alternate a dlayer process (the model fully resident, -Ddlayer.opProfile=shapes: every convolution's
# median) with the oneDNN probe's process (peers/onednn: JavaCPP 1.5.12's dnnl, built alone, never in the shipped jar) on the
# same shapes, both on 2 threads. Prints a Markdown table: per shape, dlayer's median and oneDNN's, with the input and output
# in NCHW and OIHW weights reordered every frame (what a streamed layer would cost a oneDNN backend on the arena's tensors),
# and oneDNN's best case (its own blocked layouts, weights reordered once); then the model's totals.
#   tools/onednn-probe.sh [MANIFEST (nanodet)] [ROUNDS (3)] [FRAMES (40)]
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
manifest="${1:-nanodet}" rounds="${2:-3}" frames="${3:-40}"
probe_dir="$home/peers/onednn/target"
if [ ! -s "$probe_dir/onednn-probe.jar" ] || [ -n "$(find "$home/peers/onednn/src" "$home/peers/onednn/pom.xml" -newer "$probe_dir/onednn-probe.jar" -print -quit)" ]; then
  echo "onednn-probe: building the oneDNN probe" >&2
  (cd "$home" && mvn -q -B -Ponednn -pl peers/onednn -DskipTests package >&2)
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
threads="$(nproc)"
[ "$threads" -gt 2 ] && threads=2
image="${DLAYER_CACHE:-$home/.cache}/data/messi5.jpg"

for r in $(seq 1 "$rounds"); do
  # dlayer: one line per convolution kind, "C H W M KH KW STRIDE PAD<TAB>per-frame count<TAB>median ms"
  DLAYER_JAVA_OPTS="-Xmx8g -XX:+UseSerialGC -Xmn24m -XX:ActiveProcessorCount=$threads -Ddlayer.opProfile=shapes" \
    "$home/bin/dlayer" run --manifest "$manifest" --image "$image" --repeat "$frames" --residency all --output-dir "$work/out" 2>"$work/profile" >/dev/null
  awk -v frames="$frames" '
    /^Conv \(GEMM\) / {
      x = $3; w = $4; gsub(/[\[\]]/, "", x); gsub(/[\[\]]/, "", w); split(x, xs, ","); split(w, ws, ",")
      s = ""; p = ""; d = "1"
      for (i = 5; i <= NF; i++) {
        if ($i ~ /^s\[/) { s = $i; gsub(/[s\[\]]/, "", s); split(s, ss, ","); s = ss[1] }
        if ($i ~ /^p\[/) { p = $i; gsub(/[p\[\]]/, "", p); split(p, ps, ","); p = ps[1]; if (ps[1] != ps[2] || ps[1] != ps[3] || ps[1] != ps[4]) p = "" }
        if ($i ~ /^d\[/) { d = $i; gsub(/[d\[\]]/, "", d); split(d, ds, ","); if (ds[1] != 1 || ds[2] != 1) d = "" }
      }
      # grouped, dilated or unevenly padded convolutions are left out (the probe runs square, dense ones)
      if (ws[2] != xs[2] || p == "" || d == "" || ws[3] != ws[4]) next
      calls = $(NF - 3); med = $NF
      printf "%s %s %s %s %s %s %s %s\t%d\t%.4f\n", xs[2], xs[3], xs[4], ws[1], ws[3], ws[4], s, p, calls / frames, med / 1000
    }' "$work/profile" | sort > "$work/dlayer.$r"
  if [ ! -s "$work/dlayer.$r" ]; then
    echo "onednn-probe: dlayer printed no convolution profile for $manifest (see $work/profile)" >&2
    cat "$work/profile" >&2
    exit 1
  fi
  cut -f1 "$work/dlayer.$r" > "$work/shapes"
  OMP_NUM_THREADS="$threads" java -cp "$probe_dir/onednn-probe.jar:$probe_dir/lib/*" dev.demandlayering.peers.onednn.OneDnnConvProbe "$work/shapes" "$frames" \
    | grep -v '^#' > "$work/onednn.$r"
done

# medians over the rounds, per shape; the model's totals weighted by each shape's count a frame
{
  for r in $(seq 1 "$rounds"); do
    paste "$work/dlayer.$r" <(cut -f2,3,4 "$work/onednn.$r")
  done
} | awk -F'\t' -v rounds="$rounds" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((n + 1) / 2)]
  }
  { key = $1; count[key] = $2; dl[key] = dl[key] " " $3; nc[key] = nc[key] " " $4; bl[key] = bl[key] " " $5; impl[key] = $6; if (!(key in count_seen)) { count_seen[key] = 1; keys[++nkeys] = key } }
  END {
    print "| convolution (C H W -> M, KHxKW / stride, pad) | per frame | dlayer ms | oneDNN NCHW + weight reorder ms | oneDNN blocked ms | dlayer / oneDNN NCHW | oneDNN implementation |"
    print "|---|---|---|---|---|---|---|"
    for (i = 1; i <= nkeys; i++) {
      key = keys[i]
      d = median(dl[key]); n = median(nc[key]); b = median(bl[key])
      split(key, k, " ")
      printf "| %s %sx%s -> %s, %sx%s / %s, %s | %d | %.3f | %.3f | %.3f | %.2f | %s |\n", k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8], count[key], d, n, b, d / n, impl[key]
      td += count[key] * d; tn += count[key] * n; tb += count[key] * b
    }
    printf "| **all (a frame)** | | **%.2f** | **%.2f** | **%.2f** | **%.2f** | |\n", td, tn, tb, td / tn
  }'
echo
echo "$rounds rounds of $frames frames, medians over the rounds; $threads threads; $(date -u +%F)."
