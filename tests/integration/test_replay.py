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
import gzip
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import tempfile
import time

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
        if exp.get("l7") is not None:
            l7 = [r for r in (json.loads(l) for l in out.splitlines() if l.strip())
                  if r["record"] == "l7"]
            got_l7 = [{k: r.get(k) for k in e} for r, e in zip(l7, exp["l7"])]
            if len(l7) != len(exp["l7"]) or got_l7 != exp["l7"]:
                report(False, tag + " L7", "got %r, expected %r" % (
                    [{k: r.get(k) for k in ("protocol", "command", "request", "status",
                                            "latency_us")} for r in l7], exp["l7"]))
            else:
                report(True, tag + " L7: %d records" % len(l7))
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


# 4. Replay finishes what it can read.
def pcap_records(path):
    """(header, [(record header, data)]) of a classic pcap file."""
    raw = open(path, "rb").read()
    recs, off = [], 24
    while off < len(raw):
        hdr = raw[off:off + 16]
        caplen = struct.unpack("<IIII", hdr)[2]
        recs.append((hdr, raw[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return raw[:24], recs


def write_pcap(path, header, recs):
    with open(path, "wb") as f:
        f.write(header)
        for hdr, data in recs:
            f.write(hdr + data)


def pcapng_mixed(path, recs):
    """A pcapng with two interfaces: Ethernet (0) and raw IP (1); the odd
    records go to the second, their Ethernet header stripped."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", 1, 0, 65535))      # LINKTYPE_ETHERNET
    out += block(1, struct.pack("<HHI", 101, 0, 65535))    # LINKTYPE_RAW
    for i, (hdr, data) in enumerate(recs):
        sec, usec, caplen, wire = struct.unpack("<IIII", hdr)
        iface = i % 2
        if iface:
            data, caplen, wire = data[14:], caplen - 14, wire - 14
        ts = sec * 1000000 + usec   # default if_tsresol: microseconds
        out += block(6, struct.pack("<IIIII", iface, ts >> 32, ts & 0xffffffff, caplen, wire) +
                     data)
    open(path, "wb").write(out)


def flow_lines(out):
    return [l for l in out.splitlines() if l.startswith("{")]


with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(CRAFTED, "tcp_normal_v4.pcap")
    header, recs = pcap_records(src)
    engine = "bpf" if bpf_usable() else "user"

    # A capture cut inside its last record: the whole frames' records, a
    # warning naming the file and the frame count, exit 0.
    cut, whole = os.path.join(tmp, "cut.pcap"), os.path.join(tmp, "whole.pcap")
    write_pcap(whole, header, recs[:-1])
    with open(cut, "wb") as f:
        f.write(header + b"".join(h + d for h, d in recs[:-1]) + recs[-1][0] +
                recs[-1][1][:10])
    rc, out, err = replay(cut, engine)
    _, want, _ = replay(whole, engine)
    n = len(recs) - 1
    ok = rc == 0 and out == want and flow_lines(out) and cut in err and \
        ("the %d whole frames" % n) in err
    report(ok, "a capture cut short: the records of its %d whole frames, a warning, exit 0" % n,
           "" if ok else "exit %d, stderr %r" % (rc, err))

    # Interfaces of different link types in one pcapng: each read with its own.
    mixed = os.path.join(tmp, "mixed.pcapng")
    pcapng_mixed(mixed, recs)
    rc, out, err = replay(mixed, engine)
    _, want, _ = replay(src, engine)
    ok = rc == 0 and out == want
    report(ok, "a pcapng with Ethernet and raw-IP interfaces replays as the all-Ethernet capture",
           "" if ok else "exit %d, stderr %r" % (rc, err))

    # Standard input, and a gzip-compressed capture.
    p = subprocess.run([BIN, "replay", "--format", "json", "--engine", engine, "-"],
                       stdin=open(src, "rb"), capture_output=True, text=True)
    report(p.returncode == 0 and p.stdout == want, "replay - reads the capture from stdin",
           p.stderr.strip())
    gz = os.path.join(tmp, "normal.pcap.gz")
    with open(src, "rb") as f, gzip.open(gz, "wb") as g:
        g.write(f.read())
    rc, out, err = replay(gz, engine)
    report(rc == 0 and out == want, "a .gz capture is read", err.strip())

    # A long capture: 400k frames of one UDP flow, written directly.
    big = os.path.join(tmp, "big.pcap")
    frame = bytes.fromhex("020000000002020000000001080045000024000000004011" + "0000" +
                          "0a1e00010a1e0002" + "c35013880010" + "0000") + b"b" * 8
    with open(big, "wb") as f:
        f.write(header)
        for i in range(400000):
            f.write(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000,
                                len(frame), len(frame)) + frame)

    # Progress only on a terminal, and never with -q.
    def stderr_on_tty(*args):
        pid, fd = pty.fork()
        if pid == 0:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.execv(BIN, [BIN, *args])
        chunks = []
        while True:
            try:
                b = os.read(fd, 4096)
            except OSError:
                break
            if not b:
                break
            chunks.append(b)
        os.waitpid(pid, 0)
        return b"".join(chunks).decode(errors="replace")
    tty_err = stderr_on_tty("replay", "--engine", engine, "--no-l7", big)
    quiet_err = stderr_on_tty("-q", "replay", "--engine", engine, "--no-l7", big)
    rc, _, pipe_err = replay(big, engine, extra=("--no-l7",))
    ok = "frames/s" in tty_err and "frames/s" not in quiet_err and "frames/s" not in pipe_err
    report(ok, "progress is shown on a terminal, not with -q nor into a pipe",
           "" if ok else "tty %r, -q %r, pipe %r" % (tty_err[-200:], quiet_err[-200:],
                                                     pipe_err[-200:]))

    # SIGINT and SIGTERM: the records so far, then exit 128 + the signal.
    for sig in (signal.SIGINT, signal.SIGTERM):
        p = subprocess.Popen([BIN, "-v", "replay", "--format", "json", "--engine", engine,
                              "--no-l7", big], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        for line in p.stderr:  # -v says when the frames start going through
            if "through the" in line:
                break
        time.sleep(0.05)
        p.send_signal(sig)
        out, err = p.communicate(60)
        recs_out = [json.loads(l) for l in flow_lines(out)]
        ok = (p.returncode == 128 + sig and len(recs_out) == 1 and
              0 < recs_out[0]["packets_c2s"] < 400000 and "the records so far follow" in err)
        report(ok, "%s stops replay with the records so far (exit %d)" %
               (signal.Signals(sig).name, 128 + sig),
               "" if ok else "exit %s, %d records, stderr %r" % (p.returncode, len(recs_out),
                                                                err[-300:]))


# 5. Bad input: one clear line, non-zero exit, nothing half-printed.
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
