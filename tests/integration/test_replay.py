#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Offline replay checks.

1. Crafted captures: every expected field, both engines (BPF and userspace).
2. Every capture (crafted and ../shared/captures): the BPF and userspace
   builds of the engine give byte-identical NDJSON.
3. Third-party captures: counts equal tshark's, syn_rtt within 2 us of
   tcp.analysis.initial_rtt.
4. Bad input: missing, unreadable, non-pcap and unsupported files, bad flags.

Usage: test_replay.py BIN CAPTURE_DIR SHARED_CAPTURE_DIR
Prints one line per check and closes with "N passed, N failed, N skipped".
"""
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile

import oracle
from checks import report, summary

BIN, CRAFTED, SHARED = sys.argv[1], sys.argv[2], sys.argv[3]
if not glob.glob(os.path.join(SHARED, "*", "*.pcap*")):
    report(False, "third-party captures", "none under %s" % SHARED)


def replay(path, engine, fmt="json", extra=()):
    p = subprocess.run([BIN, "replay", "--format", fmt, "--engine", engine, *extra, path],
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def records(out):
    recs = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [r for r in recs if r["record"] == "flow"]


def stderr_counts(stderr, *words):
    """The reason=count pairs of the summary line that holds all @words."""
    for line in stderr.splitlines():
        if all(w in line for w in words):
            return {k: int(v) for k, v in
                    (kv.split("=") for kv in line.split(":")[-1].split())}
    return {}


def skipped_counts(stderr):
    return stderr_counts(stderr, "skipped", "malformed")


def bpf_usable():
    return os.geteuid() == 0


# 1. Crafted captures against values known by construction.
expected = json.load(open(os.path.join(CRAFTED, "expected.json")))
engines = ["bpf", "user"] if bpf_usable() else ["user"]
if not bpf_usable():
    report(None, "crafted captures through BPF", "not root: BPF_PROG_TEST_RUN needs CAP_BPF")
for name, exp in sorted(expected.items()):
    for engine in engines:
        args = exp.get("args", [])
        rc, out, err = replay(os.path.join(CRAFTED, name + ".pcap"), engine, extra=args)
        tag = "%s[%s]%s" % (name, engine, " " + " ".join(args) if args else "")
        if rc != 0:
            report(False, tag, "exit %d: %s" % (rc, err.strip()))
            continue
        got = records(out)
        if len(got) != len(exp["flows"]):
            report(False, tag, "%d flows, expected %d" % (len(got), len(exp["flows"])))
            continue
        bad = []
        for i, (g, e) in enumerate(zip(got, exp["flows"])):
            for k, v in sorted(e.items()):
                if k not in g:
                    bad.append("flow %d: no field %s" % (i, k))
                elif g[k] != v:
                    bad.append("flow %d %s: got %r, expected %r" % (i, k, g[k], v))
        skipped = skipped_counts(err)
        if skipped != exp["skipped"]:
            bad.append("skipped %r, expected %r" % (skipped, exp["skipped"]))
        untracked = stderr_counts(err, "not TCP/UDP flows")
        for k, v in exp.get("untracked", {}).items():
            if untracked.get(k) != v:
                bad.append("untracked %s: %r, expected %d" % (k, untracked.get(k), v))
        adjusted = stderr_counts(err, "after a fix-up")
        if adjusted != exp.get("adjusted", {}):
            bad.append("counted after a fix-up %r, expected %r" %
                       (adjusted, exp.get("adjusted", {})))
        report(not bad, tag, "; ".join(bad))

# 2. Both builds of the engine agree on every capture.
all_caps = sorted(glob.glob(os.path.join(CRAFTED, "*.pcap")) +
                  glob.glob(os.path.join(SHARED, "*", "*.pcap*")))
for cap in all_caps:
    tag = "bpf == user: " + os.path.basename(cap)
    if not bpf_usable():
        report(None, tag, "not root")
        continue
    r1, o1, e1 = replay(cap, "bpf")
    r2, o2, e2 = replay(cap, "user")
    ok = r1 == 0 and r2 == 0 and o1 == o2 and o1.strip() != ""
    report(ok, tag, "" if ok else "outputs differ or failed: %s %s" % (e1.strip(), e2.strip()))


# 2a. Flow sampling gives the same flows in both builds.
if bpf_usable():
    cap = os.path.join(SHARED, "ndpi", "http_ipv6.pcap")
    a = replay(cap, "bpf", extra=("--sampling-rate", "40"))
    b = replay(cap, "user", extra=("--sampling-rate", "40"))
    full = replay(cap, "user")
    n_s, n_f = len(records(a[1])), len(records(full[1]))
    report(a[0] == 0 and a[1] == b[1] and 0 < n_s < n_f,
           "sampling 40 %%: both builds keep the same flows (%d of %d)" % (n_s, n_f))

# 2b. Without BPF privileges, replay says so and uses the userspace build.
cap = os.path.join(CRAFTED, "tcp_normal_v4.pcap")
if os.geteuid() == 0 and subprocess.run(["which", "setpriv"], capture_output=True).returncode == 0:
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        BIN, "replay", "--format", "json", cap], capture_output=True, text=True)
    _, want, _ = replay(cap, "user")
    ok = (p.returncode == 0 and p.stdout == want and
          "replaying through the userspace build" in p.stderr)
    report(ok, "unprivileged replay falls back to the userspace build and says so",
           "" if ok else "exit %d, stderr %r" % (p.returncode, p.stderr))
else:
    report(None, "unprivileged replay falls back", "needs root (to drop to nobody) and setpriv")

# 3. tshark as the oracle on captures nobody here made.
shared_caps = sorted(glob.glob(os.path.join(SHARED, "*", "*.pcap*")))
# ... and on crafted captures where tshark gives what was built in
# independently: the handshake rule's syn_rtt over its frames, and the upstream
# loss of a download (lost_segment flags, gaps from sequence numbers).
# (Not the reordered and simultaneous handshakes: tshark counts a server's SYN
# and a client's SYN-ACK, where syn_count and synack_count are the client's
# SYNs and the server's SYN-ACKs, and it times a SYN captured after its SYN-ACK.)
shared_caps += [os.path.join(CRAFTED, n + ".pcap") for n in (
    "hs_client_syn_repeats", "hs_client_syn_and_synack_repeats", "hs_server_synack_repeats",
    "hs_server_syn_and_synack_repeats", "hs_no_synack_completed", "hs_syn_after_midstream",
    "hs_reuse_after_refusal_and_late_duplicate", "tcp_download_loss_at_client",
    "tcp_download_loss_at_server", "ip_fragments_attributed", "mpls_label_stacks",
    "pppoe_compressed_protocol", "tcp_options_cut_by_snaplen", "len_tso_zero_total_length")]
# (Nor the captures whose IP headers claim more than the frame or the PPPoE
# payload, or a jumbogram: tshark reports the claimed length, ours is bounded.)
for cap in shared_caps:
    tag = "tshark oracle: " + os.path.basename(cap)
    rc, out, err = replay(cap, "bpf" if bpf_usable() else "user")
    if rc != 0:
        report(False, tag, err.strip())
        continue
    bad = oracle.compare(oracle.our_flows(records(out)), oracle.tshark_flows(cap))
    report(not bad, tag, "; ".join(bad[:6]))


# 4. Bad input: one clear line, non-zero exit, nothing half-printed.
def expect_error(tag, args, code, must_contain):
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    ok = (p.returncode == code and len(lines) == 1 and
          all(s in lines[0] for s in must_contain) and p.stdout == "")
    report(ok, tag, "" if ok else "exit %d, stderr %r" % (p.returncode, p.stderr))


with tempfile.TemporaryDirectory() as tmp:
    missing = os.path.join(tmp, "missing.pcap")
    expect_error("error: missing file", ["replay", missing], 1,
                 [missing, "No such file or directory"])
    text = os.path.join(tmp, "notes.txt")
    open(text, "w").write("not a capture\n")
    expect_error("error: not a capture", ["replay", text], 1, [text, "not a pcap"])
    if os.geteuid() != 0:
        unreadable = os.path.join(tmp, "locked.pcap")
        open(unreadable, "w").close()
        os.chmod(unreadable, 0)
        expect_error("error: unreadable file", ["replay", unreadable], 1,
                     [unreadable, "Permission denied"])
    wifi = os.path.join(tmp, "wifi.pcap")
    subprocess.run(["/usr/bin/python3", "-c",
                    "from scapy.all import wrpcap, Raw; wrpcap(%r, [Raw(b'x'*30)], "
                    "linktype=105)" % wifi], check=True, capture_output=True)
    expect_error("error: unsupported link type", ["replay", wifi], 1,
                 [wifi, "unsupported link type", "EN10MB"])
    expect_error("error: bad --format", ["replay", "--format", "xml", wifi], 2,
                 ["--format", "'xml'", "table", "json"])
    expect_error("error: bad --engine", ["replay", "--engine", "gpu", wifi], 2,
                 ["--engine", "auto", "bpf", "user"])
    expect_error("error: bad --max-flows", ["replay", "--max-flows", "0", wifi], 2,
                 ["--max-flows", "'0'"])
    expect_error("error: bad --timeout", ["replay", "--timeout", "idle=3", wifi], 2,
                 ["--timeout", "'idle'", "established"])
    expect_error("error: bad --snippet-bytes", ["replay", "--snippet-bytes", "5", wifi], 2,
                 ["--snippet-bytes", "'5'", "16 to 4096"])

sys.exit(summary())
