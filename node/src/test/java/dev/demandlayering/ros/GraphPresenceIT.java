package dev.demandlayering.ros;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node in the ROS graph, read as the ROS tools read it, by an independent CycloneDDS program built from
 * rmw_dds_common's definitions: the node's ros_discovery_info names its participant (one DDS discovery knows), its
 * namespace and name, and gids that are exactly its DDS readers and writers (each resolved, by GUID, to the endpoint
 * DDS discovery reports, with its topic and type): once as Jazzy speaks it (16-byte gids), once as Humble (24).
 */
class GraphPresenceIT {
    @TempDir
    Path tmp;

    @Test
    void rosDiscoveryInfoListsTheNodeAndItsEndpointsForJazzyAndHumble() throws Exception {
        NetNamespace.assumeAvailable();
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/selfie.bin")), "models not fetched (models/fetch.sh)");
        NodeScript.assumeJarBuilt();
        Path jazzy = CycloneDdsPeer.build("graph_peer", "graph_jazzy", "graph_peer_jazzy", tmp);
        Path humble = CycloneDdsPeer.build("graph_peer", "graph_humble", "graph_peer_humble", tmp);
        Path rosPeer = CycloneDdsPeer.build("ros_peer", tmp);
        StringBuilder script = new StringBuilder("export ROS_DOMAIN_ID=41 ROS_LOG_DIR=" + tmp.resolve("roslog") + "\nset -m\n");
        for (String distro : List.of("jazzy", "humble")) {
            Path peer = distro.equals("jazzy") ? jazzy : humble;
            script.append("ROS_DISTRO=").append(distro).append(' ').append(TestRepo.root().resolve("bin/dlayer"))
                    .append(" node --ros-args -r __node:=graph_").append(distro).append(" -r __ns:=/robot -p models:=[selfie] -p image_topics:=[cam/image_raw]")
                    .append(" > node_").append(distro).append(".log 2>&1 &\nNODE=$!\n")
                    .append(peer).append(" 120 graph_").append(distro).append(" > graph.log && echo GRAPH_EXIT=0 || echo GRAPH_EXIT=$?\n")
                    .append("sed 's/^/").append(distro).append(" /' graph.log\n")
                    // rqt_console joining late: /rosout is transient local, so the start-up's lines come too
                    .append(rosPeer).append(" sub-rosout 30 'in the ROS graph' | sed 's/^/").append(distro).append(" /'\n")
                    .append(NodeScript.stop()).append("grep 'ros_discovery_info' node_").append(distro).append(".log\n");
        }
        String out = NetNamespace.run(script.toString(), tmp, 300);
        for (String distro : List.of("jazzy", "humble")) {
            int gidHex = distro.equals("jazzy") ? 32 : 48;
            List<String> lines = out.lines().filter(l -> l.startsWith(distro + " ")).map(l -> l.substring(distro.length() + 1)).toList();
            assertTrue(lines.stream().anyMatch(l -> l.matches("PARTICIPANT [0-9a-f]{" + gidHex + "} KNOWN enclave=/;")),
                    distro + ": participant gid, with rmw's USER_DATA\n" + out);
            // writers: the mask, frame stats, /diagnostics, /rosout, /parameter_events and the 6 parameter services' replies;
            // readers: the camera and the 6 services' requests
            assertTrue(lines.contains("NODE /robot graph_" + distro + " WRITERS 11 READERS 7"), distro + ": node entry\n" + out);
            String node = "rt/robot/graph_" + distro;
            for (String endpoint : List.of("WRITER [0-9a-f]{" + gidHex + "} " + node + "/selfie/mask sensor_msgs::msg::dds_::Image_",
                    "WRITER [0-9a-f]{" + gidHex + "} " + node + "/frame_stats diagnostic_msgs::msg::dds_::DiagnosticArray_",
                    "WRITER [0-9a-f]{" + gidHex + "} rt/diagnostics diagnostic_msgs::msg::dds_::DiagnosticArray_",
                    "WRITER [0-9a-f]{" + gidHex + "} rt/rosout rcl_interfaces::msg::dds_::Log_",
                    "WRITER [0-9a-f]{" + gidHex + "} rt/parameter_events rcl_interfaces::msg::dds_::ParameterEvent_",
                    "WRITER [0-9a-f]{" + gidHex + "} rr/robot/graph_" + distro + "/get_parametersReply rcl_interfaces::srv::dds_::GetParameters_Response_",
                    "READER [0-9a-f]{" + gidHex + "} rq/robot/graph_" + distro + "/set_parametersRequest rcl_interfaces::srv::dds_::SetParameters_Request_",
                    "READER [0-9a-f]{" + gidHex + "} rt/robot/cam/image_raw sensor_msgs::msg::dds_::Image_")) {
                assertTrue(lines.stream().anyMatch(l -> l.matches(endpoint)), distro + ": " + endpoint + "\n" + out);
            }
            if (distro.equals("humble")) {
                assertTrue(lines.stream().filter(l -> l.startsWith("WRITER ")).allMatch(l -> l.substring(7 + 32, 7 + 48).equals("0".repeat(16))),
                        "a Humble gid is the 16-byte GUID and 8 zero bytes\n" + out);
            }
        }
        assertEquals(2, out.lines().filter(l -> l.equals("GRAPH_EXIT=0")).count(), out);
        // /rosout: the node's lines as rcl_interfaces/Log (INFO = 20) under its logger name, from before the reader joined
        assertTrue(out.lines().anyMatch(l -> l.matches("jazzy LOG 20 robot\\.graph_jazzy: arena \\d+ bytes for \\[selfie].*")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("jazzy LOG 20 robot.graph_jazzy: in the ROS graph as /robot/graph_jazzy")), out);
        assertTrue(out.contains("(16-byte gids, ros_discovery_info)") && out.contains("(24-byte gids, ros_discovery_info)"), out);
    }
}
