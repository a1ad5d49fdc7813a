#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""N concurrent scrapers of /metrics for S seconds: requests made, requests not
answered in full, and latency percentiles. Used by make bench and by
tests/integration/test_hardening.py.

usage: scrape_storm.py HOST PORT THREADS SECONDS   (prints one JSON object)"""
import concurrent.futures
import http.client
import json
import sys
import time


def storm(host, port, threads, seconds):
    def one(_):
        lat, bad = [], 0
        end = time.time() + seconds
        while time.time() < end:
            t0 = time.time()
            try:
                c = http.client.HTTPConnection(host, port, timeout=30)
                c.request("GET", "/metrics")
                r = c.getresponse()
                body = r.read()
                if r.status != 200 or b"netobs_scrape_duration_seconds" not in body:
                    bad += 1
                c.close()
            except Exception:
                bad += 1
            lat.append(time.time() - t0)
        return lat, bad
    with concurrent.futures.ThreadPoolExecutor(threads) as ex:
        res = list(ex.map(one, range(threads)))
    lat = sorted(x for l, _ in res for x in l)

    def pct(q):
        return lat[max(0, int(len(lat) * q) - 1)] if lat else None
    return {"n": len(lat), "bad": sum(b for _, b in res), "p50": pct(0.5), "p99": pct(0.99)}


if __name__ == "__main__":
    print(json.dumps(storm(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                           float(sys.argv[4]))))
