#!/usr/bin/env python3
"""`vigil rules check` against `promtool check rules` (Prometheus 2.42).

Runs both on every file of tests/rules/testdata/check/{valid,invalid}/ and on
a few multi-file invocations. For each run it asserts that
  - the exit codes are identical,
  - the exit code agrees with the corpus directory (valid: 0, invalid: 1),
  - stdout ("Checking F", "  SUCCESS: N rules found", blank lines) is identical.
Error texts on stderr are compared too but only reported: the YAML syntax
messages come from different parsers and Go prints map entries in random
order. Prints a table of disagreements and fails on any.
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402


def run(argv, cwd):
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def normalized_stderr(text):
    """promtool's and vigil's stderr without the program name, as a sorted
    list of lines (Go's map order is random)."""
    return sorted(line.replace("promtool:", "PROG:").replace("vigil:", "PROG:") for line in text.splitlines())


def compare(name, promtool, vigil, files, cwd, expected_rc):
    """Returns (problems, stderr_differs) for one invocation."""
    p_rc, p_out, p_err = run([promtool, "check", "rules"] + files, cwd)
    v_rc, v_out, v_err = run([vigil, "rules", "check"] + files, cwd)
    problems = []
    if p_rc != v_rc:
        problems.append("exit code: promtool %d, vigil %d" % (p_rc, v_rc))
    if expected_rc is not None and p_rc != expected_rc:
        problems.append("promtool exit %d disagrees with the corpus directory (want %d)" % (p_rc, expected_rc))
    if expected_rc is not None and v_rc != expected_rc:
        problems.append("vigil exit %d disagrees with the corpus directory (want %d)" % (v_rc, expected_rc))
    if p_out != v_out:
        problems.append("stdout differs:\n    promtool: %r\n    vigil:    %r" % (p_out, v_out))
    stderr_differs = normalized_stderr(p_err) != normalized_stderr(v_err)
    if problems or stderr_differs:
        itlib.log("%s: promtool stderr:\n%s\n  vigil stderr:\n%s" % (name, p_err.rstrip(), v_err.rstrip()))
    return problems, stderr_differs


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    itlib.add_common_args(parser)
    args = parser.parse_args()
    itlib.watchdog(540)
    vigil = os.path.abspath(args.vigil)
    itlib.ensure_packages(["prometheus"], ["promtool"])
    promtool = shutil.which("promtool") or "/usr/bin/promtool"

    corpus = os.path.join(args.source_dir, "tests", "rules", "testdata", "check")
    cases = []  # (name, files relative to corpus, expected exit code or None)
    for kind, want in (("valid", 0), ("invalid", 1)):
        names = sorted(f for f in os.listdir(os.path.join(corpus, kind)) if f.endswith((".yml", ".yaml")))
        if len(names) < 20:
            itlib.log("FAIL: only %d files in %s/%s (want >= 20)" % (len(names), corpus, kind))
            return 1
        cases += [("%s/%s" % (kind, n), ["%s/%s" % (kind, n)], want) for n in names]

    scratch = itlib.tempdir("rules-check")
    os.makedirs(os.path.join(scratch, "a_directory"))
    missing = os.path.join(scratch, "no_such_file.yml")
    v = "valid/basic_alert.yml"
    cases += [
        ("multi: valid+valid", [v, "valid/mixed_rules.yml"], 0),
        ("multi: valid+invalid", [v, "invalid/expr_parse_error.yml"], 1),
        ("multi: invalid+valid", ["invalid/duplicate_key_rule.yml", v], 1),
        ("multi: valid+lint-only", [v, "valid/duplicate_rules_lint_only.yml"], 0),
        ("multi: same file twice", [v, v], 0),
        ("multi: valid+missing", [v, missing], 1),
        ("multi: missing first", [missing, v], 1),
        ("multi: directory", [v, os.path.join(scratch, "a_directory")], 1),
    ]

    disagreements = []
    stderr_only = []
    for name, files, want in cases:
        problems, stderr_differs = compare(name, promtool, vigil, files, corpus, want)
        if problems:
            disagreements.append((name, problems))
        elif stderr_differs:
            stderr_only.append(name)

    itlib.log("%d invocations, %d disagreements, %d with different error texts only"
              % (len(cases), len(disagreements), len(stderr_only)))
    if stderr_only:
        itlib.log("error texts differ (informational): " + ", ".join(stderr_only))
    if disagreements:
        print("\n%-50s | %s" % ("case", "disagreement"))
        print("-" * 51 + "+" + "-" * 60)
        for name, problems in disagreements:
            for i, p in enumerate(problems):
                print("%-50s | %s" % (name if i == 0 else "", p))
        return 1
    return 0


if __name__ == "__main__":
    itlib.run_main(main)
