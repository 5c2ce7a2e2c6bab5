package dev.demandlayering.cli;

import dev.demandlayering.ros.node.PerceptionNode;
import dev.demandlayering.ros.params.ParameterException;

/**
 * {@code dlayer node --ros-args ...}: starts the ROS 2 perception node; start-up errors print one line each and exit 2, a fault
 * that stops a running node (its models can no longer run) exits 1.
 */
final class NodeCommand {
    private NodeCommand() {
    }

    static int run(String[] args) {
        try {
            PerceptionNode.main(args);
            return 0;
        } catch (PerceptionNode.NodeStopped e) {
            System.err.println("dlayer node: " + e.getMessage());
            return 1;
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
