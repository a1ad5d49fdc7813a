#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The socket view against real servers and clients from Debian, each in a
network namespace this test makes: nginx with curl, redis-server with
redis-cli, dnsmasq with dig. With the agent attached, /l7 must hold exactly
the requests the clients made (at the client's socket and at the server's),
with the client's and the server's process names, statuses, error codes,
and latencies inside the client's own timing; /metrics must count them.

usage: test_l7_live.py NETOBS_XDP WORKDIR"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse

from checks import report, summary

BIN, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
TAG = "nxl7%d" % os.getpid()
NS_C, NS_S = TAG + "c", TAG + "s"
C4, S4 = "10.79.0.1", "10.79.0.2"
LISTEN = "127.0.0.1:9571"
HTTP_PORT, REDIS_PORT = 8080, 6390


def sh(*cmd, ns=None, check=False, **kw):
    if ns:
        cmd = ("ip", "netns", "exec", ns) + cmd
    return subprocess.run(cmd, capture_output=True, text=True, check=check, **kw)


def spawn(*cmd, ns, log):
    return subprocess.Popen(("ip", "netns", "exec", ns) + cmd, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def setup():
    sh("ip", "netns", "add", NS_C, check=True)
    sh("ip", "netns", "add", NS_S, check=True)
    sh("ip", "link", "add", "c0", "netns", NS_C, "type", "veth", "peer", "s0", "netns", NS_S,
       check=True)
    for ns, dev, addr in ((NS_C, "c0", C4), (NS_S, "s0", S4)):
        sh("ip", "addr", "add", addr + "/24", "dev", dev, ns=ns, check=True)
        sh("ip", "link", "set", dev, "up", ns=ns, check=True)
        sh("ip", "link", "set", "lo", "up", ns=ns, check=True)


def nginx_conf():
    path = os.path.join(WORK, "nginx.conf")
    with open(path, "w") as f:
        f.write("""daemon off; master_process off; pid %(w)s/nginx.pid;
error_log %(w)s/nginx.err;
events {}
http {
  access_log off;
  client_body_temp_path %(w)s; proxy_temp_path %(w)s; fastcgi_temp_path %(w)s;
  uwsgi_temp_path %(w)s; scgi_temp_path %(w)s;
  server {
    listen %(ip)s:%(port)d;
    location = /ok { return 200 "ok\\n"; }
    location = /busy { return 503; }
    location / { return 404; }
  }
}
""" % {"w": WORK, "ip": S4, "port": HTTP_PORT})
    return path


def wait_port(ns, host, port, udp=False):
    for _ in range(100):
        flag = "-u" if udp else "-t"
        out = sh("ss", "-Hln" + flag[1], ns=ns).stdout
        if ":%d " % port in out:
            return True
        time.sleep(0.1)
    return False


def get(path):
    p = sh("curl", "-s", "--max-time", "5", "http://%s%s" % (LISTEN, path), ns=NS_C)
    return p.stdout


def curl(path):
    """One request on its own connection; the client's own total time (us)."""
    p = sh("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}",
           "http://%s:%d%s" % (S4, HTTP_PORT, path), ns=NS_C, check=True)
    code, t = p.stdout.split()
    return int(code), float(t) * 1e6


def main():
    os.makedirs(WORK, exist_ok=True)
    procs = []
    try:
        setup()
        procs.append(spawn("nginx", "-c", nginx_conf(), ns=NS_S, log=WORK + "/nginx.log"))
        procs.append(spawn("redis-server", "--bind", S4, "--port", str(REDIS_PORT), "--save",
                           "", "--appendonly", "no", "--protected-mode", "no", ns=NS_S,
                           log=WORK + "/redis.log"))
        procs.append(spawn("dnsmasq", "-k", "--no-resolv", "--no-hosts", "--bind-interfaces",
                           "--listen-address=" + S4, "--local=/example.test/",
                           "--address=/exists.example.test/10.9.9.9",
                           "--pid-file=" + WORK + "/dnsmasq.pid", "--user=root", ns=NS_S,
                           log=WORK + "/dnsmasq.log"))
        ok = wait_port(NS_S, S4, HTTP_PORT) and wait_port(NS_S, S4, REDIS_PORT) and \
            wait_port(NS_S, S4, 53, udp=True)
        report(ok, "servers up in %s: nginx, redis-server, dnsmasq" % NS_S)
        agent = spawn(BIN, "attach", "c0", "--listen", LISTEN, "--probes", "tracepoint",
                      ns=NS_C, log=WORK + "/agent.log")
        procs.append(agent)
        for _ in range(100):
            if get("/healthz") == "ok\n":
                break
            time.sleep(0.1)

        # What the clients do; each list holds what their records must say.
        want = []
        for path, n in (("/ok", 3), ("/nope", 2), ("/busy", 1)):
            for _ in range(n):
                code, t_us = curl(path)
                want.append(("http", "GET", path, code, t_us))
        # Two requests on one keep-alive connection.
        p = sh("curl", "-s", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_code} ",
               "http://%s:%d/ok" % (S4, HTTP_PORT), "http://%s:%d/ok" % (S4, HTTP_PORT),
               ns=NS_C, check=True)
        report(p.stdout.split() == ["200", "200"], "curl keep-alive: two answers")
        want += [("http", "GET", "/ok", 200, 5e6)] * 2
        for cmd, status in ((["SET", "k1", "v1"], "OK"), (["GET", "k1"], "OK"),
                            (["INCR", "k1"], "ERR"), (["PING"], "OK")):
            t0 = time.monotonic()
            sh("redis-cli", "-h", S4, "-p", str(REDIS_PORT), *cmd, ns=NS_C, check=True)
            want.append(("redis", cmd[0], cmd[1] if len(cmd) > 1 else None, status,
                         (time.monotonic() - t0) * 1e6))
        for name, status in (("exists.example.test", "NOERROR"),
                             ("missing.example.test", "NXDOMAIN")):
            t0 = time.monotonic()
            out = sh("dig", "@" + S4, name, "A", "+tries=1", "+time=3", ns=NS_C).stdout
            report("status: " + status in out, "dig %s: %s" % (name, status))
            want.append(("dns", "A", name, status, (time.monotonic() - t0) * 1e6))
        time.sleep(1.5)

        recs = [json.loads(l) for l in get("/l7").splitlines() if l.strip()]
        servers = {HTTP_PORT: "nginx", REDIS_PORT: "redis-server", 53: "dnsmasq"}
        ours = [r for r in recs if int(r["server"].rsplit(":", 1)[1]) in servers]
        for side, procname in (("client", None), ("server", "server")):
            got = sorted((r["protocol"], r["command"], r["request"], r["status"])
                         for r in ours if r["side"] == side)
            exp = sorted(w[:4] for w in want)
            report(got == exp, "%d requests at the %s sockets, as the clients made them" %
                   (len(exp), side), "" if got == exp else "got %s\n   want %s" % (got, exp))
        clients = {"http": "curl", "redis": "redis-cli", "dns": "dig"}
        bad = [r for r in ours if r["comm"] != (clients[r["protocol"]] if r["side"] == "client"
                                                else servers[int(r["server"].rsplit(":")[1])])]
        report(not bad and ours, "records carry the client's and the server's process",
               str(bad[:2]))
        slow = []
        for w in want:
            for r in ours:
                if (r["protocol"], r["command"], r["request"], r["status"]) == w[:4] and \
                        r["latency_us"] > w[4]:
                    slow.append((w, r["latency_us"]))
        report(not slow and all(r["latency_us"] > 0 for r in ours),
               "every latency within the client's own timing", str(slow[:3]))
        errs = [r for r in ours if r["protocol"] == "redis" and r["status"] == "ERR"]
        report(len(errs) == 2 and all(r["error_code"] == "ERR" for r in errs),
               "redis error replies carry their error prefix", str(errs[:1]))
        pids = {r["pid"] for r in ours if r["side"] == "server" and r["protocol"] == "http"}
        report(pids == {procs[0].pid}, "nginx's records carry nginx's pid", str(pids))

        metrics = get("/metrics")
        report('network_l7_requests_total{protocol="http",status_class="2xx",side="server",'
               'process="nginx",pod=""} 5' in metrics and
               'network_l7_requests_total{protocol="http",status_class="4xx",side="server",'
               'process="nginx",pod=""} 2' in metrics and
               'network_l7_requests_total{protocol="http",status_class="5xx",side="server",'
               'process="nginx",pod=""} 1' in metrics,
               "/metrics counts nginx's answers by status class")
        report('network_socket_srt_microseconds_count{protocol="http",process="nginx",pod=""} 8'
               in metrics, "/metrics: one server response time per nginx request")
        report('network_l7_errors_total{protocol="dns"} 2\n' in metrics,
               "/metrics counts the NXDOMAIN once at each side")
        flows = [json.loads(l) for l in get("/flows").splitlines() if l.strip()]
        web = [f for f in flows if f["server"] == "%s:%d" % (S4, HTTP_PORT)]
        report(web and all(f["comm"] == "curl" for f in web),
               "/flows: the wire's HTTP flows carry the process behind them",
               str([(f["client"], f["comm"]) for f in web][:3]))
        os.killpg(agent.pid, signal.SIGTERM)
        report(agent.wait(10) == 0, "agent stops cleanly on SIGTERM")
        left = sh("bpftool", "prog", "show").stdout
        report("tp_enter_read" not in left and "sockops_rtt" not in left,
               "no socket probe left loaded after the agent stopped")
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        sh("ip", "netns", "del", NS_C)
        sh("ip", "netns", "del", NS_S)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
