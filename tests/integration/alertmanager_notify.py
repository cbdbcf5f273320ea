"""alertmanager_notify: vigil's alerting end to end against a real
Alertmanager 0.25 (Debian's prometheus-alertmanager) and a webhook receiver.

vigil serve runs a rule file (evaluation_interval 1s, resend delay 1s) with
an alert on a remote-written metric (`for: 2s`, a templated annotation),
sends to Alertmanager (API v2) and to two direct webhook receivers: one that
records what it gets, one that accepts connections and never answers.
Checks, each with a bounded wait:
  1. Alertmanager's GET /api/v2/alerts shows the alert firing with the rule
     labels, the external labels and the expanded annotation, and the same
     fingerprint the webhook message carries;
  2. the webhook got an Alertmanager-format v4 message;
  3. /api/v1/rules' lastEvaluation keeps advancing while the silent receiver
     holds its connection (notification never blocks evaluation);
  4. once the samples clear the condition, vigil sends the resolved alert:
     Alertmanager counts a resolved alert received and drops it from GET
     /api/v2/alerts (0.25 lists only alerts whose endsAt is in the future),
     and the webhook gets a "resolved" message;
  5. the webhook URL's secret token appears neither in vigil's log nor in
     /metrics.
Exit 77 only when Alertmanager cannot be installed.

Usage: alertmanager_notify.py --vigil build/vigil
"""
import argparse
import http.server
import json
import os
import socket
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itlib  # noqa: E402
import remote_write  # noqa: E402

ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
SECRET = "t0k3n-S3CR3T"
METRIC = "it_queue_length"

RULES = """
groups:
  - name: it-alerts
    rules:
      - alert: QueueTooLong
        expr: %s > 10
        for: 2s
        labels:
          severity: critical
        annotations:
          summary: "Queue {{ $labels.queue }} has {{ $value }} items"
""" % METRIC


def wait_until(what, fn, timeout, interval=0.25):
    """Polls fn() until it returns a truthy value (returned); fails after
    `timeout` seconds with the last value seen."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = fn()
        except (OSError, ValueError) as e:  # a peer not answering yet
            last = e
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError("timeout after %ss waiting for %s; last: %r" % (timeout, what, last))


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


class WebhookRecorder:
    """A loopback HTTP server recording every POST body (parsed JSON)."""

    def __init__(self):
        self.messages = []
        self.paths = []
        self.lock = threading.Lock()
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with recorder.lock:
                    recorder.paths.append(self.path)
                    try:
                        recorder.messages.append(json.loads(body))
                    except ValueError:
                        recorder.messages.append({"unparsable": body.decode("utf-8", "replace")})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def snapshot(self):
        with self.lock:
            return list(self.messages)


def silent_listener():
    """A socket that listens but never accepts: connections complete in the
    kernel, requests are sent, nothing ever answers."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


class SampleWriter:
    """Remote-writes METRIC{queue="q1",job="it"} = value every 0.5 s."""

    def __init__(self, port):
        self.writer = remote_write.Writer("127.0.0.1", port)
        self.value = 50.0
        self.stop = threading.Event()
        self.errors = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        labels = {"__name__": METRIC, "queue": "q1", "job": "it"}
        while not self.stop.is_set():
            payload = remote_write.write_request([(labels, [(int(time.time() * 1000), self.value)])])
            status, body = self.writer.post(payload)
            if status not in (200, 204):
                self.errors.append((status, body[:200]))
            self.stop.wait(0.5)


def start_alertmanager():
    itlib.ensure_packages(["prometheus-alertmanager"], [ALERTMANAGER])
    d = itlib.tempdir("alertmanager")
    cfg = os.path.join(d, "alertmanager.yml")
    with open(cfg, "w") as f:
        f.write("route: {receiver: r, group_wait: 0s}\nreceivers: [{name: r}]\n")
    port = itlib.free_port()
    argv = [ALERTMANAGER, "--config.file=" + cfg, "--storage.path=" + os.path.join(d, "data"),
            "--web.listen-address=127.0.0.1:%d" % port, "--cluster.listen-address=", "--log.level=warn"]
    proc = itlib.Proc("alertmanager", argv, os.path.join(d, "log.txt"))
    itlib.wait_ready("http://127.0.0.1:%d/-/ready" % port, proc, 60)
    return proc, port


def write_vigil_config(d, am_port, hook_port, silent_port):
    with open(os.path.join(d, "rules.yml"), "w") as f:
        f.write(RULES)
    cfg = os.path.join(d, "vigil.yml")
    with open(cfg, "w") as f:
        f.write("""
global:
  evaluation_interval: 1s
  external_labels: {cluster: it-1}
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{targets: ["127.0.0.1:%d"]}]
  retry: {initial_backoff: 200ms, max_backoff: 1s, max_age: 1m}
  receivers:
    - name: hook
      type: webhook
      url: http://127.0.0.1:%d/hook/%s
    - name: silent
      type: webhook
      url: http://127.0.0.1:%d/never/%s
      timeout: 60s
""" % (am_port, hook_port, SECRET, silent_port, SECRET))
    return cfg


def am_alerts(am_port):
    return [a for a in get_json("http://127.0.0.1:%d/api/v2/alerts" % am_port)
            if a["labels"].get("alertname") == "QueueTooLong"]


def last_evaluation(vigil_port):
    doc = get_json("http://127.0.0.1:%d/api/v1/rules" % vigil_port)
    groups = doc["data"]["groups"]
    return groups[0]["lastEvaluation"] if groups else None


def main():
    parser = argparse.ArgumentParser()
    itlib.add_common_args(parser)
    args = parser.parse_args()
    itlib.watchdog(300)

    am_proc, am_port = start_alertmanager()
    hook = WebhookRecorder()
    silent = silent_listener()
    d = itlib.tempdir("vigil-alerting")
    cfg = write_vigil_config(d, am_port, hook.port, silent.getsockname()[1])
    vigil = itlib.start_vigil("vigil", args.vigil, ["--config.file", cfg, "--rules.alert.resend-delay=1s",
                                                    "--web.enable-lifecycle"], data_dir=os.path.join(d, "data"))
    writer = SampleWriter(vigil.port)
    try:
        # 1. Firing in Alertmanager, with external labels and the annotation.
        alerts = wait_until("the alert in Alertmanager", lambda: am_alerts(am_port), 60)
        a = alerts[0]
        itlib.log("alertmanager holds:", json.dumps(a, sort_keys=True))
        want_labels = {"alertname": "QueueTooLong", "queue": "q1", "job": "it", "severity": "critical",
                       "cluster": "it-1"}
        assert a["labels"] == want_labels, a["labels"]
        assert a["annotations"] == {"summary": "Queue q1 has 50 items"}, a["annotations"]
        assert a["status"]["state"] == "active", a["status"]
        assert "/graph?g0.expr=" in a["generatorURL"], a["generatorURL"]

        # 2. The webhook's v4 message for the same alert.
        msgs = wait_until("a firing webhook message",
                          lambda: [m for m in hook.snapshot() if m.get("status") == "firing"], 30)
        m = msgs[0]
        itlib.log("webhook got:", json.dumps(m, sort_keys=True))
        assert m["version"] == "4" and m["receiver"] == "hook", m
        assert m["groupKey"] == '{}:{alertname="QueueTooLong"}', m["groupKey"]
        assert m["groupLabels"] == {"alertname": "QueueTooLong"}, m["groupLabels"]
        assert m["commonLabels"] == want_labels, m["commonLabels"]
        assert len(m["alerts"]) == 1 and m["truncatedAlerts"] == 0, m
        wa = m["alerts"][0]
        assert wa["status"] == "firing" and wa["labels"] == want_labels, wa
        assert wa["endsAt"] == "0001-01-01T00:00:00Z", wa["endsAt"]
        assert wa["annotations"] == {"summary": "Queue q1 has 50 items"}, wa["annotations"]
        assert wa["fingerprint"] == a["fingerprint"], (wa["fingerprint"], a["fingerprint"])
        assert hook.paths[0] == "/hook/" + SECRET, hook.paths

        # 3. Evaluation keeps going while the silent receiver holds on.
        seen = [last_evaluation(vigil.port)]
        for _ in range(3):
            wait_until("lastEvaluation to advance", lambda: last_evaluation(vigil.port) not in seen, 10)
            seen.append(last_evaluation(vigil.port))
        itlib.log("lastEvaluation advanced:", seen)
        assert len([m for m in hook.snapshot() if m.get("status") == "firing"]) == 1, \
            "the firing alert was re-notified within the repeat interval"

        # 4. Resolved.
        writer.value = 1.0
        wait_until("Alertmanager to receive the resolved alert", lambda: (itlib.metric_value(
            itlib.http_get("http://127.0.0.1:%d/metrics" % am_port)[1].decode(),
            "alertmanager_alerts_received_total", {"status": "resolved", "version": "v2"}) or 0) >= 1, 30)
        wait_until("the alert to leave Alertmanager's active list", lambda: not am_alerts(am_port), 30)
        resolved = wait_until("a resolved webhook message",
                              lambda: [m for m in hook.snapshot() if m.get("status") == "resolved"], 30)
        r = resolved[0]["alerts"][0]
        assert r["status"] == "resolved" and r["labels"] == want_labels, r
        assert r["endsAt"] != "0001-01-01T00:00:00Z", r
        time.sleep(3)  # the rule group re-sends the resolved alert every second
        n_resolved = len([m for m in hook.snapshot() if m.get("status") == "resolved"])
        assert n_resolved == 1, "resolved notified %d times" % n_resolved

        # 5. No secret in the log or the metrics.
        metrics = vigil.api.metrics_text()
        sent = itlib.metric_value(metrics, "vigil_notifications_sent_total", {"receiver": "hook"})
        assert sent is not None and sent >= 2, sent
        assert SECRET not in metrics, "secret in /metrics"
        assert not writer.errors, writer.errors[:3]
    finally:
        writer.stop.set()
        writer.thread.join(timeout=5)
        vigil.stop()
        am_proc.stop()
        silent.close()
    with open(os.path.join(d, "log.txt"), encoding="utf-8", errors="replace") as f:
        log = f.read()
    assert SECRET not in log, "secret in vigil's log"
    itlib.log("PASS")
    return 0


if __name__ == "__main__":
    itlib.run_main(main)
