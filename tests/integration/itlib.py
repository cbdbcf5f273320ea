"""Shared helpers for vigil's integration tests: peers, ports, processes,
the Prometheus HTTP API client and result comparison.

Every process is started in its own session on a free loopback port with a
temp dir, every wait is bounded, and everything started is killed by PID on
exit (atexit plus SIGTERM/SIGINT/SIGHUP handlers).
"""
import atexit
import ctypes
import threading
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

SKIP = 77  # ctest SKIP_RETURN_CODE
DEFAULT_PORTS = {9090, 9093, 9094, 9100, 8428, 9201}

_procs = []
_tmpdirs = []


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, flush=True)


def skip(reason):
    log("SKIP:", reason)
    sys.exit(SKIP)


def _cleanup():
    for p in list(_procs):
        p.stop()
    if os.environ.get("VIGIL_IT_KEEP"):
        for d in _tmpdirs:
            log("kept", d)
        return
    for d in _tmpdirs:
        shutil.rmtree(d, ignore_errors=True)


def _on_signal(signum, _frame):
    _cleanup()
    os._exit(128 + signum)


atexit.register(_cleanup)
for _s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_s, _on_signal)


def _die_with_parent():
    # Runs in the child before exec: SIGKILL it when the test process dies
    # (even by SIGKILL from a ctest timeout), so no peer outlives a test.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def watchdog(seconds):
    """Fails the test (after stopping every child) when it runs too long."""
    def fire():
        log("FAIL: watchdog: test still running after %ds" % seconds)
        _cleanup()
        os._exit(1)
    t = threading.Timer(seconds, fire)
    t.daemon = True
    t.start()
    return t


def run_main(main):
    """sys.exit(main()); an exception fails the test with the logs of the
    processes still registered (and then stops them)."""
    try:
        rc = main()
    except SystemExit:
        raise
    except BaseException:  # noqa: B902 - report anything, then fail
        import traceback
        traceback.print_exc()
        for p in list(_procs):
            log("---- last lines of %s (%s):\n%s" % (p.name, p.logpath, p.tail(25)))
        rc = 1
    sys.exit(rc)


def tempdir(prefix):
    d = tempfile.mkdtemp(prefix="vigil-it-" + prefix + "-")
    _tmpdirs.append(d)
    return d


def free_port():
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in DEFAULT_PORTS:
            return port


def _installed(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
    return r.returncode == 0 and "install ok installed" in r.stdout


def ensure_packages(pkgs, binaries):
    """Installs missing Debian packages (only when a binary is missing and we
    are root); skips the test when that is impossible."""
    missing_bins = [b for b in binaries if not shutil.which(b) and not os.path.exists(b)]
    if not missing_bins:
        return
    todo = [p for p in pkgs if not _installed(p)]
    if os.geteuid() != 0:
        skip("missing %s and not root to apt-get install %s" % (missing_bins, todo))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    log("installing", todo)
    cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + todo
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    still = [b for b in binaries if not shutil.which(b) and not os.path.exists(b)]
    if still:
        skip("could not install %s (no network?): %s" % (todo, (r.stderr or r.stdout)[-500:]))


def ensure_prometheus():
    ensure_packages(["prometheus"], ["prometheus"])
    return shutil.which("prometheus")


class Proc:
    """A child process in its own session; stop() kills it by PID."""

    def __init__(self, name, argv, logpath, env=None):
        self.name, self.argv, self.logpath, self.env = name, argv, logpath, env
        self.p = None
        self.start()

    def start(self):
        self.logf = open(self.logpath, "ab")
        self.logf.write(("\n=== start %s: %s\n" % (time.strftime("%H:%M:%S"), " ".join(self.argv))).encode())
        self.logf.flush()
        self.p = subprocess.Popen(self.argv, stdout=self.logf, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True, env=self.env,
                                  preexec_fn=_die_with_parent)
        if self not in _procs:
            _procs.append(self)

    @property
    def pid(self):
        return self.p.pid

    def alive(self):
        return self.p is not None and self.p.poll() is None

    def kill9(self):
        """SIGKILL by PID and reap."""
        if self.alive():
            os.kill(self.p.pid, signal.SIGKILL)
        if self.p is not None:
            self.p.wait(timeout=30)
        self.logf.close()

    def stop(self, timeout=15):
        if self.p is None:
            return
        if self.alive():
            try:
                os.kill(self.p.pid, signal.SIGTERM)
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.p.pid, signal.SIGKILL)
                self.p.wait(timeout=30)
            except ProcessLookupError:
                pass
        self.p.poll()
        if not self.logf.closed:
            self.logf.close()
        if self in _procs:
            _procs.remove(self)

    def tail(self, n=40):
        try:
            with open(self.logpath, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return ""


def http_get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def wait_ready(url, proc, timeout):
    """Polls url until 200; fails early when proc exits."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        if proc is not None and not proc.alive():
            raise RuntimeError("%s exited with %s while waiting for %s:\n%s"
                               % (proc.name, proc.p.returncode, url, proc.tail()))
        try:
            st, _ = http_get(url, timeout=2)
            if st == 200:
                return
        except (OSError, urllib.error.URLError) as e:
            last = e
        time.sleep(0.1)
    raise RuntimeError("%s not ready after %ss: %s\n%s" % (url, timeout, last, proc.tail() if proc else ""))


class Server:
    """A started TSDB speaking the Prometheus API (vigil or Prometheus)."""

    def __init__(self, kind, proc, port, data_dir):
        self.kind, self.proc, self.port, self.data_dir = kind, proc, port, data_dir
        self.api = Api("http://127.0.0.1:%d" % port)

    def stop(self):
        self.proc.stop()


def start_prometheus(name, config_text=None, extra_flags=(), remote_write_receiver=True, ready_timeout=60,
                     data_dir=None):
    exe = ensure_prometheus()
    d = tempdir(name) if data_dir is None else os.path.dirname(data_dir)
    cfg = os.path.join(d, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write(config_text if config_text is not None else "global: {}\n")
    port = free_port()
    argv = [exe, "--config.file=" + cfg, "--storage.tsdb.path=" + (data_dir or os.path.join(d, "data")),
            "--web.listen-address=127.0.0.1:%d" % port, "--log.level=warn"]
    if remote_write_receiver:
        argv.append("--web.enable-remote-write-receiver")
    argv += list(extra_flags)
    proc = Proc(name, argv, os.path.join(d, "log.txt"))
    wait_ready("http://127.0.0.1:%d/-/ready" % port, proc, ready_timeout)
    return Server("prometheus", proc, port, d)


def vigil_argv(exe, data_dir, port, extra=()):
    return [exe, "serve", "--storage.tsdb.path", data_dir, "--web.listen-address",
            "127.0.0.1:%d" % port] + list(extra)


def start_vigil(name, exe, extra_flags=(), ready_timeout=60, port=None, data_dir=None):
    if not exe or not os.access(exe, os.X_OK):
        raise RuntimeError("vigil binary not found: %r" % exe)
    d = tempdir(name) if data_dir is None else os.path.dirname(data_dir)
    data_dir = data_dir or os.path.join(d, "data")
    port = port or free_port()
    proc = Proc(name, vigil_argv(exe, data_dir, port, extra_flags), os.path.join(d, "log.txt"))
    wait_ready("http://127.0.0.1:%d/-/ready" % port, proc, ready_timeout)
    return Server("vigil", proc, port, d)


def start_target(args, name, extra_flags=()):
    """The system under test: vigil, or (to check the harness itself) a
    second Prometheus 2.42 acting as a remote-write receiver. extra_flags
    must be spelled the same for both (e.g. --web.enable-admin-api)."""
    if args.target == "prometheus":
        return start_prometheus(name + "-prom-as-target", extra_flags=extra_flags)
    return start_vigil(name, args.vigil, extra_flags)


def add_common_args(parser):
    parser.add_argument("--vigil", default=os.environ.get("VIGIL_BIN", ""),
                        help="path of the vigil binary")
    parser.add_argument("--source-dir", default=os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    parser.add_argument("--target", choices=["vigil", "prometheus"],
                        default=os.environ.get("VIGIL_IT_TARGET", "vigil"),
                        help="system under test; 'prometheus' checks the harness against itself")


class ApiError(Exception):
    def __init__(self, status, error_type, message):
        super().__init__("%s %s: %s" % (status, error_type, message))
        self.status, self.error_type, self.message = status, error_type, message


class Api:
    """Prometheus HTTP API v1 client (POST form for queries)."""

    def __init__(self, base, timeout=60):
        self.base, self.timeout = base, timeout

    def _call(self, path, params=None, method="GET"):
        data = None
        url = self.base + path
        if params:
            enc = urllib.parse.urlencode(params, doseq=True)
            if method == "POST":
                data = enc.encode()
            else:
                url += "?" + enc
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                status, body = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        try:
            doc = json.loads(body)
        except ValueError:
            raise ApiError(status, "non-json", body[:300].decode("utf-8", "replace"))
        if status != 200 or doc.get("status") != "success":
            raise ApiError(status, doc.get("errorType"), doc.get("error"))
        return doc

    def query(self, q, t):
        return self._call("/api/v1/query", {"query": q, "time": fmt_ts(t)}, "POST")["data"]

    def query_range(self, q, start, end, step):
        return self._call("/api/v1/query_range", {"query": q, "start": fmt_ts(start), "end": fmt_ts(end),
                                                   "step": repr(float(step))}, "POST")["data"]

    def series(self, matchers, start=None, end=None):
        p = {"match[]": list(matchers)}
        if start is not None:
            p["start"], p["end"] = fmt_ts(start), fmt_ts(end)
        return self._call("/api/v1/series", p, "POST")["data"]

    def labels(self, matchers=(), start=None, end=None):
        p = {}
        if matchers:
            p["match[]"] = list(matchers)
        if start is not None:
            p["start"], p["end"] = fmt_ts(start), fmt_ts(end)
        return self._call("/api/v1/labels", p, "POST")["data"]

    def label_values(self, name, matchers=(), start=None, end=None):
        p = {}
        if matchers:
            p["match[]"] = list(matchers)
        if start is not None:
            p["start"], p["end"] = fmt_ts(start), fmt_ts(end)
        return self._call("/api/v1/label/%s/values" % urllib.parse.quote(name), p, "GET")["data"]

    def metadata(self, metric=None):
        return self._call("/api/v1/metadata", {"metric": metric} if metric else None, "GET")["data"]

    def snapshot(self):
        """POST /api/v1/admin/tsdb/snapshot → the snapshot's name."""
        return self._call("/api/v1/admin/tsdb/snapshot", {"skip_head": "false"}, "POST")["data"]["name"]

    def metrics_text(self):
        _, body = http_get(self.base + "/metrics", timeout=10)
        return body.decode("utf-8", "replace")


def fmt_ts(t):
    """Seconds (float) → API timestamp string with ms precision."""
    return "%.3f" % t


_SAMPLE_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)')


def metric_value(text, name, labels=None):
    """Max over the samples of `name` in exposition text whose labels include
    `labels`; None when there is none."""
    best = None
    for line in text.splitlines():
        m = _SAMPLE_LINE.match(line)
        if not m or m.group(1) != name:
            continue
        lbl = m.group(2) or ""
        if labels and not all('%s="%s"' % kv in lbl for kv in labels.items()):
            continue
        try:
            v = float(m.group(3))
        except ValueError:
            continue
        best = v if best is None else max(best, v)
    return best


# ---------------------------------------------------------------- comparison

def parse_value(s):
    return float(s)  # handles "NaN", "+Inf", "-Inf"


def values_equal(a, b, rel):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:
        return True
    if math.isinf(a) or math.isinf(b):
        return False
    # go-cmp EquateApprox(fraction, 0): |a-b| <= fraction * min(|a|, |b|)
    return abs(a - b) <= rel * min(abs(a), abs(b))


def label_key(metric):
    return tuple(sorted(metric.items()))


def fmt_labels(metric):
    name = metric.get("__name__", "")
    rest = ",".join('%s="%s"' % (k, v) for k, v in sorted(metric.items()) if k != "__name__")
    return "%s{%s}" % (name, rest)


def normalize(data):
    """API result → (resultType, {labelkey: [(t, v), ...]}) for comparison."""
    rt = data["resultType"]
    res = data["result"]
    out = {}
    if rt == "matrix":
        for s in res:
            out[label_key(s["metric"])] = [(float(t), parse_value(v)) for t, v in s.get("values", [])]
    elif rt == "vector":
        for s in res:
            t, v = s["value"]
            out[label_key(s["metric"])] = [(float(t), parse_value(v))]
    elif rt == "scalar":
        out[()] = [(float(res[0]), parse_value(res[1]))]
    elif rt == "string":
        out[()] = [(float(res[0]), res[1])]
    return rt, out


def compare_results(ref, got, rel, max_report=6):
    """Returns a list of difference strings (empty when equal)."""
    rt1, a = normalize(ref)
    rt2, b = normalize(got)
    diffs = []
    if rt1 != rt2:
        return ["resultType %s vs %s" % (rt1, rt2)]
    for k in sorted(set(a) | set(b)):
        if k not in b:
            diffs.append("missing series %s (%d points)" % (fmt_labels(dict(k)), len(a[k])))
            continue
        if k not in a:
            diffs.append("extra series %s (%d points)" % (fmt_labels(dict(k)), len(b[k])))
            continue
        pa, pb = a[k], b[k]
        if [t for t, _ in pa] != [t for t, _ in pb]:
            ta, tb = set(t for t, _ in pa), set(t for t, _ in pb)
            diffs.append("%s: timestamps differ: only ref %s, only got %s" % (
                fmt_labels(dict(k)), sorted(ta - tb)[:4], sorted(tb - ta)[:4]))
            continue
        for (t, va), (_, vb) in zip(pa, pb):
            if isinstance(va, str) or isinstance(vb, str):
                ok = va == vb
            else:
                ok = values_equal(va, vb, rel)
            if not ok:
                diffs.append("%s @%.3f: %r vs %r" % (fmt_labels(dict(k)), t, va, vb))
                break
    if len(diffs) > max_report:
        diffs = diffs[:max_report] + ["... %d more" % (len(diffs) - max_report)]
    return diffs
