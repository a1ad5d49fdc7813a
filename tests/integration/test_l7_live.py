#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The socket view against real servers and clients from Debian, each in a
network namespace this test makes: nginx with curl, mariadb-server with the
mariadb client, postgresql with psql, redis-server with redis-cli, dnsmasq
with dig, and netobs-trafficgen's MySQL mock and HTTP client. With the agent
attached, /l7 must hold exactly the requests the clients made (at the
client's socket and at the server's), with the client's and the server's
process names, statuses, error codes, and latencies inside the client's own
timing; /metrics must count them. The same traffic, captured with tcpdump and
replayed, must give the same records, and the records tshark's dissectors
find in it.

usage: test_l7_live.py NETOBS_XDP NETOBS_TRAFFICGEN WORKDIR"""
import json
import os
import signal
import subprocess
import sys
import time
import l7_oracle
from checks import netns_pair, report, sh, summary, wait_stable

BIN, TG, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
TAG = "nxl7%d" % os.getpid()
NS_C, NS_S = TAG + "c", TAG + "s"
C4, S4 = "10.79.0.1", "10.79.0.2"
LISTEN = "127.0.0.1:9571"
HTTP_PORT, REDIS_PORT, MYSQL_PORT, MOCK_PORT, PG_PORT = 8080, 6390, 3306, 3307, 5432
PG_BIN = "/usr/lib/postgresql/15/bin"


def spawn(*cmd, ns, log):
    return subprocess.Popen(("ip", "netns", "exec", ns) + cmd, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def setup():
    netns_pair(((NS_C, "c0", C4), (NS_S, "s0", S4)))


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


def databases():
    """mariadb and postgresql data directories; their servers then run as root
    and as postgres (initdb refuses root)."""
    my, pg = os.path.join(WORK, "mysql"), os.path.join(WORK, "pg")
    subprocess.run(["rm", "-rf", my, pg], check=True)
    os.makedirs(pg)
    os.chown(pg, *pwd_ids("postgres"))
    a = sh("mariadb-install-db", "--no-defaults", "--datadir=" + my + "/data", "--user=root",
           "--auth-root-authentication-method=normal", "--skip-test-db")
    b = sh("runuser", "-u", "postgres", "--", PG_BIN + "/initdb", "-D", pg + "/data", "-U",
           "postgres", "--auth=trust")
    if b.returncode == 0:
        with open(pg + "/data/pg_hba.conf", "a") as f:
            f.write("host all all %s/24 trust\n" % C4)
    return a.returncode == 0 and b.returncode == 0, my, pg


def pwd_ids(user):
    import pwd
    p = pwd.getpwnam(user)
    return p.pw_uid, p.pw_gid


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


# Asks nginx once on a keep-alive connection, then keeps it open.
HOLD = """import socket, time
s = socket.create_connection(("%s", %d))
s.sendall(b"GET /held HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n")
s.recv(4096)
time.sleep(30)
"""


def replay(pcap, *flags):
    p = sh(BIN, "-q", "replay", "--format", "json", *flags, pcap)
    return [r for r in map(json.loads, p.stdout.splitlines()) if r["record"] == "l7"]


def wire_check(pcap, client_recs):
    """The capture of the same traffic, replayed: the records the clients' sockets
    gave, and for each protocol tshark dissects, the records tshark finds."""
    wire = replay(pcap)
    key = lambda r: tuple(map(str, (r["protocol"], r["command"], r["request"], r["status"],
                                    r["error_code"])))
    got, exp = sorted(map(key, wire)), sorted(map(key, client_recs))
    report(got == exp, "replay of the tcpdump capture: the records the client sockets gave",
           "" if got == exp else "replay %s\n   sockets %s" % (got, exp))
    literal = replay(pcap, "--sql-literals")
    decode = ("tcp.port==%d,http" % HTTP_PORT, "tcp.port==%d,mysql" % MOCK_PORT)
    for proto, oracle in (("http", l7_oracle.http), ("dns", l7_oracle.dns),
                          ("mysql", l7_oracle.mysql), ("postgresql", l7_oracle.pgsql)):
        want = oracle(pcap, decode)
        ours = [r for r in literal if r["protocol"] == proto]
        fields = sorted(want[0]) if want else []
        w = sorted(tuple(str(x[f]) for f in fields if f != "latency_ns") +
                   (x["latency_ns"],) for x in want)
        g = sorted(tuple(str(r.get(f)) for f in fields if f != "latency_ns") +
                   (round(r["latency_us"] * 1000),) for r in ours)
        report(w == g and len(w) > 0, "replay of the capture: %d %s records as tshark finds "
               "them" % (len(w), proto), "" if w == g else "tshark %s\n   ours %s" % (w, g))


# N keep-alive connections to nginx, three requests on each.
KEEPALIVE = """import socket, sys
for _ in range(int(sys.argv[3])):
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    for _ in range(3):
        s.sendall(b"GET /ok HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n")
        got = b""
        while not got.endswith(b"ok\\n"):
            got += s.recv(4096)
    s.close()
"""


def probe_counts(metrics):
    kinds = {}
    for line in metrics.splitlines():
        if line.startswith("netobs_socket_probe_events_total{kind="):
            kinds[line.split('"')[1]] = int(line.rsplit(" ", 1)[1])
    return kinds


def sampled_connections(procs, n=200, pct=10):
    """socket.sample_rate: a connection's socket is traced whole or not at all, about pct %
    of them, and the ones left out are counted."""
    conf = os.path.join(WORK, "sampled.yaml")
    open(conf, "w").write("socket:\n  sample_rate: %d\n" % pct)
    agent = spawn(BIN, "attach", "c0", "--listen", LISTEN, "--config", conf, ns=NS_C,
                  log=WORK + "/agent-sampled.log")
    procs.append(agent)
    for _ in range(100):
        if get("/healthz") == "ok\n":
            break
        time.sleep(0.1)
    before = probe_counts(get("/metrics"))
    sh("/usr/bin/python3", "-c", KEEPALIVE, S4, str(HTTP_PORT), str(n), ns=NS_C, check=True,
       timeout=60)
    time.sleep(1)
    metrics = get("/metrics")
    after = probe_counts(metrics)
    recs = [json.loads(l) for l in get("/l7").splitlines() if l.strip()]
    os.killpg(agent.pid, signal.SIGTERM)
    agent.wait(10)
    per_conn = {}
    for r in recs:
        if r["server"] == "%s:%d" % (S4, HTTP_PORT) and r["request"] == "/ok":
            per_conn.setdefault((r["side"], r["client"]), []).append(r)
    sizes = sorted({len(v) for v in per_conn.values()})
    traced = {side: sum(1 for k in per_conn if k[0] == side) for side in ("client", "server")}
    out = after.get("connection_sampled_out", 0) - before.get("connection_sampled_out", 0)
    inn = after.get("connection_sampled", 0) - before.get("connection_sampled", 0)
    untraced = 2 * n - traced["client"] - traced["server"]
    # 200 draws at 10 %: 20 expected, sd 4.2; 3 and 50 are 4 and 7 sd away.
    report("netobs_socket_sample_rate_percent %d\n" % pct in metrics and sizes == [3] and
           all(3 <= traced[s] <= 50 for s in traced) and out >= untraced and
           inn >= traced["client"] + traced["server"],
           "socket.sample_rate %d: whole connections traced (3 requests each), %d of %d "
           "clients and %d servers; the rest counted" % (pct, traced["client"], n,
                                                          traced["server"]),
           "records per connection %r; sampled %d, sampled_out %d (at least %d)" % (
               sizes, inn, out, untraced))


def main():
    os.makedirs(WORK, exist_ok=True)
    procs = []
    try:
        setup()
        dbs_ok, my, pg = databases()
        report(dbs_ok, "mariadb-install-db and initdb")
        procs.append(spawn("nginx", "-c", nginx_conf(), ns=NS_S, log=WORK + "/nginx.log"))
        procs.append(spawn("redis-server", "--bind", S4, "--port", str(REDIS_PORT), "--save",
                           "", "--appendonly", "no", "--protected-mode", "no", ns=NS_S,
                           log=WORK + "/redis.log"))
        procs.append(spawn("dnsmasq", "-k", "--no-resolv", "--no-hosts", "--bind-interfaces",
                           "--listen-address=" + S4, "--local=/example.test/",
                           "--address=/exists.example.test/10.9.9.9",
                           "--pid-file=" + WORK + "/dnsmasq.pid", "--user=root", ns=NS_S,
                           log=WORK + "/dnsmasq.log"))
        procs.append(spawn("mariadbd", "--no-defaults", "--datadir=" + my + "/data",
                           "--socket=" + my + "/sock", "--bind-address=" + S4,
                           "--port=%d" % MYSQL_PORT, "--user=root", "--skip-grant-tables",
                           "--pid-file=" + my + "/pid", ns=NS_S, log=WORK + "/mariadb.log"))
        procs.append(spawn("runuser", "-u", "postgres", "--", PG_BIN + "/postgres", "-D",
                           pg + "/data", "-h", S4, "-p", str(PG_PORT), "-k", pg, ns=NS_S,
                           log=WORK + "/postgres.log"))
        procs.append(spawn(TG, "mysql-server", "--listen", "%s:%d" % (S4, MOCK_PORT), ns=NS_S,
                           log=WORK + "/mock.log"))
        ok = all(wait_port(NS_S, S4, p) for p in (HTTP_PORT, REDIS_PORT, MYSQL_PORT, MOCK_PORT,
                                                  PG_PORT)) and wait_port(NS_S, S4, 53, True)
        report(ok, "servers up in %s: nginx, redis-server, dnsmasq, mariadbd, postgres, "
               "netobs-trafficgen mysql-server" % NS_S)
        agent = spawn(BIN, "attach", "c0", "--listen", LISTEN, "--probes", "tracepoint",
                      ns=NS_C, log=WORK + "/agent.log")
        procs.append(agent)
        for _ in range(100):
            if get("/healthz") == "ok\n":
                break
            time.sleep(0.1)
        pcap = os.path.join(WORK, "l7.pcap")
        dump = spawn("tcpdump", "-i", "c0", "-U", "-w", pcap, "not port 9571", ns=NS_C,
                     log=WORK + "/tcpdump.log")
        time.sleep(1)

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
        timed = [
            (["mariadb", "--no-defaults", "-h", S4, "-P", str(MYSQL_PORT), "-u", "root", "-e",
              "SELECT 1; SELECT * FROM mysql.no_such_table"],
             [("mysql", "query", "SELECT ?", "OK"),
              ("mysql", "query", "SELECT * FROM mysql.no_such_table", "ERR")]),
            (["psql", "-h", S4, "-p", str(PG_PORT), "-U", "postgres", "-c", "SELECT 1", "-c",
              "SELECT * FROM no_such_table"],
             [("postgresql", "query", "SELECT ?", "OK"),
              ("postgresql", "query", "SELECT * FROM no_such_table", "ERR")]),
            ([TG, "mysql-client", "--connect", "%s:%d" % (S4, MOCK_PORT), "--count", "3"],
             [("mysql", "query", "SELECT ?;", "OK")] * 3),
            ([TG, "http-client", "--connect", "%s:%d" % (S4, HTTP_PORT), "--path", "/ok",
              "--count", "3", "--keepalive"], [("http", "GET", "/ok", 200)] * 3),
        ]
        for cmd, recs_of in timed:
            t0 = time.monotonic()
            sh(*cmd, ns=NS_C)
            t_us = (time.monotonic() - t0) * 1e6
            want += [r + (t_us,) for r in recs_of]
        # A connection that stays open, so /flows still lists it when checked below.
        holder = spawn("/usr/bin/python3", "-c", HOLD % (S4, HTTP_PORT), ns=NS_C,
                       log=WORK + "/holder.log")
        procs.append(holder)
        want.append(("http", "GET", "/held", 404, 30e6))
        time.sleep(1.5)
        os.killpg(dump.pid, signal.SIGINT)
        dump.wait(10)
        wait_stable([pcap])

        recs = [json.loads(l) for l in get("/l7").splitlines() if l.strip()]
        servers = {HTTP_PORT: "nginx", REDIS_PORT: "redis-server", 53: "dnsmasq",
                   MYSQL_PORT: "mariadbd", MOCK_PORT: "netobs-trafficg", PG_PORT: "postgres"}
        ours = [r for r in recs if int(r["server"].rsplit(":", 1)[1]) in servers]
        for side, procname in (("client", None), ("server", "server")):
            got = sorted((r["protocol"], r["command"], r["request"], r["status"])
                         for r in ours if r["side"] == side)
            exp = sorted(w[:4] for w in want)
            report(got == exp, "%d requests at the %s sockets, as the clients made them" %
                   (len(exp), side), "" if got == exp else "got %s\n   want %s" % (got, exp))
        clients = {HTTP_PORT: ("curl", "netobs-trafficg", "python3"), REDIS_PORT: ("redis-cli",),
                   53: ("dig",), MYSQL_PORT: ("mariadb",), MOCK_PORT: ("netobs-trafficg",),
                   PG_PORT: ("psql",)}
        port = lambda r: int(r["server"].rsplit(":", 1)[1])
        bad = [r for r in ours if r["comm"] not in
               (clients[port(r)] if r["side"] == "client" else (servers[port(r)],))]
        report(not bad and ours, "records carry the client's and the server's process",
               str(bad[:2]))
        # Each record is within its own exchange's client time; records of one kind
        # cannot be told apart, so both lists are compared sorted (which holds if that does).
        slow = []
        for side in ("client", "server"):
            for key in {w[:4] for w in want}:
                times = sorted(w[4] for w in want if w[:4] == key)
                lats = sorted(r["latency_us"] for r in ours if r["side"] == side and
                              (r["protocol"], r["command"], r["request"], r["status"]) == key)
                slow += [(side, key, l, t) for l, t in zip(lats, times) if l > t]
        report(not slow and all(r["latency_us"] > 0 for r in ours),
               "every latency within the client's own timing", str(slow[:3]))
        codes = sorted((r["protocol"], r["error_code"]) for r in ours if r["status"] == "ERR")
        report(codes == sorted([("mysql", 1146)] * 2 + [("postgresql", "42P01")] * 2 +
                               [("redis", "ERR")] * 2),
               "error replies carry their codes: MySQL 1146, SQLSTATE 42P01, Redis ERR",
               str(codes))
        wire_check(pcap, [r for r in ours if r["side"] == "client"])
        pids = {r["pid"] for r in ours if r["side"] == "server" and r["protocol"] == "http"}
        report(pids == {procs[0].pid}, "nginx's records carry nginx's pid", str(pids))

        metrics = get("/metrics")
        report('network_l7_requests_total{protocol="http",status_class="2xx",side="server",'
               'process="nginx",pod=""} 8' in metrics and
               'network_l7_requests_total{protocol="http",status_class="4xx",side="server",'
               'process="nginx",pod=""} 3' in metrics and
               'network_l7_requests_total{protocol="http",status_class="5xx",side="server",'
               'process="nginx",pod=""} 1' in metrics,
               "/metrics counts nginx's answers by status class")
        report('network_socket_srt_microseconds_count{protocol="http",process="nginx",pod=""} 12'
               in metrics, "/metrics: one server response time per nginx request")
        report('network_l7_errors_total{protocol="dns",side="client"} 1\n' in metrics and
               'network_l7_errors_total{protocol="dns",side="server"} 1\n' in metrics,
               "/metrics counts the NXDOMAIN once at each side, by side")
        flows = [json.loads(l) for l in get("/flows?limit=10000").splitlines() if l.strip()]
        web = [f for f in flows if f["server"] == "%s:%d" % (S4, HTTP_PORT) and
               f["close_type"] == "forced"]
        report(len(web) == 1 and web[0]["comm"] == "python3" and web[0]["pid"] == holder.pid,
               "/flows: the wire's HTTP flows carry the process behind them",
               str([(f["client"], f["comm"]) for f in web][:3]))
        os.killpg(agent.pid, signal.SIGTERM)
        report(agent.wait(10) == 0, "agent stops cleanly on SIGTERM")
        left = sh("bpftool", "prog", "show").stdout
        report("tp_enter_read" not in left and "sockops_rtt" not in left,
               "no socket probe left loaded after the agent stopped")
        sampled_connections(procs)
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
