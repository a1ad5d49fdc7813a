#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""L7 records of `netobs-xdp replay` against tshark's dissectors on captures
nobody on this project made: the same requests, statuses, error codes and
latencies (to the nanosecond of the capture's clock), nothing more.

usage: test_l7_replay.py NETOBS_XDP SHARED_CAPTURES_DIR [EXTRA.pcap:proto ...]"""
import json
import os
import subprocess
import sys

import l7_oracle
from checks import report, summary

REQUEST_MAX = 511  # request text kept per record (L7_REQUEST_MAX less its NUL)

CASES = [  # capture, protocol, oracle, tshark decode-as
    ("ndpi/http.pcapng", "http", l7_oracle.http, ()),
    ("ndpi/http-lines-split.pcap", "http", l7_oracle.http, ()),
    ("ndpi/http_ua_splitted_in_two_pkts.pcapng", "http", l7_oracle.http, ()),
    ("ndpi/http_asymmetric.pcapng", "http", l7_oracle.http, ()),
    ("ndpi/http_ipv6.pcap", "http", l7_oracle.http, ()),
    ("ndpi/dns.pcap", "dns", l7_oracle.dns, ()),
    ("ndpi/dns_fragmented.pcap", "dns", l7_oracle.dns, ()),
    ("ndpi/mysql.pcapng", "mysql", l7_oracle.mysql, ()),
    ("ndpi/pgsql.pcap", "postgresql", l7_oracle.pgsql, ()),
    ("ndpi/pgsql2.pcapng", "postgresql", l7_oracle.pgsql, ("tcp.port==60102,pgsql",)),
    ("ndpi/tcp_scan.pcapng", "http", l7_oracle.http, ()),
]


def ours(netobs, cap):
    # Query strings kept: tshark shows them whole (the agent's default redacts them).
    p = subprocess.run([netobs, "-q", "replay", "--format", "json", "--sql-literals",
                        "--keep-query", "--snippet-bytes", "4096", cap],
                       capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError("replay %s: %s" % (cap, p.stderr.strip()))
    return [r for r in map(json.loads, p.stdout.splitlines()) if r["record"] == "l7"]


def comparable(r, oracle_side):
    keys = ["command", "request", "status", "latency_ns"] + \
        [k for k in ("error_code", "rcode") if k in r or not oracle_side]
    if not oracle_side:
        r = dict(r, latency_ns=round(r["latency_us"] * 1000))
    else:
        r = dict(r, request=(r["request"] or None) and r["request"][:REQUEST_MAX])
    return tuple((k, r.get(k)) for k in keys if k in r)


def main():
    netobs, shared = sys.argv[1], sys.argv[2]
    for rel, proto, oracle, decode in CASES:
        cap = os.path.join(shared, rel)
        if not os.path.exists(cap):
            report(None, "l7 %s" % rel, "capture not present")
            continue
        want = oracle(cap, decode)
        got = ours(netobs, cap)
        other = [r for r in got if r["protocol"] != proto]
        got = [r for r in got if r["protocol"] == proto]
        keys = sorted(want[0].keys()) if want else []
        w = sorted(comparable(x, True) for x in want)
        g = sorted(comparable({k: r.get(k) for k in keys + ["latency_us"]}, False)
                   for r in got) if keys else [tuple() for _ in got]
        report(w == g and not other, "l7 %s: %d %s records as tshark" % (rel, len(want), proto),
               "" if w == g and not other else "tshark %s\n   ours %s\n   other %s" %
               (w, g, other))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
