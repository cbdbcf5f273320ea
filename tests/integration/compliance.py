#!/usr/bin/env python3
"""compliance: the upstream PromQL compliance templates
(prometheus/compliance promql/promql-test-queries.yml, copied unmodified to
../shared/promql-compliance) run against Prometheus 2.42 (the reference) and
the target, on the same deterministic demo-service data (demo_data.py: 3
instances, 5 s scrapes, 86 min ending now) remote-written in time order into
both.

As upstream's tester: every case is a range query (end = data end - 12m,
range 10m, step 10s); results must be equal within a relative 1e-5 with
NaN == NaN; a should_fail case passes when both fail. Failures whose query
matches a documented 2.42-vs-2.53 difference (docs/PROMQL.md) are counted
separately. Fails below 99 % of the cases (passed + known differences).

Usage: compliance.py --vigil build/vigil [--target prometheus]
       [--queries FILE] [--out FILE] [-v]
"""
import argparse
import concurrent.futures
import itertools
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_data  # noqa: E402
import itlib  # noqa: E402
import remote_write as rw  # noqa: E402
from itlib import log  # noqa: E402

REL = 1e-5
GOAL = 0.99
EXPECTED_CASES = 539

# From upstream promql/testcases/expand.go (see the README next to the file).
VARIANT_ARGS = {
    "range": ["1s", "15s", "1m", "5m", "15m", "1h"],
    "offset": ["1m", "5m", "10m"],
    "simpleAggrOp": ["sum", "avg", "max", "min", "count", "stddev", "stdvar"],
    "simpleTimeAggrOp": ["sum", "avg", "max", "min", "count", "stddev", "stdvar", "absent", "last"],
    "topBottomOp": ["topk", "bottomk"],
    "quantile": ["-0.5", "0.1", "0.5", "0.75", "0.95", "0.90", "0.99", "1", "1.5"],
    "arithBinOp": ["+", "-", "*", "/", "%", "^"],
    "compBinOp": ["==", "!=", "<", ">", "<=", ">="],
    "binOp": ["+", "-", "*", "/", "%", "^", "==", "!=", "<", ">", "<=", ">="],
    "simpleMathFunc": ["abs", "ceil", "floor", "exp", "sqrt", "ln", "log2", "log10", "round"],
    "extrapolatedRateFunc": ["delta", "rate", "increase"],
    "clampFunc": ["clamp_min", "clamp_max"],
    "instantRateFunc": ["idelta", "irate"],
    "dateFunc": ["day_of_month", "day_of_week", "days_in_month", "hour", "minute", "month", "year"],
}

# Documented 2.42-vs-2.53 differences (docs/PROMQL.md "Results that differ").
# A failing case counts as a known difference only when its query matches.
KNOWN_DIFFERENCES = [
    (re.compile(r"\b(rate|increase)\("),
     "rate()/increase() extrapolation near a series start or gap (2.51, #13725)"),
    (re.compile(r"\bhistogram_quantile\("),
     "histogram_quantile on classic histograms (2.49 #13153; 1e-12 small-delta tolerance)"),
    (re.compile(r"\[[^\]]*\]\s*@|@[^\[]*\]"),
     "range selectors with @ (2.51, #13559)"),
]


def expand(cases):
    """Template cases → [(query, should_fail)], as upstream's expand.go:
    the cartesian product of variant_args values, in the listed order."""
    out = []
    for c in cases:
        args = c.get("variant_args") or []
        if not args:
            out.append((c["query"], bool(c.get("should_fail"))))
            continue
        for combo in itertools.product(*(VARIANT_ARGS[a] for a in args)):
            q = c["query"]
            for a, v in zip(args, combo):
                q = re.sub(r"\{\{\s*\." + a + r"\s*\}\}", lambda _m, v=v: v, q)
            if "{{" in q:
                raise ValueError("unexpanded template in %r" % q)
            out.append((q, bool(c.get("should_fail"))))
    return out


def load_queries(path):
    try:
        import yaml
    except ImportError:
        itlib.ensure_packages(["python3-yaml"], [])
        if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        import yaml
    with open(path) as f:
        doc = yaml.safe_load(f)
    return expand(doc["test_cases"])


def find_queries(args):
    cands = [args.queries] if args.queries else []
    cands += [os.environ.get("VIGIL_PROMQL_COMPLIANCE", ""),
              os.path.join(os.path.dirname(os.path.abspath(args.source_dir)), "shared", "promql-compliance"),
              "/work/shared/promql-compliance"]
    for c in cands:
        if not c:
            continue
        p = c if c.endswith(".yml") else os.path.join(c, "promql-test-queries.yml")
        if os.path.exists(p):
            return p
    itlib.skip("promql-test-queries.yml not found (expected in ../shared/promql-compliance next to the "
               "repository, or set VIGIL_PROMQL_COMPLIANCE)")


def load(servers, series, metadata):
    """Remote-writes 5-minute time slices in order into every server (in
    parallel, one thread per server). Returns {server kind+port: [errors]}."""
    payloads = []
    first = True
    for _, b in demo_data.batches(series, 5 * 60 * 1000):
        payloads.append(rw.write_request(b, metadata if first else ()))
        first = False
    errors = {}

    def send(srv):
        w = rw.Writer("127.0.0.1", srv.port, timeout=120)
        errs = []
        for i, p in enumerate(payloads):
            st, body = w.post(p)
            if st // 100 != 2:
                errs.append("batch %d: HTTP %s %s" % (i, st, body[:300].decode("utf-8", "replace")))
        w.close()
        errors[srv.name] = errs

    threads = [threading.Thread(target=send, args=(s,)) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return errors, len(payloads), sum(len(p) for p in payloads)


def run_case(ref, target, q, should_fail, start, end, step):
    """Returns (status, detail) with status pass|fail|unexpected_success|
    unexpected_failure|ref_error."""
    try:
        r = ref.api.query_range(q, start, end, step)
        r_err = None
    except itlib.ApiError as e:
        r, r_err = None, e
    try:
        g = target.api.query_range(q, start, end, step)
        g_err = None
    except itlib.ApiError as e:
        g, g_err = None, e
    if (r_err is not None) != should_fail:
        return "ref_error", "reference %s (should_fail=%s): %s" % (
            "failed" if r_err else "succeeded", should_fail, r_err), False
    if r_err is not None:
        if g_err is None:
            return "unexpected_success", "target succeeded where the reference failed: %s" % r_err, False
        return "pass", "", False
    if g_err is not None:
        return "unexpected_failure", str(g_err), bool(r["result"])
    d = itlib.compare_results(r, g, REL, max_report=4)
    if d:
        return "fail", "; ".join(d), bool(r["result"])
    return "pass", "", bool(r["result"])


def main():
    ap = argparse.ArgumentParser()
    itlib.add_common_args(ap)
    ap.add_argument("--queries", default="")
    ap.add_argument("--out", default=os.environ.get("VIGIL_COMPLIANCE_OUT", ""),
                    help="where to write the differences (default compliance_differences.md, or "
                         "compliance_selftest.md with --target prometheus)")
    ap.add_argument("--minutes", type=int, default=86)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    itlib.watchdog(540)  # below the ctest TIMEOUT of 600 s
    if not args.out:
        args.out = "compliance_selftest.md" if args.target == "prometheus" else "compliance_differences.md"

    qpath = find_queries(args)
    cases = load_queries(qpath)
    log("%d cases from %s" % (len(cases), qpath))
    if len(cases) != EXPECTED_CASES:
        log("note: expected %d cases from the unmodified file, got %d" % (EXPECTED_CASES, len(cases)))
    itlib.ensure_prometheus()

    end_ms = int(time.time()) * 1000 - 5000
    start_ms = end_ms - args.minutes * 60 * 1000
    t = time.time()
    series = demo_data.generate(start_ms, end_ms)
    nsamples = sum(len(v) for v in series.values())
    log("generated %d series, %d samples in %.1fs" % (len(series), nsamples, time.time() - t))

    ref = itlib.start_prometheus("compliance-ref")
    ref.name = "prometheus"
    target = itlib.start_target(args, "compliance")
    target.name = "target"
    log("reference prometheus :%d, target %s :%d" % (ref.port, target.kind, target.port))
    t = time.time()
    metadata = [(m[0], m[1], m[2]) for m in demo_data.METADATA]
    errors, nreq, nbytes = load([ref, target], series, metadata)
    log("loaded %d requests (%.1f MB) into both in %.1fs" % (nreq, nbytes / 1e6, time.time() - t))
    load_failed = False
    for name, errs in errors.items():
        for e in errs[:5]:
            log("LOAD ERROR %s: %s" % (name, e))
        if errs:
            load_failed = True
    if errors.get("prometheus"):
        log("FAIL: the reference rejected data; the generator or harness is wrong")
        return 1

    q_end = end_ms / 1000.0 - 12 * 60
    q_start = q_end - 10 * 60
    step = 10.0
    results = [None] * len(cases)
    t = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        futs = {ex.submit(run_case, ref, target, q, sf, q_start, q_end, step): i for i, (q, sf) in enumerate(cases)}
        for f in concurrent.futures.as_completed(futs):
            results[futs[f]] = f.result()
    log("ran %d cases in %.1fs" % (len(cases), time.time() - t))
    for s in (ref, target):
        if not s.proc.alive():
            log("FAIL: %s exited:\n%s" % (s.name, s.proc.tail()))
            return 1

    passed, failed, known, bad_ref = [], [], [], []
    for (q, sf), (status, detail, _) in zip(cases, results):
        if status == "pass":
            passed.append(q)
        elif status == "ref_error":
            bad_ref.append((q, detail))
        else:
            reason = next((why for rx, why in KNOWN_DIFFERENCES if rx.search(q)), None)
            (known if reason else failed).append((q, status, detail, reason))
    total = len(cases)
    nonempty = sum(1 for r in results if r[2])
    log("%d cases have a non-empty reference result" % nonempty)
    if nonempty < 0.8 * total:
        log("FAIL: too many empty results: the data does not match the templates")
        return 1
    score = (len(passed) + len(known)) / total
    log("%d passed, %d failed, %d known 2.42-vs-2.53 differences, %d reference errors (of %d cases)"
        % (len(passed), len(failed), len(known), len(bad_ref), total))
    log("score %.2f%% (passed + known differences), strict %.2f%%; goal %.0f%%"
        % (100 * score, 100 * len(passed) / total, 100 * GOAL))
    for q, d in bad_ref:
        log("REFERENCE ERROR %s: %s" % (q, d))
    for q, status, detail, _ in failed:
        log("FAILED [%s] %s\n    %s" % (status, q, detail[:600]))
    for q, status, detail, reason in known:
        log("KNOWN [%s] %s\n    %s\n    %s" % (status, q, reason, detail[:400] if args.verbose else detail[:160]))

    lines = ["### PromQL compliance templates against Prometheus 2.42 (tests/integration/compliance.py)", "",
             "%d of %d cases pass against Debian's Prometheus 2.42 on the same data (%s); %d differ for a documented "
             "2.42-vs-2.53 reason; %d differ otherwise." % (len(passed), total, time.strftime("%Y-%m-%d"),
                                                            len(known), len(failed)), ""]
    if known:
        lines += ["Cases that differ for a documented reason:", ""]
        for q, status, detail, reason in known:
            lines.append("- `%s`: %s" % (q, reason))
        lines.append("")
    if failed:
        lines += ["Cases that differ without a documented reason (to investigate):", ""]
        for q, status, detail, _ in failed:
            lines.append("- `%s` (%s): %s" % (q, status, detail[:200].replace("`", "'")))
        lines.append("")
    if not known and not failed:
        lines += ["No case differs.", ""]
    text = "\n".join(lines)
    try:
        with open(args.out, "w") as f:
            f.write(text)
        log("differences written to %s" % os.path.abspath(args.out))
    except OSError as e:
        log("could not write %s: %s" % (args.out, e))
    print("----- paste into docs/PROMQL.md -----\n" + text + "-------------------------------------", flush=True)

    if bad_ref:
        log("FAIL: the reference itself misbehaved on %d cases" % len(bad_ref))
        return 1
    if load_failed:
        log("FAIL: the target rejected remote-write requests")
        return 1
    if score < GOAL:
        log("FAIL: %.2f%% < %.0f%%" % (100 * score, 100 * GOAL))
        return 1
    return 0


if __name__ == "__main__":
    itlib.run_main(main)
