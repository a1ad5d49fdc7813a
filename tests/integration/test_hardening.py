#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The agent tried as an attacker and as a careless operator would.

   ns a  a0 [agent]  <-veth->  b0  ns b

Slow and many clients, TLS and basic auth (node_exporter's web-config format),
least privilege after start (capabilities, NoNewPrivs, seccomp, --user),
signals, an agent that notices it went blind, label values from hostile
process names, secrets in URLs, config files built to hurt, --listen forms.

usage: test_hardening.py BIN BENCH_FILL WORKDIR   (root; exits 77 otherwise)
"""
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import crypt  # noqa: E402  (Debian's python3.11 still has it; libxcrypt's bcrypt)
import functools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time

from checks import cleanup, netns_pair, report, sh, spawn_in, stop, summary

BIN, FILL, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
TAG = "nobh%d" % os.getpid()
NS_A, NS_B = TAG + "a", TAG + "b"
A4, B4 = "10.87.0.1", "10.87.0.2"
PORT = 19437
procs = []


spawn = functools.partial(spawn_in, procs, ns=NS_A)


def curl(*args, ns=NS_A, timeout=20):
    """(http code, body, seconds) of one request."""
    p = sh("curl", "-s", "-o", "-", "-w", "\n%{http_code} %{time_total}", "--max-time", "15",
           *args, ns=ns, timeout=timeout)
    body, _, tail = p.stdout.rpartition("\n")
    code, _, secs = tail.partition(" ")
    return (int(code) if code.isdigit() else 0), body, float(secs or 0)


def url(path, host="127.0.0.1", scheme="http"):
    return "%s://%s:%d%s" % (scheme, host, PORT, path)


def start_agent(*args, listen="127.0.0.1:%d" % PORT, ready="http", wrap=(), ifaces=("a0",)):
    cmd = wrap + (BIN, "attach") + ifaces + ("--listen", listen, "--no-socket-view") + args
    if "--socket-view" in args:
        cmd = tuple(a for a in cmd if a not in ("--no-socket-view", "--socket-view"))
    p = spawn(*cmd, stderr=subprocess.PIPE, text=True)
    for _ in range(150):
        if p.poll() is not None:
            return p
        if ready == "http" and sh("curl", "-s", "-o", "/dev/null", url("/healthz"),
                                  ns=NS_A).returncode == 0:
            return p
        if ready == "https" and sh("curl", "-sk", "-o", "/dev/null",
                                   url("/healthz", scheme="https"), ns=NS_A).returncode == 0:
            return p
        time.sleep(0.1)
    return p


def ours_attached(dev="a0"):
    net = json.loads(sh("bpftool", "-j", "net", "show", "dev", dev, ns=NS_A).stdout or "[{}]")
    net = net[0] if net else {}
    return bool(net.get("xdp") or net.get("tc")), "clsact" in sh(
        "tc", "qdisc", "show", "dev", dev, ns=NS_A).stdout


def status_fields(pid):
    want = {}
    for line in open("/proc/%d/status" % pid):
        k, _, v = line.partition(":")
        if k in ("CapEff", "CapPrm", "CapBnd", "NoNewPrivs", "Seccomp", "Uid"):
            want[k] = v.strip()
    return want


def agent_pid(p):
    """The agent's own pid (the child of `ip netns exec`)."""
    for _ in range(20):
        kids = sh("pgrep", "-P", str(p.pid)).stdout.split()
        if kids:
            return int(kids[0])
        if "netobs-xdp" in open("/proc/%d/cmdline" % p.pid).read():
            return p.pid
        time.sleep(0.05)
    return p.pid


# Capabilities by bit (linux/capability.h).
CAP_DAC_READ_SEARCH, CAP_SETGID, CAP_SETUID, CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF = \
    2, 6, 7, 12, 21, 39


def check_privileges():
    """After start: CapEff is CAP_NET_ADMIN and CAP_BPF, NoNewPrivs 1, seccomp
    filtering (mode 2), the rest out of the bounding set; SIGTERM still detaches."""
    p = start_agent()
    st = status_fields(agent_pid(p))
    want = (1 << CAP_NET_ADMIN) | (1 << CAP_BPF)
    eff, bnd = int(st.get("CapEff", "0"), 16), int(st.get("CapBnd", "0"), 16)
    rc, err = stop(p)
    left = ours_attached()
    report(eff == want and bnd == want and st.get("NoNewPrivs") == "1" and
           st.get("Seccomp") == "2" and rc == 0 and left == (False, False),
           "after start: CapEff and CapBnd are CAP_NET_ADMIN+CAP_BPF, NoNewPrivs 1, seccomp "
           "filter on; SIGTERM detaches from that state",
           "status %r, exit %r, (programs, clsact) left %r, log %r" % (st, rc, left, err[-300:]))
    # --no-seccomp leaves the filter off, and nothing else changes.
    p = start_agent("--no-seccomp")
    st = status_fields(agent_pid(p))
    rc, _ = stop(p)
    report(st.get("Seccomp") == "0" and int(st.get("CapEff", "0"), 16) == want and rc == 0,
           "--no-seccomp: no filter, the same capabilities", repr(st))
    # --user nobody: the agent runs as nobody, and still detaches everything.
    p = start_agent("--user", "nobody")
    st = status_fields(agent_pid(p))
    code, body, _ = curl(url("/metrics"))
    rc, err = stop(p)
    left = ours_attached()
    report(st.get("Uid", "").split()[:1] == ["65534"] and
           int(st.get("CapEff", "0"), 16) == want and code == 200 and rc == 0 and
           left == (False, False),
           "--user nobody: runs as uid 65534 with the kept capabilities, serves, detaches",
           "status %r, /metrics %d, exit %r, left %r, log %r" % (st, code, rc, left,
                                                                  err[-300:]))


def check_capability_only_start():
    """Started with only CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (not root's full
    set): it attaches, and SIGINT leaves nothing behind."""
    caps = "-all,+bpf,+net_admin,+perfmon"
    wrap = ("setpriv", "--inh-caps", caps, "--ambient-caps", caps, "--bounding-set", caps)
    p = start_agent(wrap=wrap)
    up = p.poll() is None and ours_attached() == (True, True)
    rc, err = stop(p, signal.SIGINT)
    left = ours_attached()
    report(up and rc == 0 and left == (False, False) and "detach:" not in err,
           "with only CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON: attaches, and SIGINT detaches "
           "XDP and TC", "up %r, exit %r, left %r, log %r" % (up, rc, left, err[-400:]))


def check_signals():
    for sig in (signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        p = start_agent()
        rc, err = stop(p, sig)
        report(rc == 0 and ours_attached() == (False, False),
               "%s detaches cleanly and exits 0" % signal.Signals(sig).name,
               "exit %r, log %r" % (rc, err[-200:]))
    conf = os.path.join(WORK, "reload.yaml")
    open(conf, "w").write("log:\n  level: info\n")
    p = start_agent("--config", conf)
    open(conf, "w").write("log:\n  level: info\n  format: json\nlabels:\n  max_label_sets: 9\n")
    p.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    alive = p.poll() is None
    p.send_signal(signal.SIGTERM)
    rc, err = stop(p)
    json_after = any(l.startswith("{") and '"msg"' in l for l in err.splitlines())
    report(alive and rc == 0 and "reloaded" in err and "take a restart" in err and json_after,
           "SIGHUP reloads the config: log settings applied, the rest named as needing a "
           "restart; the agent keeps running", "alive %r, exit %r, log %r" % (alive, rc,
                                                                               err[-400:]))


def check_listen_forms():
    for spec, needle in (("127.0.0.1:99999", "1 to 65535"), ("127.0.0.1:65536", "1 to 65535"),
                         ("127.0.0.1:0", "1 to 65535"), ("localhost:9435", "numeric"),
                         ("::1:9435", "numeric"), ("[::1]9435", "]:PORT")):
        p = sh(BIN, "attach", "a0", "--listen", spec, ns=NS_A)
        report(p.returncode == 2 and needle in p.stderr and ours_attached() == (False, False),
               "--listen %s is refused, naming why" % spec, p.stderr.strip())
    blocker = spawn("/usr/bin/python3", "-c", textwrap.dedent("""
        import socket, time
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", %d)); s.listen(1); print("up", flush=True)
        time.sleep(30)""" % PORT), stdout=subprocess.PIPE, text=True)
    up = blocker.stdout.readline().strip() == "up"
    try:
        p = sh(BIN, "attach", "a0", "--no-socket-view", "--listen", "127.0.0.1:%d" % PORT,
               ns=NS_A, timeout=20)
    except subprocess.TimeoutExpired as e:
        p = subprocess.CompletedProcess(e.cmd, -1, "", "still running: the port was free?")
    blocker.kill()
    blocker.wait()
    report(up and p.returncode == 1 and "port %d is in use" % PORT in p.stderr and
           ours_attached() == (False, False),
           "a busy port is named, and nothing stays attached", p.stderr.strip()[-300:])
    for spec, probe in ((":%d" % PORT, url("/healthz", host=A4)),
                        ("[::1]:%d" % PORT, "http://[::1]:%d/healthz" % PORT)):
        p = start_agent(listen=spec, ready=None)
        time.sleep(1.5)
        code, _, _ = curl(probe)
        stop(p)
        report(code == 200, "--listen %s serves (%s)" % (spec, probe), "code %d" % code)


def check_blind():
    p = start_agent()
    refused = sh(BIN, "detach", "a0", ns=NS_A)
    forced = sh(BIN, "detach", "--force", "a0", ns=NS_A)
    time.sleep(3)  # the watch runs every 2 s
    code, body, _ = curl(url("/healthz"))
    _, metrics, _ = curl(url("/metrics"))
    rc, err = stop(p)
    report(refused.returncode == 1 and "running agent" in refused.stderr and
           forced.returncode == 0 and code == 503 and "a0:" in body and "detached" in body and
           'netobs_attached{interface="a0"} 0' in metrics and rc == 0,
           "detach refuses a live agent's interface; --force works, and the agent sees it: "
           "/healthz 503 naming a0, netobs_attached 0",
           "detach %r, force %r, healthz %d %r, log %r" % (
               refused.stderr.strip(), forced.returncode, code, body, err[-300:]))
    # The interface deleted under the agent: the same, and the agent still stops cleanly.
    sh("ip", "link", "add", "x0", "type", "veth", "peer", "x1", ns=NS_A, check=True)
    sh("ip", "link", "set", "x0", "up", ns=NS_A)
    p = start_agent(ifaces=("a0", "x0"))
    c0, b0, _ = curl(url("/healthz"))
    sh("ip", "link", "del", "x0", ns=NS_A)
    time.sleep(3)
    code, body, _ = curl(url("/healthz"))
    rc, err = stop(p)
    report(c0 == 200 and code == 503 and "x0: the interface is gone" in body and rc == 0 and
           ours_attached() == (False, False),
           "an interface deleted under the agent: /healthz 503 naming it; it still detaches "
           "the rest", "before %d, after %d %r, exit %r" % (c0, code, body, rc))


def slowloris(n, host):
    """n connections that send a request head a byte at a time, slowly."""
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection((host, PORT), timeout=2)
            s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        except OSError:
            pass
    return socks


def in_netns(ns, fn, *args):
    """Run fn in network namespace ns, in a child process; its return value back."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            import ctypes
            fd = os.open("/var/run/netns/" + ns, os.O_RDONLY)
            ctypes.CDLL(None).setns(fd, 0x40000000)
            out = json.dumps(fn(*args))
        except Exception as e:  # the parent reports it
            out = json.dumps({"error": repr(e)})
        os.write(w, out.encode())
        os._exit(0)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.waitpid(pid, 0)
    return json.loads(data)


def slow_and_probe():
    socks = slowloris(2000, "127.0.0.1")
    held = len(socks)
    time.sleep(1)
    for s in socks:  # keep them alive the slowloris way
        try:
            s.send(b"X")
        except OSError:
            pass
    times = {}
    for path in ("/healthz", "/metrics"):
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        t0 = time.time()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", PORT))
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" %
                       path).encode())
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            times[path] = [time.time() - t0, data.split(b"\r\n", 1)[0].decode()]
        except OSError as e:
            times[path] = [99.0, repr(e)]
        s.close()
    for s in socks:
        s.close()
    return {"held": held, "times": times}


def check_slow_clients():
    p = start_agent()
    res = in_netns(NS_A, slow_and_probe)
    rc, err = stop(p)
    times = res.get("times", {})
    ok = all(v[0] < 1.0 and " 200 " in v[1] + " " for v in times.values()) and len(times) == 2
    report(ok and rc == 0, "2000 slow connections: /healthz and /metrics each answer within 1 s",
           "%r" % res)
    lines = [l for l in err.splitlines() if "HTTP:" in l]
    report(len(lines) <= 6, "client errors are logged at a bounded rate (%d lines)" % len(lines),
           "; ".join(lines[:8]))


def scrape_storm(n_threads, seconds):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
    import scrape_storm as storm
    return storm.storm("127.0.0.1", PORT, n_threads, seconds)


def check_scrape_storm():
    flows = 98304
    p = start_agent("--max-flows", str(flows + 1000))
    fill = sh(FILL, "a0", str(flows), ns=NS_A, timeout=120)
    res = in_netns(NS_A, scrape_storm, 100, 10)
    code, _, secs = curl(url("/healthz"))
    rc, _ = stop(p)
    report(fill.returncode == 0 and res.get("n", 0) > 100 and res.get("bad") == 0 and rc == 0,
           "100 scrapers for 10 s with a full table (%d flows): every request answered "
           "(%s requests, p99 %s s)" % (flows, res.get("n"), res.get("p99")), repr(res))


def certs(d):
    """A CA, a server certificate for 127.0.0.1 and a client certificate, by openssl."""
    def ossl(*a):
        subprocess.run(("openssl",) + a, cwd=d, check=True, capture_output=True)
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
         "-days", "2", "-subj", "/CN=netobs test CA")
    open(os.path.join(d, "san.ext"), "w").write("subjectAltName=IP:127.0.0.1\n")
    for name in ("server", "client", "rogue"):
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
             name + ".csr", "-subj", "/CN=" + name)
    ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.ext")
    ossl("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "client.crt", "-days", "2")
    ossl("x509", "-req", "-in", "rogue.csr", "-signkey", "rogue.key", "-out", "rogue.crt",
         "-days", "2")


def check_tls_and_auth():
    d = os.path.join(WORK, "tls")
    os.makedirs(d, exist_ok=True)
    certs(d)
    hashed = crypt.crypt("s3cret", crypt.mksalt(crypt.METHOD_BLOWFISH))
    web = os.path.join(d, "web.yml")
    open(web, "w").write(textwrap.dedent("""
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
        basic_auth_users:
          prom: %s
    """ % hashed))
    p = start_agent("--web-config", web, ready="https")
    ca = os.path.join(d, "ca.crt")
    ok_code, ok_body, _ = curl("--cacert", ca, "-u", "prom:s3cret", url("/metrics",
                                                                       scheme="https"))
    no_ca = sh("curl", "-s", "-o", "/dev/null", "-u", "prom:s3cret",
               url("/metrics", scheme="https"), ns=NS_A).returncode
    bad_pw, _, _ = curl("--cacert", ca, "-u", "prom:wrong", url("/metrics", scheme="https"))
    no_pw, _, _ = curl("--cacert", ca, url("/metrics", scheme="https"))
    plain, _, _ = curl(url("/metrics"))
    health, _, _ = curl("--cacert", ca, url("/healthz", scheme="https"))
    prom = prometheus_over_tls(d, ca)
    stop(p)
    report(ok_code == 200 and "network_" in ok_body and no_ca != 0 and bad_pw == 401 and
           no_pw == 401 and plain != 200 and health == 200,
           "TLS with basic auth: the CA and password work; no CA, a wrong password, none, or "
           "plain HTTP do not; /healthz needs no password",
           "ok %d, no CA curl exit %d, wrong %d, none %d, plain %d, healthz %d" % (
               ok_code, no_ca, bad_pw, no_pw, plain, health))
    report(prom is not None and prom > 0,
           "a real Prometheus scrapes over TLS with basic auth (up == 1, %r flows-table "
           "capacity)" % prom)
    # mTLS required: a client certificate signed by the client CA, and only that.
    open(web, "w").write(textwrap.dedent("""
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          client_ca_file: ca.crt
          client_auth_type: RequireAndVerifyClientCert
          min_version: TLS12
    """))
    p = start_agent("--web-config", web, ready=None)
    time.sleep(2)
    base = ("--cacert", ca)
    good, _, _ = curl(*base, "--cert", os.path.join(d, "client.crt"), "--key",
                      os.path.join(d, "client.key"), url("/metrics", scheme="https"))
    missing, _, _ = curl(*base, url("/metrics", scheme="https"))
    rogue, _, _ = curl(*base, "--cert", os.path.join(d, "rogue.crt"), "--key",
                       os.path.join(d, "rogue.key"), url("/metrics", scheme="https"))
    stop(p)
    report(good == 200 and missing != 200 and rogue != 200,
           "RequireAndVerifyClientCert: the client CA's certificate is let in; none, or a "
           "self-signed one, is not", "good %d, missing %d, rogue %d" % (good, missing, rogue))
    bad = os.path.join(d, "bad.yml")
    for text, needle in (("tls_server_config:\n  cert_file: server.crt\n", "both needed"),
                         ("tls_server_config:\n  client_auth_type: Always\n", "not one of"),
                         ("basic_auth_users:\n  prom: plaintext\n", "bcrypt"),
                         ("http_server_config:\n  http2: true\n", "unsupported key")):
        open(bad, "w").write(text)
        r = sh(BIN, "attach", "a0", "--web-config", bad, ns=NS_A)
        report(r.returncode == 2 and needle in r.stderr and ours_attached() == (False, False),
               "a bad web config is refused before anything attaches: %s" % needle,
               r.stderr.strip())


def prometheus_over_tls(d, ca):
    pdir = os.path.join(WORK, "prom-tls")
    os.makedirs(pdir, exist_ok=True)
    conf = os.path.join(pdir, "prometheus.yml")
    open(conf, "w").write(textwrap.dedent("""
        global: {scrape_interval: 1s}
        scrape_configs:
          - job_name: netobs
            scheme: https
            tls_config: {ca_file: %s}
            basic_auth: {username: prom, password: s3cret}
            static_configs: [{targets: ["127.0.0.1:%d"]}]
    """ % (ca, PORT)))
    prom = spawn("prometheus", "--config.file=" + conf, "--storage.tsdb.path=" + pdir + "/data",
                 "--web.listen-address=127.0.0.1:19091", stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)
    value = None
    for _ in range(60):
        time.sleep(0.5)
        r = sh("curl", "-s", "--get", "--data-urlencode",
               "query=netobs_flow_table_capacity and on() up{job=\"netobs\"} == 1",
               "http://127.0.0.1:19091/api/v1/query", ns=NS_A)
        try:
            res = json.loads(r.stdout)["data"]["result"]
            if res:
                value = float(res[0]["value"][1])
                break
        except (ValueError, KeyError):
            pass
    prom.terminate()
    prom.wait(10)
    return value


HOSTILE = textwrap.dedent("""
    import ctypes, socket, sys
    name = b'ev"il\\\\x\\n\\xff'
    ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name), 0, 0, 0)   # PR_SET_NAME
    s = socket.create_connection((sys.argv[1], 8089))
    s.sendall(b"GET /login?user=bob&password=hunter2&api_key=k1 HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n")
    print(s.recv(4096).split(b"\\r\\n")[0].decode(), flush=True)
    s.close()
""")
SERVER = textwrap.dedent("""
    import socket
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", 8089)); s.listen(8); print("ready", flush=True)
    while True:
        c, _ = s.accept()
        c.recv(4096)
        c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok")
        c.close()
""")


def check_hostile_names_and_secrets():
    srv = spawn("/usr/bin/python3", "-c", SERVER, ns=NS_B, stdout=subprocess.PIPE, text=True)
    srv.stdout.readline()
    conf = os.path.join(WORK, "endpoints.yaml")
    open(conf, "w").write("http:\n  endpoints:\n    l7: local\n")
    p = start_agent("--socket-view", "--config", conf, listen="0.0.0.0:%d" % PORT)
    out = sh("/usr/bin/python3", "-c", HOSTILE, B4, ns=NS_A, timeout=20)
    # The agent reads the socket view at most 100 ms late, and the two sockets' records
    # come on their own CPUs' rings: wait for both the client's and the server's.
    for _ in range(30):
        _, l7, _ = curl(url("/l7"))
        sides = {json.loads(l).get("side") for l in l7.splitlines()
                 if "hunter2" in l or "password=?" in l}
        if len(sides) >= 2:
            break
        time.sleep(0.2)
    for _ in range(5):
        curl(url("/metrics"))  # scrapes: the agent's own port is no L7 traffic
    _, metrics, _ = curl(url("/metrics"))
    _, l7, _ = curl(url("/l7"))
    remote, _, _ = curl(url("/l7", host=A4), ns=NS_B)
    rc, _ = stop(p)
    recs = [json.loads(l) for l in l7.splitlines() if l.strip()]
    path = os.path.join(WORK, "hostile.prom")
    open(path, "w").write(metrics)
    lint = subprocess.run(["promtool", "check", "metrics"], stdin=open(path),
                          capture_output=True, text=True)
    ok_lint = all("_microseconds" in l for l in (lint.stdout + lint.stderr).splitlines()
                  if l.strip() and "error" in l.lower()) and "unexpected" not in lint.stderr
    label = 'process="ev\\"il\\\\x\\n\\\\xff"'
    report(out.returncode == 0 and label in metrics and ok_lint,
           "a process named ev\"il\\x + LF + 0xff: its label is escaped and promtool accepts "
           "the page", "client %r; label in page: %r; promtool %r" % (
               out.stdout.strip(), label in metrics, (lint.stdout + lint.stderr)[-300:]))
    reqs = [r["request"] for r in recs if r.get("protocol") == "http"]
    report(reqs and all(r == "/login?user=?&password=?&api_key=?" for r in reqs) and
           "hunter2" not in l7,
           "secrets in a query string are redacted in /l7 (names kept)", repr(reqs))
    mine = [r for r in recs if str(PORT) in (r.get("server") or "")]
    report(not mine, "the agent's own port and process make no L7 records", repr(mine[:2]))
    report(remote == 403, "http.endpoints.l7: local refuses a client on another address",
           "code %d" % remote)
    srv.kill()


def check_config_attacks():
    deep = os.path.join(WORK, "deep.yaml")
    open(deep, "w").write("[" * 200000)
    t0 = time.time()
    r = sh(BIN, "attach", "a0", "--config", deep, ns=NS_A, timeout=60)
    secs = time.time() - t0
    report(r.returncode == 2 and "nested deeper" in r.stderr and secs < 2,
           "200 KB of nested [ is refused quickly (%.2f s)" % secs, r.stderr.strip())
    big = os.path.join(WORK, "big.yaml")
    open(big, "w").write("# " + "x" * (2 << 20) + "\n")
    r = sh(BIN, "attach", "a0", "--config", big, ns=NS_A)
    report(r.returncode == 2 and "larger than" in r.stderr, "a 2 MB config is refused",
           r.stderr.strip())
    dup = os.path.join(WORK, "dup.yaml")
    open(dup, "w").write("http:\n  listen: 127.0.0.1:1\nebpf:\n  max_flows: 9\nhttp:\n"
                         "  listen: 127.0.0.1:2\n")
    r = sh(BIN, "attach", "a0", "--config", dup, ns=NS_A)
    report(r.returncode == 2 and "dup.yaml:5" in r.stderr and "line 1" in r.stderr,
           "a key given twice is refused with both lines", r.stderr.strip())
    shadow = os.path.join(WORK, "shadow.yaml")
    open(shadow, "w").write("http:\n  metrics_path: /healthz\n")
    r = sh(BIN, "attach", "a0", "--config", shadow, ns=NS_A)
    report(r.returncode == 2 and "another endpoint" in r.stderr,
           "metrics_path may not shadow another endpoint", r.stderr.strip())


def main():
    if os.geteuid() != 0:
        print("SKIP hardening: needs root for network namespaces")
        return 77
    os.makedirs(WORK, exist_ok=True)
    try:
        netns_pair(((NS_A, "a0", A4), (NS_B, "b0", B4)))
        sh("ip", "addr", "add", "127.0.0.2/8", "dev", "lo", ns=NS_A)
        for check in (check_privileges, check_capability_only_start, check_signals,
                      check_listen_forms, check_blind, check_config_attacks,
                      check_slow_clients, check_scrape_storm, check_tls_and_auth,
                      check_hostile_names_and_secrets):
            check()
    finally:
        cleanup(procs, (NS_A, NS_B))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
