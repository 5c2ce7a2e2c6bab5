"""Runs launch/perception.launch.py against minimal stand-ins of the ROS 2 launch modules (no ROS is
installable here) and prints what it would start, as JSON, for LaunchFilesTest."""
import importlib.util
import json
import sys
import types


def module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class Recorded:
    def __init__(self, *args, **kwargs):
        self.kind = type(self).__name__
        self.args = args
        self.kwargs = kwargs


def as_json(v):
    if isinstance(v, Recorded):
        return {'kind': v.kind, 'args': [as_json(a) for a in v.args], 'kwargs': {k: as_json(x) for k, x in v.kwargs.items()}}
    if isinstance(v, (list, tuple)):
        return [as_json(x) for x in v]
    return v


for name in ['LaunchDescription', 'DeclareLaunchArgument', 'LaunchConfiguration', 'PathJoinSubstitution', 'Node', 'FindPackageShare']:
    globals()[name] = type(name, (Recorded,), {})
module('launch', LaunchDescription=LaunchDescription)
module('launch.actions', DeclareLaunchArgument=DeclareLaunchArgument)
module('launch.substitutions', LaunchConfiguration=LaunchConfiguration, PathJoinSubstitution=PathJoinSubstitution)
module('launch_ros')
module('launch_ros.actions', Node=Node)
module('launch_ros.substitutions', FindPackageShare=FindPackageShare)

spec = importlib.util.spec_from_file_location('perception_launch', sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
print(json.dumps(as_json(mod.generate_launch_description())))
