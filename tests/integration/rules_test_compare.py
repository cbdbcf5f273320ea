#!/usr/bin/env python3
"""`vigil rules test` against `promtool test rules` (Prometheus 2.42).

Runs both on every file of the unit-test corpus (tests/rules/testdata/
unittest/*_test.yml) and on the example rules' tests (examples/rules/tests/
*.yml), from the file's directory as promtool users do, and fails on any
disagreement of exit codes, printing both outputs. Also checks that the
corpus names say what promtool does (pass_* pass, fail_* fail), so the
corpus cannot silently lose its failing cases. promtool comes from Debian's
`prometheus` package (installed when missing; exit 77 only if impossible).
"""
import argparse
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402


def run(argv, cwd):
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    itlib.add_common_args(parser)
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
    return 1 if failures else 0


if __name__ == "__main__":
    itlib.run_main(main)
