#!/usr/bin/python3
"""Extracts frames of a video as JPEG files with Debian's OpenCV (python3-opencv, which reads the sample
videos' codecs through FFmpeg), for the sample replay bag.

Usage: extract-frames.py VIDEO OUT_DIR [--every N] [--count K] [--quality Q]
Writes OUT_DIR/frame_000.jpg ... : every N-th frame from the first, K of them, at JPEG quality Q."""
import argparse
import os
import sys

import cv2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("video")
    ap.add_argument("out_dir")
    ap.add_argument("--every", type=int, default=2)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--quality", type=int, default=90)
    a = ap.parse_args()
    cap = cv2.VideoCapture(a.video)
    if not cap.isOpened():
        sys.exit(f"extract-frames.py: OpenCV cannot open {a.video}")
    os.makedirs(a.out_dir, exist_ok=True)
    written = index = 0
    while written < a.count:
        ok, frame = cap.read()
        if not ok:
            break
        if index % a.every == 0:
            cv2.imwrite(os.path.join(a.out_dir, f"frame_{written:03d}.jpg"), frame, [cv2.IMWRITE_JPEG_QUALITY, a.quality])
            written += 1
        index += 1
    if written < a.count:
        sys.exit(f"extract-frames.py: {a.video} gave {written} frames, {a.count} wanted")
    print(f"{written} frames -> {a.out_dir}")


if __name__ == "__main__":
    main()
