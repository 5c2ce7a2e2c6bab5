#!/usr/bin/env bash
# Installs a real NVRTC (NVIDIA's run-time CUDA compiler) for the test that compiles the CUDA backend's kernels with
# exactly the options CudaModule passes (CudaKernelsNvrtcTest). Debian ships it in its non-free component, which the
# default sources do not list: this adds that component for these two packages only (an apt pin keeps every other
# non-free package out). Needs root; does nothing when an NVRTC is already installed.
set -euo pipefail
ls /usr/lib/x86_64-linux-gnu/libnvrtc.so.* /usr/lib/aarch64-linux-gnu/libnvrtc.so.* >/dev/null 2>&1 && exit 0
[ "$(id -u)" = 0 ] || { echo "install-nvrtc.sh: needs root to install libnvrtc11.2 (Debian non-free)" >&2; exit 1; }
. /etc/os-release
cat > /etc/apt/sources.list.d/debian-non-free-nvrtc.sources <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $VERSION_CODENAME
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
cat > /etc/apt/preferences.d/debian-non-free-nvrtc.pref <<PREF
Package: *
Pin: release n=$VERSION_CODENAME, c=non-free
Pin-Priority: -1

Package: libnvrtc11.2 libnvrtc-builtins11.8 libnvrtc12 libnvrtc-builtins12.4
Pin: release n=$VERSION_CODENAME, c=non-free
Pin-Priority: 500
PREF
apt-get update -qq
# bookworm: CUDA 11.8's NVRTC (knows sm_87 and sm_90); trixie: 12.4's
pkg=$(apt-cache show libnvrtc12 >/dev/null 2>&1 && echo libnvrtc12 || echo libnvrtc11.2)
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
