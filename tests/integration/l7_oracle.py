# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""tshark's dissectors as the oracle for L7 records: the requests and
responses Wireshark finds in a capture, paired the way each protocol pairs
them, with latencies from the frames' own timestamps (integer nanoseconds)."""
import subprocess
from decimal import Decimal

# IANA DNS types, for comparing tshark's numbers with our names.
DNS_TYPES = {"1": "A", "2": "NS", "5": "CNAME", "6": "SOA", "12": "PTR", "15": "MX",
             "16": "TXT", "28": "AAAA", "33": "SRV", "43": "DS", "46": "RRSIG",
             "48": "DNSKEY", "64": "SVCB", "65": "HTTPS", "255": "ANY"}
DNS_RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]


def fields(cap, flt, names, decode_as=(), prefs=()):
    cmd = ["tshark", "-r", cap, "-Y", flt, "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=a", "-E", "aggregator=\x1f"]
    for o in prefs:
        cmd += ["-o", o]
    for d in decode_as:
        cmd += ["-d", d]
    for n in names:
        cmd += ["-e", n]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        v = dict(zip(names, line.split("\t")))
        v["t_ns"] = int(Decimal(v["frame.time_epoch"]) * 1000000000)
        rows.append(v)
    return rows


def ns(v):
    return v["t_ns"]


def http(cap, decode_as=()):
    """A response is timed where its head is complete, as ours: not where
    tshark would finish reassembling its body."""
    rows = fields(cap, "http", ["frame.number", "frame.time_epoch", "http.request.method",
                                "http.request.uri", "http.response.code", "http.request_in"],
                  decode_as, prefs=("http.desegment_body:FALSE",))
    by_frame = {r["frame.number"]: r for r in rows}
    out = []
    for r in rows:
        req = by_frame.get(r["http.request_in"])
        if r["http.response.code"] and req:
            out.append({"command": req["http.request.method"],
                        "request": req["http.request.uri"],
                        "status": int(r["http.response.code"]),
                        "latency_ns": ns(r) - ns(req)})
    return out


def dns(cap, decode_as=()):
    """An IP-fragmented answer is timed at its first fragment, which holds
    the DNS header: tshark dates it at its reassembly."""
    rows = fields(cap, "dns", ["frame.number", "frame.time_epoch", "dns.flags.response",
                               "dns.qry.name", "dns.qry.type", "dns.flags.rcode",
                               "dns.response_to", "ip.fragment", "ipv6.fragment"], decode_as)
    times = {r["frame.number"]: ns(r) for r in fields(cap, "frame", ["frame.number",
                                                                     "frame.time_epoch"])}
    by_frame = {r["frame.number"]: r for r in rows}
    out = []
    for r in rows:
        req = by_frame.get(r["dns.response_to"])
        frags = (r["ip.fragment"] or r["ipv6.fragment"]).split("\x1f")
        if frags != [""]:
            r = dict(r, t_ns=times[min(frags, key=int)])
        if r["dns.flags.response"] in ("1", "True") and req:
            rc = int(r["dns.flags.rcode"])
            out.append({"command": DNS_TYPES.get(req["dns.qry.type"], "TYPE" + req["dns.qry.type"]),
                        "request": req["dns.qry.name"], "status": DNS_RCODES[rc], "rcode": rc,
                        "latency_ns": ns(r) - ns(req)})
    return out


MYSQL_COMMANDS = {"2": "init_db", "3": "query", "14": "ping"}


def mysql(cap, decode_as=()):
    """A command (packet 0 from the client) is answered by the server's packet 1."""
    rows = fields(cap, "mysql", ["frame.time_epoch", "tcp.stream", "tcp.srcport",
                                 "mysql.command", "mysql.query", "mysql.response_code",
                                 "mysql.error_code", "mysql.packet_number"], decode_as)
    pending, out = {}, []
    for r in rows:
        q = pending.setdefault(r["tcp.stream"], [])
        if r["mysql.command"] and r["mysql.command"] != "1":
            q.append(r)
        elif r["mysql.packet_number"].split("\x1f")[0] == "1" and r["mysql.response_code"] and q:
            req = q.pop(0)
            err = r["mysql.response_code"].split("\x1f")[0] == "0xff"
            out.append({"command": MYSQL_COMMANDS[req["mysql.command"]],
                        "request": req["mysql.query"], "status": "ERR" if err else "OK",
                        "error_code": int(r["mysql.error_code"]) if err else None,
                        "latency_ns": ns(r) - ns(req)})
    return out


def pgsql(cap, decode_as=()):
    """Each Simple query ends at Ready for query; each Execute (with the last
    Parse's statement) at its Command completion, Empty query or Error. Either
    is timed at the first server message after the request's turn came."""
    rows = fields(cap, "pgsql", ["frame.time_epoch", "tcp.stream", "pgsql.type",
                                 "pgsql.query", "pgsql.code"], decode_as)
    login = ("Authentication request", "Parameter status", "Backend key data", "Notice",
             "Notification")
    stmt, pending, out = {}, {}, []
    for r in rows:
        s = r["tcp.stream"]
        q = pending.setdefault(s, [])
        queries = iter(r["pgsql.query"].split("\x1f"))
        for t in r["pgsql.type"].split("\x1f"):
            if t == "Parse":
                stmt[s] = next(queries)
            elif t == "Simple query":
                q.append([next(queries), True, r, False, None])
            elif t == "Execute":
                q.append([stmt.get(s, ""), False, r, False, None])
            elif q and t not in login and not t.endswith("request") and \
                    not t.endswith("message") and t not in ("Bind", "Describe", "Sync",
                                                           "Parse", "Close", "Flush"):
                head = q[0]
                if t == "Ready for query" and not head[1]:
                    continue  # it closes the previous batch; the Execute waits for its own
                if head[4] is None:
                    head[4] = ns(r)
                head[3] |= t == "Error"
                if head[1] == (t == "Ready for query") and (
                        head[1] or t in ("Command completion", "Empty query", "Error")):
                    q.pop(0)
                    out.append({"command": "query", "request": head[0],
                                "status": "ERR" if head[3] else "OK",
                                "latency_ns": head[4] - ns(head[2])})
    return out
