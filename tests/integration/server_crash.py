#!/usr/bin/env python3
"""server_crash: a loader remote-writes fixed deterministic series while the
target is SIGKILLed and restarted (same data dir and port) several times.
Every sample whose request got a 2xx must be queryable afterwards with its
exact value; samples of failed requests may be absent, and nothing that
was not sent may appear. As Prometheus does, a request is retried on 5xx and
connection errors and dropped on 4xx.

Usage: server_crash.py --vigil build/vigil [--target prometheus]
Env: VIGIL_IT_KILLS (default 6), VIGIL_IT_KEEP=1.
"""
import argparse
import os
import random
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402
import remote_write as rw  # noqa: E402
from itlib import log  # noqa: E402

NSERIES = 200
TS_PER_BATCH = 5
STEP_MS = 200
PACE_S = 0.03  # between acked batches: ~150 timestamps/s, so the run spans all kills
METRIC = "crash_test_metric"


def series_labels(i):
    return {"__name__": METRIC, "job": "crash", "instance": "loader:%d" % (i % 10), "series": "s%03d" % i}


def value(i, j):
    # Distinct, exactly representable, and not monotone in j for every series.
    return float(i * 100000 + j) + (0.25 if (i + j) % 3 else -0.5)


class Loader(threading.Thread):
    """Sends batch after batch in time order; a failed batch is retried until
    it gets a 2xx or the loader is stopped."""

    def __init__(self, port, base_ms, max_j, series):
        super().__init__(daemon=True)
        self.port, self.base_ms, self.max_j, self.series = port, base_ms, max_j, list(series)
        self.stop_evt = threading.Event()
        self.acked = set()        # first j of every batch answered 2xx
        self.sent_j = 0           # no sample with j >= sent_j was sent
        self.attempts = self.failures = self.ok = self.dropped = 0
        self.statuses = {}
        self.bodies_4xx = []
        self.enc_labels = {i: rw.encode_labels(series_labels(i)) for i in self.series}

    def payload(self, j0):
        out = bytearray()
        for i in self.series:
            samples = b"".join(rw.encode_sample(value(i, j), self.base_ms + j * STEP_MS)
                               for j in range(j0, j0 + TS_PER_BATCH))
            out += rw.encode_timeseries(self.enc_labels[i], samples)
        return bytes(out)

    def run(self):
        w = rw.Writer("127.0.0.1", self.port, timeout=10)
        j = 0
        while not self.stop_evt.is_set() and j < self.max_j:
            p = self.payload(j)
            while not self.stop_evt.is_set():
                self.attempts += 1
                st, body = w.post(p)
                self.statuses[st] = self.statuses.get(st, 0) + 1
                if st // 100 == 2:
                    self.ok += 1
                    self.acked.add(j)
                    break
                self.failures += 1
                if st // 100 == 4:
                    # Prometheus drops a batch answered 4xx and moves on. After
                    # a crash between commit and answer the replay is
                    # legitimately "out of order" (its samples are stored).
                    if len(self.bodies_4xx) < 3:
                        self.bodies_4xx.append("j=%d: %d %s" % (j, st, body[:160].decode("utf-8", "replace").strip()))
                    self.dropped += 1
                    break
                time.sleep(0.05)  # 5xx or no connection: retry, as Prometheus does
            j += TS_PER_BATCH
            self.sent_j = j
            time.sleep(PACE_S)
        w.close()


ADMIN = ["--web.enable-admin-api"]


def restart(args, srv):
    """Same binary, flags, data dir and port as before the kill."""
    port = srv.port
    srv.proc.start()
    itlib.wait_ready("http://127.0.0.1:%d/-/ready" % port, srv.proc, 120)


def verify(srv, base_ms, acked, sent_j):
    """acked: series index -> set of first j of its acked batches; sent_j:
    series index -> end of what was sent. Every acked sample is present with
    its value, and every sample present is one that was sent, with the value
    it was sent with (range selectors per group of series, so responses stay
    small)."""
    hi = max(sent_j.values())
    end_s = (base_ms + hi * STEP_MS) / 1000.0
    window = int((hi * STEP_MS) / 1000) + 2
    problems = []
    names = set(s.get("series") for s in srv.api.series(['%s{job="crash"}' % METRIC]))
    missing_series = [series_labels(i)["series"] for i in range(NSERIES) if series_labels(i)["series"] not in names]
    if missing_series:
        problems.append("/api/v1/series lacks %d series, e.g. %s" % (len(missing_series), missing_series[:5]))
    checked = 0
    for g in range(10):
        q = '%s{job="crash",instance="loader:%d"}[%ds]' % (METRIC, g, window)
        res = srv.api.query(q, end_s)["result"]
        got = {s["metric"]["series"]: s["values"] for s in res}
        for i in range(g, NSERIES, 10):
            name = series_labels(i)["series"]
            vals = {int(round(float(t) * 1000)): float(v) for t, v in got.get(name, [])}
            for j0 in sorted(acked[i]):
                for j in range(j0, j0 + TS_PER_BATCH):
                    ts = base_ms + j * STEP_MS
                    checked += 1
                    v = vals.get(ts)
                    if v is None:
                        problems.append("%s: acked sample j=%d (t=%d) missing" % (name, j, ts))
                        break
                    if v != value(i, j):
                        problems.append("%s: j=%d value %r, want %r" % (name, j, v, value(i, j)))
                        break
            extra = [t for t in vals if not (base_ms <= t < base_ms + sent_j[i] * STEP_MS) or (t - base_ms) % STEP_MS]
            if extra:
                problems.append("%s: unexpected timestamps %s" % (name, sorted(extra)[:3]))
            wrong = [(t, v) for t, v in vals.items() if t not in extra and v != value(i, (t - base_ms) // STEP_MS)]
            if wrong:
                problems.append("%s: wrong values at %s" % (name, wrong[:3]))
    return checked, problems


def main():
    ap = argparse.ArgumentParser()
    itlib.add_common_args(ap)
    args = ap.parse_args()
    itlib.watchdog(480)  # below the ctest TIMEOUT of 600 s
    kills = int(os.environ.get("VIGIL_IT_KILLS", "6"))
    if args.target == "prometheus":
        itlib.ensure_prometheus()

    srv = itlib.start_target(args, "crash", ADMIN)
    log("target %s on :%d (pid %d), data %s" % (srv.kind, srv.port, srv.proc.pid, srv.data_dir))
    # Timestamps STEP_MS apart, starting 55 min ago, so the whole run stays
    # in the past and within any 1 h "out of bounds" window.
    base_ms = (int(time.time()) - 55 * 60) * 1000
    max_j = 50 * 60 * 1000 // STEP_MS  # at most 50 min of samples
    # Two loaders on disjoint halves of the series, like two remote-write
    # shards, so that kills more often land on a request in flight.
    loaders = [Loader(srv.port, base_ms, max_j, range(k, NSERIES, 2)) for k in range(2)]
    for ld in loaders:
        ld.start()
    rng = random.Random(7)
    restarts_s = []
    snap = None
    for k in range(kills):
        time.sleep(1.5 + rng.random() * 4)
        if not srv.proc.alive():
            log("FAIL: target died on its own:\n%s" % srv.proc.tail())
            return 1
        if k == kills // 2:
            # A snapshot under load: it must hold everything acked before it
            # was requested (and only samples sent before it returned).
            snap_acked = {i: ld.acked.copy() for ld in loaders for i in ld.series}
            t = time.time()
            name = srv.api.snapshot()
            snap_sent = {i: ld.sent_j + TS_PER_BATCH for ld in loaders for i in ld.series}
            snap = (name, snap_acked, snap_sent)
            log("snapshot %s in %.2fs" % (name, time.time() - t))
        before = min(len(ld.acked) for ld in loaders) * TS_PER_BATCH
        srv.proc.kill9()
        t = time.time()
        log("kill %d/%d: SIGKILL pid %d with >= %d timestamps acked" % (k + 1, kills, srv.proc.pid, before))
        if rng.random() < 0.5:
            time.sleep(rng.random() * 0.5)  # sometimes the loader hits a closed port first
        try:
            restart(args, srv)
        except RuntimeError as e:
            log("FAIL: restart %d: %s" % (k + 1, e))
            return 1
        restarts_s.append(time.time() - t)
        log("  restarted as pid %d, ready %.2fs after the kill" % (srv.proc.pid, restarts_s[-1]))
    time.sleep(2)
    for ld in loaders:
        ld.stop_evt.set()
    for ld in loaders:
        ld.join(timeout=60)
    acked = {i: ld.acked for ld in loaders for i in ld.series}
    sent_j = {i: ld.sent_j for ld in loaders for i in ld.series}
    for k, ld in enumerate(loaders):
        log("loader %d: %d requests, %d batches acked, %d dropped after a 4xx, %d failed attempts (statuses %s); "
            "%d timestamps x %d series acked" % (k, ld.attempts, ld.ok, ld.dropped, ld.failures, ld.statuses,
                                                 len(ld.acked) * TS_PER_BATCH, len(ld.series)))
        for b in ld.bodies_4xx:
            log("  4xx answer:", b)
    if sum(ld.failures for ld in loaders) == 0:
        log("note: no request failed: the kills never hit a request in flight")
    # One more crash after the last ack, then verify on a fresh process.
    srv.proc.kill9()
    restart(args, srv)
    checked, problems = verify(srv, base_ms, acked, sent_j)
    log("verified %d acked samples; kill-to-ready times %s s" % (checked, ", ".join("%.2f" % s for s in restarts_s)))
    srv.stop()

    # The snapshot opens as a data dir of its own (a copy: the original
    # stays untouched) and holds what was acked before it.
    if snap is not None:
        name, snap_acked, snap_sent = snap
        src = os.path.join(srv.data_dir, "data", "snapshots", name)
        d = itlib.tempdir("crash-snapshot")
        shutil.copytree(src, os.path.join(d, "data"))
        if args.target == "prometheus":
            s2 = itlib.start_prometheus("crash-snapshot-prom", data_dir=os.path.join(d, "data"))
        else:
            s2 = itlib.start_vigil("crash-snapshot", args.vigil, data_dir=os.path.join(d, "data"))
        c2, p2 = verify(s2, base_ms, snap_acked, snap_sent)
        log("snapshot: verified %d samples acked before it" % c2)
        problems += ["snapshot: " + p for p in p2]
        s2.stop()
    for p in problems[:20]:
        log("PROBLEM", p)
    if problems:
        log("FAIL: %d problems" % len(problems))
        return 1
    if min(len(a) for a in acked.values()) < 10:
        log("FAIL: too little acked data (%d batches)" % min(len(a) for a in acked.values()))
        return 1
    log("OK")
    return 0


if __name__ == "__main__":
    itlib.run_main(main)
