"""Deterministic stand-in for julius/prometheus-demo-service scraped by
Prometheus every 5 s (the data the PromQL compliance templates expect).

Families, label names and values follow the demo service's source
(api.go, batch.go, cpu.go, disk.go, memory.go, intermittent_metric.go):
three instances demo.promlabs.com:1000{0,1,2}, job "demo". Each instance has
its own scrape offset plus a few ms of jitter, as real scrapes do; instance
:10002 restarts once (its counters reset). demo_intermittent_metric exists
only in even wall-clock minutes and gets a stale marker (as a scrape would
write) at the first scrape where it is gone.
"""
import math
import random

from remote_write import COUNTER, GAUGE, HISTOGRAM, STALE_NAN_BITS

INSTANCES = ["demo.promlabs.com:10000", "demo.promlabs.com:10001", "demo.promlabs.com:10002"]
JOB = "demo"
INTERVAL_MS = 5000
BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]  # client_golang DefBuckets
API_OPTS = {  # path -> method -> (base latency s, error ratio, outage duration s)
    "/api/foo": {"GET": (0.010, 0.005, 23), "POST": (0.020, 0.02, 60)},
    "/api/bar": {"GET": (0.015, 0.0025, 13), "POST": (0.050, 0.01, 47)},
}

METADATA = [
    (GAUGE, "demo_memory_usage_bytes", "The memory usage by type."),
    (GAUGE, "demo_num_cpus", "The number of CPUs."),
    (COUNTER, "demo_cpu_usage_seconds_total", "The CPU usage in seconds split by mode."),
    (GAUGE, "demo_disk_usage_bytes", "Disk usage in bytes."),
    (GAUGE, "demo_disk_total_bytes", "Total disk space in bytes."),
    (HISTOGRAM, "demo_api_request_duration_seconds", "A histogram of the API HTTP request durations in seconds."),
    (GAUGE, "demo_batch_last_success_timestamp_seconds",
     "The Unix timestamp in seconds since the last successful demo batch job completion."),
    (GAUGE, "demo_intermittent_metric", "A metric that is only present intermittently to test staleness handling."),
]


def _fmt_le(b):
    # Go's strconv.FormatFloat(b, 'g', -1, 64) as client_golang writes le.
    s = repr(float(b))
    return s[:-2] if s.endswith(".0") else s


class _Instance:
    def __init__(self, idx, rng, start_s):
        self.idx, self.rng = idx, rng
        self.cpus = [4, 8, 2][idx]
        self.mem_total = [16, 32, 8][idx] * 1024 ** 3
        self.mem_base = {"used": 0.4, "cached": 0.2, "buffers": 0.05}
        self.disk_total = [500, 1000, 250][idx] * 10 ** 9
        self.start_s = start_s
        self.reset()

    def reset(self):
        self.mem = {k: int(self.mem_total * v) for k, v in self.mem_base.items()}
        self.cpu = {"user": 0.0, "system": 0.0, "idle": 0.0}
        self.disk = int(0.1 * self.disk_total) + self.idx * 12345678
        self.hist = {}
        for path, methods in API_OPTS.items():
            for method in methods:
                for status in ("200", "500"):
                    self.hist[(method, path, status)] = [0] * len(BUCKETS) + [0.0, 0]  # buckets, sum, count
        self.last_success = self.start_s
        self.next_batch = self.start_s + 30 + self.idx * 7

    def advance(self, now_s):
        """Simulates 5 s of the service ending at now_s."""
        rng = self.rng
        for k, base in self.mem_base.items():
            b = int(self.mem_total * base)
            for _ in range(5):
                self.mem[k] += int((rng.random() - 0.5) * 60 * 1024 * 1024)
                if abs(self.mem[k] - b) > b * 0.1:
                    self.mem[k] = b
        factor = self.cpus * 0.1
        for _ in range(50):
            u = (0.5 + (rng.random() - 0.5) / 5) * factor
            s = (0.1 + (rng.random() - 0.5) / 5) * factor
            self.cpu["user"] += u
            self.cpu["system"] += s
            self.cpu["idle"] += factor - u - s
        for _ in range(5):
            self.disk += int(20000 * (1 - (rng.random() - 0.5)))
        for (method, path, status), h in self.hist.items():
            base, err, outage = API_OPTS[path][method]
            slow = 3.0 if (now_s % (10 * outage)) < outage else 1.0
            errf = 10.0 if slow > 1 else 1.0
            n = rng.randint(2, 12)
            for _ in range(n):
                is_err = rng.random() <= err * errf
                if (status == "500") != is_err:
                    continue
                lat = max(0.0, (base + rng.gauss(0, base / 10)) * slow) + rng.random() * 0.002
                for i, b in enumerate(BUCKETS):
                    if lat <= b:
                        h[i] += 1
                h[-2] += lat
                h[-1] += 1
        while now_s >= self.next_batch:
            if rng.random() > 0.1:
                self.last_success = self.next_batch + 1 + rng.random() * 0.002
            self.next_batch += 60

    def samples(self, now_s):
        """(labels, value) pairs as one scrape would expose them."""
        inst = INSTANCES[self.idx]
        base = {"instance": inst, "job": JOB}

        def L(name, **extra):
            d = dict(base, __name__=name)
            d.update(extra)
            return d

        out = []
        for k in ("used", "cached", "buffers"):
            out.append((L("demo_memory_usage_bytes", type=k), float(self.mem[k])))
        out.append((L("demo_memory_usage_bytes", type="free"), float(self.mem_total - sum(self.mem.values()))))
        out.append((L("demo_num_cpus"), float(self.cpus)))
        for mode, v in self.cpu.items():
            out.append((L("demo_cpu_usage_seconds_total", mode=mode), v))
        out.append((L("demo_disk_usage_bytes"), float(self.disk)))
        out.append((L("demo_disk_total_bytes"), float(self.disk_total)))
        for (method, path, status), h in self.hist.items():
            lbl = dict(method=method, path=path, status=status)
            for i, b in enumerate(BUCKETS):
                out.append((L("demo_api_request_duration_seconds_bucket", le=_fmt_le(b), **lbl), float(h[i])))
            out.append((L("demo_api_request_duration_seconds_bucket", le="+Inf", **lbl), float(h[-1])))
            out.append((L("demo_api_request_duration_seconds_sum", **lbl), h[-2]))
            out.append((L("demo_api_request_duration_seconds_count", **lbl), float(h[-1])))
        out.append((L("demo_batch_last_success_timestamp_seconds"), self.last_success))
        if int(now_s // 60) % 2 == 0:
            out.append((L("demo_intermittent_metric"), 1.0))
        return out


def generate(start_ms, end_ms, seed=20240601):
    """Returns {labels tuple: [(ts_ms, value) | (ts_ms, None, bits)]} for
    scrapes of all instances in [start_ms, end_ms]."""
    rng = random.Random(seed)
    offsets_ms = [700, 2300, 3900]
    series = {}
    for idx in range(len(INSTANCES)):
        inst = _Instance(idx, random.Random(rng.randrange(1 << 32)), start_ms / 1000.0)
        jitter = random.Random(seed + idx)
        t = start_ms - start_ms % INTERVAL_MS + offsets_ms[idx]
        n = 0
        restart_at = (end_ms - start_ms) // INTERVAL_MS // 2 if idx == 2 else -1
        prev = set()
        while t <= end_ms:
            ts = t + jitter.randint(0, 4)
            now_s = ts / 1000.0
            if n == restart_at:
                inst.reset()
            inst.advance(now_s)
            cur = set()
            for labels, v in inst.samples(now_s):
                key = tuple(sorted(labels.items()))
                cur.add(key)
                series.setdefault(key, []).append((ts, v))
            for key in prev - cur:  # gone since the last scrape: stale marker
                series[key].append((ts, None, STALE_NAN_BITS))
            prev = cur
            t += INTERVAL_MS
            n += 1
    return series


def batches(series, step_ms):
    """Splits the series into time slices of step_ms, in time order:
    yields (slice_end_ms, [(labels, samples)])."""
    if not series:
        return
    tmin = min(s[0][0] for s in series.values())
    tmax = max(s[-1][0] for s in series.values())
    idx = {k: 0 for k in series}
    lo = tmin
    while lo <= tmax:
        hi = lo + step_ms
        out = []
        for k, samples in series.items():
            i = idx[k]
            j = i
            while j < len(samples) and samples[j][0] < hi:
                j += 1
            if j > i:
                out.append((k, samples[i:j]))
            idx[k] = j
        yield hi, out
        lo = hi


def is_finite(v):
    return v is not None and not math.isnan(v)
