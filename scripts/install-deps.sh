#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Everything netobs-xdp needs to build and test, on Debian 12.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
	make gcc clang llvm clang-format pkg-config libc6-dev git \
	libbpf-dev libxdp-dev xdp-tools bpftool libelf-dev zlib1g-dev libpcap-dev \
	libcmocka-dev libyaml-dev libmicrohttpd-dev libjansson-dev \
	tshark python3 python3-scapy tcpdump nginx-light curl ethtool prometheus \
	iproute2 procps linux-perf
