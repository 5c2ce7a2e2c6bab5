package dev.demandlayering.cli;

import dev.demandlayering.ros.logging.RosLogging;
import dev.demandlayering.ros.node.PerceptionNode;
import dev.demandlayering.ros.params.NodeParameters;
import dev.demandlayering.ros.params.ParameterException;
import dev.demandlayering.ros.params.RosArgs;

/**
 * {@code dlayer node --ros-args ...} (installed as {@code lib/demand_layering/dlayer_node}): starts the ROS 2 perception
 * node with rcl's logging set up. Start-up errors print one line each and exit 2; a fault that stops a running node (its
 * models can no longer run) exits 1; SIGINT or SIGTERM closes the node cleanly and exits 0, as an rclcpp node does.
 */
final class NodeCommand {
    /** The executable name rcl would use for the log file: what launch and {@code ros2 run} start. */
    static final String EXECUTABLE = "dlayer_node";

    private NodeCommand() {
    }

    static int run(String[] argv) {
        try {
            RosArgs args = RosArgs.parse(argv, NodeParameters.DEFAULT_NODE_NAME);
            RosLogging.forNode(args, EXECUTABLE, System.getenv());
            StopSignals signals = StopSignals.install("dlayer node", "closing the node");
            PerceptionNode node = PerceptionNode.start(args);
            try {
                while (!signals.awaitRequest(200) && !node.stopped()) {
                    // serving: the inference thread does the work
                }
            } finally {
                node.close();
            }
            if (node.fault() != null) {
                Thread.sleep(1000); // the ERROR diagnostic is queued on a reliable writer: give it time to reach subscribers
                System.err.println("dlayer node: inference stopped: " + node.fault().getMessage());
                return 1;
            }
            System.err.println("dlayer node: stopped by " + signals.signalName());
            return 0;
        } catch (ParameterException e) {
            for (String p : e.problems()) System.err.println("dlayer node: " + p);
            return 2;
        } catch (Exception e) {
            System.err.println("dlayer node: " + Errors.describe(e));
            if (System.getenv("DLAYER_DEBUG") != null) e.printStackTrace();
            return 2;
        }
    }
}
