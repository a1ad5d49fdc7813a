#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Renders each dashboard's panels to a PNG from a live run's query results.

Input: the results.json that tests/deploy/test_dashboards_live.py writes
(every panel query's range result from a real Prometheus scraping a live
agent). One PNG per dashboard, its panels laid out as in the dashboard's grid.
usage: dashboards-preview.py RESULTS_JSON OUTDIR
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def legend(fmt, metric):
    if not fmt:
        return ",".join("%s=%s" % kv for kv in sorted(metric.items())) or "value"
    out = fmt
    for k, v in metric.items():
        out = out.replace("{{%s}}" % k, v)
    return out


def draw(ax, panel):
    ax.set_title(panel["title"], fontsize=9)
    ax.tick_params(labelsize=7)
    n = 0
    for t in panel["targets"]:
        for s in t.get("range", [])[:8]:
            t0 = float(s["values"][0][0])
            xs = [float(v[0]) - t0 for v in s["values"]]
            ys = [float(v[1]) for v in s["values"]]
            label = legend(t["legend"], s["metric"])
            if panel["type"] == "bargauge":
                ax.barh(label[:24], ys[-1])
            else:
                ax.plot(xs, ys, label=label[:32], linewidth=1)
            n += 1
    if panel["type"] != "bargauge" and n:
        ax.legend(fontsize=6, loc="upper left")
        ax.set_xlabel("s", fontsize=7)
    ax.set_ylabel(panel["unit"], fontsize=7)


def main():
    with open(sys.argv[1]) as f:
        results = json.load(f)
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name, d in results.items():
        panels = d["panels"]
        rows = (len(panels) + 1) // 2
        fig, axes = plt.subplots(rows, 2, figsize=(12, 2.6 * rows), squeeze=False)
        for i, p in enumerate(panels):
            draw(axes[i // 2][i % 2], p)
        for j in range(len(panels), rows * 2):
            axes[j // 2][j % 2].axis("off")
        fig.suptitle(d["title"] + " (live agent, test traffic)", fontsize=12)
        fig.tight_layout()
        path = os.path.join(out, name + ".png")
        fig.savefig(path, dpi=70)
        plt.close(fig)
        print(path)


if __name__ == "__main__":
    main()
