#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The deployments checked with the tools their users run: promtool (config,
# rules and the rules' unit tests), systemd-analyze (verify, security score)
# on the unit as `make install` lays it out, kubectl kustomize and the
# Kubernetes schemas (tests/deploy/validate_k8s.mjs) for every overlay, and
# the agent's own --check-config on every config file shipped; the Grafana
# dashboards against @grafana/schema's types and the PromQL grammar.
# usage: test_deploy.sh NETOBS_XDP
set -u
cd "$(dirname "$0")/../.."
BIN=$(realpath "$1")
rc=0
pass() { echo "PASS $*"; }
fail() {
	echo "FAIL $*"
	rc=1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prometheus: the scrape config, the recording and alerting rules, their tests.
if promtool check config deployments/prometheus/prometheus.yml >"$work/p.log" 2>&1; then
	pass "promtool check config deployments/prometheus/prometheus.yml"
else
	cat "$work/p.log"
	fail "promtool check config"
fi
if promtool check rules deployments/prometheus/rules.yml >"$work/p.log" 2>&1; then
	pass "promtool check rules: $(grep -o 'SUCCESS: [0-9]* rules found' "$work/p.log")"
else
	cat "$work/p.log"
	fail "promtool check rules"
fi
if (cd deployments/prometheus && promtool test rules rules_test.yml) >"$work/p.log" 2>&1; then
	pass "promtool test rules: every rule's unit test"
else
	cat "$work/p.log"
	fail "promtool test rules"
fi

# The config file shipped (and installed) is the defaults, written out.
if "$BIN" attach --check-config --config deployments/config.yaml >"$work/shipped" 2>&1 &&
	"$BIN" attach --check-config >"$work/defaults" 2>&1 &&
	cmp -s <(tail -n +2 "$work/shipped") <(tail -n +2 "$work/defaults"); then
	pass "deployments/config.yaml passes --check-config and is exactly the defaults"
else
	diff "$work/shipped" "$work/defaults" | head -20
	fail "deployments/config.yaml against the defaults"
fi

# systemd: the unit as installed (under a prefix of its own, so that verify
# finds the binary and man page the unit names).
root=$work/root
if make -s install PREFIX="$root/usr" SYSCONFDIR="$root/etc" >"$work/i.log" 2>&1; then
	missing=
	for f in usr/sbin/netobs-xdp etc/netobs-xdp/config.yaml etc/default/netobs-xdp \
		usr/share/man/man8/netobs-xdp.8 usr/lib/systemd/system/netobs-xdp.service; do
		[ -e "$root/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && pass "make install lays out the binary, config, defaults, man page, unit" ||
		fail "make install left out:$missing"
else
	cat "$work/i.log"
	fail "make install"
fi
unit=$root/usr/lib/systemd/system/netobs-xdp.service
if [ -f "$unit" ] && grep -q "^ExecStart=$root/usr/sbin/netobs-xdp " "$unit"; then
	pass "the installed unit runs PREFIX/sbin/netobs-xdp"
else
	fail "ExecStart of the installed unit"
fi
if command -v systemd-analyze >/dev/null; then
	if MANPATH="$root/usr/share/man" systemd-analyze verify "$unit" >"$work/v.log" 2>&1; then
		pass "systemd-analyze verify netobs-xdp.service"
	else
		cat "$work/v.log"
		fail "systemd-analyze verify"
	fi
	score=$(systemd-analyze security --offline=true "$unit" 2>/dev/null |
		sed -n 's/.*Overall exposure level[^:]*: \([0-9.]*\).*/\1/p')
	if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 4.0) }'; then
		pass "systemd-analyze security: exposure $score (at most 4.0)"
	else
		fail "systemd-analyze security: exposure ${score:-unknown} (want at most 4.0)"
	fi
else
	echo "SKIP systemd: no systemd-analyze"
fi

# Kubernetes: every overlay rendered, every object against its schema, the
# ConfigMap's config through the agent.
if [ ! -d tests/deploy/node_modules ]; then
	echo "FAIL kubernetes: run npm ci --prefix tests/deploy first (.ci/run does)"
	rc=1
elif ! command -v kubectl >/dev/null; then
	echo "SKIP kubernetes: no kubectl"
else
	for k in deployments/kubernetes/base deployments/kubernetes/overlays/*; do
		mkdir -p "$work/cm"
		rm -f "$work/cm"/*
		if ! kubectl kustomize "$k" >"$work/k.yaml" 2>"$work/k.log"; then
			cat "$work/k.log"
			fail "kubectl kustomize $k"
			continue
		fi
		node tests/deploy/validate_k8s.mjs "$work/cm" <"$work/k.yaml" | sed "s|\$| ($k)|"
		[ "${PIPESTATUS[0]}" = 0 ] || rc=1
		if [ -f "$work/cm/config.yaml" ] &&
			"$BIN" attach --check-config --config "$work/cm/config.yaml" >/dev/null 2>"$work/c.log"; then
			pass "$k: the ConfigMap's config.yaml passes --check-config"
		else
			cat "$work/c.log" 2>/dev/null
			fail "$k: the ConfigMap's config.yaml"
		fi
	done
fi

# Grafana: the dashboards are what scripts/make-dashboards.py writes, and
# each type-checks and has only queries the PromQL grammar accepts.
mkdir -p "$work/dash"
if /usr/bin/python3 scripts/make-dashboards.py "$work/dash" &&
	diff -r "$work/dash" deployments/grafana/dashboards >"$work/d.log"; then
	pass "deployments/grafana/dashboards are scripts/make-dashboards.py's output"
else
	head -20 "$work/d.log"
	fail "deployments/grafana/dashboards differ from scripts/make-dashboards.py's output"
fi
if [ -d tests/deploy/node_modules ]; then
	node tests/deploy/check_dashboards.mjs deployments/grafana/dashboards/*.json || rc=1
fi
exit $rc
