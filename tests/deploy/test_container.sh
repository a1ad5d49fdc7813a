#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The container image, built and run here with podman:
#  1. a Debian base image from mmdebstrap and the machine's own apt sources
#     (kept between runs in podman's storage, as is the build's layer cache);
#  2. deployments/docker/Dockerfile built on it (--network=host for apt);
#  3. the image run --privileged in a test namespace's network, attached to
#     its veth, with the README's volumes; real HTTP traffic across the veth;
#     /metrics and /flows must count it; podman stop must leave no program or
#     qdisc behind.
# usage: test_container.sh   (root; exits 77 without podman or mmdebstrap)
set -u
cd "$(dirname "$0")/../.."
export CONTAINERS_CONF=$PWD/tests/deploy/containers.conf
BASE=localhost/netobs-base:bookworm
IMAGE=localhost/netobs-xdp:test
TAG=nobc$$
NS_A=${TAG}a NS_B=${TAG}b
PORT=9435 # the image's default, inside the test's own namespace
N_REQ=4
t0=$SECONDS
rc=0
pass() { echo "PASS $*"; }
fail() {
	echo "FAIL $*"
	rc=1
}

if [ "$(id -u)" != 0 ] || ! command -v podman >/dev/null || ! command -v mmdebstrap >/dev/null; then
	echo "SKIP container: needs root, podman and mmdebstrap"
	exit 77
fi
cleanup() {
	podman rm -f "$TAG" >/dev/null 2>&1
	[ -n "${srv:-}" ] && kill "$srv" 2>/dev/null
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	rm -rf "${work:-/nonexistent}"
}
trap cleanup EXIT
work=$(mktemp -d)

# 1. The base image: the machine's apt sources, so no mirror name is written anywhere.
if ! podman image exists "$BASE"; then
	sources=/etc/apt/sources.list.d/debian.sources
	[ -f "$sources" ] || sources=/etc/apt/sources.list
	if mmdebstrap --variant=minbase --quiet bookworm "$work/rootfs.tar" "$sources" &&
		podman import --quiet "$work/rootfs.tar" "$BASE" >/dev/null; then
		pass "base image from mmdebstrap ($((SECONDS - t0)) s)"
	else
		fail "base image from mmdebstrap"
		exit 1
	fi
	rm -f "$work/rootfs.tar"
else
	pass "base image cached in podman's storage"
fi

# 2. The Dockerfile as users build it, on that base.
t1=$SECONDS
if podman build --quiet --format docker --network=host --build-arg BASE="$BASE" \
	--build-arg COMMIT="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)" \
	-f deployments/docker/Dockerfile -t "$IMAGE" . >"$work/build.log" 2>&1; then
	pass "image built from deployments/docker/Dockerfile ($((SECONDS - t1)) s)"
else
	tail -30 "$work/build.log"
	fail "podman build"
	exit 1
fi
if podman run --rm --no-healthcheck "$IMAGE" version | grep -q "netobs-xdp $(cat VERSION)"; then
	pass "the image's netobs-xdp version is this tree's ($(cat VERSION))"
else
	fail "netobs-xdp version in the image"
fi

# 3. Run it on a test namespace's veth; traffic; counts; stop.
ip netns add "$NS_A" && ip netns add "$NS_B" &&
	ip link add a0 netns "$NS_A" type veth peer b0 netns "$NS_B" &&
	ip -n "$NS_A" addr add 10.86.0.1/24 dev a0 && ip -n "$NS_B" addr add 10.86.0.2/24 dev b0 &&
	ip -n "$NS_A" link set a0 up && ip -n "$NS_B" link set b0 up &&
	ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up || {
	fail "namespaces"
	exit 1
}
ip netns exec "$NS_B" /usr/bin/python3 -m http.server 8000 --bind 10.86.0.2 \
	>/dev/null 2>&1 &
srv=$!
tracefs=/sys/kernel/tracing
[ -d "$tracefs/events" ] || mount -t tracefs nodev "$tracefs" 2>/dev/null
# No systemd here to run the health timer (podman says so on stderr, kept in
# run.log): the test runs the check itself.
if ! podman run -d --name "$TAG" --privileged --health-interval disable --network ns:/var/run/netns/"$NS_A" \
	-v /sys/fs/bpf:/sys/fs/bpf -v "$tracefs":"$tracefs" -v /sys/fs/cgroup:/sys/fs/cgroup:ro \
	-v /run/netobs-xdp:/run/netobs-xdp "$IMAGE" \
	attach --config /etc/netobs-xdp/config.yaml --user nobody a0 \
	>/dev/null 2>"$work/run.log"; then
	cat "$work/run.log"
	fail "podman run"
	exit 1
fi
up=0
for _ in $(seq 100); do
	if ip netns exec "$NS_A" curl -sf -o /dev/null http://127.0.0.1:$PORT/healthz; then
		up=1
		break
	fi
	sleep 0.1
done
[ $up = 1 ] && pass "the agent in the container serves /healthz" ||
	{
		podman logs "$TAG" | tail -20
		fail "the agent did not come up"
	}
xdp=$(ip -n "$NS_A" link show a0 | grep -c 'prog/xdp')
[ "$xdp" = 1 ] && pass "its XDP program is on a0" || fail "no XDP program on a0"
for _ in $(seq 50); do # the server in ns b listening?
	ip netns exec "$NS_A" curl -s -o /dev/null http://10.86.0.2:8000/ && break
	sleep 0.1
done
for _ in $(seq "$N_REQ"); do
	ip netns exec "$NS_A" curl -s -o /dev/null http://10.86.0.2:8000/ || fail "request"
done
sleep 1.5 # the agent's sweep and the flows' FINs
metrics=$(ip netns exec "$NS_A" curl -s http://127.0.0.1:$PORT/metrics)
flows=$(ip netns exec "$NS_A" curl -s "http://127.0.0.1:$PORT/flows?limit=1000")
opened=$(echo "$metrics" | awk '/^network_tcp_connections_opened_total\{interface="a0",server_port="8000",role="client"\}/ { print $2 }')
# The probe loop above made one connection more, as may its retries.
to_srv=$(echo "$flows" | grep -c '"server":"10.86.0.2:8000"')
normal=$(echo "$flows" | grep '"server":"10.86.0.2:8000"' | grep -c '"close_type":"normal"')
ended=$(echo "$metrics" | awk '/^network_tcp_close_total\{interface="a0",server_port="8000",role="client",close_type="normal"\}/ { print $2 }')
total=$((to_srv + ${ended:-0}))
if [ "${opened:-0}" -ge $((N_REQ + 1)) ] && [ "$opened" = "$total" ] &&
	[ "$((normal + ${ended:-0}))" = "$opened" ]; then
	pass "/metrics and /flows count the $opened HTTP connections (live $to_srv, ended $ended), all closed normally"
else
	echo "$metrics" | grep 'server_port="8000"' | head -5
	fail "counts: opened ${opened:-none}, live flows $to_srv ($normal normal), ended ${ended:-none}"
fi
if podman healthcheck run "$TAG" >"$work/health.log" 2>&1; then
	pass "the image's HEALTHCHECK passes"
else
	cat "$work/health.log"
	fail "the image's HEALTHCHECK"
fi
pid=$(podman inspect --format '{{.State.Pid}}' "$TAG")
uid=$(awk '/^Uid:/ { print $2 }' /proc/"$pid"/status)
capeff=$(awk '/^CapEff:/ { print $2 }' /proc/"$pid"/status)
nnp=$(awk '/^NoNewPrivs:/ { print $2 }' /proc/"$pid"/status)
seccomp=$(awk '/^Seccomp:/ { print $2 }' /proc/"$pid"/status)
# CAP_NET_ADMIN is bit 12, CAP_BPF bit 39, and with the socket view under
# --user CAP_DAC_READ_SEARCH (bit 2) for other users' /proc: 0x8000001004.
if [ "$uid" = 65534 ] && [ "$capeff" = 0000008000001004 ] && [ "$nnp" = 1 ] && [ "$seccomp" = 2 ]; then
	pass "the agent runs as nobody with CAP_NET_ADMIN, CAP_BPF and CAP_DAC_READ_SEARCH only, NoNewPrivs, seccomp filter"
else
	fail "privileges after start: uid $uid CapEff $capeff NoNewPrivs $nnp Seccomp $seccomp"
fi
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "(image size: $((size / 1048576)) MiB)"
# (podman without systemd complains that it has no health timer to remove: not ours.)
podman stop -t 20 "$TAG" >/dev/null 2>"$work/stop.log"
code=$(podman inspect --format '{{.State.ExitCode}}' "$TAG")
left_xdp=$(ip -n "$NS_A" link show a0 | grep -c 'prog/xdp')
left_qdisc=$(ip netns exec "$NS_A" tc qdisc show dev a0 | grep -c clsact)
if [ "$code" = 0 ] && [ "$left_xdp" = 0 ] && [ "$left_qdisc" = 0 ]; then
	pass "podman stop: exit 0, no XDP program and no clsact left on a0"
else
	podman logs "$TAG" | tail -10
	fail "after podman stop: exit $code, XDP left $left_xdp, clsact left $left_qdisc"
fi
echo "container test: $((SECONDS - t0)) s"
exit $rc
