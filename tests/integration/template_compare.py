#!/usr/bin/env python3
"""Alert templates: vigil against promtool 2.42 (real Go text/template).

Expansions: one alerting rule per template case (tests/integration/
template_cases.json, "expand"), each annotating a firing alert; both
`promtool test rules` and `vigil rules test` run a test that expects no
alerts, so both reports list every alert with its expanded annotation, and
the annotation texts (including `<error expanding template: ...>` messages
with their line:column and node context) must be identical.
Syntax errors: one rule per "parse" case; `promtool check rules` and
`vigil rules check` must print the same Go parse error for each rule.
Cases that Prometheus 2.42 lacks (newer functions) or where promtool
differs on purpose are documented in docs/TEMPLATES.md and left out.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402

EXPR = ('label_replace(label_replace(vector(1234567), "instance", "host1:9100", "", ""), '
        '"job", "node", "", "")')


def yaml_quote(s):
    return json.dumps(s, ensure_ascii=False)  # JSON strings are valid YAML


def run(argv, cwd):
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


def expansions(output):
    """alertname -> the quoted annotation text (or None when the alert has
    no `t` annotation), from a test report."""
    found = {}
    for block in re.split(r"(?=alertname: A\d+, time: )", output):
        m = re.match(r"alertname: (A\d+), time: ", block)
        if not m:
            continue
        a = re.search(r'Annotations:\{t=("(?:[^"\\]|\\.)*")', block)
        found[m.group(1)] = a.group(1) if a else None
    return found


def parse_errors(output):
    return {m.group(1): m.group(2) for m in re.finditer(r'"(A\d+)": annotation "t": (.*)', output)}


def compare_expansions(promtool, vigil, cases, work):
    rules = ["groups:", "  - name: g", "    rules:"]
    tests = ["rule_files: [rules.yml]", "tests:", "  - interval: 1m",
             "    external_labels: {cluster: eu1}",
             "    external_url: http://prom.example.com:9090/prefix",
             "    input_series: []", "    alert_rule_test:"]
    for i, t in enumerate(cases):
        rules += ["      - alert: A%d" % i, "        expr: %s" % yaml_quote(EXPR),
                  "        annotations: {t: %s}" % yaml_quote(t)]
        tests += ["      - eval_time: 0s", "        alertname: A%d" % i, "        exp_alerts: []"]
    with open(os.path.join(work, "rules.yml"), "w") as f:
        f.write("\n".join(rules) + "\n")
    with open(os.path.join(work, "test.yml"), "w") as f:
        f.write("\n".join(tests) + "\n")
    _, p_out = run([promtool, "test", "rules", "test.yml"], work)
    _, v_out = run([vigil, "rules", "test", "test.yml"], work)
    want, got = expansions(p_out), expansions(v_out)
    if len(want) != len(cases):
        itlib.log("FAIL: promtool reported %d of %d alerts:\n%s" % (len(want), len(cases), p_out[:3000]))
        return 1
    bad = 0
    for i, t in enumerate(cases):
        name = "A%d" % i
        if want[name] != got.get(name):
            bad += 1
            itlib.log("DIFF %r\n    promtool: %s\n    vigil:    %s" % (t, want[name], got.get(name)))
    itlib.log("expansions: %d cases, %d differ" % (len(cases), bad))
    return bad


def compare_parse_errors(promtool, vigil, cases, work):
    rules = ["groups:", "  - name: g", "    rules:"]
    for i, t in enumerate(cases):
        rules += ["      - alert: A%d" % i, "        expr: vector(1)", "        annotations: {t: %s}" % yaml_quote(t)]
    with open(os.path.join(work, "bad.yml"), "w") as f:
        f.write("\n".join(rules) + "\n")
    _, p_out = run([promtool, "check", "rules", "bad.yml"], work)
    _, v_out = run([vigil, "rules", "check", "bad.yml"], work)
    want, got = parse_errors(p_out), parse_errors(v_out)
    bad = 0
    for i, t in enumerate(cases):
        name = "A%d" % i
        if want.get(name) != got.get(name):
            bad += 1
            itlib.log("DIFF %r\n    promtool: %s\n    vigil:    %s" % (t, want.get(name), got.get(name)))
    itlib.log("syntax errors: %d cases (%d errors), %d differ" % (len(cases), len(want), bad))
    return bad


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    itlib.add_common_args(parser)
    args = parser.parse_args()
    itlib.watchdog(600)
    itlib.ensure_packages(["prometheus"], ["promtool"])
    promtool = "/usr/bin/promtool" if os.path.exists("/usr/bin/promtool") else "promtool"
    vigil = os.path.abspath(args.vigil)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "template_cases.json")) as f:
        cases = json.load(f)
    work = itlib.tempdir("templates")
    failures = compare_expansions(promtool, vigil, cases["expand"], work)
    failures += compare_parse_errors(promtool, vigil, cases["parse"], work)
    return 1 if failures else 0


if __name__ == "__main__":
    itlib.run_main(main)
