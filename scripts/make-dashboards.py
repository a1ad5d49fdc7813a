#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Writes deployments/grafana/dashboards/*.json from the panel lists below.

The dashboards are generated so that every panel has the same variables,
datasource and layout rules; edit this file, run it, commit both.
usage: scripts/make-dashboards.py [OUTDIR]
"""
import json
import os
import sys

DS = {"type": "prometheus", "uid": "${datasource}"}
# Every family carries interface, role and server_port (METRICS.md); L7 ones do not.
SEL = 'instance=~"$instance",interface=~"$interface",role=~"$role",server_port=~"$server_port"'
L7SEL = 'instance=~"$instance"'


def variables(l7=False):
    def query_var(name, label, metric):
        return {
            "name": name,
            "label": label,
            "type": "query",
            "datasource": DS,
            "query": {"query": f"label_values({metric}, {name})", "refId": name},
            "refresh": 2,
            "includeAll": True,
            "multi": True,
            "allValue": ".*",
            "current": {"text": ["All"], "value": ["$__all"]},
            "sort": 1,
        }

    v = [
        {
            "name": "datasource",
            "label": "Data source",
            "type": "datasource",
            "query": "prometheus",
            "current": {"text": "Prometheus", "value": "prometheus"},
        },
        query_var("instance", "Instance", "netobs_build_info"),
    ]
    if not l7:
        for name, label in (
            ("interface", "Interface"),
            ("role", "Role"),
            ("server_port", "Server port"),
        ):
            v.append(query_var(name, label, "network_tcp_connections_opened_total"))
    return {"list": v}


def panel(pid, title, exprs, unit, x, y, w=12, h=8, kind="timeseries", legend=None):
    targets = []
    for i, e in enumerate(exprs):
        expr, fmt = e if isinstance(e, tuple) else (e, None)
        t = {"refId": chr(ord("A") + i), "datasource": DS, "expr": expr, "range": True}
        if fmt:
            t["legendFormat"] = fmt
        if kind == "heatmap":
            t["format"] = "heatmap"
        targets.append(t)
    p = {
        "id": pid,
        "type": kind,
        "title": title,
        "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "targets": targets,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {},
    }
    if kind == "heatmap":
        p["options"] = {"calculate": False, "yAxis": {"unit": unit}}
    return p


def layout(specs):
    """specs: (title, exprs, unit[, kind]) two to a row."""
    out = []
    for i, s in enumerate(specs):
        title, exprs, unit = s[:3]
        kind = s[3] if len(s) > 3 else "timeseries"
        out.append(panel(i + 1, title, exprs, unit, (i % 2) * 12, (i // 2) * 8, kind=kind))
    return out


def dashboard(uid, title, tags, specs, l7=False):
    return {
        "uid": uid,
        "title": title,
        "tags": ["netobs-xdp"] + tags,
        "editable": True,
        "graphTooltip": 1,
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-1h", "to": "now"},
        "refresh": "30s",
        "timezone": "browser",
        "templating": variables(l7),
        "annotations": {"list": []},
        "links": [],
        "panels": layout(specs),
    }


def rate(metric, by="interface, role", sel=SEL):
    return f"sum by ({by}) (rate({metric}{{{sel}}}[$__rate_interval]))"


def quantile(q, metric, by="interface, role"):
    return (
        f"histogram_quantile({q}, sum by (le, {by}) "
        f"(rate({metric}_bucket{{{SEL}}}[$__rate_interval])))"
    )


def pcts(metric):
    return [(quantile(q, metric), f"p{int(q * 100)} {{{{interface}}}} {{{{role}}}}")
            for q in (0.5, 0.9, 0.99)]


def topn(metric, by):
    return (f"topk(10, sum by ({by}) (increase({metric}{{{SEL}}}[$__range])))", f"{{{{{by}}}}}")


OVERVIEW = [
    ("Bytes per second sent (TCP)", [(rate("network_tcp_bytes_sent_total"), "{{interface}} {{role}}")], "Bps"),
    ("Bytes per second received (TCP)", [(rate("network_tcp_bytes_received_total"), "{{interface}} {{role}}")], "Bps"),
    ("Packets per second (TCP)", [(rate("network_tcp_packets_sent_total"), "sent {{interface}} {{role}}"),
                                  (rate("network_tcp_packets_received_total"), "received {{interface}} {{role}}")], "pps"),
    ("UDP bytes per second", [(rate("network_udp_bytes_sent_total"), "sent {{interface}} {{role}}"),
                              (rate("network_udp_bytes_received_total"), "received {{interface}} {{role}}")], "Bps"),
    ("Connections opened per second", [(rate("network_tcp_connections_opened_total"), "{{interface}} {{role}}")], "cps"),
    ("Active connections", [(f"sum by (interface, role) (network_tcp_connections_active{{{SEL}}})", "{{interface}} {{role}}")], "short"),
    ("SYN RTT p90", pcts("network_tcp_syn_rtt_microseconds")[1:2], "µs"),
    ("Retransmission ratio", [(f"sum by (interface) (rate(network_tcp_retrans_packets_total{{{SEL}}}[$__rate_interval])) / "
                               f"sum by (interface) (rate(network_tcp_packets_sent_total{{{SEL}}}[$__rate_interval]))", "{{interface}}")], "percentunit"),
    ("Resets per second", [(rate("network_tcp_rst_total"), "{{interface}} {{role}}")], "short"),
    ("Flow table use", [(f"netobs_flow_table_entries{{{L7SEL}}} / netobs_flow_table_capacity{{{L7SEL}}}", "{{instance}}")], "percentunit"),
]

LATENCY = [
    ("SYN RTT (total): p50, p90, p99", pcts("network_tcp_syn_rtt_microseconds"), "µs"),
    ("SYN RTT, client side", pcts("network_tcp_syn_rtt_client_microseconds"), "µs"),
    ("SYN RTT, server side", pcts("network_tcp_syn_rtt_server_microseconds"), "µs"),
    ("Data RTT", pcts("network_tcp_rtt_microseconds"), "µs"),
    ("Server response time (SRT)", pcts("network_tcp_srt_microseconds"), "µs"),
    ("Application response time (ART)", pcts("network_tcp_art_microseconds"), "µs"),
    ("SYN RTT heatmap", [(f"sum by (le) (rate(network_tcp_syn_rtt_microseconds_bucket{{{SEL}}}[$__rate_interval]))", "{{le}}")], "µs", "heatmap"),
    ("Data RTT heatmap", [(f"sum by (le) (rate(network_tcp_rtt_microseconds_bucket{{{SEL}}}[$__rate_interval]))", "{{le}}")], "µs", "heatmap"),
    ("SRT heatmap", [(f"sum by (le) (rate(network_tcp_srt_microseconds_bucket{{{SEL}}}[$__rate_interval]))", "{{le}}")], "µs", "heatmap"),
    ("RTT max and min of live flows", [(f"max by (interface, role) (network_tcp_rtt_max_microseconds{{{SEL}}})", "max {{interface}} {{role}}"),
                                       (f"min by (interface, role) (network_tcp_rtt_min_microseconds{{{SEL}}})", "min {{interface}} {{role}}")], "µs"),
]

ANOMALIES = [
    ("Retransmitted packets per second", [(rate("network_tcp_retrans_packets_total"), "{{interface}} {{role}}")], "pps"),
    ("Zero-window events per second", [(rate("network_tcp_zero_window_events_total"), "{{interface}} {{role}}")], "short"),
    ("Resets per second", [(rate("network_tcp_rst_total"), "{{interface}} {{role}}")], "short"),
    ("Closes by type", [(rate("network_tcp_close_total", "close_type"), "{{close_type}}")], "short"),
    ("SYN and SYN-ACK repeats", [(rate("network_tcp_client_syn_repeat_total"), "SYN {{interface}} {{role}}"),
                                 (rate("network_tcp_server_synack_repeat_total"), "SYN-ACK {{interface}} {{role}}")], "short"),
    ("Establish failures", [(rate("network_tcp_client_establish_fail_total"), "client {{interface}} {{role}}"),
                            (rate("network_tcp_server_establish_fail_total"), "server {{interface}} {{role}}")], "short"),
    ("Server queue overflow", [(rate("network_tcp_server_queue_overflow_total"), "{{interface}} {{role}}")], "short"),
    ("Lost and out-of-order segments", [(rate("network_tcp_lost_segments_total"), "lost {{interface}} {{role}}"),
                                        (rate("network_tcp_out_of_order_total"), "out of order {{interface}} {{role}}")], "short"),
    ("Top 10 server ports by retransmissions", [topn("network_tcp_retrans_packets_total", "server_port")], "short", "bargauge"),
    ("Top 10 interfaces by resets", [topn("network_tcp_rst_total", "interface")], "short", "bargauge"),
]

L7 = [
    ("Requests per second by protocol", [(rate("network_l7_requests_total", "protocol, side", L7SEL), "{{protocol}} {{side}}")], "reqps"),
    ("Requests by status class", [(rate("network_l7_requests_total", "protocol, status_class", L7SEL), "{{protocol}} {{status_class}}")], "reqps"),
    ("Errors per second", [(rate("network_l7_errors_total", "protocol, side", L7SEL), "{{protocol}} {{side}}")], "short"),
    ("Request duration p50, p90, p99",
     [(f"histogram_quantile({q}, sum by (le, protocol) (rate(network_l7_request_duration_microseconds_bucket{{{L7SEL}}}[$__rate_interval])))",
       f"p{int(q * 100)} {{{{protocol}}}}") for q in (0.5, 0.9, 0.99)], "µs"),
    ("Requests by process", [(rate("network_l7_requests_total", "process", L7SEL), "{{process}}")], "reqps"),
    ("Requests by pod", [(rate("network_l7_requests_total", "pod", L7SEL), "{{pod}}")], "reqps"),
    ("Socket-view ring buffer drops", [(f"sum by (instance) (rate(netobs_ringbuf_drops_total{{{L7SEL}}}[$__rate_interval]))", "{{instance}}")], "short"),
    ("Socket server response time p90", [(f"histogram_quantile(0.9, sum by (le) (rate(network_socket_srt_microseconds_bucket{{{L7SEL}}}[$__rate_interval])))", "p90")], "µs"),
]

DASHBOARDS = {
    "network-overview": ("netobs-overview", "netobs-xdp: Network overview", ["overview"], OVERVIEW, False),
    "tcp-latency": ("netobs-tcp-latency", "netobs-xdp: TCP latency", ["tcp", "latency"], LATENCY, False),
    "tcp-anomalies": ("netobs-tcp-anomalies", "netobs-xdp: TCP anomalies", ["tcp"], ANOMALIES, False),
    "l7-processes": ("netobs-l7", "netobs-xdp: L7 and processes", ["l7"], L7, True),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "deployments", "grafana", "dashboards")
    os.makedirs(out, exist_ok=True)
    for name, (uid, title, tags, specs, l7) in DASHBOARDS.items():
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(dashboard(uid, title, tags, specs, l7), f, indent=2, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
