#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Crafted captures with expected flow records known by construction.

Each scenario writes OUTDIR/<name>.pcap and adds its expected records to
OUTDIR/expected.json: {name: {"flows": [{field: value}...], "skipped": {...},
"args": [replay flags the expectation holds for], "adjusted": {reason: packets
counted after a fix-up}, "untracked": {reason: packets passed without a flow,
checked where given}, "l7": [L7 records' fields, in order] or null: not checked}}.
Times are chosen in whole microseconds so every expected latency is exact.
Byte counts are the IP lengths of the packets as built here.

Run with Debian's python3 (/usr/bin/python3), which has scapy.
"""
import json
import os
import struct
import sys

from scapy.all import (IP, TCP, UDP, Dot1AD, Dot1Q, Ether, IPOption, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, Jumbo, Raw, fragment, fragment6, wrpcap)

T0 = 1700000000  # capture epoch, seconds
US = 1e-6


def ether():
    # Fixed addresses: scapy would otherwise try to resolve them.
    return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


class Conv:
    """One TCP connection; tracks sequence numbers and per-direction totals."""

    def __init__(self, cip, cport, sip, sport, v6=False, l2=None, cisn=1000, sisn=5000,
                 ip_opts=None, ext=None):
        self.cip, self.cport, self.sip, self.sport = cip, cport, sip, sport
        self.v6, self.l2, self.ip_opts, self.ext = v6, l2, ip_opts, ext
        self.nxt = {"c": cisn, "s": sisn}
        self.isn = {"c": cisn, "s": sisn}
        self.pkts = {"c": 0, "s": 0}
        self.bytes = {"c": 0, "s": 0}
        self.payload = {"c": 0, "s": 0}
        self.out = []

    def pkt(self, side, t_us, flags, n=0, seq=None, ack=None, win=65535, opts=None,
            advance=True, data=None):
        src, dst = (self.cip, self.sip) if side == "c" else (self.sip, self.cip)
        sp, dp = (self.cport, self.sport) if side == "c" else (self.sport, self.cport)
        other = "s" if side == "c" else "c"
        s = self.nxt[side] if seq is None else seq
        a = self.nxt[other] if ack is None else ack
        if "A" not in flags:
            a = 0
        tcp = TCP(sport=sp, dport=dp, flags=flags, seq=s, ack=a, window=win,
                  options=opts or [])
        if self.v6:
            l3 = IPv6(src=src, dst=dst)
            if self.ext:
                for e in self.ext:
                    l3 = l3 / e()
        else:
            l3 = IP(src=src, dst=dst, options=self.ip_opts or [])
        p = l3 / tcp
        if data is not None:
            n = len(data)
        if n:
            p = p / Raw(data if data is not None else b"x" * n)
        frame = (self.l2() if self.l2 else ether()) / p
        frame.time = T0 + t_us * US
        self.out.append(frame)
        self.pkts[side] += 1
        self.bytes[side] += len(p)
        self.payload[side] += n
        if advance:
            end = s + n + (1 if "S" in flags else 0) + (1 if "F" in flags else 0)
            if (end - self.nxt[side]) % (1 << 32) < (1 << 31):
                self.nxt[side] = end
        return frame

    def handshake(self, t_syn, t_synack, t_ack, syn_opts=None, synack_opts=None, ack_opts=None):
        self.pkt("c", t_syn, "S", opts=syn_opts)
        self.pkt("s", t_synack, "SA", opts=synack_opts)
        self.pkt("c", t_ack, "A", opts=ack_opts)

    def totals(self):
        return {
            "packets_c2s": self.pkts["c"], "packets_s2c": self.pkts["s"],
            "bytes_c2s": self.bytes["c"], "bytes_s2c": self.bytes["s"],
            "payload_bytes_c2s": self.payload["c"], "payload_bytes_s2c": self.payload["s"],
        }

    def ends(self, first_us, last_us):
        return {"first_seen_ns": (T0 * 1000000 + first_us) * 1000,
                "last_seen_ns": (T0 * 1000000 + last_us) * 1000}

    def names(self):
        fmt = "[%s]:%d" if self.v6 else "%s:%d"
        return {"client": fmt % (self.cip, self.cport), "server": fmt % (self.sip, self.sport)}


def udp_frame(t_us, src, sport, dst, dport, n):
    f = ether() / IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(b"u" * n)
    f.time = T0 + t_us * US
    return f


SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


@scenario
def tcp_normal_v4():
    """Handshake, two request/response exchanges, FIN both ways."""
    c = Conv("10.0.0.1", 40000, "10.0.0.2", 80)
    c.handshake(0, 1000, 1500, syn_opts=[("MSS", 1460), ("SAckOK", b""), ("WScale", 7)],
                synack_opts=[("MSS", 1460), ("SAckOK", b""), ("WScale", 8)])
    c.pkt("c", 2000, "PA", 100)           # request 1; probe c2s, SRT/ART start
    c.pkt("s", 2300, "A")                 # pure ACK: SRT 300, ack_rtt_server 300
    c.pkt("s", 5000, "PA", 500)           # response 1: ART 3000; probe s2c
    c.pkt("c", 5800, "A")                 # ack_rtt_client 800
    c.pkt("c", 20000, "PA", 50)           # request 2
    c.pkt("s", 20700, "PA", 200)          # response acks it: ART 700, ack_rtt_server 700
    c.pkt("c", 21000, "A")                # ack_rtt_client 300
    c.pkt("c", 30000, "FA")
    c.pkt("s", 30400, "FA")
    c.pkt("c", 30600, "A")
    flow = dict(proto="tcp", handshake_seen=True, syn_count=1, synack_count=1,
                rtt_server_us=1000.0, rtt_client_us=500.0, syn_rtt_us=1500.0,
                ack_rtt_client_avg_us=550.0, ack_rtt_client_min_us=300.0,
                ack_rtt_client_max_us=800.0, ack_rtt_client_count=2,
                ack_rtt_server_avg_us=500.0, ack_rtt_server_min_us=300.0,
                ack_rtt_server_max_us=700.0, ack_rtt_server_count=2,
                srt_avg_us=300.0, srt_max_us=300.0, srt_count=1,
                art_avg_us=1850.0, art_max_us=3000.0, art_count=2,
                retrans_c2s=0, retrans_s2c=0, zero_win_c2s=0, zero_win_s2c=0,
                zero_win_duration_us=0.0, rst_c2s=0, rst_s2c=0, fin_c2s=1, fin_s2c=1,
                close_type="normal", **c.totals(), **c.names(), **c.ends(0, 30600))
    return c.out, [flow]


@scenario
def tcp_retrans_ipv6_ext():
    """IPv6 with hop-by-hop and destination options; a retransmission and a keepalive."""
    c = Conv("2001:db8::1", 50000, "2001:db8::2", 443, v6=True,
             ext=[IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt])
    c.handshake(0, 200, 300)
    c.pkt("c", 1000, "A", 1000)                     # seg1: probe starts
    s2 = c.nxt["c"]
    c.pkt("c", 1010, "A", 1000)                     # seg2: probe stays on seg1
    c.pkt("c", 1020, "PA", 1000)                    # seg3
    c.pkt("s", 1400, "A", ack=c.isn["c"] + 1 + 1000)  # acks seg1: ack_rtt_server 400
    c.pkt("c", 1500, "A", 1000, seq=s2, advance=False)  # seg2 again: retransmission
    c.pkt("s", 1900, "A")                            # acks all
    c.pkt("c", 60000000, "A", 1, seq=c.nxt["c"] - 1, advance=False)  # keepalive
    c.pkt("s", 60000100, "A")
    c.pkt("c", 60000200, "RA")
    flow = dict(proto="tcp", handshake_seen=True, syn_count=1, synack_count=1,
                rtt_server_us=200.0, rtt_client_us=100.0, syn_rtt_us=300.0,
                ack_rtt_server_count=1, ack_rtt_server_avg_us=400.0,
                ack_rtt_server_min_us=400.0, ack_rtt_server_max_us=400.0,
                ack_rtt_client_count=0, ack_rtt_client_avg_us=None,
                retrans_c2s=1, retrans_bytes_c2s=1000, retrans_s2c=0, retrans_bytes_s2c=0,
                rst_c2s=1, rst_s2c=0, fin_c2s=0, fin_s2c=0, close_type="client_rst",
                **c.totals(), **c.names(), **c.ends(0, 60000200))
    return c.out, [flow]


@scenario
def tcp_gap_fill_receiver_view():
    """Captured at the receiver: seg2 was lost before us. Its late copy fills
    the gap (never seen here: not a retransmission); a second copy is one."""
    c = Conv("10.6.0.1", 48000, "10.6.0.2", 80)
    c.handshake(0, 100, 200)
    s1 = c.nxt["c"]
    c.pkt("c", 1000, "A", 500)
    s2 = c.nxt["c"]
    c.nxt["c"] += 500                                   # seg2 never reaches us
    c.pkt("c", 1020, "A", 500)                          # seg3: a gap below it
    s4 = c.nxt["c"]
    c.pkt("c", 1030, "A", 500)                          # seg4
    c.pkt("s", 1100, "A", ack=s2)                       # dup ACKs for seg2
    c.pkt("s", 1120, "A", ack=s2)
    c.pkt("c", 1300, "A", 500, seq=s2, advance=False)   # seg2 arrives: fills the gap
    c.pkt("s", 1400, "A")                               # acks everything
    c.pkt("c", 1500, "A", 500, seq=s2, advance=False)   # seg2 again: seen before
    c.pkt("c", 1600, "A", 250, seq=s4 + 250, advance=False)  # half of seg4 again
    del s1
    flow = dict(retrans_c2s=2, retrans_bytes_c2s=750, retrans_s2c=0, lost_c2s=1,
                lost_bytes_c2s=500, ooo_c2s=1, lost_s2c=0, ooo_s2c=0, close_type="forced",
                **c.totals(), **c.names())
    return c.out, [flow]


def download(vantage):
    """A client downloads 8 segments of 1000 bytes; segments 3 and 6 are lost on
    the way and sent again after the client's duplicate ACKs. At the client the
    losses open gaps that the copies fill; at the server they are retransmissions."""
    c = Conv("10.22.0.1", 44000 + (vantage == "server"), "10.22.0.2", 80)
    d = 0 if vantage == "client" else 1000   # the server sees the client's packets later
    c.handshake(0, 2000 - d, 2100 - d)
    c.pkt("c", 3000 - d, "PA", 100)                        # request
    seqs = []
    for i in range(8):
        seqs.append(c.nxt["s"])
        t = 4000 + 10 * i + (d and -1000)
        if vantage == "server" or i not in (2, 5):
            c.pkt("s", t + (0 if vantage == "server" else 1000), "A", 1000)
        else:
            c.nxt["s"] += 1000                               # lost before the client
    c.pkt("c", 5200 - d, "A", ack=seqs[2])                 # dup ACKs
    c.pkt("c", 5210 - d, "A", ack=seqs[2])
    c.pkt("s", 6000 + (1000 if vantage == "client" else -1000), "A", 1000, seq=seqs[2],
          advance=False)
    c.pkt("s", 6010 + (1000 if vantage == "client" else -1000), "A", 1000, seq=seqs[5],
          advance=False)
    c.pkt("c", 8000 - d, "A")
    if vantage == "client":
        loss = dict(lost_s2c=2, lost_bytes_s2c=2000, ooo_s2c=2, retrans_s2c=0)
    else:
        loss = dict(lost_s2c=0, lost_bytes_s2c=0, ooo_s2c=0, retrans_s2c=2,
                    retrans_bytes_s2c=2000)
    return c.out, [dict(lost_c2s=0, ooo_c2s=0, retrans_c2s=0, close_type="forced", **loss,
                        **c.totals(), **c.names())]


@scenario
def tcp_download_loss_at_client():
    """Upstream loss seen by the receiver: lost and out-of-order, no retransmission."""
    return download("client")


@scenario
def tcp_download_loss_at_server():
    """The same transfer at the sender: two retransmissions, nothing lost."""
    return download("server")


@scenario
def tcp_syn_repeat_timestamps():
    """Two SYNs; the SYN-ACK echoes the first one's TSval, as Linux does, yet it
    answers the second: the handshake is timed from the SYN before the SYN-ACK."""
    c = Conv("10.1.0.1", 33000, "10.1.0.2", 8080)
    c.pkt("c", 0, "S", opts=[("Timestamp", (100, 0))])
    c.pkt("c", 1000000, "S", seq=c.isn["c"], advance=False, opts=[("Timestamp", (1100, 0))])
    c.pkt("s", 1000500, "SA", opts=[("Timestamp", (7000, 100))])
    c.pkt("c", 1000700, "A", opts=[("Timestamp", (1101, 7000))])
    c.pkt("s", 1002000, "RA")
    flow = dict(syn_count=2, synack_count=1, rtt_server_us=500.0, rtt_client_us=200.0,
                syn_rtt_us=700.0, retrans_c2s=1, retrans_bytes_c2s=0,
                rst_s2c=1, close_type="server_rst", **c.totals(), **c.names(),
                **c.ends(0, 1002000))
    return c.out, [flow]


# The handshake rule (METRICS.md): time the handshake that completed: its ACK,
# the last SYN-ACK before it, the last SYN before that SYN-ACK. Seen from the
# client (the path to the server is long) and from the server (the path to the
# client is long), with SYN repeats, SYN-ACK repeats and both.
@scenario
def hs_client_syn_repeats():
    """At the client, SYN-ACKs lost: SYN, SYN, SYN, then a SYN-ACK that echoes the
    first SYN's TSval. The handshake took 2599 us, not 3 s."""
    c = Conv("10.21.0.1", 43000, "10.21.0.2", 443)
    c.pkt("c", 0, "S", opts=[("Timestamp", (100, 0))])
    c.pkt("c", 1000000, "S", seq=c.isn["c"], advance=False, opts=[("Timestamp", (1100, 0))])
    c.pkt("c", 3000000, "S", seq=c.isn["c"], advance=False, opts=[("Timestamp", (3100, 0))])
    c.pkt("s", 3002589, "SA", opts=[("Timestamp", (9000, 100))])
    c.pkt("c", 3002599, "A", opts=[("Timestamp", (3103, 9000))])
    return c.out, [dict(syn_count=3, synack_count=1, retrans_c2s=2, rtt_server_us=2589.0,
                        rtt_client_us=10.0, syn_rtt_us=2599.0, close_type="forced",
                        **c.totals(), **c.names())]


@scenario
def hs_client_syn_and_synack_repeats():
    """At the client, no timestamps: the first SYN's SYN-ACK arrives late, after the
    second SYN, and the second's SYN-ACK right behind it; the ACK follows the last."""
    c = Conv("10.21.0.1", 43001, "10.21.0.2", 443)
    c.pkt("c", 0, "S")
    c.pkt("c", 1000000, "S", seq=c.isn["c"], advance=False)
    c.pkt("s", 1002000, "SA")
    c.pkt("s", 1002100, "SA", seq=c.isn["s"], advance=False)
    c.pkt("c", 1002110, "A")
    return c.out, [dict(syn_count=2, synack_count=2, retrans_c2s=1, retrans_s2c=1,
                        rtt_server_us=2100.0, rtt_client_us=10.0, syn_rtt_us=2110.0,
                        close_type="forced", **c.totals(), **c.names())]


@scenario
def hs_server_synack_repeats():
    """At the server, its first SYN-ACK lost on the way: its timer sends the SYN-ACK
    again 1 s later, and the client's ACK answers that one."""
    c = Conv("10.21.0.1", 43002, "10.21.0.2", 443)
    c.pkt("c", 0, "S")
    c.pkt("s", 50, "SA")
    c.pkt("s", 1000050, "SA", seq=c.isn["s"], advance=False)
    c.pkt("c", 1002050, "A")
    return c.out, [dict(syn_count=1, synack_count=2, retrans_s2c=1, rtt_server_us=1000050.0,
                        rtt_client_us=2000.0, syn_rtt_us=1002050.0, close_type="forced",
                        **c.totals(), **c.names())]


@scenario
def hs_server_syn_and_synack_repeats():
    """At the server, its SYN-ACK lost: the client repeats its SYN (same TSval echo
    by the server's answer), and the ACK answers the second SYN-ACK."""
    c = Conv("10.21.0.1", 43003, "10.21.0.2", 443)
    c.pkt("c", 0, "S", opts=[("Timestamp", (100, 0))])
    c.pkt("s", 30, "SA", opts=[("Timestamp", (500, 100))])
    c.pkt("c", 1000000, "S", seq=c.isn["c"], advance=False, opts=[("Timestamp", (1100, 0))])
    c.pkt("s", 1000030, "SA", seq=c.isn["s"], advance=False,
          opts=[("Timestamp", (1500, 100))])
    c.pkt("c", 1002030, "A", opts=[("Timestamp", (1102, 1500))])
    return c.out, [dict(syn_count=2, synack_count=2, retrans_c2s=1, retrans_s2c=1,
                        rtt_server_us=30.0, rtt_client_us=2000.0, syn_rtt_us=2030.0,
                        close_type="forced", **c.totals(), **c.names())]


# Handshake orders that are not port reuse: each joins the flow it belongs to
# (METRICS.md: port reuse is a SYN from the same client with a new ISN after
# the flow established or closed).
@scenario
def hs_synack_before_syn():
    """A reordered capture: the SYN-ACK (ack = SYN's seq + 1) comes before its SYN.
    One flow, roles from the SYN-ACK; no SYN before the SYN-ACK, so no rtt_server."""
    c = Conv("10.23.0.1", 45000, "10.23.0.2", 80)
    syn = c.pkt("c", 110, "S")
    synack = c.pkt("s", 100, "SA")
    c.out = [synack, syn]
    c.pkt("c", 300, "A")
    c.pkt("c", 400, "PA", 50)
    return c.out, [dict(handshake_seen=True, syn_count=1, synack_count=1, rtt_server_us=None,
                        rtt_client_us=200.0, syn_rtt_us=None, retrans_c2s=0, retrans_s2c=0,
                        lost_c2s=0, close_type="forced", **c.totals(), **c.names(),
                        **c.ends(100, 400))]


@scenario
def hs_simultaneous_open():
    """Both ends send a SYN, then each a SYN-ACK (re-sending its SYN's sequence
    number): one flow, its client the first SYN's sender."""
    c = Conv("10.23.0.1", 45001, "10.23.0.2", 45002)
    c.pkt("c", 0, "S")
    c.pkt("s", 10, "S", seq=c.isn["s"])
    c.pkt("c", 20, "SA", seq=c.isn["c"], advance=False)
    c.pkt("s", 30, "SA", seq=c.isn["s"], advance=False)
    c.pkt("c", 40, "PA", 10)   # acks the server's ISN + 1: the handshake ACK
    return c.out, [dict(handshake_seen=True, syn_count=1, synack_count=1, rtt_server_us=30.0,
                        rtt_client_us=10.0, syn_rtt_us=40.0, retrans_c2s=1, retrans_s2c=1,
                        close_type="forced", **c.totals(), **c.names(), **c.ends(0, 40))]


@scenario
def hs_split_handshake():
    """The server answers a SYN with a SYN of its own, the client with a SYN-ACK,
    the server ACKs: one flow, the first SYN's sender the client."""
    c = Conv("10.23.0.1", 45003, "10.23.0.2", 80)
    c.pkt("c", 0, "S")
    c.pkt("s", 10, "S", seq=c.isn["s"])
    c.pkt("c", 20, "SA", seq=c.isn["c"], advance=False)
    c.pkt("s", 30, "A")
    return c.out, [dict(handshake_seen=True, syn_count=1, synack_count=0, rtt_server_us=None,
                        syn_rtt_us=None, retrans_c2s=1, retrans_s2c=0, close_type="forced",
                        **c.totals(), **c.names(), **c.ends(0, 30))]


@scenario
def hs_syn_after_midstream():
    """Data captured before the SYN that opened its connection: the SYN joins."""
    c = Conv("10.23.0.1", 45004, "10.23.0.2", 80)
    syn = c.pkt("c", 100, "S")
    c.out = []
    c.pkt("c", 90, "PA", 20, ack=c.isn["s"] + 1)
    c.out.append(syn)
    c.pkt("s", 200, "A", ack=c.nxt["c"])
    return c.out, [dict(syn_count=1, synack_count=0, retrans_c2s=0, ooo_c2s=1, lost_c2s=0,
                        close_type="forced", **c.totals(), **c.names(), **c.ends(90, 200))]


@scenario
def hs_reuse_after_refusal_and_late_duplicate():
    """A SYN refused by RST, then a SYN with a new ISN from the same port: a new
    connection (port reuse, counted by the anomaly; the first keeps server_reset). On another flow a duplicate of its SYN (same ISN)
    after the handshake only repeats it."""
    a = Conv("10.23.0.1", 45005, "10.23.0.2", 81)
    a.pkt("c", 0, "S")
    a.pkt("s", 50, "RA", ack=a.isn["c"] + 1)
    first = a.totals()
    b = Conv("10.23.0.1", 45005, "10.23.0.2", 81, cisn=777000, sisn=888000)
    b.handshake(1000, 1050, 1100)
    d = Conv("10.23.0.1", 45006, "10.23.0.2", 80)
    d.handshake(2000, 2050, 2100)
    d.pkt("c", 2200, "PA", 10)
    d.pkt("c", 2300, "S", seq=d.isn["c"], advance=False)
    return a.out + b.out + d.out, [
        # Ended by the reuse; a refused connection keeps its own close type.
        dict(close_type="server_reset", rst_s2c=1, **first, **a.names(), **a.ends(0, 50)),
        dict(close_type="forced", syn_count=1, syn_rtt_us=100.0, **b.totals(), **b.names(),
             **b.ends(1000, 1100)),
        dict(close_type="forced", syn_count=2, retrans_c2s=1, syn_rtt_us=100.0,
             **d.totals(), **d.names(), **d.ends(2000, 2300))]


@scenario
def hs_no_synack_completed():
    """A SYN answered by RST, and a SYN-ACK never acknowledged: syn_rtt is null in
    both; rtt_server still times the SYN to its SYN-ACK."""
    a = Conv("10.21.0.1", 43004, "10.21.0.2", 444)
    a.pkt("c", 0, "S")
    a.pkt("s", 70, "RA", ack=a.isn["c"] + 1)
    b = Conv("10.21.0.1", 43005, "10.21.0.2", 443)
    b.pkt("c", 100, "S")
    b.pkt("s", 180, "SA")
    b.pkt("c", 200, "S", seq=b.isn["c"], advance=False)
    return a.out + b.out, [
        dict(syn_count=1, rtt_server_us=None, rtt_client_us=None, syn_rtt_us=None,
             close_type="server_reset", **a.names()),
        dict(syn_count=2, synack_count=1, rtt_server_us=80.0, rtt_client_us=None,
             syn_rtt_us=None, close_type="forced", **b.names())]


@scenario
def tcp_zero_window_qinq():
    """802.1ad + 802.1Q tags; the server's window closes twice and reopens."""
    c = Conv("192.168.5.1", 41000, "192.168.5.2", 9000,
             l2=lambda: ether() / Dot1AD(vlan=100) / Dot1Q(vlan=200))
    c.handshake(0, 100, 200)
    c.pkt("c", 1000, "PA", 1000)
    c.pkt("s", 10000, "A", win=0)
    c.pkt("s", 20000, "A", win=0)
    c.pkt("s", 50000, "A", win=1024)
    c.pkt("c", 51000, "PA", 1000)
    flow = dict(zero_win_s2c=2, zero_win_c2s=0, zero_win_duration_us=40000.0,
                close_type="forced", **c.totals(), **c.names(), **c.ends(0, 51000))
    return c.out, [flow]


@scenario
def tcp_handshake_failures():
    """Refused, unanswered, half-open and reset handshakes; each ends its own way."""
    out, flows = [], []

    a = Conv("10.2.0.1", 40001, "10.2.0.2", 81)     # refused
    a.pkt("c", 0, "S")
    a.pkt("s", 150, "RA", ack=a.isn["c"] + 1)
    flows.append(dict(close_type="server_reset", syn_count=1, synack_count=0, rst_s2c=1,
                      rtt_server_us=None, syn_rtt_us=None, **a.totals(), **a.names()))

    b = Conv("10.2.0.1", 40002, "10.2.0.2", 82)     # no answer, SYN repeated
    b.pkt("c", 1000, "S")
    b.pkt("c", 1001000, "S", seq=b.isn["c"], advance=False)
    b.pkt("c", 3001000, "S", seq=b.isn["c"], advance=False)
    flows.append(dict(close_type="syn_no_answer", syn_count=3, retrans_c2s=2, **b.totals(),
                      **b.names()))

    c = Conv("10.2.0.1", 40003, "10.2.0.2", 83)     # SYN-ACK never acknowledged
    c.pkt("c", 2000, "S")
    c.pkt("s", 2500, "SA")
    flows.append(dict(close_type="synack_no_ack", syn_count=1, synack_count=1,
                      rtt_server_us=500.0, rtt_client_us=None, **c.totals(), **c.names()))

    d = Conv("10.2.0.1", 40004, "10.2.0.2", 84)     # client resets the handshake
    d.pkt("c", 3000, "S")
    d.pkt("s", 3400, "SA")
    d.pkt("c", 3600, "R", ack=0)
    flows.append(dict(close_type="establish_rst", rst_c2s=1, **d.totals(), **d.names()))

    # Ten seconds later: the capture's clock passes the 5 s opening timeout.
    late = udp_frame(13000000, "10.9.9.9", 5000, "10.9.9.8", 5001, 10)
    for conv in (a, b, c, d):
        out += conv.out
    out.sort(key=lambda f: f.time)
    out.append(late)
    # The higher port is the client: 10.9.9.8:5001 only received.
    flows.append(dict(proto="udp", client="10.9.9.8:5001", server="10.9.9.9:5000",
                      packets_c2s=0, packets_s2c=1, handshake_seen=False, close_type="forced"))
    return out, flows


@scenario
def tcp_idle_endings():
    """Established flows idle past 300 s: one half-closed by the client, one plain."""
    a = Conv("10.3.0.1", 45001, "10.3.0.2", 22)
    a.handshake(0, 100, 200)
    a.pkt("c", 1000, "PA", 10)
    a.pkt("s", 1200, "A")
    a.pkt("c", 2000, "FA")
    a.pkt("s", 2100, "A")
    b = Conv("10.3.0.1", 45002, "10.3.0.2", 22)
    b.handshake(3000, 3100, 3200)
    b.pkt("c", 4000, "PA", 10)
    b.pkt("s", 4100, "PA", 20)
    late = udp_frame(400000000, "10.9.9.9", 5000, "10.9.9.8", 53, 10)
    out = sorted(a.out + b.out, key=lambda f: f.time) + [late]
    return out, [
        dict(close_type="client_half_close", fin_c2s=1, fin_s2c=0, **a.totals(), **a.names()),
        dict(close_type="timeout", **b.totals(), **b.names()),
        dict(proto="udp", client="10.9.9.9:5000", server="10.9.9.8:53", packets_c2s=1,
             packets_s2c=0, close_type="forced"),
    ]


@scenario
def tcp_port_reuse_and_queue_overflow():
    """A new SYN (new ISN) on a live 5-tuple; a SYN-ACK repeated after the client's ACK."""
    a = Conv("10.4.0.1", 46000, "10.4.0.2", 3306)
    a.handshake(0, 100, 200)
    a.pkt("c", 1000, "PA", 10)
    a.pkt("s", 1100, "PA", 10)
    first = a.totals()
    b = Conv("10.4.0.1", 46000, "10.4.0.2", 3306, cisn=900000, sisn=700000)
    b.handshake(5000, 5100, 5200)
    b.pkt("c", 6000, "FA")
    b.pkt("s", 6100, "FA")
    b.pkt("c", 6200, "A")
    q = Conv("10.4.0.1", 46001, "10.4.0.2", 3306)
    q.handshake(7000, 7100, 7200)
    q.pkt("s", 1007100, "SA", seq=q.isn["s"], advance=False)  # queue full: SYN-ACK again
    out = a.out + b.out + q.out
    return out, [
        dict(close_type="port_reuse", **first, **a.names(), **a.ends(0, 1100)),
        dict(close_type="normal", rtt_server_us=100.0, rtt_client_us=100.0, **b.totals(),
             **b.names(), **b.ends(5000, 6200)),
        dict(close_type="queue_overflow", synack_count=2, retrans_s2c=1, **q.totals(),
             **q.names()),
    ]


@scenario
def udp_ipv4_options_and_midstream_tcp():
    """UDP with IPv4 options (IHL 6); a TCP flow seen only mid-stream."""
    out = []
    for i, (t, src, sp, dst, dp, n) in enumerate([
            (0, "172.16.0.1", 53000, "172.16.0.53", 53, 40),
            (300, "172.16.0.53", 53, "172.16.0.1", 53000, 120)]):
        f = ether() / IP(src=src, dst=dst, options=[IPOption(b"\x01\x01\x01\x00")]) / \
            UDP(sport=sp, dport=dp) / Raw(b"d" * n)
        f.time = T0 + t * US
        out.append(f)
    m = Conv("172.16.0.9", 443, "172.16.0.8", 60000)  # the higher port is the client
    m.pkt("c", 1000, "PA", 100, ack=777)
    m.pkt("s", 1100, "A")
    out += m.out
    return out, [
        dict(proto="udp", client="172.16.0.1:53000", server="172.16.0.53:53", packets_c2s=1,
             packets_s2c=1, bytes_c2s=20 + 4 + 8 + 40, bytes_s2c=20 + 4 + 8 + 120,
             payload_bytes_c2s=40, payload_bytes_s2c=120, handshake_seen=False,
             close_type="forced"),
        dict(proto="tcp", client="172.16.0.8:60000", server="172.16.0.9:443",
             handshake_seen=False, packets_c2s=1, packets_s2c=1, payload_bytes_c2s=0,
             payload_bytes_s2c=100, rtt_server_us=None, syn_rtt_us=None, close_type="forced"),
    ]


@scenario
def malformed_mix():
    """Broken packets between good ones: each is counted by reason and skipped."""
    good = Conv("10.5.0.1", 47000, "10.5.0.2", 80)
    good.handshake(0, 100, 200)
    frames = list(good.out)
    t = 300

    def raw(b):
        nonlocal t
        f = Ether(b)
        f.time = T0 + t * US
        t += 10
        frames.append(f)

    eth = bytes(Ether(src="00:00:00:00:00:01", dst="00:00:00:00:00:02", type=0x0800))
    eth6 = bytes(Ether(src="00:00:00:00:00:01", dst="00:00:00:00:00:02", type=0x86dd))
    ip = bytes(IP(src="10.5.0.1", dst="10.5.0.2", proto=6) / TCP())
    raw(eth + ip[:12])                                       # ipv4_truncated
    raw(eth + bytes([0x43]) + ip[1:])                        # ipv4_bad_header (IHL 3)
    bad = bytearray(bytes(IP(src="10.5.0.1", dst="10.5.0.2") / TCP(sport=1, dport=2)))
    bad[32] = 0x30                                           # TCP data offset 3
    raw(eth + bytes(bad))                                    # tcp_bad_header
    opt = bytearray(bytes(IP(src="10.5.0.1", dst="10.5.0.2") /
                          TCP(sport=1, dport=2, options=[("NOP", None)] * 4)))
    opt[40], opt[41] = 2, 9                                  # MSS option, length past header
    raw(eth + bytes(opt))                                    # tcp_bad_option
    raw(eth + bytes(IP(src="10.5.0.1", dst="10.5.0.2", proto=17))[:20] + b"\x00\x35")
    #                                                          udp_truncated
    v6 = bytes(IPv6(src="2001:db8::1", dst="2001:db8::2") / IPv6ExtHdrHopByHop() / TCP())
    raw(eth6 + v6[:44])                                      # ipv6_ext_truncated
    q3 = bytes(ether() / Dot1AD(vlan=1) / Dot1Q(vlan=2) / Dot1Q(vlan=3) /
               IP(src="10.5.0.1", dst="10.5.0.2") / TCP())
    raw(q3)                                                  # vlan_too_deep
    frag = bytes(IP(src="10.5.0.1", dst="10.5.0.2", proto=17, frag=100) / Raw(b"z" * 30))
    raw(eth + frag)                                          # later fragment: not an error
    frag6 = bytes(IPv6(src="2001:db8::1", dst="2001:db8::2") /
                  IPv6ExtHdrFragment(offset=50, nh=17) / Raw(b"z" * 30))
    raw(eth6 + frag6)
    good.pkt("c", 1000, "PA", 10)
    frames.append(good.out[-1])
    # The SYN with a bad option counts (Linux keeps it), on a flow of its own.
    return frames, [dict(packets_c2s=3, packets_s2c=1, close_type="forced", **good.names()),
                    dict(proto="tcp", client="10.5.0.1:1", server="10.5.0.2:2", packets_c2s=1,
                         packets_s2c=0, syn_count=1, close_type="forced")], {
        "ipv4_truncated": 1, "ipv4_bad_header": 1, "tcp_bad_header": 1,
        "udp_truncated": 1, "ipv6_ext_truncated": 1, "vlan_too_deep": 1}, [], {
        "tcp_bad_option": 1}


def rewrap(frames, fn, snap=None):
    """Frames rebuilt from their bytes through fn(bytes) -> bytes; with @snap,
    captured only that far (the record keeps the frame's real length)."""
    out = []
    for f in frames:
        b = fn(bytes(f))
        g = Ether(b[:snap] if snap else b)
        g.time = f.time
        g.wirelen = len(b)
        out.append(g)
    return out


def pppoe(compress=False, ip_extra=0, trailer=0):
    """Ethernet / PPPoE session / PPP / IP: the PPPoE length covers the IP packet;
    @ip_extra makes the IP header claim that much more, @trailer pads the frame."""
    def fn(b):
        ip = bytearray(b[14:])
        if ip_extra:
            struct.pack_into("!H", ip, 2, struct.unpack_from("!H", ip, 2)[0] + ip_extra)
        proto = b"\x21" if compress else b"\x00\x21"
        hdr = struct.pack("!BBHH", 0x11, 0, 0x0001, len(ip) + len(proto))
        return b[:12] + b"\x88\x64" + hdr + proto + bytes(ip) + b"\x00" * trailer
    return fn


def mpls(labels, multicast=False):
    def fn(b):
        stack = b"".join(struct.pack("!I", (100 + i) << 12 | (i == labels - 1) << 8 | 64)
                         for i in range(labels))
        return b[:12] + (b"\x88\x48" if multicast else b"\x88\x47") + stack + b[14:]
    return fn


@scenario
def len_tso_zero_total_length():
    """Captured on the sending host: a TSO super-frame with IPv4 total length 0,
    64000 bytes of payload, snapped at 128 bytes. Its length comes from the frame."""
    c = Conv("10.24.0.1", 46000, "10.24.0.2", 80)
    c.handshake(0, 100, 200)
    c.pkt("c", 1000, "PA", 1000)
    big = c.out.pop()
    b = bytearray(bytes(big))
    struct.pack_into("!H", b, 16, 0)
    b += b"x" * 63000                      # the frame on the wire: 64000 payload bytes
    g = Ether(bytes(b[:128]))
    g.time, g.wirelen = big.time, len(b)
    c.out.append(g)
    c.nxt["c"] += 63000
    c.pkt("s", 1500, "A")
    t = c.totals()
    t["bytes_c2s"] += 63000
    t["payload_bytes_c2s"] += 63000
    return c.out, [dict(retrans_c2s=0, lost_c2s=0, ack_rtt_server_count=1,
                        ack_rtt_server_avg_us=500.0, close_type="forced", **t, **c.names())], \
        {}, [], {"ip_length_zero": 1}


@scenario
def len_claims_past_frame():
    """A 73-byte frame whose IPv4 header claims 29440 bytes: bounded by the frame;
    the next segment, in sequence, is no retransmission."""
    c = Conv("10.24.0.1", 46001, "10.24.0.2", 80)
    c.handshake(0, 100, 200)
    c.pkt("c", 1000, "PA", 19)
    lie = c.out.pop()
    b = bytearray(bytes(lie))
    struct.pack_into("!H", b, 16, 29440)
    g = Ether(bytes(b))
    g.time = lie.time
    c.out.append(g)
    c.pkt("c", 1100, "PA", 19)
    c.pkt("s", 1200, "A")
    return c.out, [dict(bytes_c2s=c.bytes["c"], payload_bytes_c2s=38, retrans_c2s=0,
                        lost_c2s=0, close_type="forced", **c.names())], \
        {}, [], {"ip_length_past_frame": 1}


@scenario
def pppoe_length_bounds_ip():
    """PPPoE: every IP header claims 100 bytes more than the session payload (the
    frames carry 100 bytes of trailer). Bounded by the PPPoE length: no byte too
    many, and no segment looks like a retransmission."""
    c = Conv("10.25.0.1", 47000, "10.25.0.2", 80)
    c.handshake(0, 100, 200)
    c.pkt("c", 1000, "PA", 300)
    c.pkt("s", 1200, "PA", 700)
    c.pkt("c", 1300, "PA", 300)
    c.pkt("s", 1500, "A")
    return rewrap(c.out, pppoe(ip_extra=100, trailer=100)), [
        dict(retrans_c2s=0, retrans_s2c=0, lost_c2s=0, lost_s2c=0, syn_rtt_us=200.0,
             close_type="forced", **c.totals(), **c.names())], \
        {}, [], {"ip_length_past_pppoe": 7}


@scenario
def pppoe_compressed_protocol():
    """PPPoE with protocol-field compression: a one-byte PPP protocol (0x21)."""
    c = Conv("10.25.0.1", 47001, "10.25.0.2", 80)
    c.handshake(0, 100, 200)
    c.pkt("c", 1000, "PA", 30)
    c.pkt("s", 1200, "PA", 60)
    return rewrap(c.out, pppoe(compress=True)), [
        dict(syn_rtt_us=200.0, art_count=1, close_type="forced", **c.totals(), **c.names())]


@scenario
def mpls_label_stacks():
    """TCP under two MPLS labels (unicast), UDP over IPv6 under one (multicast)."""
    c = Conv("10.26.0.1", 48000, "10.26.0.2", 443)
    c.handshake(0, 100, 200)
    c.pkt("c", 1000, "PA", 40)
    out = rewrap(c.out, mpls(2))
    u = [ether() / IPv6(src="2001:db8::26:1", dst="2001:db8::26:2") / UDP(sport=48001,
                                                                          dport=4789) /
         Raw(b"v" * 50)]
    u[0].time = T0 + 2000 * US
    out += rewrap(u, mpls(1, multicast=True))
    return out, [
        dict(syn_rtt_us=200.0, close_type="forced", **c.totals(), **c.names()),
        dict(proto="udp", client="[2001:db8::26:1]:48001", server="[2001:db8::26:2]:4789",
             packets_c2s=1, bytes_c2s=40 + 8 + 50, payload_bytes_c2s=50, close_type="forced")]


@scenario
def tcp_options_cut_by_snaplen():
    """Snapped 58 bytes a frame: the fixed TCP header is whole, its options are
    not. Every segment still counts; the options are taken as absent."""
    c = Conv("10.27.0.1", 49000, "10.27.0.2", 80)
    ts = [("Timestamp", (1, 0))]
    c.handshake(0, 100, 200, syn_opts=[("MSS", 1460), ("SAckOK", b""), ("WScale", 7)] + ts,
                synack_opts=[("MSS", 1460), ("WScale", 7)] + ts, ack_opts=ts)
    c.pkt("c", 1000, "PA", 100, opts=ts)
    c.pkt("s", 1300, "A", opts=ts)
    return rewrap(c.out, lambda b: b, snap=58), [
        dict(syn_count=1, synack_count=1, syn_rtt_us=200.0, ack_rtt_server_count=1,
             srt_count=1, close_type="forced", **c.totals(), **c.names())], \
        {}, [], {"tcp_options_cut": 5}


@scenario
def ip_fragments_attributed():
    """A 3000-byte UDP datagram in three IPv4 fragments, an IPv6 one in two, and a
    later fragment whose first was never seen (untracked)."""
    d4 = IP(src="10.28.0.1", dst="10.28.0.2", id=4242) / UDP(sport=50000, dport=5353) / \
        Raw(b"f" * 3000)
    out = []
    for i, fr in enumerate(fragment(d4, fragsize=1200)):
        f = ether() / fr
        f.time = T0 + (100 + i) * US
        out.append(f)
    lens4 = [len(bytes(f)) - 14 for f in out]
    d6 = IPv6(src="2001:db8::28:1", dst="2001:db8::28:2") / IPv6ExtHdrFragment(id=77) / \
        UDP(sport=50001, dport=5353) / Raw(b"g" * 2000)
    frags6 = fragment6(d6, 1280)
    for i, fr in enumerate(frags6):
        f = ether() / fr
        f.time = T0 + (200 + i) * US
        out.append(f)
    lens6 = [len(bytes(f)) - 14 for f in out[len(lens4):]]
    orphan = ether() / IP(src="10.28.0.9", dst="10.28.0.2", id=999, frag=100, proto=17) / \
        Raw(b"o" * 100)
    orphan.time = T0 + 300 * US
    out.append(orphan)
    return out, [
        dict(proto="udp", client="10.28.0.1:50000", server="10.28.0.2:5353",
             packets_c2s=len(lens4), bytes_c2s=sum(lens4), payload_bytes_c2s=3000,
             close_type="forced"),
        dict(proto="udp", client="[2001:db8::28:1]:50001", server="[2001:db8::28:2]:5353",
             packets_c2s=len(lens6), bytes_c2s=sum(lens6),
             payload_bytes_c2s=2000, close_type="forced")], {}, [], {}, {"ip_fragments": 1}


@scenario
def ipv6_jumbogram():
    """An IPv6 jumbogram: payload length 0 and a hop-by-hop jumbo option; its
    length comes from the frame (snapped at 200 bytes)."""
    n = 70000
    j = ether() / IPv6(src="2001:db8::29:1", dst="2001:db8::29:2", plen=0) / \
        IPv6ExtHdrHopByHop(options=[Jumbo(jumboplen=8 + 8 + n)]) / \
        UDP(sport=51000, dport=9000, len=0) / Raw(b"j" * n)
    j.time = T0
    b = bytes(j)
    g = Ether(b[:200])
    g.time, g.wirelen = j.time, len(b)
    return [g], [dict(proto="udp", client="[2001:db8::29:1]:51000",
                      server="[2001:db8::29:2]:9000", packets_c2s=1, bytes_c2s=len(b) - 14,
                      payload_bytes_c2s=n, close_type="forced")], {}, [], {"ip_length_zero": 1}


# L7 on what real captures carry. Each returns its L7 records as well, by
# construction: (command, request, status) in request order.
@scenario
def l7_http_bare_lf_and_stray_byte():
    """A keepalive's byte first (the capture starts mid-stream), then HTTP heads
    with bare-LF line ends, and a request whose path is not UTF-8."""
    c = Conv("10.30.0.1", 52000, "10.30.0.2", 80)
    c.nxt["c"] += 1
    c.pkt("c", 0, "A", seq=c.nxt["c"] - 1, data=b"\x00", advance=False)  # keepalive
    c.pkt("s", 50, "A")
    c.pkt("c", 1000, "PA", data=b"GET /lf HTTP/1.1\nHost: t\n\n")
    c.pkt("s", 1400, "PA", data=b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok")
    c.pkt("c", 2000, "PA", data=b"GET /caf\xe9\xff HTTP/1.1\r\nHost: t\r\n\r\n")
    c.pkt("s", 2300, "PA", data=b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    return c.out, [dict(close_type="forced", **c.totals(), **c.names())], {}, [], {}, {}, [
        dict(protocol="http", command="GET", request="/lf", status=200, latency_us=400.0),
        dict(protocol="http", command="GET", request="/caf\\xe9\\xff", status=404,
             latency_us=300.0)]


@scenario
def l7_redis_reply_across_segments():
    """A GET answered by a 4500-byte bulk string in four segments, whose later
    segments start like replies; then a PING."""
    c = Conv("10.30.0.1", 52001, "10.30.0.2", 6379)
    c.handshake(0, 100, 200)
    c.pkt("c", 1000, "PA", data=b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n")
    value = b"$4500\r\n" + (b"+OK\r\n:1\r\n" * 500) + b"\r\n"
    first = 7 + 1440
    c.pkt("s", 1500, "A", data=value[:first])
    for i, off in enumerate(range(first, len(value), 1440)):
        c.pkt("s", 1501 + i, "PA", data=value[off:off + 1440])
    c.pkt("c", 2000, "A")
    c.pkt("c", 3000, "PA", data=b"*1\r\n$4\r\nPING\r\n")
    c.pkt("s", 3200, "PA", data=b"+PONG\r\n")
    return c.out, [dict(close_type="forced", **c.totals(), **c.names())], {}, [], {}, {}, [
        dict(protocol="redis", command="GET", request="big", status="OK", latency_us=500.0),
        dict(protocol="redis", command="PING", request=None, status="OK", latency_us=200.0)]


# Timeouts set on the command line must reach both engines (a knob folded into
# the BPF bytecode keeps the default). Each capture's gap lies between the
# default and the setting, so the flow count tells which one was used.
def with_args(args, frames, flows):
    return frames, flows, {}, args


@scenario
def timeout_opening_longer():
    """SYNs 10 s apart: one flow with --timeout opening=30 (the default 5 s splits it)."""
    c = Conv("10.20.0.1", 40100, "10.20.0.2", 80)
    c.pkt("c", 0, "S")
    c.pkt("c", 10000000, "S", seq=c.isn["c"], advance=False)
    return with_args(["--timeout", "opening=30"], c.out, [
        dict(syn_count=2, retrans_c2s=1, close_type="forced", **c.totals(), **c.names())])


@scenario
def timeout_established_shorter():
    """Data 60 s apart: two flows with --timeout established=30 (the default 300 s joins)."""
    c = Conv("10.20.0.1", 40101, "10.20.0.2", 80)
    c.handshake(0, 100, 200)
    c.pkt("c", 1000, "PA", 10)
    first = c.totals()
    c.pkt("c", 60001000, "PA", 10)
    return with_args(["--timeout", "established=30"], c.out, [
        dict(close_type="timeout", **first, **c.names(), **c.ends(0, 1000)),
        dict(close_type="forced", handshake_seen=False, packets_c2s=1, packets_s2c=0,
             **c.names(), **c.ends(60001000, 60001000))])


@scenario
def timeout_closing_rst_shorter():
    """A packet 10 s after a RST: a new flow with --timeout closing_rst=5 (default 35 s)."""
    c = Conv("10.20.0.1", 40102, "10.20.0.2", 80)
    c.handshake(0, 100, 200)
    c.pkt("c", 1000, "RA")
    first = c.totals()
    c.pkt("s", 10001000, "A")
    return with_args(["--timeout", "closing_rst=5"], c.out, [
        dict(close_type="client_rst", rst_c2s=1, **first, **c.names(), **c.ends(0, 1000)),
        dict(close_type="forced", handshake_seen=False, packets_c2s=0, packets_s2c=1,
             **c.names())])


@scenario
def timeout_closed_fin_longer():
    """A last ACK 5 s after both FINs: one flow with --timeout closed_fin=10 (default 2 s)."""
    c = Conv("10.20.0.1", 40103, "10.20.0.2", 80)
    c.handshake(0, 100, 200)
    c.pkt("c", 1000, "FA")
    c.pkt("s", 1100, "FA")
    c.pkt("c", 5001100, "A")
    return with_args(["--timeout", "closed_fin=10"], c.out, [
        dict(close_type="normal", fin_c2s=1, fin_s2c=1, **c.totals(), **c.names(),
             **c.ends(0, 5001100))])


@scenario
def timeout_udp_longer():
    """Datagrams 10 s apart: one flow with --timeout udp=30 (default 5 s)."""
    out = [udp_frame(0, "10.20.0.1", 40104, "10.20.0.2", 5353, 20),
           udp_frame(10000000, "10.20.0.1", 40104, "10.20.0.2", 5353, 20)]
    return with_args(["--timeout", "udp=30"], out, [
        dict(proto="udp", client="10.20.0.1:40104", server="10.20.0.2:5353", packets_c2s=2,
             packets_s2c=0, close_type="forced")])


DEMO = ["tcp_normal_v4", "tcp_retrans_ipv6_ext", "tcp_zero_window_qinq",
        "tcp_handshake_failures"]


def main():
    if sys.argv[1] == "--demo":
        # The capture bundled as tests/captures/demo.pcap for the README.
        frames = sum((SCENARIOS[n]()[0] for n in DEMO), [])
        wrpcap(sys.argv[2], sorted(frames, key=lambda f: f.time))
        return
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    expected = {}
    for name, fn in SCENARIOS.items():
        res = fn()
        frames, flows = res[0], res[1]
        skipped = res[2] if len(res) > 2 else {}
        args = res[3] if len(res) > 3 else []
        adjusted = res[4] if len(res) > 4 else {}
        untracked = res[5] if len(res) > 5 else {}
        l7 = res[6] if len(res) > 6 else None
        wrpcap(os.path.join(outdir, name + ".pcap"), frames)
        expected[name] = {"flows": flows, "skipped": skipped, "args": args,
                          "adjusted": adjusted, "untracked": untracked, "l7": l7}
    with open(os.path.join(outdir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
