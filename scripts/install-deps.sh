#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Everything netobs-xdp needs to build and test, on Debian 12 (run as root).
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends $(grep -v '^#' debian-packages.txt)
# The deployment checks' npm packages, at the versions package-lock.json pins.
npm ci --prefix ../tests/deploy --no-audit --no-fund
