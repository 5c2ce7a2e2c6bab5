#!/usr/bin/env bash
# Makes the sample replay bag, $DLAYER_CACHE/bags/vtest (default .cache/bags/vtest), and prints its path: 4 s of
# OpenCV's sample street video vtest.avi (people walking; Debian opencv-doc), every second frame (5 Hz, 20 frames,
# 768x576 JPEG) as sensor_msgs/CompressedImage on /camera/image_raw/compressed, stamped from 1600000000 s.
# Needs Debian's python3-opencv to read the video. Idempotent. (SampleBag in the tests builds the same bag.)
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${DLAYER_CACHE:-$home/.cache}"
bag="$cache/bags/vtest"
if [ -f "$bag/metadata.yaml" ]; then echo "$bag"; exit 0; fi
"$home/models/fetch.sh" >/dev/null
frames="$cache/data/vtest-frames"
if [ ! -f "$frames/frame_019.jpg" ]; then
  /usr/bin/python3 -c "import cv2" 2>/dev/null || { echo "make-sample-bag.sh: needs python3-opencv (apt-get install python3-opencv)" >&2; exit 1; }
  /usr/bin/python3 "$home/tools/extract-frames.py" "$cache/data/vtest.avi" "$frames" --every 2 --count 20 >/dev/null
fi
rm -rf "$bag" # a bag without metadata.yaml is one an interrupted run left
mkdir -p "$cache/bags"
"$home/bin/dlayer" bag from-images "$frames" -o "$bag" --rate 5 --start 1600000000 --topic /camera/image_raw/compressed >/dev/null \
  || { rm -rf "$bag"; exit 1; }
echo "$bag"
