package dev.demandlayering.ros;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST keeps the node off the other interfaces: in a private network namespace with
 * loopback and a second interface (a veth at 10.9.9.9), the node's UDP sockets (ss) are all on 127.0.0.1 or the
 * multicast group, none on 0.0.0.0 or 10.9.9.9, and a CycloneDDS peer on loopback still finds it in the graph; with
 * the default range (SUBNET) the same node binds the other interface too.
 */
class DiscoveryRangeIT {
    @TempDir
    Path tmp;

    @Test
    void localhostKeepsTheNodeOnLoopback() throws Exception {
        NetNamespace.assumeAvailable();
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/selfie.bin")), "models not fetched (models/fetch.sh)");
        NodeScript.assumeJarBuilt();
        Path graph = CycloneDdsPeer.build("graph_peer", "graph_jazzy", "graph_peer_jazzy", tmp);
        String script = "ip link add v0 type veth peer name v1 && ip addr add 10.9.9.9/24 dev v0 && ip link set v0 up && ip link set v1 up"
                + " || { echo NO_VETH; exit 0; }\n"
                + "cd " + tmp + "\n"
                + "export ROS_DOMAIN_ID=53 ROS_LOG_DIR=" + tmp.resolve("roslog") + " ROS_DISTRO=jazzy\n"
                + "export CYCLONEDDS_URI='<General><Interfaces><NetworkInterface name=\"lo\"/></Interfaces></General>'\nset -m\n"
                + "for range in LOCALHOST SUBNET; do\n"
                + NodeScript.start("ROS_AUTOMATIC_DISCOVERY_RANGE=$range " + TestRepo.root().resolve("bin/dlayer") + " node --ros-args -r __node:=ranged"
                + " -p models:=[selfie]", "node_$range.log")
                + "ss -uanp | grep \"pid=$NODE,\" | awk '{print $4}' | sort -u | sed \"s/^/$range SOCKET /\"\n"
                + "if [ $range = LOCALHOST ]; then " + graph + " 60 ranged | sed 's/^/LOCALHOST /'; fi\n"
                + NodeScript.stop() + "done\n";
        String out = NetNamespace.run(script, tmp, 240);
        Assumptions.assumeFalse(out.contains("NO_VETH"), "this kernel cannot make a veth pair in a network namespace");
        List<String> local = out.lines().filter(l -> l.startsWith("LOCALHOST SOCKET ")).map(l -> l.substring(17)).toList();
        assertTrue(!local.isEmpty() && local.stream().allMatch(a -> a.startsWith("127.0.0.1:") || a.startsWith("239.255.0.1:")),
                "LOCALHOST: loopback sockets only\n" + out);
        assertTrue(local.stream().anyMatch(a -> a.startsWith("127.0.0.1:")), out);
        assertTrue(out.contains("LOCALHOST PARTICIPANT ") && out.contains("LOCALHOST NODE / ranged"), "a loopback peer still finds the node\n" + out);
        List<String> subnet = out.lines().filter(l -> l.startsWith("SUBNET SOCKET ")).map(l -> l.substring(14)).toList();
        assertTrue(subnet.stream().anyMatch(a -> a.startsWith("0.0.0.0:") || a.startsWith("10.9.9.9:")), "SUBNET: the other interface too\n" + out);
    }
}
