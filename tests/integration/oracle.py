# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""tshark as the oracle: per-flow counts from Wireshark's dissection of a
capture, compared with netobs-xdp's records of the same capture."""
import collections
import subprocess

TS_FIELDS = ["tcp.seq_raw", "tcp.len", "tcp.analysis.out_of_order", "tcp.analysis.keep_alive",
             "ip.src", "ipv6.src", "tcp.srcport", "udp.srcport", "ip.dst", "ipv6.dst",
             "tcp.dstport", "udp.dstport", "ip.len", "ipv6.plen", "tcp.flags.syn",
             "tcp.flags.ack", "tcp.flags.reset", "tcp.flags.fin", "tcp.analysis.zero_window",
             "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
             "tcp.analysis.spurious_retransmission", "tcp.analysis.initial_rtt",
             "ip.frag_offset", "ipv6.fraghdr.offset", "tcp.stream", "icmp.type",
             "icmpv6.type", "frame.number", "ip.fragment", "ipv6.fragment",
             "frame.time_epoch", "tcp.ack_raw", "tcp.analysis.lost_segment", "ip.id",
             "ipv6.fraghdr.ident", "ip.flags.mf", "ipv6.fraghdr.more"]


SEQ_MOD = 1 << 32


def overlaps(seq, n, start, end):
    """[seq, seq + n) and [start, end) share a sequence number (mod 2^32)."""
    return (start - seq) % SEQ_MOD < n or (seq - start) % SEQ_MOD < (end - start) % SEQ_MOD


def endpoint(addr, port):
    return ("[%s]:%s" % (addr, port)) if ":" in addr else ("%s:%s" % (addr, port))


def gaps_step(g, c, seq, n, keepalive, syn):
    """METRICS.md's loss before the vantage point, from sequence numbers alone:
    a segment starting past the highest end seen opens a gap (lost, lost_bytes);
    one wholly inside an open gap fills that part of it (ooo), and so does one
    wholly before the first segment seen, unless that was the SYN. Positions
    are unwrapped relative to the direction's first segment (test flows stay
    far below 2 GiB)."""
    if "base" not in g:
        g["base"], g["hi"], g["low"], g["open"], g["syn"] = seq, n, 0, [], syn
        return
    a = (seq - g["base"]) % SEQ_MOD
    if a >= 1 << 31:
        a -= SEQ_MOD  # before the first segment seen
    b = a + n
    if a > g["hi"]:
        g["open"].append((g["hi"], a))
        c["seq_lost"] += 1
        c["seq_lost_bytes"] += a - g["hi"]
    elif n and a < g["hi"] and not keepalive:
        if b <= g["low"] and not g["syn"]:
            c["seq_ooo"] += 1
            g["low"] = a
        elif any(x <= a and b <= y for x, y in g["open"]):
            c["seq_ooo"] += 1
        pieces = []
        for x, y in g["open"]:
            pieces += [(x, min(y, a)), (max(x, b), y)] if a < y and b > x else [(x, y)]
        g["open"] = [(x, y) for x, y in pieces if x < y]
    g["hi"] = max(g["hi"], b)
    g["syn"] = g["syn"] or syn


def handshake_step(hs, sender, syn, ack, rst, v):
    """METRICS.md's handshake rule over tshark's dissection, packet by packet: the
    handshake ACK, the last SYN-ACK before it, the last SYN before that SYN-ACK."""
    t = float(v["frame.time_epoch"])
    if "acked" in hs:
        return
    if syn and not ack:
        hs.setdefault("client", sender)
        if sender == hs["client"]:
            hs["syn_t"] = t
    elif syn and ack and sender != hs.get("client"):
        hs["server_isn"] = int(v["tcp.seq_raw"])
        hs["synack_t"] = t
        hs["syn_before_synack_t"] = hs.get("syn_t")
    elif (ack and not syn and not rst and sender == hs.get("client") and "synack_t" in hs and
          int(v["tcp.ack_raw"]) == (hs["server_isn"] + 1) % SEQ_MOD):
        hs["acked"] = True
        if hs["syn_before_synack_t"] is not None:
            hs["syn_rtt_us"] = (t - hs["syn_before_synack_t"]) * 1e6


def tshark_flows(cap):
    """Per unordered endpoint pair: per-direction counts keyed by the sender."""
    p = subprocess.run(["tshark", "-r", cap, "-o", "tcp.relative_sequence_numbers:FALSE",
                        "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f",
                        *sum([["-e", f] for f in TS_FIELDS], [])],
                       capture_output=True, text=True, check=True)
    flows, frags = {}, {}
    for line in p.stdout.splitlines():
        v = dict(zip(TS_FIELDS, line.split("\t")))
        src = v["ip.src"] or v["ipv6.src"]
        dst = v["ip.dst"] or v["ipv6.dst"]
        frame_bytes = int(v["ip.len"]) if v["ip.len"] else int(v["ipv6.plen"] or 0) + 40
        frame_packets = 1
        datagram = (src, dst, v["ip.id"] or v["ipv6.fraghdr.ident"])
        if v["ip.frag_offset"] not in ("", "0") or v["ip.flags.mf"] in ("1", "True") or \
                v["ipv6.fraghdr.offset"] not in ("", "0") or \
                v["ipv6.fraghdr.more"] in ("1", "True"):
            frags.setdefault(datagram, []).append(frame_bytes)
        sp = v["tcp.srcport"] or v["udp.srcport"]
        dp = v["tcp.dstport"] or v["udp.dstport"]
        if not (src and dst and sp and dp) or v["icmp.type"] or v["icmpv6.type"]:
            continue  # an ICMP error quotes an inner header: not the flow's packet
        if v["ip.fragment"] or v["ipv6.fragment"]:
            # tshark dissects a fragmented datagram at its last fragment: every
            # fragment of it is one of the flow's packets, with its own length.
            lens = frags.pop(datagram)
            frame_packets, frame_bytes = len(lens), sum(lens)
        proto = "tcp" if v["tcp.srcport"] else "udp"
        a, b = endpoint(src, sp), endpoint(dst, dp)
        key = (proto,) + tuple(sorted((a, b)))
        f = flows.setdefault(key, {"by": collections.defaultdict(collections.Counter),
                                   "irtt": set(), "streams": set()})
        c = f["by"][a]
        c["packets"] += frame_packets
        c["bytes"] += frame_bytes
        syn, ack = v["tcp.flags.syn"] in ("1", "True"), v["tcp.flags.ack"] in ("1", "True")
        c["syn"] += syn and not ack
        c["synack"] += syn and ack
        c["rst"] += v["tcp.flags.reset"] in ("1", "True")
        c["fin"] += v["tcp.flags.fin"] in ("1", "True")
        c["zero_win"] += v["tcp.analysis.zero_window"] != ""
        c["retrans"] += (v["tcp.analysis.retransmission"] != "" or
                         v["tcp.analysis.fast_retransmission"] != "" or
                         v["tcp.analysis.spurious_retransmission"] != "")
        c["tshark_ooo"] += v["tcp.analysis.out_of_order"] != ""
        c["tshark_lost"] += v["tcp.analysis.lost_segment"] != ""
        if proto == "tcp" and v["tcp.seq_raw"]:
            # METRICS.md: a retransmission is a segment whose sequence range
            # was already seen here (keepalives excepted).
            seq, n = int(v["tcp.seq_raw"]), int(v["tcp.len"] or 0) + syn + \
                (v["tcp.flags.fin"] in ("1", "True"))
            # Per connection (tcp.stream): a reused 5-tuple starts afresh.
            conn = (v["tcp.stream"], a)
            if v["tcp.flags.reset"] not in ("1", "True"):
                gaps_step(f.setdefault("gaps", {}).setdefault(conn, {}), c, seq, n,
                          v["tcp.analysis.keep_alive"] != "", syn)
            seen = f.setdefault("seen", {}).setdefault(conn, [])
            if n and v["tcp.analysis.keep_alive"] == "" and any(
                    overlaps(seq, n, s, e) for s, e in seen):
                c["seen_again"] += 1
            if n:
                seen.append((seq, (seq + n) % SEQ_MOD))
        if v["tcp.analysis.initial_rtt"]:
            f["irtt"].add(float(v["tcp.analysis.initial_rtt"]))
        if proto == "tcp":
            handshake_step(f.setdefault("hs", {}), a, syn, ack,
                           v["tcp.flags.reset"] in ("1", "True"), v)
        f["streams"].add(v["tcp.stream"])
    return flows


def our_flows(recs):
    flows = {}
    for r in recs:
        key = (r["proto"],) + tuple(sorted((r["client"], r["server"])))
        f = flows.setdefault(key, {"by": collections.defaultdict(collections.Counter),
                                   "syn_rtt": [], "n": 0})
        f["n"] += 1
        for who, d in ((r["client"], "c2s"), (r["server"], "s2c")):
            c = f["by"][who]
            c["packets"] += r["packets_" + d]
            c["bytes"] += r["bytes_" + d]
            c["rst"] += r["rst_" + d]
            c["fin"] += r["fin_" + d]
            c["zero_win"] += r["zero_win_" + d]
            c["retrans"] += r["retrans_" + d]
            c["lost"] += r["lost_" + d]
            c["lost_bytes"] += r["lost_bytes_" + d]
            c["ooo"] += r["ooo_" + d]
        f["by"][r["client"]]["syn"] += r["syn_count"]
        f["by"][r["server"]]["synack"] += r["synack_count"]
        if r["syn_rtt_us"] is not None:
            f["syn_rtt"].append(r["syn_rtt_us"])
    return flows




def compare(ours, theirs, retrans_rule="tshark"):
    """Problems found comparing our_flows() with tshark_flows().

    retrans_rule "tshark": retransmissions equal tshark's retransmission +
    fast + spurious flags. "seen": they equal the segments whose range was
    seen before in the capture (METRICS.md's definition, which is what differs
    from tshark for a gap filled at the receiver's vantage point).
    """
    bad = []
    if set(ours) != set(theirs):
        bad.append("flows differ: only ours %s, only tshark's %s" %
                   (sorted(set(ours) - set(theirs)), sorted(set(theirs) - set(ours))))
    for key in sorted(set(ours) & set(theirs)):
        o, t = ours[key], theirs[key]
        for ep in set(o["by"]) | set(t["by"]):
            # Loss before the vantage point: gaps opened equal Wireshark's
            # lost_segment flags and the count from sequence numbers alone.
            for k, want in (("lost", t["by"][ep]["tshark_lost"]),
                            ("lost", t["by"][ep]["seq_lost"]),
                            ("lost_bytes", t["by"][ep]["seq_lost_bytes"]),
                            ("ooo", t["by"][ep]["seq_ooo"])):
                if key[0] == "tcp" and o["by"][ep][k] != want:
                    bad.append("%s from %s: %s ours %d, expected %d (tshark lost_segment %d, "
                               "from sequence numbers: lost %d, ooo %d)" %
                               (key[0], ep, k, o["by"][ep][k], want, t["by"][ep]["tshark_lost"],
                                t["by"][ep]["seq_lost"], t["by"][ep]["seq_ooo"]))
            for k in ("packets", "bytes", "syn", "synack", "rst", "fin", "zero_win", "retrans"):
                want = t["by"][ep][k]
                if k == "retrans" and retrans_rule == "seen":
                    want = t["by"][ep]["seen_again"]
                if o["by"][ep][k] != want:
                    bad.append("%s from %s: %s ours %d, expected %d (tshark retrans %d, "
                               "out-of-order %d, seen again %d)" %
                               (key[0], ep, k, o["by"][ep][k], want, t["by"][ep]["retrans"],
                                t["by"][ep]["tshark_ooo"], t["by"][ep]["seen_again"]))
        # initial_rtt is per TCP stream: compare where one flow is one stream
        # with one SYN and one SYN-ACK. Wireshark starts it at the first SYN
        # (METRICS.md times the SYN before the SYN-ACK the client acked), and
        # without a SYN-ACK it still reports one (SYN to a bare ACK, or to the
        # RST-ACK that refuses the SYN); ours needs a SYN-ACK, so it is null.
        syns = sum(c["syn"] for c in t["by"].values())
        synacks = sum(c["synack"] for c in t["by"].values())
        one = key[0] == "tcp" and o["n"] == 1 and len(t["streams"]) == 1
        if one and len(t["irtt"]) == 1 and syns == 1 and synacks == 1:
            irtt = next(iter(t["irtt"])) * 1e6
            if len(o["syn_rtt"]) != 1 or abs(o["syn_rtt"][0] - irtt) > 2.0:
                bad.append("%s: syn_rtt_us %s, tshark initial_rtt %.3f us" %
                           (key, o["syn_rtt"], irtt))
        # METRICS.md's rule itself, on every single-connection flow, from the
        # frame times tshark dissects (this covers SYN and SYN-ACK repeats).
        if one:
            want = t.get("hs", {}).get("syn_rtt_us")
            got = o["syn_rtt"][0] if len(o["syn_rtt"]) == 1 else None
            if (want is None) != (got is None) or (want is not None and abs(got - want) > 1.0):
                bad.append("%s: syn_rtt_us %s, the handshake rule over tshark's frames %s" %
                           (key, o["syn_rtt"], want))
    return bad
