"""rules_api_compare: vigil's /api/v1/rules and /api/v1/alerts against a live
Prometheus 2.42 running the same rule file (expressions over vector()
literals, so neither needs data; evaluation_interval 1s).

After both have evaluated a few times, compares:
  1. the key order of every group, rule and alert object (Prometheus's
     structs), and every value except evaluation times and timestamps
     (those are checked for type and RFC3339 shape), with the group `file`
     compared by base name;
  2. /api/v1/alerts the same way;
  3. the `type` filter (alert, record) and the error for a bad `type`;
  4. POST /-/reload of a broken rule file: both answer 500 and keep the old
     rules, and the reload metric says 0.
With a `type` filter, groups left empty are dropped from 2.42's answer
first (newer Prometheus, which vigil follows, leaves them out). Alerts of
one rule are compared as sets (Prometheus lists them in map
order). Not covered: number literals of 1e6 and more in `query` (2.42
prints 1e+06, vigil's PromQL printer 1000000). Exit 77 only when Prometheus
cannot be installed.

Usage: rules_api_compare.py --vigil build/vigil
"""
import argparse
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402

RULES = """groups:
  - name: g1
    rules:
      - record: job:rec
        expr: vector(1)
        labels: {team: infra}
      - record: plain
        expr: sum(vector(3))
      - alert: Firing
        expr: vector(1)*1000
        labels: {severity: page}
        annotations: {summary: "v {{ $value }}", runbook: "http://x/{{ $labels.severity }}"}
      - alert: Pending
        expr: vector(0.5)
        for: 5m
        keep_firing_for: 1m
      - alert: Quiet
        expr: vector(1) == 0
  - name: g2
    interval: 2s
    limit: 10
    rules:
      - alert: Multi
        expr: label_replace(vector(2), "x", "a", "", "") or label_replace(vector(3), "x", "b", "", "")
"""
BROKEN = "groups:\n  - name: bad\n    rules:\n      - record: x\n        expr: 'sum('\n"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
TIME_KEYS = {"evaluationTime", "lastEvaluation", "activeAt"}


def fetch(port, path, method="GET"):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), method=method,
                                 data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def ordered(body):
    return json.loads(body, object_pairs_hook=lambda pairs: pairs)


def compare(ref, got, path, problems):
    """Walks two JSON trees loaded as lists of pairs."""
    if isinstance(ref, list) and all(isinstance(x, tuple) for x in ref) and ref:
        if not (isinstance(got, list) and all(isinstance(x, tuple) for x in got)):
            problems.append("%s: object expected, got %r" % (path, got))
            return
        rk, gk = [k for k, _ in ref], [k for k, _ in got]
        if rk != gk:
            problems.append("%s: keys %s, Prometheus %s" % (path, gk, rk))
        gd = dict(got)
        for k, v in ref:
            if k not in gd:
                continue
            sub = path + "." + k
            if k in TIME_KEYS:
                if k == "evaluationTime":
                    if not isinstance(gd[k], (int, float)):
                        problems.append("%s: number expected, got %r" % (sub, gd[k]))
                elif not (isinstance(gd[k], str) and RFC3339.match(gd[k])):
                    problems.append("%s: RFC3339 expected, got %r" % (sub, gd[k]))
                continue
            if k == "file":
                if os.path.basename(v) != os.path.basename(gd[k]):
                    problems.append("%s: %r, Prometheus %r" % (sub, gd[k], v))
                continue
            if k == "alerts" and isinstance(v, list) and isinstance(gd[k], list):
                # Prometheus lists a rule's alerts in map order.
                key = lambda a: json.dumps(dict(a).get("labels"), default=str)  # noqa: E731
                compare(sorted(v, key=key), sorted(gd[k], key=key), sub, problems)
                continue
            compare(v, gd[k], sub, problems)
        return
    if isinstance(ref, list):
        if not isinstance(got, list) or len(ref) != len(got):
            problems.append("%s: %r, Prometheus %r" % (path, got, ref))
            return
        for i, (r, g) in enumerate(zip(ref, got)):
            compare(r, g, "%s[%d]" % (path, i), problems)
        return
    if ref != got:
        problems.append("%s: %r, Prometheus %r" % (path, got, ref))


def main():
    parser = argparse.ArgumentParser()
    itlib.add_common_args(parser)
    args = parser.parse_args()
    itlib.watchdog(300)

    d = itlib.tempdir("rules-api")
    os.makedirs(os.path.join(d, "rules"))
    with open(os.path.join(d, "rules", "r.yml"), "w") as f:
        f.write(RULES)
    cfg = os.path.join(d, "vigil.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  evaluation_interval: 1s\nrule_files: ['rules/*.yml']\n")
    prom_cfg = "global:\n  evaluation_interval: 1s\nrule_files: ['%s/rules/*.yml']\n" % d
    prom = itlib.start_prometheus("rules-api-prom", prom_cfg, extra_flags=["--web.enable-lifecycle"],
                                  remote_write_receiver=False)
    vigil = itlib.start_vigil("rules-api-vigil", args.vigil,
                              ["--config.file", cfg, "--web.enable-lifecycle"])
    time.sleep(5)  # a few evaluations each; both groups evaluated

    problems = []
    for path in ["/api/v1/rules", "/api/v1/alerts", "/api/v1/rules?type=alert", "/api/v1/rules?type=record"]:
        rs, rb = fetch(prom.port, path)
        gs, gb = fetch(vigil.port, path)
        if rs != gs:
            problems.append("%s: HTTP %d, Prometheus %d" % (path, gs, rs))
        ref = ordered(rb)
        if "type=" in path:
            # Prometheus 2.46+ (and vigil, following 2.53) leave out groups
            # whose rules were all filtered away; 2.42 lists them empty.
            data = dict(ref)["data"]
            groups = dict(data)["groups"]
            groups[:] = [g for g in groups if dict(g)["rules"]]
        compare(ref, ordered(gb), path, problems)
    rs, rb = fetch(prom.port, "/api/v1/rules?type=x")
    gs, gb = fetch(vigil.port, "/api/v1/rules?type=x")
    if (rs, json.loads(rb)) != (gs, json.loads(gb)):
        problems.append("type=x: %d %s, Prometheus %d %s" % (gs, gb, rs, rb))

    # A broken file on reload: both refuse it and keep the old rules.
    with open(os.path.join(d, "rules", "broken.yml"), "w") as f:
        f.write(BROKEN)
    rs, rb = fetch(prom.port, "/-/reload", "POST")
    gs, gb = fetch(vigil.port, "/-/reload", "POST")
    itlib.log("reload: Prometheus %d %r; vigil %d %r" % (rs, rb.strip(), gs, gb.strip()))
    if gs != 500 or rs != 500 or not gb.startswith("failed to reload config: "):
        problems.append("reload of a broken file: vigil %d %r, Prometheus %d %r" % (gs, gb, rs, rb))
    for port, name in ((prom.port, "Prometheus"), (vigil.port, "vigil")):
        groups = [g["name"] for g in json.loads(fetch(port, "/api/v1/rules")[1])["data"]["groups"]]
        if groups != ["g1", "g2"]:
            problems.append("%s after the failed reload: groups %s" % (name, groups))
    metrics = fetch(vigil.port, "/metrics")[1]
    if itlib.metric_value(metrics, "vigil_config_last_reload_successful") != 0:
        problems.append("vigil_config_last_reload_successful is not 0 after the failed reload")

    for p in problems:
        itlib.log("DIFF", p)
    itlib.log("%d differences" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    itlib.run_main(main)
