#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The socket view, end to end (run as root): nginx in one namespace, curl in
# another, the agent attached to curl's side. Prints the HTTP records /l7
# serves, with their process and latency. Leaves nothing behind. Exit status
# 0 when the three requests appear at both sockets with the right statuses.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/netns-pair.sh
NS=netobsl7$$
PORT=19491
WORK=$(mktemp -d)
agent=""
nginx=""

cleanup() {
	[ -n "$agent" ] && kill "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	[ -n "$nginx" ] && kill "$nginx" 2>/dev/null && wait "$nginx" 2>/dev/null
	netns_pair_del ${NS}c ${NS}s
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "# curl in ${NS}c (10.81.0.1) <-> nginx in ${NS}s (10.81.0.2:8080)"
netns_pair ${NS}c ${NS}s l7c0 l7s0 10.81.0.1/24 10.81.0.2/24
cat >"$WORK/nginx.conf" <<CONF
daemon off; master_process off; pid $WORK/nginx.pid; error_log $WORK/error.log;
events {}
http { access_log off; client_body_temp_path $WORK; proxy_temp_path $WORK;
  fastcgi_temp_path $WORK; uwsgi_temp_path $WORK; scgi_temp_path $WORK;
  server { listen 10.81.0.2:8080;
    location = / { return 200 "hello\n"; }
    location = /busy { return 503; }
    location / { return 404; } } }
CONF
ip netns exec ${NS}s nginx -c "$WORK/nginx.conf" &
nginx=$!

echo "# netobs-xdp attach l7c0"
ip netns exec ${NS}c bin/netobs-xdp attach l7c0 --listen 127.0.0.1:$PORT >"$WORK/agent.log" 2>&1 &
agent=$!
for _ in $(seq 100); do
	ip netns exec ${NS}c curl -sf -o /dev/null http://127.0.0.1:$PORT/healthz && break
	sleep 0.1
done
grep -E "attached|hooks|serving" "$WORK/agent.log" | cut -c1-150

for path in / /missing /busy; do
	echo "# curl http://10.81.0.2:8080$path"
	ip netns exec ${NS}c curl -s -o /dev/null -w "%{http_code}\n" http://10.81.0.2:8080$path
done
sleep 1.5
echo "# curl /l7 (the HTTP records, at curl's socket and at nginx's)"
records=$(ip netns exec ${NS}c curl -s http://127.0.0.1:$PORT/l7 | grep '"server":"10.81.0.2:8080"')
echo "$records" | sed -E 's/,"(request_ns|cgroup_id|container_id|pod|pod_namespace|pod_uid)":[^,}]*//g'
got=$(echo "$records" | grep -oE '"request":"[^"]*","status":[0-9]+,.*"side":"[a-z]+"' |
	sed -E 's/,"error_code.*"side"/ /' | sort | tr '\n' ';')
want='"request":"/","status":200 :"client";"request":"/","status":200 :"server";'
want+='"request":"/busy","status":503 :"client";"request":"/busy","status":503 :"server";'
want+='"request":"/missing","status":404 :"client";"request":"/missing","status":404 :"server";'
[ "$got" = "$want" ] || { echo "unexpected records: $got"; exit 1; }
echo "# curl /metrics (excerpt: nginx's answers)"
ip netns exec ${NS}c curl -s http://127.0.0.1:$PORT/metrics | grep '^network_l7_requests_total.*nginx'
