#!/usr/bin/env python3
"""Unit tests of the integration harness itself (no peers, < 5 s): the
remote-write encoder (checked with `protoc --decode_raw` when available),
the Snappy literal blocks, result comparison, template expansion and the
demo data generator."""
import os
import shutil
import struct
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compliance  # noqa: E402
import prometheus_compare  # noqa: E402
import demo_data  # noqa: E402
import itlib  # noqa: E402
import remote_write as rw  # noqa: E402


class EncoderTest(unittest.TestCase):
    def test_snappy_literal_roundtrip(self):
        for n in (0, 1, 59, 60, 61, 255, 256, 257, 65535, 65536, 65537, 300000):
            data = os.urandom(n)
            self.assertEqual(rw.snappy_block_decode(rw.snappy_block_literal(data)), data)

    def test_sample_encoding(self):
        enc = rw.encode_sample(1.5, -5)
        # field 2 (len) { field 1 fixed64 1.5, field 2 varint -5 as 10 bytes }
        self.assertEqual(enc[0], 0x12)
        self.assertEqual(enc[2], 0x09)
        self.assertEqual(struct.unpack("<d", enc[3:11])[0], 1.5)
        self.assertEqual(enc[11], 0x10)
        self.assertEqual(len(enc[12:]), 10)
        stale = rw.encode_sample(0, 1, value_bits=rw.STALE_NAN_BITS)
        self.assertEqual(struct.unpack("<Q", stale[3:11])[0], rw.STALE_NAN_BITS)

    @unittest.skipUnless(shutil.which("protoc"), "protoc not installed")
    def test_protoc_decodes_write_request(self):
        req = rw.write_request([({"b": "2", "__name__": "m", "a": "1"}, [(1000, 2.5), (2000, None, rw.STALE_NAN_BITS)])],
                               [(rw.COUNTER, "m_total", "help text", "")])
        out = subprocess.run(["protoc", "--decode_raw"], input=req, capture_output=True, check=True).stdout.decode()
        self.assertIn('1: "__name__"', out)
        self.assertLess(out.index('"__name__"'), out.index('1: "a"'))  # sorted by name
        self.assertLess(out.index('1: "a"'), out.index('1: "b"'))
        self.assertIn("1: 0x4004000000000000", out)  # 2.5
        self.assertIn("1: 0x7ff0000000000002", out)  # stale marker bits kept
        self.assertIn("2: 1000", out)
        self.assertIn('2: "m_total"', out)
        self.assertIn('4: "help text"', out)


class CompareTest(unittest.TestCase):
    def m(self, *series):
        return {"resultType": "matrix", "result": [{"metric": lbl, "values": vals} for lbl, vals in series]}

    def test_equal_and_tolerance(self):
        a = self.m(({"a": "1"}, [[1, "1"], [2, "NaN"]]))
        b = self.m(({"a": "1"}, [[1, "1.0000001"], [2, "NaN"]]))
        self.assertEqual(itlib.compare_results(a, b, 1e-6), [])
        self.assertNotEqual(itlib.compare_results(a, b, 1e-9), [])

    def test_differences(self):
        a = self.m(({"a": "1"}, [[1, "1"]]), ({"a": "2"}, [[1, "+Inf"]]))
        self.assertIn("missing series", itlib.compare_results(a, self.m(({"a": "1"}, [[1, "1"]])), 1e-6)[0])
        self.assertNotEqual(itlib.compare_results(a, self.m(({"a": "1"}, [[1, "1"]]), ({"a": "2"}, [[1, "-Inf"]])),
                                                  1e-6), [])
        self.assertNotEqual(itlib.compare_results(a, self.m(({"a": "1"}, [[1, "1"]]), ({"a": "2"}, [[2, "+Inf"]])),
                                                  1e-6), [])
        self.assertNotEqual(itlib.compare_results(
            a, {"resultType": "vector", "result": []}, 1e-6), [])
        nan = self.m(({"a": "1"}, [[1, "NaN"]]))
        self.assertNotEqual(itlib.compare_results(nan, self.m(({"a": "1"}, [[1, "0"]])), 1e-6), [])

    def test_metric_value(self):
        text = '# HELP x y\nx{a="1"} 5\nx 3\nxy 7\nx{a="2"} 1e+03\n'
        self.assertEqual(itlib.metric_value(text, "x"), 1000.0)
        self.assertEqual(itlib.metric_value(text, "x", {"a": "1"}), 5.0)
        self.assertIsNone(itlib.metric_value(text, "z"))


class ComplianceTest(unittest.TestCase):
    def test_expand(self):
        cases = compliance.expand([
            {"query": "{{.simpleAggrOp}}(x[{{.range}}])", "variant_args": ["simpleAggrOp", "range"]},
            {"query": "y", "should_fail": True}])
        self.assertEqual(len(cases), 7 * 6 + 1)
        self.assertEqual(cases[0], ("sum(x[1s])", False))
        self.assertEqual(cases[1], ("sum(x[15s])", False))
        self.assertEqual(cases[-1], ("y", True))

    def test_upstream_file_has_539_cases(self):
        for p in (os.environ.get("VIGIL_PROMQL_COMPLIANCE", ""),
                  os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "promql-compliance")):
            f = os.path.join(p, "promql-test-queries.yml")
            if p and os.path.exists(f):
                try:
                    self.assertEqual(len(compliance.load_queries(f)), compliance.EXPECTED_CASES)
                except ImportError:
                    self.skipTest("python3-yaml missing")
                return
        self.skipTest("../shared/promql-compliance not present")

    def test_known_differences(self):
        def reason(q):
            return next((w for rx, w in compliance.KNOWN_DIFFERENCES if rx.search(q)), None)
        self.assertIn("13725", reason("rate(x[5m])"))
        self.assertIn("13725", reason("increase(x[5m])"))
        self.assertIsNone(reason("irate(x[5m])"))
        self.assertIsNone(reason("deriv(x[5m])"))
        self.assertIn("13559", reason("max_over_time(x[5m] @ 100)"))


class RateOracleTest(unittest.TestCase):
    def test_zero_cutoff_as_253(self):
        # functions.test (2.53): load 4m; testcounter_zero_cutoff{start="3m"} 180+240x10 and
        # {start="4m"} 240+240x10; rate(...[20m]) at 10m is 0.6 for both (2.42: 0.65 and 0.7).
        for first in (180.0, 240.0):
            pts = [(0.0, first), (240.0, first + 240), (480.0, first + 480)]
            self.assertAlmostEqual(prometheus_compare.rate_253(pts, -600.0, 600.0, True, True), 0.6)

    def test_regular_counter(self):
        pts = [(100.0 + i, 10.0 * i + 5) for i in range(1, 20)]
        self.assertAlmostEqual(prometheus_compare.rate_253(pts, 100.5, 120.5, True, False), 190.0)
        self.assertIsNone(prometheus_compare.rate_253(pts[:1], 100.5, 120.5, True, False))


class DemoDataTest(unittest.TestCase):
    def test_deterministic_and_well_formed(self):
        a = demo_data.generate(1_700_000_000_000, 1_700_000_600_000)
        b = demo_data.generate(1_700_000_000_000, 1_700_000_600_000)
        self.assertEqual(a, b)
        names = {dict(k)["__name__"] for k in a}
        for n in ("demo_memory_usage_bytes", "demo_num_cpus", "demo_cpu_usage_seconds_total", "demo_disk_usage_bytes",
                  "demo_api_request_duration_seconds_bucket", "demo_api_request_duration_seconds_sum",
                  "demo_api_request_duration_seconds_count", "demo_batch_last_success_timestamp_seconds",
                  "demo_intermittent_metric"):
            self.assertIn(n, names)
        self.assertEqual({dict(k)["instance"] for k in a}, set(demo_data.INSTANCES))
        stale = 0
        for k, samples in a.items():
            ts = [s[0] for s in samples]
            self.assertEqual(ts, sorted(ts), k)
            self.assertEqual(len(ts), len(set(ts)), k)
            stale += sum(1 for s in samples if len(s) == 3)
        self.assertGreater(stale, 0)  # the intermittent metric went away at least once
        # Buckets are cumulative at every scrape.
        by = {}
        for k, samples in a.items():
            d = dict(k)
            if d["__name__"] == "demo_api_request_duration_seconds_bucket":
                le = float(d.pop("le"))
                by.setdefault(tuple(sorted(d.items())), []).append((le, samples))
        for group in by.values():
            group.sort()
            for (_, lo), (_, hi) in zip(group, group[1:]):
                for x, y in zip(lo, hi):
                    self.assertEqual(x[0], y[0])
                    self.assertLessEqual(x[1], y[1])

    def test_batches_keep_time_order(self):
        a = demo_data.generate(1_700_000_000_000, 1_700_000_900_000)
        last = {}
        n = 0
        for _, batch in demo_data.batches(a, 300_000):
            for k, samples in batch:
                n += len(samples)
                self.assertGreater(samples[0][0], last.get(k, -1))
                last[k] = samples[-1][0]
        self.assertEqual(n, sum(len(v) for v in a.values()))


if __name__ == "__main__":
    unittest.main(verbosity=1)
