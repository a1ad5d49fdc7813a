#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The live agent on a veth pair in two namespaces.

For native and generic XDP: attach, make real TCP traffic across the pair,
capture it with tcpdump on the same interface, and check that /flows counts
exactly what the offline replay of that capture counts; /metrics passes
promtool; SIGTERM exits 0 and leaves no program and no qdisc. Then: a clsact
that was there before stays (with its other filter); a failure half-way
leaves nothing attached; an XDP program loaded by xdp-loader is not replaced;
`detach` cleans up after a killed agent; bad flags are named.

usage: test_attach.py BIN BARE_XDP_OBJ WORKDIR [CAPTURE...]   (root; exits 77 otherwise)
"""
import collections
import functools
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

from checks import (cleanup, echo_server, netns_pair, report, sh, spawn_in, stop, summary,
                    wait_stable)

BIN, BARE, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
CAPTURES = [os.path.abspath(a) for a in sys.argv[4:]]
TAG = "noba%d" % os.getpid()
NS_A, NS_B = TAG + "a", TAG + "b"
A4, B4 = "10.88.0.1", "10.88.0.2"
PORT = 19435
procs = []


spawn = functools.partial(spawn_in, procs)


def setup():
    ends = ((NS_A, "a0", A4), (NS_B, "b0", B4))
    netns_pair(ends)
    for ns, dev, _ in ends:
        sh("ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off", "tx", "off", ns=ns)


def teardown():
    cleanup(procs, (NS_A, NS_B))


def prog_name(prog_id):
    p = sh("bpftool", "-j", "prog", "show", "id", str(prog_id))
    return json.loads(p.stdout).get("name", "") if p.returncode == 0 else ""


def attached_state():
    """(our XDP program?, our TC filter?, clsact present?) on a0, from bpftool's JSON."""
    net = json.loads(sh("bpftool", "-j", "net", "show", "dev", "a0", ns=NS_A).stdout or "[{}]")[0]
    xdp = any(prog_name(e["id"]) == "netobs_xdp" for e in net.get("xdp", []))
    tc = any(prog_name(e["id"]) == "netobs_tc_egress" for e in net.get("tc", []))
    qd = sh("tc", "qdisc", "show", "dev", "a0", ns=NS_A).stdout
    return xdp, tc, "clsact" in qd


def http(path):
    p = sh("curl", "-s", "-w", "\n%{http_code}", "http://127.0.0.1:%d%s" % (PORT, path), ns=NS_A)
    body, _, code = p.stdout.rpartition("\n")
    return (int(code) if code.isdigit() else 0), body


def start_agent(*args, host_mounts=False):
    """The agent in ns a. `ip netns exec` gives it a private /sys (so a bpffs it
    mounts dies with it); host_mounts enters only the network namespace."""
    cmd = (BIN, "attach", "a0", "--listen", "127.0.0.1:%d" % PORT) + args
    if host_mounts:
        p = subprocess.Popen(("nsenter", "--net=/var/run/netns/" + NS_A) + cmd,
                             stderr=subprocess.PIPE, text=True)
        procs.append(p)
    else:
        p = spawn(*cmd, ns=NS_A, stderr=subprocess.PIPE, text=True)
    for _ in range(100):
        if p.poll() is not None:
            break
        if http("/healthz")[0] == 200:
            return p
        time.sleep(0.1)
    return p


SERVER = echo_server(7000, 3, 3)
CLIENT = textwrap.dedent("""
    import socket, sys
    for n in range(3):
        c = socket.create_connection((sys.argv[1], 7000))
        for size in (100, 700, 1200):
            c.sendall(b"c" * size)
            got = 0
            while got < 3 * size:
                got += len(c.recv(65536))
        c.close()
""")


COUNTS = ["proto", "client", "server", "handshake_seen", "packets_c2s", "packets_s2c",
          "bytes_c2s", "bytes_s2c", "payload_bytes_c2s", "payload_bytes_s2c", "syn_count",
          "synack_count", "retrans_c2s", "retrans_s2c", "zero_win_c2s", "zero_win_s2c",
          "rst_c2s", "rst_s2c", "fin_c2s", "fin_s2c", "close_type", "ack_rtt_client_count",
          "ack_rtt_server_count", "srt_count", "art_count"]


def live_equals_replay(mode):
    # Closed flows stay a minute: /flows still lists them when the test reads it.
    agent = start_agent("--mode", mode, "--timeout", "closed_fin=60")
    if http("/healthz")[0] != 200:
        report(False, "%s: agent serves /healthz" % mode, agent.stderr.read() if
               agent.poll() is not None else "no answer")
        return
    cap = os.path.join(WORK, "attach-%s.pcap" % mode)
    dump = spawn("tcpdump", "-i", "a0", "-w", cap, "-U", "-n", "-B", "8192",
                 "--time-stamp-precision=nano", "tcp port 7000", ns=NS_A,
                 stderr=subprocess.PIPE, text=True)
    dump.stderr.readline()
    srv = spawn("/usr/bin/python3", "-c", SERVER, ns=NS_B, stdout=subprocess.PIPE, text=True)
    srv.stdout.readline()
    sh("/usr/bin/python3", "-c", CLIENT, B4, ns=NS_A, check=True, timeout=30)
    srv.wait(10)
    wait_stable([cap])
    dump.send_signal(signal.SIGINT)
    dump.wait(10)
    time.sleep(0.2)

    code, body = http("/flows?limit=1000")
    live = {(r["client"], r["server"]): r for r in map(json.loads, body.splitlines())
            if r["server"].endswith(":7000")}
    out = subprocess.run([BIN, "replay", "--format", "json", "--no-l7", cap], capture_output=True,
                         text=True).stdout
    offline = {(r["client"], r["server"]): r for r in map(json.loads, out.splitlines())}
    bad = []
    if set(live) != set(offline) or len(live) != 3:
        bad.append("flows: live %s, replay %s" % (sorted(live), sorted(offline)))
    for k in set(live) & set(offline):
        for f in COUNTS:
            if live[k][f] != offline[k][f]:
                bad.append("%s %s: live %r, replay %r" % (k[0], f, live[k][f], offline[k][f]))
        for f in ("syn_rtt_us", "ack_rtt_client_avg_us", "srt_avg_us", "art_avg_us"):
            if (live[k][f] is None) != (offline[k][f] is None):
                bad.append("%s %s: live %r, replay %r" % (k[0], f, live[k][f], offline[k][f]))
    report(code == 200 and not bad, "%s: /flows equals the replay of a capture on the same "
           "interface" % mode, "; ".join(bad[:5]))

    # Both ends are sockets of this host: their kernel's own view joins each flow,
    # a smoothed RTT from the closes and the wire's retransmissions and resets.
    sock_bad = ["%s: srtt %r, retransmits %r (wire %d), resets %r/%r (wire %d)" % (
        k[0], r["socket_srtt_us"], r["socket_retransmits"], r["retrans_c2s"] + r["retrans_s2c"],
        r["socket_resets_sent"], r["socket_resets_received"], r["rst_c2s"] + r["rst_s2c"])
        for k, r in live.items()
        if not (isinstance(r["socket_srtt_us"], int) and 0 < r["socket_srtt_us"] < 10**6 and
                r["socket_retransmits"] == r["retrans_c2s"] + r["retrans_s2c"] and
                r["socket_resets_sent"] == r["rst_c2s"] + r["rst_s2c"] and
                r["socket_resets_received"] == r["rst_c2s"] + r["rst_s2c"])]
    report(code == 200 and live and not sock_bad, "%s: /flows carries the sockets' kernel RTT, "
           "retransmissions and resets" % mode, "; ".join(sock_bad[:3]))

    if mode == "native":
        home = sh("curl", "-s", "-i", "http://127.0.0.1:%d/" % PORT, ns=NS_A).stdout
        nf = sh("curl", "-s", "-i", "http://127.0.0.1:%d/nope" % PORT, ns=NS_A).stdout
        post = sh("curl", "-s", "-i", "-X", "POST", "http://127.0.0.1:%d/metrics" % PORT,
                  ns=NS_A).stdout
        head_req = sh("curl", "-s", "-I", "http://127.0.0.1:%d/healthz" % PORT, ns=NS_A).stdout
        ok = ("200 OK" in home and "text/html" in home and 'href="/metrics"' in home and
              'href="/flows"' in home and "404" in nf.splitlines()[0] and "/flows" in nf and
              "405" in post.splitlines()[0] and "200 OK" in head_req)
        report(ok, "landing page with links; 404 names the endpoints; 405 for POST; HEAD works",
               " | ".join(x.splitlines()[0] if x else "" for x in (home, nf, post, head_req)))

    c1, top = http("/flows?limit=1")
    biggest = max(live.values(), key=lambda r: r["bytes_c2s"] + r["bytes_s2c"])
    top = [json.loads(l) for l in top.splitlines() if l.strip()]
    c0, _ = http("/flows?limit=0")
    cx, _ = http("/flows?limit=many")
    report(c1 == 200 and len(top) == 1 and top[0]["client"] == biggest["client"] and
           c0 == 400 and cx == 400,
           "%s: /flows?limit=1 is the largest flow; a bad limit is a 400" % mode,
           "limit=1: %d %r; limit=0: %d; limit=many: %d" % (c1, top[:1], c0, cx))

    # The metrics sum the same flows: the host (a0's side) is the client of :7000.
    code, vals = scrape_values()
    lab = 'interface="a0",server_port="7000",role="client"'
    flows = list(live.values())
    want = {
        "network_tcp_bytes_sent_total{%s}" % lab: sum(f["bytes_c2s"] for f in flows),
        "network_tcp_bytes_received_total{%s}" % lab: sum(f["bytes_s2c"] for f in flows),
        "network_tcp_packets_sent_total{%s}" % lab: sum(f["packets_c2s"] for f in flows),
        "network_tcp_packets_received_total{%s}" % lab: sum(f["packets_s2c"] for f in flows),
        "network_tcp_connections_opened_total{%s}" % lab: 3,
        "network_tcp_syn_rtt_microseconds_count{%s}" % lab: 3,
        "network_tcp_rtt_microseconds_count{%s}" % lab:
            sum(f["ack_rtt_client_count"] + f["ack_rtt_server_count"] for f in flows),
        "network_tcp_art_microseconds_count{%s}" % lab: sum(f["art_count"] for f in flows),
        "network_tcp_srt_microseconds_count{%s}" % lab: sum(f["srt_count"] for f in flows),
    }
    bad = ["%s: %s, expected %s" % (k, vals.get(k), v) for k, v in want.items()
           if vals.get(k) != v]
    report(code == 200 and not bad and want["network_tcp_bytes_sent_total{%s}" % lab] > 0,
           "%s: /metrics sums the flows: bytes, packets, connections, latency counts" % mode,
           "; ".join(bad))

    p = sh("curl", "-s", "-D", "-", "-H",
           "Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
           "http://127.0.0.1:%d/metrics" % PORT, ns=NS_A)
    head, _, om = p.stdout.partition("\n\n")  # text mode: curl's CRLFs are newlines
    report("application/openmetrics-text; version=1.0.0" in head and
           om.rstrip("\n").endswith("# EOF") and "# TYPE network_tcp_bytes_sent counter" in om
           and "# TYPE network_tcp_bytes_sent_total" not in om,
           "%s: OpenMetrics when the scraper asks for it (type, counter names, # EOF)" % mode,
           " | ".join(head.splitlines()[:3]))
    if mode == "native":
        prometheus_scrapes(want)

    during = attached_state()
    report(during == (True, True, True), "%s: while running, our XDP and TC programs are on a0"
           % mode, "(xdp, tc, clsact) %r" % (during,))
    code, metrics = http("/metrics")
    chk = subprocess.run(["promtool", "check", "metrics"], input=metrics, capture_output=True,
                         text=True)
    # Exit 1 is a format error; 3 is lint. METRICS.md fixes the *_microseconds
    # names (seed parity), which promtool's linter would have in seconds: that
    # one finding is allowed, any other fails. The socket view's response time
    # keeps the same unit as every other latency here.
    lint = [l for l in (chk.stdout + chk.stderr).splitlines() if l.strip()]
    other = [l for l in lint if not re.fullmatch(
        r'network_(tcp_\w+|l7_request_duration|socket_srt)_microseconds(_total)? use base '
        r'unit "seconds" instead of '
        r'"microseconds"', l)]
    report(code == 200 and chk.returncode in (0, 3) and not other,
           "%s: /metrics passes promtool check metrics (lint: only the METRICS.md "
           "microsecond names)" % mode, "exit %d: %s" % (chk.returncode, "; ".join(other)))
    rc, err = stop(agent)
    state = attached_state()
    report(rc == 0 and state == (False, False, False) and ("XDP %s mode" % mode) in err,
           "%s: attached in that mode; SIGTERM exits 0 and leaves no program or qdisc" % mode,
           "exit %r, (xdp, tc, clsact) %r, log %r" % (rc, state, err.strip()))


LONG = ["--timeout", "established=86400", "--timeout", "opening=86400", "--timeout",
        "closed_fin=86400", "--timeout", "closing_rst=86400", "--timeout", "udp=86400"]


# Close types of flows that ended before the capture did: offline replay runs
# on capture time, the live agent on injection time (seconds for years).
ENDED_EARLY = {"timeout", "syn_no_answer", "synack_no_ack", "client_half_close",
               "server_half_close", "port_reuse"}


def injected_equals_offline(captures):
    """Frames of a capture sent into a0 from its peer: XDP on a0 sees both
    directions, as on a mirror port. /flows must count what offline replay
    counts for every flow that is one flow, open at the end, in both (timing
    differs: injection runs at top speed). Generic mode, MTU 9000: some
    captures hold frames larger than native XDP on veth takes."""
    for dev, ns in (("a0", NS_A), ("b0", NS_B)):
        sh("ip", "link", "set", dev, "mtu", "9000", ns=ns, check=True)
    for cap in captures:
        name = os.path.basename(cap)
        agent = start_agent("--mode", "generic", *LONG)
        inj = sh(BIN, "replay", "--iface", "b0", "--topspeed", cap, ns=NS_B, timeout=60)
        snapped = sh("tshark", "-r", cap, "-Y", "frame.len != frame.cap_len").stdout.strip()
        if snapped:
            # Frames captured shorter than they were go out as captured: what the
            # agent sees then is not what the offline replay (which knows their
            # length) counts. Injection says so.
            stop(agent)
            report(inj.returncode == 0 and "went out as captured" in inj.stderr,
                   "replay --iface %s: frames cut by the capture's snapshot length are "
                   "named as such" % name, inj.stderr.strip())
            continue
        time.sleep(0.3)
        code, body = http("/flows?limit=10000")
        rc, err = stop(agent)
        off = subprocess.run([BIN, "replay", "--format", "json", "--no-l7", *LONG, cap],
                             capture_output=True, text=True).stdout
        live = [json.loads(l) for l in body.splitlines() if l.strip()]
        offline = [json.loads(l) for l in off.splitlines() if l.strip()]
        per_tuple = collections.Counter((r["client"], r["server"]) for r in offline)
        skip = {(r["client"], r["server"]) for r in offline
                if per_tuple[(r["client"], r["server"])] > 1 or r["close_type"] in ENDED_EARLY}

        def rows(recs):
            return sorted(tuple(r[f] for f in COUNTS) for r in recs
                          if (r["client"], r["server"]) not in skip)
        a, b = rows(live), rows(offline)
        ok = inj.returncode == 0 and code == 200 and rc == 0 and a == b and a
        detail = "%d flows compared, %d ended early offline and left out" % (len(a), len(skip))
        if not ok:
            detail += "; inject %d %s; differ: %s" % (inj.returncode, inj.stderr.strip(),
                                                      sorted(set(a) ^ set(b))[:2])
        report(ok, "replay --iface %s: live /flows counts equal the offline replay" % name,
               detail)
    for dev, ns in (("a0", NS_A), ("b0", NS_B)):
        sh("ip", "link", "set", dev, "mtu", "1500", ns=ns, check=True)


def prometheus_scrapes(want):
    """A real Prometheus server (Debian's) scrapes the agent every second; PromQL
    through its HTTP API must return what the agent counted."""
    pdir = os.path.join(WORK, "prometheus")
    os.makedirs(pdir, exist_ok=True)
    conf = os.path.join(pdir, "prometheus.yml")
    with open(conf, "w") as f:
        f.write(textwrap.dedent("""
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            scrape_configs:
              - job_name: netobs
                static_configs: [{targets: ["127.0.0.1:%d"]}]
        """ % PORT))
    prom = spawn("prometheus", "--config.file=" + conf, "--storage.tsdb.path=" + pdir + "/data",
                 "--web.listen-address=127.0.0.1:19090", ns=NS_A, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)

    def query(q):
        p = sh("curl", "-s", "--get", "--data-urlencode", "query=" + q,
               "http://127.0.0.1:19090/api/v1/query", ns=NS_A)
        try:
            res = json.loads(p.stdout)["data"]["result"]
            return float(res[0]["value"][1]) if res else None
        except (ValueError, KeyError, IndexError):
            return None

    lab = 'interface="a0",server_port="7000",role="client"'
    checks = {
        'network_tcp_connections_opened_total{%s}' % lab:
            want["network_tcp_connections_opened_total{%s}" % lab],
        'sum(network_tcp_bytes_sent_total{%s})' % lab:
            want["network_tcp_bytes_sent_total{%s}" % lab],
        'network_tcp_syn_rtt_microseconds_count{%s}' % lab:
            want["network_tcp_syn_rtt_microseconds_count{%s}" % lab],
        'up{job="netobs"}': 1,
    }
    got = {}
    for _ in range(60):  # up to 30 s for the server to start and scrape
        got = {q: query(q) for q in checks}
        if all(got[q] is not None for q in checks):
            break
        time.sleep(0.5)
    prom.terminate()
    prom.wait(15)
    bad = ["%s = %s, expected %s" % (q, got.get(q), v) for q, v in checks.items()
           if got.get(q) != v]
    report(not bad, "Prometheus scrapes the agent; PromQL returns the expected totals",
           "; ".join(bad))


def config_file():
    """config.yaml drives the agent; a flag given as well wins over the file."""
    conf = os.path.join(WORK, "config.yaml")
    with open(conf, "w") as f:
        f.write("http:\n  listen: \"127.0.0.1:1\"\n  metrics_path: /custom\n"
                "log:\n  format: json\nebpf:\n  sampling_rate: 50\n")
    agent = start_agent("--config", conf)  # start_agent's --listen overrides port 1
    m_code, m_body = http("/custom")
    old_code, _ = http("/metrics")
    rc, err = stop(agent)
    lines = [l for l in err.splitlines() if l.strip()]
    try:
        logs = [json.loads(l) for l in lines]
        json_ok = all({"time", "level", "msg"} <= set(x) for x in logs) and logs
    except ValueError:
        json_ok = False
    report(m_code == 200 and "netobs_sampling_rate_percent 50" in m_body and old_code == 404
           and rc == 0 and json_ok,
           "config.yaml: listen overridden by the flag, metrics_path, sampling, JSON logs",
           "/custom %d, /metrics %d, exit %r, log %r" % (m_code, old_code, rc, lines[:2]))
    with open(conf, "w") as f:
        f.write("ebpf:\n  sampling_rate: 500\n")
    p = sh(BIN, "attach", "a0", "--config", conf, ns=NS_A)
    report(p.returncode == 2 and "config.yaml:2: ebpf.sampling_rate: '500'" in p.stderr and
           "1 to 100" in p.stderr and attached_state() == (False, False, False),
           "a bad config value is named with its line and allowed values; nothing attached",
           p.stderr.strip())


def tcp_exchanges():
    srv = spawn("/usr/bin/python3", "-c", SERVER, ns=NS_B, stdout=subprocess.PIPE, text=True)
    srv.stdout.readline()
    sh("/usr/bin/python3", "-c", CLIENT, B4, ns=NS_A, check=True, timeout=30)
    srv.wait(10)


def scrape_values():
    """(HTTP status, {sample: value}) of one /metrics scrape."""
    code, text = http("/metrics")
    vals = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, v = line.rpartition(" ")
            vals[name] = float(v)
    return code, vals


def rates_over_window():
    """The *_per_second gauges are the agent's: the change over its window of sweeps, the same
    for two scrapers, and over a window holding all of a transfer, that transfer's bytes."""
    lab = 'interface="a0",server_port="7000",role="client"'
    sent = "network_tcp_bytes_sent_total{%s}" % lab
    rate = 'network_tcp_bytes_per_second{%s,direction="sent"}' % lab
    pkts = "network_tcp_packets_received_total{%s}" % lab
    prate = 'network_tcp_packets_per_second{%s,direction="received"}' % lab
    win = "netobs_rate_window_seconds"
    a = start_agent()
    for _ in range(50):  # a rate needs two sweeps: one before the traffic
        if scrape_values()[1].get(win, 0) > 0:
            break
        time.sleep(0.1)
    _, before = scrape_values()
    tcp_exchanges()
    time.sleep(1.5)  # a sweep after the traffic
    for _ in range(5):
        _, v1 = scrape_values()
        _, v2 = scrape_values()
        if v1.get(win) == v2.get(win):
            break
    stop(a)
    span = v1.get(win, 0)
    lines = lambda v: {k: x for k, x in v.items() if "_per_second{" in k}

    def whole(r, total):  # r and span are printed to 3 decimals
        return r is not None and abs(r * span - total) <= 0.0005 * (r + span) + 0.01

    report(before.get(win, 0) > 0 and (rate not in before or before.get(rate) == 0),
           "before any traffic the window is open and the rate is 0 or absent",
           "window %r, rate %r" % (before.get(win), before.get(rate)))
    report(lines(v1) == lines(v2) and lines(v1) and 0 < span <= 10 and
           whole(v1.get(rate), v1.get(sent, -1)) and whole(v1.get(prate), v1.get(pkts, -1)),
           "per-second gauges: two scrapers read the same values, and rate x window = the "
           "transfer's bytes and segments (all inside the window)",
           "window %r s; rate %r, sent %r; packet rate %r, received %r; same %r" % (
               span, v1.get(rate), v1.get(sent), v1.get(prate), v1.get(pkts),
               lines(v1) == lines(v2)))


def pin_restart():
    """--pin: a stopped agent leaves programs and counters; the next takes over."""
    lab = 'interface="a0",server_port="7000",role="client"'
    opened = "network_tcp_connections_opened_total{%s}" % lab
    sent = "network_tcp_bytes_sent_total{%s}" % lab
    a1 = start_agent("--pin", host_mounts=True)
    tcp_exchanges()
    _, v1 = scrape_values()
    rc1, err1 = stop(a1)
    kept = attached_state()[:2]
    pins = sorted(os.listdir("/sys/fs/bpf/netobs-xdp")) if os.path.isdir(
        "/sys/fs/bpf/netobs-xdp") else []
    plain = sh(BIN, "attach", "a0", "--listen", "127.0.0.1:%d" % PORT, ns=NS_A, timeout=60)
    a2 = start_agent("--pin", host_mounts=True)
    _, v2 = scrape_values()
    tcp_exchanges()
    _, v3 = scrape_values()
    rc2, err2 = stop(a2)
    d = subprocess.run(["nsenter", "--net=/var/run/netns/" + NS_A, BIN, "detach", "a0"],
                       capture_output=True, text=True)
    gone = attached_state()[:2] == (False, False) and not os.path.exists(
        "/sys/fs/bpf/netobs-xdp")
    sh("tc", "qdisc", "del", "dev", "a0", "clsact", ns=NS_A)  # detach leaves clsact
    ok = (rc1 == 0 and kept == (True, True) and {"flows", "counters", "ended_series"} <=
          set(pins) and plain.returncode == 1 and "start with --pin" in plain.stderr and
          "took over" in err2 and v1.get(opened) == 3 and v2.get(opened) == 3 and
          v2.get(sent) == v1.get(sent) and v3.get(opened) == 6 and rc2 == 0 and
          d.returncode == 0 and gone)
    report(ok, "--pin: programs and counters survive a restart; detach removes them",
           "stop %r kept %r pins %r; plain agent %d %r; opened %r -> %r -> %r; sent %r -> %r; "
           "detach %d, gone %r; %s" % (rc1, kept, pins, plain.returncode, plain.stderr.strip(),
                                       v1.get(opened), v2.get(opened), v3.get(opened),
                                       v1.get(sent), v2.get(sent), d.returncode, gone,
                                       err2.strip()))


def keeps_existing_clsact():
    sh("tc", "qdisc", "add", "dev", "a0", "clsact", ns=NS_A, check=True)
    # Someone else's filter (u32: this kernel has no matchall or gact modules).
    sh("tc", "filter", "add", "dev", "a0", "egress", "prio", "7", "u32", "match", "u32", "0",
       "0", "flowid", "1:1", ns=NS_A, check=True)
    agent = start_agent("--mode", "generic")
    during = attached_state()
    rc, err = stop(agent)
    after = attached_state()
    other = "pref 7 u32" in sh("tc", "filter", "show", "dev", "a0", "egress", ns=NS_A).stdout
    report(during == (True, True, True) and rc == 0 and after == (False, False, True) and other,
           "a clsact that was there stays, with its filter; ours is gone",
           "during %r, after %r, other filter kept %r, %s" % (during, after, other, err.strip()))
    sh("tc", "qdisc", "del", "dev", "a0", "clsact", ns=NS_A)


def failure_half_way():
    p = sh(BIN, "attach", "a0", "nosuch0", "--listen", "127.0.0.1:%d" % PORT, ns=NS_A,
           timeout=60)
    state = attached_state()
    report(p.returncode == 1 and "nosuch0: no such interface" in p.stderr and
           state == (False, False, False),
           "a failure half-way detaches what was attached",
           "exit %d, state %r, %s" % (p.returncode, state, p.stderr.strip()))


def coexistence():
    load = sh("xdp-loader", "load", "-m", "skb", "a0", BARE, ns=NS_A)
    p = sh(BIN, "attach", "a0", "--mode", "generic", "--listen", "127.0.0.1:%d" % PORT,
           ns=NS_A, timeout=60)
    status = sh("xdp-loader", "status", "a0", ns=NS_A).stdout
    state = attached_state()
    report(load.returncode == 0 and p.returncode == 1 and "already attached" in p.stderr and
           "xdp-loader unload" in p.stderr and "bare_xdp_pass" in status and
           state == (False, False, False),
           "an XDP program loaded by xdp-loader is neither replaced nor disturbed",
           "exit %d: %s; xdp-loader status %r" % (p.returncode, p.stderr.strip(), status))
    sh("xdp-loader", "unload", "a0", "--all", ns=NS_A)


def detach_after_kill():
    agent = start_agent("--mode", "generic")
    agent.kill()
    agent.wait()
    left = attached_state()
    st = sh(BIN, "status", ns=NS_A).stdout
    d = sh(BIN, "detach", "a0", ns=NS_A)
    after = attached_state()
    st2 = sh(BIN, "status", ns=NS_A).stdout
    report(left[:2] == (True, True) and "a0: xdp attached generic, tc egress attached" in st and
           d.returncode == 0 and after[:2] == (False, False) and "not attached" in st2,
           "after a killed agent, status shows it and detach removes it",
           "left %r, status %r, detach %r, after %r" % (left, st, d.stdout + d.stderr, after))
    sh("tc", "qdisc", "del", "dev", "a0", "clsact", ns=NS_A)


def bad_flags():
    for args, code, words in (
            (["attach", "a0", "--mode", "turbo"], 2, ["--mode", "'turbo'", "native", "generic",
                                                      "auto"]),
            (["attach", "a0", "--listen", "localhost"], 2, ["--listen", "'localhost'"]),
            (["attach", "a0", "--probes", "fentry"], 2, ["--probes", "'fentry'", "auto",
                                                         "tracepoint", "kprobe"]),
            (["attach", "a0", "--snippet-bytes", "9000"], 2, ["--snippet-bytes", "'9000'",
                                                              "16 to 4096"]),
            (["attach"], 2, ["name at least one interface"]),
            (["frobnicate"], 2, ["unknown command", "attach"])):
        p = sh(BIN, *args, ns=NS_A)
        ok = p.returncode == code and all(w in p.stderr for w in words)
        report(ok, "bad input: netobs-xdp %s" % " ".join(args),
               "" if ok else "exit %d, %r" % (p.returncode, p.stderr))


def main():
    if os.geteuid() != 0:
        print("SKIP attach tests: need root")
        return 77
    os.makedirs(WORK, exist_ok=True)
    try:
        setup()
        for mode in ("native", "generic"):
            live_equals_replay(mode)
        injected_equals_offline(CAPTURES)
        config_file()
        rates_over_window()
        pin_restart()
        keeps_existing_clsact()
        failure_half_way()
        coexistence()
        detach_after_kill()
        bad_flags()
    finally:
        teardown()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
