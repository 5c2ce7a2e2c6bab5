#!/usr/bin/env bash
# Sources ROS 2 and the built workspace, then runs the given command (default: the launch file).
set -e
source "/opt/ros/${ROS_DISTRO}/setup.bash"
source /ws/install/setup.bash
exec "$@"
