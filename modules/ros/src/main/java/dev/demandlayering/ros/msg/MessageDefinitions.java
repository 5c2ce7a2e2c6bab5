package dev.demandlayering.ros.msg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ROS 2 .msg definitions of the types this node reads and writes, and their "ros2msg" schema text as
 * rosbag2's MCAP storage writes it (the type's definition, then each type it uses after a line of 80 '='
 * and "MSG: pkg/Type"), so Foxglove and ros2 bag can decode recorded messages without the packages.
 */
public final class MessageDefinitions {
    private MessageDefinitions() {
    }

    private static final Map<String, String> MSG = new LinkedHashMap<>();

    static {
        MSG.put("builtin_interfaces/Time", "int32 sec\nuint32 nanosec\n");
        MSG.put("std_msgs/Header", "builtin_interfaces/Time stamp\nstring frame_id\n");
        MSG.put("sensor_msgs/Image",
                "std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data\n");
        MSG.put("sensor_msgs/CompressedImage", "std_msgs/Header header\nstring format\nuint8[] data\n");
        MSG.put("geometry_msgs/Point", "float64 x\nfloat64 y\nfloat64 z\n");
        MSG.put("geometry_msgs/Quaternion", "float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1\n");
        MSG.put("geometry_msgs/Pose", "geometry_msgs/Point position\ngeometry_msgs/Quaternion orientation\n");
        MSG.put("geometry_msgs/PoseWithCovariance", "geometry_msgs/Pose pose\nfloat64[36] covariance\n");
        MSG.put("vision_msgs/ObjectHypothesis", "string class_id\nfloat64 score\n");
        MSG.put("vision_msgs/ObjectHypothesisWithPose", "vision_msgs/ObjectHypothesis hypothesis\ngeometry_msgs/PoseWithCovariance pose\n");
        MSG.put("vision_msgs/Point2D", "float64 x\nfloat64 y\n");
        MSG.put("vision_msgs/Pose2D", "vision_msgs/Point2D position\nfloat64 theta\n");
        MSG.put("vision_msgs/BoundingBox2D", "vision_msgs/Pose2D center\nfloat64 size_x\nfloat64 size_y\n");
        MSG.put("vision_msgs/Detection2D",
                "std_msgs/Header header\nvision_msgs/ObjectHypothesisWithPose[] results\nvision_msgs/BoundingBox2D bbox\nstring id\n");
        MSG.put("vision_msgs/Detection2DArray", "std_msgs/Header header\nvision_msgs/Detection2D[] detections\n");
        MSG.put("diagnostic_msgs/KeyValue", "string key\nstring value\n");
        MSG.put("diagnostic_msgs/DiagnosticStatus", "byte OK=0\nbyte WARN=1\nbyte ERROR=2\nbyte STALE=3\n"
                + "byte level\nstring name\nstring message\nstring hardware_id\ndiagnostic_msgs/KeyValue[] values\n");
        MSG.put("diagnostic_msgs/DiagnosticArray", "std_msgs/Header header\ndiagnostic_msgs/DiagnosticStatus[] status\n");
        MSG.put("rosgraph_msgs/Clock", "builtin_interfaces/Time clock\n");
        MSG.put("rcl_interfaces/Log", "byte DEBUG=10\nbyte INFO=20\nbyte WARN=30\nbyte ERROR=40\nbyte FATAL=50\n"
                + "builtin_interfaces/Time stamp\nuint8 level\nstring name\nstring msg\nstring file\nstring function\nuint32 line\n");
    }

    /** "sensor_msgs/msg/Image" (the rosbag2 type name) from "sensor_msgs::msg::dds_::Image_" (the DDS type name). */
    public static String rosType(String ddsTypeName) {
        String[] p = ddsTypeName.split("::");
        if (p.length != 4 || !p[2].equals("dds_") || !p[3].endsWith("_")) throw new IllegalArgumentException("not a ROS 2 DDS type name: " + ddsTypeName);
        return p[0] + "/" + p[1] + "/" + p[3].substring(0, p[3].length() - 1);
    }

    /** "sensor_msgs::msg::dds_::Image_" from "sensor_msgs/msg/Image". */
    public static String ddsType(String rosType) {
        String[] p = rosType.split("/");
        if (p.length != 3) throw new IllegalArgumentException("not a ROS 2 type name (pkg/msg/Type): " + rosType);
        return p[0] + "::" + p[1] + "::dds_::" + p[2] + "_";
    }

    public static boolean known(String rosType) {
        return MSG.containsKey(shortName(rosType));
    }

    /** The ros2msg schema text for "pkg/msg/Type": its definition followed by every type it uses, depth first. */
    public static String schema(String rosType) {
        String root = shortName(rosType);
        if (!MSG.containsKey(root)) throw new IllegalArgumentException("no message definition for " + rosType + " (known: " + MSG.keySet() + ")");
        List<String> deps = new ArrayList<>();
        collect(root, deps);
        StringBuilder sb = new StringBuilder(MSG.get(root));
        for (String d : deps) sb.append("=".repeat(80)).append("\nMSG: ").append(d).append('\n').append(MSG.get(d));
        return sb.toString();
    }

    private static void collect(String type, List<String> out) {
        for (String line : MSG.get(type).split("\n")) {
            String t = line.split(" ")[0].replaceAll("\\[\\d*]$", "");
            if (MSG.containsKey(t) && !out.contains(t)) {
                out.add(t);
                collect(t, out);
            }
        }
    }

    private static String shortName(String rosType) {
        String[] p = rosType.split("/");
        return p.length == 3 ? p[0] + "/" + p[2] : rosType;
    }
}
