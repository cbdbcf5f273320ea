#!/usr/bin/env python3
"""`vigil rules test` against `promtool test rules` (Prometheus 2.42).

Runs both on every file of the unit-test corpus (tests/rules/testdata/
unittest/*_test.yml) and on the example rules' tests (examples/rules/tests/
*.yml), from the file's directory as promtool users do, and fails on any
disagreement of exit codes, printing both outputs. Also checks that the
corpus names say what promtool does (pass_* pass, fail_* fail), so the
corpus cannot silently lose its failing cases. Then it generates random
alerting scenarios (values with gaps and stale markers; `for`,
`keep_firing_for`, templated labels and annotations, a recording rule
feeding an alert) and requires both tools to print exactly the same
report. promtool comes from Debian's
`prometheus` package (installed when missing; exit 77 only if impossible).
"""
import argparse
import glob
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402


def run(argv, cwd):
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


RANDOM_RULES = """groups:
  - name: g
    limit: %(limit)d
    rules:
      - record: r:sum
        expr: sum by (job) (m)
      - alert: A
        expr: m > 5
        for: %(for)dm
        keep_firing_for: %(keep)dm
        labels: {sev: "{{ if gt $value 8.0 }}high{{ else }}low{{ end }}"}
        annotations: {v: "{{ $value }} {{ $labels.job }} {{ humanize $value }}"}
      - alert: B
        expr: r:sum > 12
        for: %(for_b)dm
      - alert: C
        expr: rate(c[3m]) > 0.05
"""


def random_scenario(rnd):
    """A rules file and a test file whose expectations are all empty, so
    the report lists every firing alert and every expression result."""
    rules = RANDOM_RULES % {"for": rnd.choice([0, 1, 2, 3]), "keep": rnd.choice([0, 0, 1, 2]),
                            "for_b": rnd.choice([0, 1, 2]), "limit": rnd.choice([0, 0, 0, 2])}
    lines = ["rule_files: [r.yml]", "tests:", "- interval: 1m", "  input_series:"]
    for j in range(rnd.randint(1, 3)):
        vals = []
        for _ in range(12):
            c = rnd.random()
            vals.append("_" if c < 0.15 else "stale" if c < 0.22 else str(rnd.randint(0, 10)))
        lines.append("  - series: 'm{job=\"j%d\",i=\"%d\"}'" % (j % 2, j))
        lines.append("    values: '%s'" % " ".join(vals))
    lines.append("  - series: 'c{job=\"j0\"}'")
    lines.append("    values: '0+%dx5 0+%dx5'" % (rnd.randint(0, 20), rnd.randint(0, 20)))
    lines.append("  alert_rule_test:")
    for t in range(12):
        for name in ("A", "B", "C"):
            lines += ["  - eval_time: %dm" % t, "    alertname: %s" % name, "    exp_alerts: []"]
    lines.append("  promql_expr_test:")
    for t in (3, 7, 11):
        for expr in ("r:sum", "ALERTS", "ALERTS_FOR_STATE", "sum_over_time(m[2m] offset 1m)"):
            lines += ["  - expr: %s" % expr, "    eval_time: %dm" % t]
    return rules, "\n".join(lines) + "\n"


def compare_random(promtool, vigil, count, seed):
    rnd = random.Random(seed)
    work = itlib.tempdir("rules-random")
    problems = 0
    for k in range(count):
        rules, test = random_scenario(rnd)
        with open(os.path.join(work, "r.yml"), "w") as f:
            f.write(rules)
        with open(os.path.join(work, "t.yml"), "w") as f:
            f.write(test)
        p_rc, p_out = run([promtool, "test", "rules", "t.yml"], work)
        v_rc, v_out = run([vigil, "rules", "test", "t.yml"], work)
        if p_rc != v_rc or p_out != v_out:
            problems += 1
            itlib.log("random scenario %d (seed %d) DIFFERS" % (k, seed))
            print("---- rules:\n" + rules + "---- test:\n" + test + "---- promtool output:\n" + p_out +
                  "---- vigil output:\n" + v_out, flush=True)
    itlib.log("%d random scenarios, %d differ" % (count, problems))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    itlib.add_common_args(parser)
    parser.add_argument("--random", type=int, default=40, help="random scenarios to compare")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    itlib.watchdog(900)
    itlib.ensure_packages(["prometheus"], ["promtool"])
    promtool = "promtool" if not os.path.exists("/usr/bin/promtool") else "/usr/bin/promtool"
    vigil = os.path.abspath(args.vigil)
    src = os.path.abspath(args.source_dir)

    corpus = sorted(glob.glob(os.path.join(src, "tests/rules/testdata/unittest/*_test.yml")))
    examples = sorted(glob.glob(os.path.join(src, "examples/rules/tests/*.yml")))
    if len(corpus) < 25:
        itlib.log("FAIL: expected at least 25 corpus files, found %d" % len(corpus))
        return 1
    if not examples:
        itlib.log("FAIL: no example rule tests in examples/rules/tests")
        return 1

    failures = 0
    for path in corpus + examples:
        cwd, name = os.path.dirname(path), os.path.basename(path)
        p_rc, p_out = run([promtool, "test", "rules", name], cwd)
        v_rc, v_out = run([vigil, "rules", "test", name], cwd)
        rel = os.path.relpath(path, src)
        verdict = "ok"
        if p_rc != v_rc:
            verdict = "DISAGREE"
        elif path in corpus and (name.startswith("pass_") != (p_rc == 0)):
            verdict = "MISNAMED (promtool exit %d)" % p_rc
        elif path in examples and p_rc != 0:
            verdict = "EXAMPLE FAILS"
        itlib.log("%-60s promtool=%d vigil=%d %s" % (rel, p_rc, v_rc, verdict))
        if verdict != "ok":
            failures += 1
            print("---- promtool output:\n" + p_out + "---- vigil output:\n" + v_out, flush=True)
    itlib.log("%d files, %d problems" % (len(corpus) + len(examples), failures))
    failures += compare_random(promtool, vigil, args.random, args.seed)
    return 1 if failures else 0


if __name__ == "__main__":
    itlib.run_main(main)
