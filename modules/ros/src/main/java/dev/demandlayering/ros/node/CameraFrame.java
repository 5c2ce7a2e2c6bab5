package dev.demandlayering.ros.node;

import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.ros.msg.StdMsgs;

/** A decoded camera message: the topic it came on, its header, its pixels and when the node received it. */
public record CameraFrame(String camera, StdMsgs.Header header, RgbImage image, long receivedNanos) {
}
