# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""What the integration tests share: one line per check, the closing
"N passed, N failed, N skipped" line, waiting for captures to settle, and
running a command in a network namespace."""
import collections
import os
import signal
import subprocess
import textwrap
import time

_results = collections.Counter()


def report(ok, name, detail=""):
    """ok: True (PASS), False (FAIL) or None (SKIP, never counted as passed)."""
    status = {True: "PASS", False: "FAIL", None: "SKIP"}[ok if ok is None else bool(ok)]
    _results[status] += 1
    print("%s %s%s" % (status, name, (": " + detail) if detail else ""), flush=True)


def summary():
    """Print the closing line; the exit status for the test."""
    print("%d passed, %d failed, %d skipped" %
          (_results["PASS"], _results["FAIL"], _results["SKIP"]))
    return 1 if _results["FAIL"] else 0


def wait_stable(paths, quiet_s=1.0, limit_s=15):
    """tcpdump drops what it has not written when it is stopped: wait until
    every file has stopped growing for quiet_s."""
    sizes, since, deadline = None, time.time(), time.time() + limit_s
    while time.time() < deadline:
        now = [os.path.getsize(p) for p in paths]
        if now != sizes:
            sizes, since = now, time.time()
        elif time.time() - since >= quiet_s:
            return
        time.sleep(0.1)


def sh(*cmd, ns=None, check=False, **kw):
    """Run cmd (inside network namespace ns, if given) and capture its output."""
    if ns:
        cmd = ("ip", "netns", "exec", ns) + cmd
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def netns_pair(ends):
    """Two namespaces joined by a veth pair: ends is ((ns, dev, addr), (ns, dev, addr)),
    each address with a /24; both ends and both loopbacks up."""
    (ns_a, dev_a, _), (ns_b, dev_b, _) = ends
    sh("ip", "netns", "add", ns_a, check=True)
    sh("ip", "netns", "add", ns_b, check=True)
    sh("ip", "link", "add", dev_a, "netns", ns_a, "type", "veth", "peer", dev_b, "netns", ns_b,
       check=True)
    for ns, dev, addr in ends:
        sh("ip", "addr", "add", addr + "/24", "dev", dev, ns=ns, check=True)
        sh("ip", "link", "set", dev, "up", ns=ns, check=True)
        sh("ip", "link", "set", "lo", "up", ns=ns, check=True)


def spawn_in(procs, *cmd, ns, **kw):
    """Start cmd in network namespace ns, kept in procs for cleanup()."""
    p = subprocess.Popen(("ip", "netns", "exec", ns) + cmd, **kw)
    procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM, wait_s=15):
    """Signal p (if it still runs) and wait for it, killing it past wait_s:
    (its exit status, or None if it had to be killed; its stderr, if piped)."""
    if p.poll() is None:
        p.send_signal(sig)
    try:
        rc = p.wait(wait_s)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = None
    return rc, p.stderr.read() if p.stderr else ""


def cleanup(procs, namespaces):
    """Kill what a test started and still runs, then delete its namespaces."""
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    for ns in namespaces:
        sh("ip", "netns", "del", ns)


def echo_server(port, factor, conns=None):
    """Source of a TCP server for python3 -c: prints "ready" once listening, then
    answers every read with factor times as many bytes, for conns connections
    one after another (None: until killed)."""
    return textwrap.dedent("""
        import itertools, socket
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", %d)); s.listen(8); print("ready", flush=True)
        for _ in (range(%d) if %r else itertools.count()):
            c, _ = s.accept()
            while True:
                d = c.recv(1000)
                if not d:
                    break
                c.sendall(b"s" * (%d * len(d)))
            c.close()
    """) % (port, conns or 0, conns is not None, factor)
