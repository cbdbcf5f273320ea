#!/usr/bin/env python3
"""prometheus_compare: Prometheus 2.42 scrapes itself every 1 s and
remote-writes to the system under test for ~70 s. Then the raw samples,
~50 PromQL queries (instant at several times and range at two steps),
/api/v1/series, /api/v1/labels, label values and /api/v1/metadata are
compared between Prometheus and the target.

Differences in queries marked with a documented 2.42-vs-2.53 difference
(docs/PROMQL.md) are reported separately and do not fail the test.

Usage: prometheus_compare.py --vigil build/vigil [--target prometheus]
Env: VIGIL_IT_DURATION (seconds of scraping, default 70), VIGIL_IT_KEEP=1.
"""
import argparse
import math
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402
from itlib import log  # noqa: E402

REL = 1e-6
KNOWN_RATE = "rate/increase extrapolation near a series start (2.51, #13725)"
KNOWN_AT = "range selectors with @ (2.51, #13559)"
KNOWN_HQ = "histogram_quantile on classic histograms (2.49 #13153; small-delta tolerance)"

# (query, known-difference note or None). Ranges stay <= 20 s: the compare
# window starts 25 s after the first scrape.
QUERIES = [
    ("up", None),
    ("go_goroutines", None),
    ('prometheus_http_requests_total{handler="/metrics"}', None),
    ("rate(prometheus_http_requests_total[20s])", KNOWN_RATE),
    ("increase(prometheus_tsdb_head_samples_appended_total[15s])", KNOWN_RATE),
    ("rate(process_cpu_seconds_total[10s])", KNOWN_RATE),
    ("irate(prometheus_http_requests_total[5s])", None),
    ("irate(go_memstats_alloc_bytes_total[10s])", None),
    ("delta(go_memstats_heap_inuse_bytes[10s])", None),
    ("idelta(go_memstats_heap_inuse_bytes[10s])", None),
    ("deriv(process_resident_memory_bytes[20s])", None),
    ("predict_linear(prometheus_tsdb_head_samples_appended_total[20s], 60)", None),
    ("histogram_quantile(0.9, sum by (le, handler) (rate(prometheus_http_request_duration_seconds_bucket[20s])))",
     KNOWN_HQ),
    ("histogram_quantile(0.5, rate(prometheus_http_response_size_bytes_bucket[20s]))", KNOWN_HQ),
    ("sum by (job) (rate(prometheus_tsdb_head_samples_appended_total[20s]))", KNOWN_RATE),
    ("sum by (handler) (prometheus_http_request_duration_seconds_count)", None),
    ("sum without (le) (prometheus_http_request_duration_seconds_bucket)", None),
    ("count by (__name__) ({__name__=~\"prometheus_tsdb_head_.*\"})", None),
    ("count by (handler) (prometheus_http_request_duration_seconds_bucket)", None),
    ("avg by (job) (go_memstats_heap_alloc_bytes)", None),
    ("min by (instance) ({__name__=~\"go_memstats_.*_bytes\"})", None),
    ("max({__name__=~\"go_memstats_.*_bytes\"})", None),
    ("stddev({__name__=~\"go_memstats_(alloc|sys|heap_idle|heap_inuse|stack_inuse)_bytes\"})", None),
    ("stdvar by (job) ({__name__=~\"go_memstats_(alloc|sys|heap_idle|heap_inuse)_bytes\"})", None),
    ("quantile(0.9, {__name__=~\"go_memstats_.*_bytes\"})", None),
    ("group by (job) (up)", None),
    ("count_values(\"value\", up)", None),
    ("topk(3, {__name__=~\"go_memstats_(alloc|sys|heap_idle|heap_inuse|stack_inuse|mspan_inuse|next_gc|other_sys)_bytes\"})",
     None),
    ("bottomk(2, {__name__=~\"go_memstats_(alloc|sys|heap_idle|heap_inuse|stack_inuse|next_gc|other_sys)_bytes\"})",
     None),
    ("go_goroutines offset 10s", None),
    ("rate(prometheus_http_requests_total[10s] offset 5s)", KNOWN_RATE),
    ("max_over_time(rate(prometheus_http_requests_total[10s])[20s:2s])", KNOWN_RATE),
    ("min_over_time(deriv(go_memstats_heap_inuse_bytes[10s])[15s:3s] offset 2s)", None),
    ("avg_over_time(go_goroutines[20s])", None),
    ("sum_over_time(up[20s])", None),
    ("count_over_time(go_goroutines[15s])", None),
    ("min_over_time(go_memstats_heap_inuse_bytes[15s] offset 5s)", None),
    ("max_over_time(prometheus_tsdb_head_chunks[20s])", None),
    ("quantile_over_time(0.75, go_memstats_alloc_bytes[20s])", None),
    ("stddev_over_time(go_memstats_alloc_bytes[20s])", None),
    ("last_over_time(go_goroutines[10s])", None),
    ("present_over_time(up[10s])", None),
    ("changes(go_goroutines[20s])", None),
    ("resets(go_memstats_heap_inuse_bytes[20s])", None),
    ("holt_winters(go_memstats_heap_inuse_bytes[20s], 0.5, 0.5)", None),
    ('label_replace(up, "port", "$1", "instance", ".*:(.*)")', None),
    ('label_join(up, "both", "/", "job", "instance")', None),
    ("absent(nonexistent_metric_xyz)", None),
    ("absent(up)", None),
    ("absent_over_time(up[10s])", None),
    ("up == bool 1", None),
    ("go_goroutines > bool 5", None),
    ("go_memstats_heap_inuse_bytes > 1000", None),
    ("prometheus_http_request_duration_seconds_bucket / on(instance, job, handler) group_left "
     "prometheus_http_request_duration_seconds_count", None),
    ("up * on(instance, job) group_left(version, goversion) prometheus_build_info", None),
    ("prometheus_http_requests_total and on(handler) prometheus_http_request_duration_seconds_count", None),
    ("prometheus_tsdb_head_series unless on(job) up", None),
    ("go_goroutines or on() vector(0)", None),
    ("rate(prometheus_http_request_duration_seconds_sum[20s]) / rate(prometheus_http_request_duration_seconds_count[20s])",
     KNOWN_RATE),
    ("go_memstats_alloc_bytes / go_memstats_sys_bytes * 100", None),
    ("time() - process_start_time_seconds", None),
    ("timestamp(up)", None),
    ("scalar(up) + go_goroutines", None),
    ("sqrt(go_goroutines) + ln(go_memstats_heap_inuse_bytes) - exp(up)", None),
    ("round(go_memstats_heap_inuse_bytes / 1e6, 0.1)", None),
    ("clamp_max(go_goroutines, 20) + clamp_min(up, 2)", None),
    ("-prometheus_tsdb_head_series", None),
    ("sort_desc(prometheus_http_request_duration_seconds_count)", None),
    ("vector(time()) - on() group_right timestamp(up)", None),
    # @ modifier; {ws} {mid} {we} are replaced by the window's times.
    ("go_goroutines @ {mid}", None),
    ("timestamp(prometheus_tsdb_head_series @ {ws})", None),
    ("go_goroutines - go_goroutines @ {we}", None),
    ("max_over_time(go_goroutines[10s] @ {mid})", KNOWN_AT),
    ("sum_over_time(up[10s] @ start())", KNOWN_AT),
    ("min_over_time(go_memstats_heap_inuse_bytes[5s] @ end() offset 3s)", KNOWN_AT),
]

RAW_SELECTOR = '{job="prometheus"}'
NONEMPTY = [0]  # cases whose reference result is not empty


def prom_config(self_port, target_port):
    return """global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:%d']
remote_write:
  - url: http://127.0.0.1:%d/api/v1/write
    queue_config:
      batch_send_deadline: 1s
    metadata_config:
      send_interval: 10s
""" % (self_port, target_port)


def start_sender(target_port):
    """Prometheus with its own port in its config: pick the port first."""
    exe = itlib.ensure_prometheus()
    d = itlib.tempdir("compare-sender")
    port = itlib.free_port()
    cfg = os.path.join(d, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write(prom_config(port, target_port))
    argv = [exe, "--config.file=" + cfg, "--storage.tsdb.path=" + os.path.join(d, "data"),
            "--web.listen-address=127.0.0.1:%d" % port, "--log.level=warn"]
    proc = itlib.Proc("prometheus-sender", argv, os.path.join(d, "log.txt"))
    itlib.wait_ready("http://127.0.0.1:%d/-/ready" % port, proc, 60)
    return itlib.Server("prometheus", proc, port, d)


def fetch(api, fn):
    try:
        return fn(api), None
    except itlib.ApiError as e:
        return None, e


def compare_query(prom, target, q, kind, t=None, start=None, end=None, step=None):
    if kind == "instant":
        fn = lambda api: api.query(q, t)  # noqa: E731
    else:
        fn = lambda api: api.query_range(q, start, end, step)  # noqa: E731
    ref, ref_err = fetch(prom.api, fn)
    got, got_err = fetch(target.api, fn)
    if ref is not None and ref["result"]:
        NONEMPTY[0] += 1
    if ref_err or got_err:
        if ref_err and got_err:
            return []
        return ["error mismatch: prometheus=%s target=%s" % (ref_err, got_err)]
    return itlib.compare_results(ref, got, REL)


def rate_253(points, range_start, range_end, is_counter, is_rate):
    """extrapolatedRate as Prometheus 2.53 computes it (promql/functions.go,
    after #13725): points [(t_s, v)] inside [range_start, range_end]."""
    if len(points) < 2:
        return None
    first_t, first_v = points[0]
    last_t, last_v = points[-1]
    result = last_v - first_v
    if is_counter:
        prev = first_v
        for _, v in points[1:]:
            if v < prev:
                result += prev
            prev = v
    to_start = first_t - range_start
    to_end = range_end - last_t
    sampled = last_t - first_t
    avg = sampled / (len(points) - 1)
    threshold = avg * 1.1
    if to_start >= threshold:
        to_start = avg / 2
    if is_counter and result > 0 and first_v >= 0:
        to_zero = sampled * (first_v / result)
        if to_zero < to_start:
            to_start = to_zero
    if to_end >= threshold:
        to_end = avg / 2
    factor = (sampled + to_start + to_end) / sampled
    if is_rate:
        factor /= range_end - range_start
    return result * factor


_SIMPLE_RATE = re.compile(r"^(rate|increase)\((\w+)\[(\d+)s\](?: offset (\d+)s)?\)$")


def verify_known_rate(prom, target, q, kind, t=None, start=None, end=None, step=None):
    """For a simple rate/increase query that differs: checks that the target
    computes exactly 2.53's extrapolation from the raw samples. Returns None
    when verified, else a reason; 'unverifiable' for other query shapes."""
    m = _SIMPLE_RATE.match(q)
    if not m:
        return "unverifiable"
    fn, metric, rng, off = m.group(1), m.group(2), int(m.group(3)), int(m.group(4) or 0)
    if kind == "instant":
        got = target.api.query(q, t)
        points = [(s["metric"], float(s["value"][0]), float(s["value"][1])) for s in got["result"]]
    else:
        got = target.api.query_range(q, start, end, step)
        points = [(s["metric"], float(tv[0]), float(tv[1])) for s in got["result"] for tv in s["values"]]
    raw_cache = {}
    for labels, ts, v in points:
        if ts not in raw_cache:
            res = prom.api.query("%s[%ds]" % (metric, rng), ts - off)["result"]
            raw_cache[ts] = {itlib.label_key({k: x for k, x in s["metric"].items() if k != "__name__"}):
                             [(float(a), float(b)) for a, b in s["values"]] for s in res}
        pts = raw_cache[ts].get(itlib.label_key(labels))
        want = rate_253(pts or [], ts - off - rng, ts - off, True, fn == "rate")
        if want is None or not itlib.values_equal(want, v, REL):
            return "%s @%.3f: target %r, 2.53 semantics %r" % (itlib.fmt_labels(labels), ts, v, want)
    return None


def series_set(lst):
    return set(itlib.label_key(m) for m in lst)


def main():
    ap = argparse.ArgumentParser()
    itlib.add_common_args(ap)
    args = ap.parse_args()
    itlib.watchdog(480)  # below the ctest TIMEOUT of 600 s
    duration = float(os.environ.get("VIGIL_IT_DURATION", "70"))
    itlib.ensure_prometheus()

    target = itlib.start_target(args, "compare")
    log("target %s on :%d (pid %d)" % (target.kind, target.port, target.proc.pid))
    prom = start_sender(target.port)
    log("prometheus sender on :%d (pid %d), scraping itself for %ds" % (prom.port, prom.proc.pid, duration))
    t0 = time.time()
    while time.time() - t0 < duration:
        time.sleep(5)
        for s in (prom, target):
            if not s.proc.alive():
                log("FAIL: %s exited:\n%s" % (s.proc.name, s.proc.tail()))
                return 1
    we = math.floor(time.time()) - 2.0

    # Wait until everything up to the window end has been sent.
    deadline = time.time() + 60
    sent = None
    while time.time() < deadline:
        sent = itlib.metric_value(prom.api.metrics_text(), "prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
        if sent is not None and sent >= we + 1:
            break
        time.sleep(0.5)
    else:
        log("FAIL: highest sent timestamp %s never passed %s" % (sent, we))
        log(prom.proc.tail())
        return 1
    time.sleep(2.5)  # shards send in parallel: let the slower ones land
    failed_samples = itlib.metric_value(prom.api.metrics_text(), "prometheus_remote_storage_samples_failed_total")
    dropped = itlib.metric_value(prom.api.metrics_text(), "prometheus_remote_storage_samples_dropped_total")
    log("highest sent %.3f >= window end %.3f; samples failed=%s dropped=%s" % (sent, we, failed_samples, dropped))

    up = prom.api.query("up[10m]", we)["result"]
    t_first = float(up[0]["values"][0][0])
    ws = t_first + 25
    if we - ws < 20:
        log("FAIL: window too short (%.1fs)" % (we - ws))
        return 1
    log("compare window [%.3f, %.3f] (%.0fs), first scrape %.3f" % (ws, we, we - ws, t_first))

    failures, known = [], []

    # 1. Raw samples: every sample Prometheus stored (from 5 s after its first
    # scrape, when the remote-write queue surely runs) up to we is in the target.
    raw_q = "%s[%ds]" % (RAW_SELECTOR, int(we - t_first - 5))
    ref = prom.api.query(raw_q, we)
    deadline = time.time() + 20  # a lagging shard may still be retrying
    while True:
        got = target.api.query(raw_q, we)
        d = itlib.compare_results(ref, got, 0.0, max_report=10)
        if not d or time.time() > deadline:
            break
        time.sleep(2)
    nser = len(ref["result"])
    npts = sum(len(s["values"]) for s in ref["result"])
    log("raw samples: %d series, %d samples in Prometheus; %s" % (nser, npts, "equal" if not d else "DIFFER"))
    if d:
        failures.append(("raw " + raw_q, "range", d))
    all_series = series_set(s["metric"] for s in ref["result"])
    in_window = prom.api.query("%s[%ds]" % (RAW_SELECTOR, int(we - ws)), we)["result"]
    truth = series_set(s["metric"] for s in in_window)

    # 2. PromQL.
    n_before = len(failures)
    mid = round((ws + we) / 2, 3)
    times = [ws, ws + 7.123, mid, we - 0.5, we]
    n_cases = 0
    for q, note in QUERIES:
        q = q.replace("{ws}", "%.3f" % ws).replace("{mid}", "%.3f" % mid).replace("{we}", "%.3f" % we)
        cases = [("instant@%.3f" % t, dict(kind="instant", t=t)) for t in times]
        cases.append(("range step 1s", dict(kind="range", start=ws, end=we, step=1)))
        cases.append(("range step 3.7s", dict(kind="range", start=ws + 0.3, end=we, step=3.7)))
        for label, kw in cases:
            n_cases += 1
            d = compare_query(prom, target, q, **kw)
            if d and note == KNOWN_RATE:
                why = verify_known_rate(prom, target, q, **kw)
                if why == "unverifiable":
                    note2 = note + " [not verified: query shape]"
                elif why is None:
                    note2 = note + " [verified: target = 2.53 extrapolation from the raw samples]"
                else:
                    note2 = None
                    d = d + ["not the 2.53 extrapolation either: " + why]
                if note2:
                    known.append((q, label, [note2] + d))
                else:
                    failures.append((q, label, d))
            elif d:
                (known if note else failures).append((q, label, d if not note else [note] + d))
    log("PromQL: %d queries, %d cases; %d failed, %d known differences"
        % (len(QUERIES), n_cases, len(failures) - n_before, len(known)))
    log("%d cases have a non-empty reference result" % NONEMPTY[0])
    if NONEMPTY[0] < 0.8 * n_cases:
        failures.append(("sanity", "", ["only %d of %d cases have data: the scrape data is not what the queries "
                                         "expect" % (NONEMPTY[0], n_cases)]))

    # 3. series / labels / label values. Outside the window anything that
    # Prometheus has at all may appear (start/end are advisory); the queries
    # above made new handler series after the window end.
    all_series = series_set(prom.api.series([RAW_SELECTOR]))

    def check_set(what, ref_set, got_set, must, may):
        missing = must - got_set
        extra = got_set - may
        if missing or extra:
            failures.append((what, "set", ["missing %s" % sorted(missing)[:5], "unexpected %s" % sorted(extra)[:5]]))
        elif ref_set != got_set:
            log("note: %s differs from Prometheus's only in series without samples in the window "
                "(advisory start/end): +%d -%d" % (what, len(got_set - ref_set), len(ref_set - got_set)))

    ref_series = series_set(prom.api.series([RAW_SELECTOR], ws, we))
    got_series = series_set(target.api.series([RAW_SELECTOR], ws, we))
    check_set("series %s" % RAW_SELECTOR, ref_series, got_series, truth, all_series)
    for matcher in ['{__name__=~"prometheus_http_.*"}', 'go_goroutines', '{handler="/metrics"}']:
        r = series_set(prom.api.series([matcher], ws, we))
        g = series_set(target.api.series([matcher], ws, we))
        sel = set(s for s in truth if s in r)
        check_set("series %s" % matcher, r, g, sel, series_set(prom.api.series([matcher])))

    def names_of(sset):
        return set(k for s in sset for k, _ in s)

    def values_of(sset, name):
        return set(v for s in sset for k, v in s if k == name)

    for matchers in ([], [RAW_SELECTOR], ['{__name__=~"go_.*"}']):
        r = set(prom.api.labels(matchers, ws, we))
        g = set(target.api.labels(matchers, ws, we))
        may = set(prom.api.labels(matchers)) if matchers else names_of(all_series)
        check_set("labels %s" % matchers, r, g, names_of(truth) if not matchers or matchers == [RAW_SELECTOR]
                  else (r & names_of(truth)), may)
    for name in ("__name__", "handler", "le", "job"):
        r = set(prom.api.label_values(name, [], ws, we))
        g = set(target.api.label_values(name, [], ws, we))
        check_set("label/%s/values" % name, r, g, values_of(truth, name), values_of(all_series, name))
    r = set(prom.api.label_values("__name__", ['{__name__=~"go_memstats_.*"}'], ws, we))
    g = set(target.api.label_values("__name__", ['{__name__=~"go_memstats_.*"}'], ws, we))
    check_set("label/__name__/values match go_memstats_", r, g, r & values_of(truth, "__name__"),
              set(prom.api.label_values("__name__", ['{__name__=~"go_memstats_.*"}'])))

    # 4. Metadata (sent every 10 s).
    ref_md = prom.api.metadata()
    got_md = target.api.metadata()
    common = set(ref_md) & set(got_md)
    md_diffs = []
    if len(got_md) < 0.95 * len(ref_md):
        md_diffs.append("target has %d metadata families, Prometheus %d; missing e.g. %s"
                        % (len(got_md), len(ref_md), sorted(set(ref_md) - set(got_md))[:5]))
    for m in sorted(common):
        a = {(e.get("type"), e.get("help")) for e in ref_md[m]}
        b = {(e.get("type"), e.get("help")) for e in got_md[m]}
        if not a & b:
            md_diffs.append("%s: %s vs %s" % (m, sorted(a), sorted(b)))
    log("metadata: Prometheus %d families, target %d, %d common" % (len(ref_md), len(got_md), len(common)))
    if args.target == "prometheus":
        log("note: Prometheus as a receiver does not keep remote-written metadata; not checked")
    elif md_diffs:
        failures.append(("/api/v1/metadata", "", md_diffs[:8]))

    for q, label, d in known:
        log("KNOWN DIFFERENCE %s [%s]\n    %s" % (q, label, "\n    ".join(d)))
    for q, label, d in failures:
        log("FAILED %s [%s]\n    %s" % (q, label, "\n    ".join(d)))
    log("%d failed, %d known differences" % (len(failures), len(known)))
    return 1 if failures else 0


if __name__ == "__main__":
    itlib.run_main(main)
