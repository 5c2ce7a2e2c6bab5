"""Starts the demand-layering perception node.

ros2 launch demand_layering perception.launch.py [params_file:=FILE] [namespace:=NS] [image_topic:=TOPIC] [node_name:=NAME]
"""
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare


def generate_launch_description():
    default_params = PathJoinSubstitution([FindPackageShare('demand_layering'), 'params', 'detector.yaml'])
    return LaunchDescription([
        DeclareLaunchArgument('params_file', default_value=default_params,
                              description='ROS 2 parameter file (see docs/parameters.md)'),
        DeclareLaunchArgument('namespace', default_value='', description='namespace of the node and its topics'),
        DeclareLaunchArgument('node_name', default_value='demand_layering', description='name of the node'),
        DeclareLaunchArgument('image_topic', default_value='/camera/image_raw',
                              description='camera topic the node\'s image_raw is remapped to (image_raw/compressed follows it)'),
        Node(
            package='demand_layering',
            executable='dlayer_node',
            name=LaunchConfiguration('node_name'),
            namespace=LaunchConfiguration('namespace'),
            parameters=[LaunchConfiguration('params_file')],
            remappings=[('image_raw', LaunchConfiguration('image_topic'))],
            output='screen',
            emulate_tty=True,
        ),
    ])
