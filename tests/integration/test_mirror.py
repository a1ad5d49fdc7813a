#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""A mirror port against an endpoint: the same capture, seen two ways.

   ns a  a0 [agent]  <-veth->  b0  ns b

Endpoint: the agent on a0 (XDP ingress, TC egress) as the client host: each
client-to-server frame leaves through a0 (TC egress), each server-to-client
frame is sent from b0 and arrives at a0 (XDP). Mirror: the agent on a0 with
--vantage mirror, every frame sent from b0 (both directions on ingress, as
on a SPAN/TAP port). The flow records must be equal, and the mirror's
metrics must be what both endpoints would count: its role="client" series
equal to the endpoint agent's, its role="server" series the same with sent
and received swapped.

usage: test_mirror.py BIN CAPTURE...   (root; exits 77 otherwise)
"""
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time

from checks import netns_pair, report, sh, summary

BIN = os.path.abspath(sys.argv[1])
CAPTURES = [os.path.abspath(a) for a in sys.argv[2:]]
TAG = "nobm%d" % os.getpid()
NS_A, NS_B = TAG + "a", TAG + "b"
PORT = 19436
COUNTS = ["proto", "client", "server", "handshake_seen", "packets_c2s", "packets_s2c",
          "bytes_c2s", "bytes_s2c", "payload_bytes_c2s", "payload_bytes_s2c", "syn_count",
          "synack_count", "retrans_c2s", "retrans_s2c", "lost_c2s", "lost_s2c", "ooo_c2s",
          "ooo_s2c", "zero_win_c2s", "zero_win_s2c", "rst_c2s", "rst_s2c", "fin_c2s", "fin_s2c",
          "ack_rtt_client_count", "ack_rtt_server_count", "srt_count", "art_count"]
FAMILIES = ["bytes_sent_total", "bytes_received_total", "packets_sent_total",
            "packets_received_total"]
CLONE_NEWNET = 0x40000000


def setns(name):
    fd = os.open("/var/run/netns/" + name, os.O_RDONLY)
    try:
        if ctypes.CDLL(None, use_errno=True).setns(fd, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns " + name)
    finally:
        os.close(fd)


def raw_socket(ns, dev):
    """An AF_PACKET socket bound to dev in namespace ns (the process returns home)."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        setns(ns)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((dev, 0))
    finally:
        if ctypes.CDLL(None, use_errno=True).setns(home, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns back")
        os.close(home)
    return s


def frames(cap):
    """(frame bytes, (source, destination address)) of every frame, in capture
    order: by addresses, which every fragment of a datagram carries."""
    p = subprocess.run(["tshark", "-r", cap, "-T", "fields", "-E", "separator=\t",
                        "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst"],
                       capture_output=True, text=True, check=True)
    senders = []
    for line in p.stdout.splitlines():
        s4, s6, d4, d6 = (line.split("\t") + [""] * 4)[:4]
        senders.append((s4 or s6, d4 or d6))
    raw = open(cap, "rb").read()
    out, off = [], 24
    while off < len(raw):
        caplen = int.from_bytes(raw[off + 8:off + 12], "little")
        out.append(raw[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return list(zip(out, senders))


def replay_clients(caps):
    """(client address, server address) of every flow, as the offline replay finds them."""
    def addr(endpoint):
        return endpoint.rsplit(":", 1)[0].strip("[]")
    clients = set()
    for cap in caps:
        p = subprocess.run([BIN, "-q", "replay", "--format", "json", "--no-l7", cap],
                           capture_output=True, text=True, check=True)
        for r in (json.loads(l) for l in p.stdout.splitlines() if l.strip()):
            clients.add((addr(r["client"]), addr(r["server"])))
    return clients


def http(path):
    p = sh("curl", "-s", "http://127.0.0.1:%d%s" % (PORT, path), ns=NS_A)
    return p.stdout


def start_agent(*args):
    p = subprocess.Popen(("ip", "netns", "exec", NS_A, BIN, "attach", "a0", "--listen",
                          "127.0.0.1:%d" % PORT, "--no-socket-view") + args,
                         stderr=subprocess.PIPE, text=True)
    for _ in range(100):
        if p.poll() is None and sh("curl", "-sf", "http://127.0.0.1:%d/healthz" % PORT,
                                   ns=NS_A).returncode == 0:
            return p
        time.sleep(0.1)
    raise RuntimeError("agent did not start: %s" % p.stderr.read())


def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait(10)


def observe(vantage, seq, clients):
    """Run the agent with @vantage, send the frames, return (flows, metric values)."""
    agent = start_agent("--vantage", vantage)
    a0, b0 = raw_socket(NS_A, "a0"), raw_socket(NS_B, "b0")
    try:
        for frame, sender in seq:
            out = a0 if vantage == "endpoint" and sender in clients else b0
            out.send(frame)
            time.sleep(0.001)  # one path at a time: frames keep their order at a0
        time.sleep(0.5)
        flows = [json.loads(l) for l in http("/flows?limit=10000").splitlines() if l.strip()]
        values = {}
        for line in http("/metrics").splitlines():
            if line.startswith("network_") and " " in line:
                k, v = line.rsplit(" ", 1)
                values[k] = float(v)
    finally:
        a0.close()
        b0.close()
        stop(agent)
    return {(f["client"], f["server"]): f for f in flows}, values


def series(values, family, proto, role):
    """{server_port: value} of one family and role."""
    out = {}
    pre = "network_%s_%s{" % (proto, family)
    for k, v in values.items():
        if k.startswith(pre) and 'role="%s"' % role in k and 'interface="a0"' in k:
            port = k.split('server_port="')[1].split('"')[0]
            out[port] = v
    return out


def main():
    if os.geteuid() != 0:
        print("SKIP mirror: needs root for network namespaces")
        return 77
    try:
        netns_pair(((NS_A, "a0", "10.89.0.1"), (NS_B, "b0", "10.89.0.2")))
        for ns, dev in ((NS_A, "a0"), (NS_B, "b0")):
            sh("ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off", ns=ns)
        seq = sum((frames(c) for c in CAPTURES), [])
        clients = replay_clients(CAPTURES)
        ep_flows, ep_vals = observe("endpoint", seq, clients)
        mi_flows, mi_vals = observe("mirror", seq, clients)
    finally:
        sh("ip", "netns", "del", NS_A)
        sh("ip", "netns", "del", NS_B)

    bad = []
    for key in sorted(set(ep_flows) | set(mi_flows)):
        a, b = ep_flows.get(key), mi_flows.get(key)
        if not a or not b:
            bad.append("%s only at the %s" % (key, "endpoint" if a else "mirror"))
            continue
        diff = [k for k in COUNTS if a[k] != b[k]]
        if diff:
            bad.append("%s: %s" % (key, ", ".join("%s %r/%r" % (k, a[k], b[k]) for k in diff)))
    report(ep_flows and not bad, "a mirror port and the endpoint give equal flow records "
           "(%d flows)" % len(ep_flows), "; ".join(bad[:5]))

    bad = []
    for proto in ("tcp", "udp"):
        for fam in FAMILIES:
            ep = series(ep_vals, fam, proto, "client")
            mc = series(mi_vals, fam, proto, "client")
            swapped = fam.replace("sent", "X").replace("received", "sent").replace("X",
                                                                                   "received")
            ms = series(mi_vals, swapped, proto, "server")
            if ep != mc:
                bad.append("%s %s role=client: endpoint %r, mirror %r" % (proto, fam, ep, mc))
            if ep != ms:
                bad.append("%s %s: endpoint client %r, mirror server's %s %r" %
                           (proto, fam, ep, swapped, ms))
        opened = "connections_opened_total" if proto == "tcp" else "flows_opened_total"
        for role in ("client", "server"):
            if series(mi_vals, opened, proto, role) != series(ep_vals, opened, proto, "client"):
                bad.append("%s %s role=%s" % (proto, opened, role))
    report(not bad and series(ep_vals, "bytes_sent_total", "tcp", "client"),
           "the mirror's metrics are both endpoints' (role=client equal to the endpoint's, "
           "role=server the same with sent and received swapped)", "; ".join(bad[:5]))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
