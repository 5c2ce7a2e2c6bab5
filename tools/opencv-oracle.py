#!/usr/bin/python3
"""Independent reference: runs an ONNX model with OpenCV's DNN module (Debian python3-opencv).

Usage: opencv-oracle.py MODEL.onnx INPUT.npy OUT_DIR
Writes each graph output as OUT_DIR/<name>.npy (float32).

OpenCV 4.6's ONNX importer predates opset 11-13 in two places: it reads Clip bounds and Split sizes only
as attributes. The model is adapted for it (constant inputs moved to those attributes) with Debian's
python3-onnx before loading; the computation itself is OpenCV's."""
import os
import sys
import tempfile

import cv2
import numpy as np
import onnx
from onnx import helper, numpy_helper


def adapt_for_opencv(model):
    consts = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == 'Clip' and len(node.input) > 1:
            bounds = [consts[n] if n else None for n in list(node.input[1:]) + [''] * (3 - len(node.input))]
            del node.input[1:]
            if bounds[0] is not None:
                node.attribute.append(helper.make_attribute('min', float(bounds[0])))
            if bounds[1] is not None:
                node.attribute.append(helper.make_attribute('max', float(bounds[1])))
        if node.op_type == 'Split' and len(node.input) > 1:
            split = [int(v) for v in consts[node.input[1]]]
            del node.input[1:]
            node.attribute.append(helper.make_attribute('split', split))
    return model


def main():
    model, inp, out_dir = sys.argv[1:4]
    adapted = adapt_for_opencv(onnx.load(model))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'model.onnx')
        onnx.save(adapted, path)
        net = cv2.dnn.readNetFromONNX(path)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    net.setInput(np.load(inp).astype(np.float32))
    names = [o.name for o in adapted.graph.output]
    outs = net.forward(names)
    os.makedirs(out_dir, exist_ok=True)
    for name, value in zip(names, outs):
        np.save(os.path.join(out_dir, name.replace('/', '_') + '.npy'), np.ascontiguousarray(value, dtype=np.float32))


if __name__ == '__main__':
    main()
