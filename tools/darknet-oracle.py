#!/usr/bin/python3
"""Independent reference for the Darknet importer: OpenCV's own Darknet reader (Debian python3-opencv).

Usage: darknet-oracle.py NET.cfg NET.weights INPUT.npy OUTPUT.npy
Runs the network on the input blob ([1, C, H, W] float32) and writes the last layer's output (float32)."""
import sys

import cv2
import numpy as np


def main():
    cfg, weights, inp, out = sys.argv[1:5]
    net = cv2.dnn.readNetFromDarknet(cfg, weights)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    net.setInput(np.load(inp).astype(np.float32))
    np.save(out, net.forward().astype(np.float32))


if __name__ == "__main__":
    main()
