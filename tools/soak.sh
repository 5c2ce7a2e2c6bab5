#!/usr/bin/env bash
# Flood and soak: the node (bin/dlayer node, NanoDet + Selfie in one arena) fed by two CycloneDDS cameras publishing
# 1920x1080 rgb8 frames at FPS each for MINUTES, inside a private network namespace (no traffic leaves loopback).
# Every SAMPLE seconds it records the node's RSS, Java heap in use, threads and open file descriptors, and the
# frames it processed and dropped; it prints a markdown table and the drift between the first and last quarter.
#
#   tools/soak.sh [--minutes 20] [--fps 30] [--sample 30] [--out out/soak.md]
#
# Needs root (unshare -n), cyclonedds-dev and cyclonedds-tools (the peer is built from node/src/test/c), python3-opencv.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes=20 fps=30 sample=30 out="$home/out/soak.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --fps) fps="$2"; shift 2 ;;
    --sample) sample="$2"; shift 2 ;;
    --out) out="$(realpath -m "$2")"; shift 2 ;;
    *) echo "soak.sh: unknown option $1 (--minutes N, --fps N, --sample S, --out FILE)" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d /tmp/dlayer-soak.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"
idlc -x final "$home/node/src/test/c/ros_msgs.idl"
cc -O2 -o ros_peer "$home/node/src/test/c/ros_peer.c" ros_msgs.c -I. -lddsc
cache="${DLAYER_CACHE:-$home/.cache}"
[ -s "$cache/data/messi5.jpg" ] || "$home/models/fetch.sh" >/dev/null
/usr/bin/python3 -c "
import cv2, sys
img = cv2.cvtColor(cv2.resize(cv2.imread(sys.argv[1]), (1920, 1080)), cv2.COLOR_BGR2RGB)
open(sys.argv[2], 'wb').write(img.tobytes())" "$cache/data/messi5.jpg" frame.rgb
cat > node.yaml <<YAML
/demand_layering:
  ros__parameters:
    models: [nanodet, selfie]
    arena_size: 32MiB
    image_topics: [front/image_raw, rear/image_raw]
    per_camera_outputs: true
    log_every_n_frames: 10
YAML
"$home/bin/dlayer" --version >/dev/null # build the jar outside the measured run
count=$((minutes * 60 * fps))
period=$((1000 / fps))
cat > run.sh <<SH
set -e
ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo
export ROS_DOMAIN_ID=41
export CYCLONEDDS_URI='<CycloneDDS><Domain><General><MaxMessageSize>65500B</MaxMessageSize><FragmentSize>60000B</FragmentSize></General><Internal><SocketReceiveBufferSize min="1MB" max="32MB"/></Internal></Domain></CycloneDDS>'
$home/bin/dlayer node --ros-args --params-file node.yaml > node.log 2>&1 &
NODE=\$!
for i in \$(seq 60); do grep -q 'running' node.log && break; sleep 1; done
./ros_peer pub-image-file rt/front/image_raw frame.rgb 1920 1080 $count $period &
./ros_peer pub-image-file rt/rear/image_raw frame.rgb 1920 1080 $count $period &
start=\$(date +%s)
echo "| minute | RSS MiB | heap used MiB | threads | fds | frames | dropped |" > samples.md
echo "|---|---|---|---|---|---|---|" >> samples.md
while [ \$((\$(date +%s) - start)) -lt $((minutes * 60)) ]; do
  sleep $sample
  kill -0 \$NODE 2>/dev/null || { echo "the node died" >> samples.md; break; }
  rss=\$(awk '/VmRSS/ {print int(\$2 / 1024)}' /proc/\$NODE/status)
  threads=\$(awk '/Threads/ {print \$2}' /proc/\$NODE/status)
  fds=\$(ls /proc/\$NODE/fd | wc -l)
  heap=\$(jcmd \$NODE GC.heap_info 2>/dev/null | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | head -1)
  last=\$(grep -o 'frame [0-9]* ([^)]*): .* dropped [0-9]*' node.log | tail -1)
  frames=\$(echo "\$last" | sed -n 's/^frame \([0-9]*\) .*/\1/p')
  dropped=\$(echo "\$last" | sed -n 's/.*dropped \([0-9]*\)$/\1/p')
  echo "| \$(awk -v s=\$((\$(date +%s) - start)) 'BEGIN {printf "%.1f", s / 60}') | \$rss | \$((\${heap:-0} / 1024)) | \$threads | \$fds | \${frames:-0} | \${dropped:-0} |" >> samples.md
done
kill %2 %3 2>/dev/null || true
kill \$NODE; wait \$NODE 2>/dev/null || true
grep -c 'ERROR' node.log > errors.txt || true
SH
unshare -n bash run.sh
mkdir -p "$(dirname "$out")"
{
  echo "2x 1920x1080 rgb8 at $fps Hz each for $minutes minutes (bin/dlayer node, nanodet + selfie, 32 MiB arena), sampled every $sample s"
  echo
  cat samples.md
  echo
  /usr/bin/python3 - samples.md <<'PY'
import sys, statistics
rows = [l.strip('|\n').split('|') for l in open(sys.argv[1]) if l.startswith('| ') and not l.startswith('| minute')]
rows = [[float(c) for c in r] for r in rows if len(r) == 7]
if len(rows) >= 4:
    q = max(1, len(rows) // 4)
    for i, name in [(1, 'RSS MiB'), (2, 'heap used MiB'), (3, 'threads'), (4, 'fds')]:
        a = statistics.median(r[i] for r in rows[:q]); b = statistics.median(r[i] for r in rows[-q:])
        print(f"- {name}: first-quarter median {a:g}, last-quarter median {b:g}, max {max(r[i] for r in rows):g}")
    mins = rows[-1][0]
    print(f"- frames processed {rows[-1][5]:g} ({rows[-1][5] / (mins * 60):.2f}/s), dropped {rows[-1][6]:g} (newest frame wins)")
PY
  echo "- ERROR lines in the node log: $(cat errors.txt)"
} | tee "$out"
