#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The wire fuzzer's input format: frames, each [2-byte big-endian length][bytes].

  frames.py from-pcap CAPTURE.pcap OUT   a seed from a classic pcap
  frames.py to-pcap IN OUT.pcap          an input as a capture (1 ms apart, from t=1 s)
  frames.py diff BIN CORPUS_DIR [MAX]    the inputs (the MAX newest, if given) replayed
                                         through the BPF programs and the userspace
                                         build: the records must match
"""
import os
import struct
import subprocess
import sys
import tempfile

PCAP_HDR = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)


def from_pcap(path, out):
    raw = open(path, "rb").read()
    off, chunks = 24, []
    while off + 16 <= len(raw):
        caplen = struct.unpack_from("<I", raw, off + 8)[0]
        frame = raw[off + 16:off + 16 + caplen][:65535]
        chunks.append(struct.pack(">H", len(frame)) + frame)
        off += 16 + caplen
    open(out, "wb").write(b"".join(chunks))


def to_pcap(data, out):
    """As the fuzz target runs it: frame i at (i + 1) ms, original length + (i % 8) * 100."""
    recs, off, i = [], 0, 0
    while off + 2 <= len(data):
        n = min(struct.unpack_from(">H", data, off)[0], len(data) - off - 2)
        frame = data[off + 2:off + 2 + n]
        t = 1000000 + i * 1000000  # ns, as the target's clock
        recs.append(struct.pack("<IIII", t // 10**9, (t % 10**9) // 1000, n,
                                n + (i & 7) * 100) + frame)
        off += 2 + n
        i += 1
    open(out, "wb").write(PCAP_HDR + b"".join(recs))


def diff(binary, corpus, most=None):
    bad = 0
    names = sorted(os.listdir(corpus), key=lambda n: -os.path.getmtime(os.path.join(corpus, n)))
    with tempfile.TemporaryDirectory() as tmp:
        for name in names[:most]:
            cap = os.path.join(tmp, "in.pcap")
            to_pcap(open(os.path.join(corpus, name), "rb").read(), cap)
            outs = [subprocess.run([binary, "-q", "replay", "--format", "json", "--no-l7",
                                    "--max-flows", "64", "--engine", e, cap],
                                   capture_output=True, text=True).stdout
                    for e in ("bpf", "user")]
            if outs[0] != outs[1]:
                bad += 1
                keep = os.path.join(os.path.dirname(corpus), "diff-" + name + ".pcap")
                os.replace(cap, keep)
                print("differ: %s (kept as %s)" % (name, keep))
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "from-pcap":
        from_pcap(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "to-pcap":
        to_pcap(open(sys.argv[2], "rb").read(), sys.argv[3])
    else:
        sys.exit(1 if diff(sys.argv[2], sys.argv[3],
                           int(sys.argv[4]) if len(sys.argv) > 4 else None) else 0)
