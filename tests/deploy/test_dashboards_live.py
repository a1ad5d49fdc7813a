#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Every Grafana panel returns data from a live agent through a real Prometheus.

The agent runs on a0 in a test namespace with the socket view on; crafted
captures that exercise every family are sent into a0 from its peer (replay
--iface), and curl asks a Python HTTP server across the veth (L7 records,
2xx and 4xx). Prometheus (Debian's) scrapes the agent every second with
deployments/prometheus/rules.yml loaded; then every panel query of every
dashboard, with its variables substituted as Grafana would ("All"), is run
against Prometheus' query API: each must return at least one series, and one
not zero where the traffic sent must make it so. The
results are kept (OUTDIR/results.json) for scripts/dashboards-preview.py.
usage: test_dashboards_live.py NETOBS_XDP CAPTURES_DIR OUTDIR
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from checks import netns_pair, report, sh, summary  # noqa: E402

BIN, CAPS, OUT = sys.argv[1:4]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TAG = "nobg%d" % os.getpid()
NS_A, NS_B = TAG + "a", TAG + "b"
PORT, PROM_PORT, HTTP_PORT = 9435, 19090, 8000
CAPTURES = ("tcp_normal_v4", "tcp_retrans_ipv6_ext", "tcp_zero_window_qinq",
            "tcp_handshake_failures", "tcp_port_reuse_and_queue_overflow",
            "tcp_download_loss_at_client", "hs_client_syn_and_synack_repeats",
            "hs_server_syn_and_synack_repeats", "udp_ipv4_options_and_midstream_tcp",
            "tcp_idle_endings", "tcp_syn_repeat_timestamps", "tcp_gap_fill_receiver_view")


# Panels whose right answer for this traffic is 0: nothing here fills a ring.
ZERO_IS_RIGHT = {"Socket-view ring buffer drops"}
# Panels whose series come but stay 0 with this traffic: said as SKIP.
NOT_YET_NONZERO = set()


def substitute(expr):
    """What Grafana sends for these dashboards' variables set to All."""
    for var, val in (("$__rate_interval", "1m"), ("$__range", "10m")):
        expr = expr.replace(var, val)
    for v in ("instance", "interface", "role", "server_port"):
        expr = expr.replace("$" + v, ".*")
    return expr


def query(expr, api="query", **args):
    url = "http://127.0.0.1:%d/api/v1/%s?%s" % (
        PROM_PORT, api, urllib.parse.urlencode(dict(query=expr, **args)))
    p = sh("curl", "-s", url, ns=NS_A)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {"status": "error", "error": p.stdout[:200]}


# Sent at the capture's own pace: the agent's live clock must see its gaps.
PACED = {"tcp_port_reuse_and_queue_overflow"}


def send_traffic():
    for name in CAPTURES:
        pace = () if name in PACED else ("--topspeed",)
        sh(BIN, "replay", "--iface", "db0", *pace, os.path.join(CAPS, name + ".pcap"),
           ns=NS_B, timeout=60)
    for path in ("/", "/", "/missing", "/"):
        sh("curl", "-s", "-o", "/dev/null", "http://10.88.0.2:%d%s" % (HTTP_PORT, path),
           ns=NS_A)


def main():
    work = os.path.abspath(OUT)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    procs = []
    try:
        netns_pair(((NS_A, "da0", "10.88.0.1"), (NS_B, "db0", "10.88.0.2")))
        procs.append(subprocess.Popen(
            ("ip", "netns", "exec", NS_B, "/usr/bin/python3", "-m", "http.server",
             str(HTTP_PORT), "--bind", "10.88.0.2"), cwd=work,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        # Short timeouts, so that the captures' flows end (and the counters of
        # close types, queue overflow among them, count) within the test; a last
        # round of established flows keeps the live-flow gauges filled.
        with open(os.path.join(work, "config.yaml"), "w") as f:
            f.write("flows:\n  timeouts: {established: 3, closing_rst: 1, opening: 1, "
                    "closed_fin: 1, udp: 1}\n")
        agent = subprocess.Popen(("ip", "netns", "exec", NS_A, BIN, "attach", "--config",
                                  os.path.join(work, "config.yaml"), "da0"),
                                 stderr=open(os.path.join(work, "agent.log"), "w"))
        procs.append(agent)
        with open(os.path.join(ROOT, "deployments/prometheus/rules.yml")) as f:
            rules = f.read()
        with open(os.path.join(work, "rules.yml"), "w") as f:
            f.write(rules)
        with open(os.path.join(work, "prometheus.yml"), "w") as f:
            f.write("global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                    "rule_files: [rules.yml]\n"
                    "scrape_configs:\n  - job_name: netobs-xdp\n"
                    "    static_configs: [{targets: ['127.0.0.1:%d']}]\n" % PORT)
        procs.append(subprocess.Popen(
            ("ip", "netns", "exec", NS_A, "prometheus", "--config.file=prometheus.yml",
             "--storage.tsdb.path=data", "--web.listen-address=127.0.0.1:%d" % PROM_PORT),
            cwd=work, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(work, "prometheus.log"), "w")))
        up = False
        for _ in range(200):
            r = query("up")
            if r.get("status") == "success" and any(
                    s["value"][1] == "1" for s in r["data"]["result"]):
                up = True
                break
            time.sleep(0.1)
        report(up, "Prometheus scrapes the agent (up == 1)")
        if not up:
            return
        time.sleep(3)  # samples before the traffic, so that rates see it start
        send_traffic()
        time.sleep(4)  # the handshakes' flows end
        send_traffic()  # and again, so that increases span several scrapes
        time.sleep(6)  # these flows end too, and are scraped
        for name in ("tcp_retrans_ipv6_ext", "tcp_zero_window_qinq"):  # live at the query
            sh(BIN, "replay", "--iface", "db0", "--topspeed", os.path.join(CAPS, name + ".pcap"),
               ns=NS_B, timeout=60)
        time.sleep(1.5)
        with open(os.path.join(work, "metrics.txt"), "w") as f:
            f.write(sh("curl", "-s", "http://127.0.0.1:%d/metrics" % PORT, ns=NS_A).stdout)
        results = {}
        for path in sorted(glob.glob(os.path.join(ROOT, "deployments/grafana/dashboards/*.json"))):
            with open(path) as f:
                d = json.load(f)
            name = os.path.basename(path)[:-5]
            results[name] = {"title": d["title"], "panels": []}
            empty = []
            for p in d["panels"]:
                got = []
                for t in p["targets"]:
                    r = query(substitute(t["expr"]))
                    series = r.get("data", {}).get("result", []) if r.get("status") == "success" else []
                    now = time.time()
                    rng = query(substitute(t["expr"]), "query_range", start=now - 20, end=now,
                                step=1)
                    got.append({"expr": t["expr"], "legend": t.get("legendFormat", ""),
                                "series": series, "error": r.get("error"),
                                "range": rng.get("data", {}).get("result", [])})
                    if not series:
                        empty.append("%s [%s]: %s" % (p["title"], t["refId"], r.get("error") or "no series"))
                    elif p["title"] not in ZERO_IS_RIGHT and all(
                            x["value"][1] in ("0", "NaN") for x in series):
                        if p["title"] in NOT_YET_NONZERO:
                            report(None, "%s: %s [%s] has series, all 0 with this traffic" %
                                   (name, p["title"], t["refId"]))
                        else:
                            empty.append("%s [%s]: only zeros" % (p["title"], t["refId"]))
                results[name]["panels"].append({"title": p["title"], "type": p["type"],
                                                "unit": p["fieldConfig"]["defaults"]["unit"],
                                                "targets": got})
            n = sum(len(p["targets"]) for p in d["panels"])
            report(not empty, "%s: all %d panel queries return series from the live agent" % (name, n),
                   "; ".join(empty))
        with open(os.path.join(work, "results.json"), "w") as f:
            json.dump(results, f)
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        sh("ip", "netns", "del", NS_A)
        sh("ip", "netns", "del", NS_B)


if __name__ == "__main__":
    main()
    sys.exit(summary())
