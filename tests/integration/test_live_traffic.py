#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Real traffic, captured at both ends, replayed, and checked against tshark.

   ns cli                 ns mid                      ns srv
   curl, python  cli0 <-> m0 [netem_fwd: delay, loss] m1 <-> srv0  nginx, python
   tcpdump on cli0                                         tcpdump on srv0

The forwarder delays every frame and drops every Nth data segment each way,
so the captures hold real retransmissions. Zero windows come from receivers
that stop reading, resets from SO_LINGER 0 and from a closed port. Each
capture is replayed through the BPF engine; every count must equal tshark's
analysis of the same file, retransmissions as METRICS.md defines them.

usage: test_live_traffic.py BIN NETEM_FWD WORKDIR   (root; exits 77 otherwise)
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import oracle
from checks import report, summary, wait_stable

BIN, FWD, WORK = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
TAG = "nobs%d" % os.getpid()
NS = {k: "%s%s" % (TAG, k) for k in ("cli", "mid", "srv")}
CLI4, SRV4, CLI6, SRV6 = "10.77.0.1", "10.77.0.2", "fd00:77::1", "fd00:77::2"
DELAY_US, LOSS_EVERY = 2000, 40
procs = []


def sh(*cmd, ns=None, check=True, **kw):
    if ns:
        cmd = ("ip", "netns", "exec", NS[ns]) + cmd
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def spawn(*cmd, ns, **kw):
    p = subprocess.Popen(("ip", "netns", "exec", NS[ns]) + cmd, **kw)
    procs.append(p)
    return p


def setup():
    for n in NS.values():
        sh("ip", "netns", "add", n)
    sh("ip", "link", "add", "cli0", "netns", NS["cli"], "type", "veth", "peer", "m0",
       "netns", NS["mid"])
    sh("ip", "link", "add", "srv0", "netns", NS["srv"], "type", "veth", "peer", "m1",
       "netns", NS["mid"])
    for ns, dev, a4, a6 in (("cli", "cli0", CLI4, CLI6), ("srv", "srv0", SRV4, SRV6)):
        sh("ip", "addr", "add", a4 + "/24", "dev", dev, ns=ns)
        sh("ip", "addr", "add", a6 + "/64", "dev", dev, "nodad", ns=ns)
        sh("ip", "link", "set", dev, "up", ns=ns)
        sh("ip", "link", "set", "lo", "up", ns=ns)
    for dev in ("m0", "m1"):
        sh("ip", "link", "set", dev, "up", ns="mid")
    # Receive windows of at most 128 KiB (~90 segments): with one loss in 40
    # segments that keeps the gaps open at once within the 16 per direction
    # the engine tracks (see README, "Retransmission").
    for ns in ("cli", "srv"):
        sh("sysctl", "-qw", "net.ipv4.tcp_rmem=4096 65536 131072", ns=ns)
    # Segments as the wire carries them: no TSO/GSO/GRO, checksums filled in.
    for ns, dev in (("cli", "cli0"), ("srv", "srv0"), ("mid", "m0"), ("mid", "m1")):
        sh("ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off", "tx", "off",
           ns=ns, check=False)


def teardown():
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
    for n in NS.values():
        sh("ip", "netns", "del", n, check=False)


SERVER_PY = textwrap.dedent("""
    import socket, sys, threading, time
    def handle(c):
        try:
            serve(c)
        except ConnectionResetError:
            pass                # the "R" client resets on purpose
        c.close()
    def serve(c):
        mode = c.recv(1)
        if mode == b"U":        # upload: stop reading for a while -> zero window
            time.sleep(0.6)
            while c.recv(65536):
                pass
        elif mode == b"D":      # download: send 1 MiB
            c.sendall(b"d" * (1 << 20))
        elif mode == b"R":      # request/response, the client resets
            c.recv(100)
            c.sendall(b"r" * 200)
            c.recv(100)
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.bind((addr, 9000)); s.listen(16)
        def loop(s=s):
            while True:
                c, _ = s.accept()
                threading.Thread(target=handle, args=(c,), daemon=True).start()
        threading.Thread(target=loop, daemon=True).start()
    print("ready", flush=True)
    time.sleep(3600)
""")

CLIENT_PY = textwrap.dedent("""
    import socket, struct, sys, time
    srv4, srv6 = sys.argv[1], sys.argv[2]
    def conn(host, rcvbuf=None):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.connect((host, 9000))
        return s
    s = conn(srv4); s.sendall(b"U" + b"u" * (1 << 20)); s.shutdown(socket.SHUT_WR)
    s.recv(1); s.close()
    s = conn(srv6, rcvbuf=4096); s.sendall(b"D"); time.sleep(0.6)
    while s.recv(65536):
        pass
    s.close()
    s = conn(srv4); s.sendall(b"R" + b"q" * 99); s.recv(200)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()
    try:
        socket.create_connection((srv4, 9002), timeout=2)
    except OSError:
        pass
""")


def nginx_conf(root):
    conf = os.path.join(WORK, "nginx.conf")
    with open(conf, "w") as f:
        f.write(textwrap.dedent("""
            daemon off; master_process off; worker_processes 1;
            pid %(w)s/nginx.pid; error_log %(w)s/nginx-error.log;
            events { worker_connections 64; }
            http {
                access_log off; client_body_temp_path %(w)s; proxy_temp_path %(w)s;
                fastcgi_temp_path %(w)s; uwsgi_temp_path %(w)s; scgi_temp_path %(w)s;
                server { listen 8080; listen [::]:8080; root %(r)s; }
            }
        """ % {"w": WORK, "r": root}))
    return conf


def wait_line(p, want, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        line = p.stdout.readline() if p.stdout else ""
        if want in line:
            return True
    return False


def run_traffic():
    root = os.path.join(WORK, "www")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "blob"), "wb") as f:
        f.write(os.urandom(2 << 20))
    fwd = spawn(FWD, "m0", "m1", str(DELAY_US), str(LOSS_EVERY), ns="mid",
                stdout=subprocess.PIPE, text=True)
    if not wait_line(fwd, "ready"):
        raise RuntimeError("forwarder did not start")
    dumps = []
    for ns, dev in (("cli", "cli0"), ("srv", "srv0")):
        path = os.path.join(WORK, "%s.pcap" % ns)
        p = spawn("tcpdump", "-i", dev, "-w", path, "-U", "-s", "0", "-n", "-B", "32768",
                  "--time-stamp-precision=nano", "tcp or udp", ns=ns,
                  stderr=subprocess.PIPE, text=True)
        line = p.stderr.readline()
        if "listening" not in line:
            raise RuntimeError("tcpdump: " + line)
        dumps.append((p, path))
    spawn("nginx", "-c", nginx_conf(root), ns="srv", stderr=subprocess.DEVNULL)
    srv = spawn("/usr/bin/python3", "-c", SERVER_PY, ns="srv", stdout=subprocess.PIPE,
                text=True)
    if not wait_line(srv, "ready"):
        raise RuntimeError("python server did not start")
    for _ in range(100):  # nginx up?
        if sh("curl", "-s", "-o", "/dev/null", "http://%s:8080/" % SRV4, ns="cli",
              check=False).returncode == 0:
            break
        time.sleep(0.1)
    else:
        raise RuntimeError("nginx did not start: see %s/nginx-error.log" % WORK)
    base4, base6 = "http://%s:8080" % SRV4, "http://[%s]:8080" % SRV6
    sh("curl", "-sS", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
       base4 + "/blob", base4 + "/blob", base4 + "/missing", ns="cli")
    sh("curl", "-sS", "-g", "-o", "/dev/null", base6 + "/blob", ns="cli")
    sh("/usr/bin/python3", "-c", CLIENT_PY, SRV4, SRV6, ns="cli", timeout=60)
    wait_stable([path for _, path in dumps])  # the last FINs and RSTs are in them
    for p, _ in dumps:
        p.send_signal(signal.SIGINT)
        p.wait(10)
        # "N packets dropped by kernel": both tools read the same file, but a
        # dropped packet can take away what the traffic was meant to show.
        print("tcpdump: " + " ".join(p.stderr.read().split()), flush=True)
    fwd.send_signal(signal.SIGTERM)
    fwd.wait(5)
    print(fwd.stdout.read().strip(), flush=True)
    return [path for _, path in dumps]


def replay_json(cap, engine):
    p = subprocess.run([BIN, "replay", "--engine", engine, "--format", "json", cap],
                       capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr)
    return p.stdout


def main():
    if os.geteuid() != 0:
        print("SKIP live traffic: needs root for network namespaces")
        return 77
    for tool in ("tcpdump", "nginx", "curl", "ethtool"):
        if not shutil.which(tool):
            print("FAIL live traffic: %s is not installed" % tool)
            return 1
    os.makedirs(WORK, exist_ok=True)
    try:
        setup()
        caps = run_traffic()
    finally:
        teardown()
    for cap, host in zip(caps, (CLI4, SRV4)):
        name = "live capture at the %s" % ("client" if host == CLI4 else "server")
        out = replay_json(cap, "bpf")
        report(out == replay_json(cap, "user") and out.strip() != "",
               name + ": BPF and userspace builds give identical records")
        recs = [r for r in (json.loads(l) for l in out.splitlines() if l.strip())
                if r["record"] == "flow"]
        ours, theirs = oracle.our_flows(recs), oracle.tshark_flows(cap)
        bad = oracle.compare(ours, theirs, retrans_rule="seen")
        report(not bad, name + ": counts, syn_rtt, retransmissions as seen here",
               "; ".join(bad[:6]))
        # What this host sent it saw in full, so every segment re-sending sequence
        # space is one tshark flags too: as a retransmission (plain, fast or
        # spurious) or, when it leaves within Wireshark's reordering threshold
        # (about the initial RTT) of the previous segment and is not at the
        # peer's last ACK (a SACK recovery), as out-of-order.
        bad_sent = []
        for key, t in theirs.items():
            for ep, c in t["by"].items():
                if ep.lstrip("[").startswith(host) or ep.lstrip("[").startswith(
                        CLI6 if host == CLI4 else SRV6):
                    flagged = c["retrans"] + c["tshark_ooo"]
                    if ours.get(key) and ours[key]["by"][ep]["retrans"] != flagged:
                        bad_sent.append("%s: ours %d, tshark %d (%d of them out-of-order)" %
                                        (ep, ours[key]["by"][ep]["retrans"], flagged,
                                         c["tshark_ooo"]))
        report(not bad_sent, name + ": sent retransmissions equal tshark's flags (incl. out-of-order)",
               "; ".join(bad_sent[:6]))
        retr = sum(r["retrans_c2s"] + r["retrans_s2c"] for r in recs)
        zw = sum(r["zero_win_c2s"] + r["zero_win_s2c"] for r in recs)
        lost = sum(r["lost_c2s"] + r["lost_s2c"] for r in recs)
        ooo = sum(r["ooo_c2s"] + r["ooo_s2c"] for r in recs)
        closes = sorted({r["close_type"] for r in recs})
        need = {"normal", "client_rst", "server_reset"}
        # Each host receives what the forwarder dropped on its way in: upstream
        # loss, which shows as gaps opened and filled, not as retransmissions.
        report(retr > 0 and zw > 0 and lost > 0 and ooo > 0 and need <= set(closes),
               name + ": the traffic holds what it is meant to test",
               "retransmissions %d, lost %d, out-of-order %d, zero windows %d, close types %s" %
               (retr, lost, ooo, zw, closes))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
