#!/usr/bin/env python3
"""Markdown table of bench/macro/run.sh results: report.py RESULTS.tsv OUTDIR."""
import csv, json, sys, glob, os
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
out = sys.argv[2]
cols = [("ingest_sps", "ingest samples/s", "hi"), ("bytes_per_sample", "bytes/sample", "lo"),
        ("peak_rss_kb", "peak RSS (MiB)", "lo"), ("q_rate_all_s", "q1 rate all (s)", "lo"),
        ("q_hist_p99_s", "q2 hist p99 (s)", "lo"), ("q_err_ratio_s", "q3 5xx ratio (s)", "lo"),
        ("q_increase_instant_s", "q4 increase 6h instant (s)", "lo")]
def fmt(k, v):
    v = float(v)
    if k == "peak_rss_kb": return f"{v/1024:.0f}"
    if k == "ingest_sps": return f"{v:,.0f}"
    if k.startswith("q_"): return f"{v:.3f}"
    return f"{v:.3f}"
for size in dict.fromkeys(r["size"] for r in rows):
    rs = {r["system"]: r for r in rows if r["size"] == size}
    print(f"### {size} active series\n")
    ceil = os.path.join(out, f"ceiling-sink-{size}.json")
    if os.path.exists(ceil):
        print(f"Load generator ceiling against a null sink (4 in flight): {json.load(open(ceil))['samples_per_s']:,.0f} samples/s\n")
    systems = list(rs)
    hdr = ["metric"] + systems
    if "vigil" in rs:
        hdr += [f"vigil/{s}" for s in systems if s != "vigil"]
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for k, label, _ in cols:
        line = [label] + [fmt(k, rs[s][k]) for s in systems]
        if "vigil" in rs:
            for s in systems:
                if s == "vigil": continue
                a, b = float(rs["vigil"][k]), float(rs[s][k])
                line.append(f"{a/b:.2f}" if b else "n/a")
        print("| " + " | ".join(line) + " |")
    print()
    print("| system | samples acked / total | push wall (s) | bytes on disk | persist (s) | result series q1/q2/q3/q4 | sum(increase 6h) | loadavg start → end |")
    print("|---|---|---|---|---|---|---|---|")
    for s, r in rs.items():
        print(f"| {s} | {r['samples_acked']} / {r['samples_total']} | {r['push_wall_s']} | {int(r['bytes_on_disk']):,} | {r['persist_s']} | {r['q_series']} | {r['inc_sum']} | {r['loadavg_start']} → {r['loadavg_end']} |")
    print()
