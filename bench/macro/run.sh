#!/usr/bin/env bash
# Macro benchmark: vigil vs Prometheus 2.42 vs VictoriaMetrics 1.79, run one
# after another on this machine with the same pre-encoded remote-write
# payloads (bench/macro/rw_loadgen.cc over bench/series_gen.h: counters, gauges,
# classic histograms; 15 s interval; 6 h of data ending at encode time; sent in
# timestamp order with 4 requests in flight).
#
# For each size and system it reports: ingest samples/s (2xx-acknowledged
# samples / push wall time), bytes on disk per sample once persisted, peak RSS
# (VmHWM, sampled every 0.5 s over the whole run) and the median of 5 runs
# (after one warm-up) of four heavy queries over the 6 h at 60 s steps.
#
# It builds nothing. Usage:
#   bench/macro/run.sh [--vigil build/vigil] [--loadgen build/bench/macro/rw_loadgen]
#                      [--sizes "10k"|"10k 100k"] [--systems "vigil prometheus victoria-metrics"]
#                      [--runs 5] [--out DIR] [--keep] [--vigil-args "EXTRA FLAGS"]
# Sizes: 10k (mandatory in the issue; ~14.4M samples) and 100k (~144M
# samples; long). Any NUMBER is accepted too ("25000"). Outputs go to
# --out (default /tmp/vigil-macro.XXXX): results.tsv, results.md, logs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VIGIL=""
LOADGEN=""
SIZES="10k"
SYSTEMS="vigil prometheus victoria-metrics"
RUNS=5
OUT=""
KEEP=0
VIGIL_ARGS=""  # extra flags for vigil serve, e.g. "--query.timeout=10m"
PUSH_TIMEOUT=3600
while [[ $# -gt 0 ]]; do
  case "$1" in
    --vigil) VIGIL="$2"; shift 2 ;;
    --loadgen) LOADGEN="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --systems) SYSTEMS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --vigil-args) VIGIL_ARGS="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

find_bin() {  # name, candidates...
  local name="$1"; shift
  for c in "$@"; do [[ -x "$c" ]] && { echo "$c"; return; }; done
  echo "cannot find $name (pass --$name)" >&2; return 1
}
if [[ " $SYSTEMS " == *" vigil "* ]]; then
  [[ -n "$VIGIL" ]] || VIGIL="$(find_bin vigil "$REPO/build/vigil" "$REPO/build/server/vigil" /tmp/macrobuild/vigil /tmp/macrobuild/server/vigil)"
fi
[[ -n "$LOADGEN" ]] || LOADGEN="$(find_bin loadgen "$REPO/build/bench/macro/rw_loadgen" /tmp/macro/rw_loadgen)"
for t in curl jq python3 du; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 2; }; done

# Peers: install if missing (Debian packages; never started as services).
install_pkg() {
  local bin="$1" pkg="$2"
  command -v "$bin" >/dev/null && return
  local sudo=""; [[ "$(id -u)" == 0 ]] || sudo="sudo"
  echo "installing $pkg" >&2
  $sudo apt-get install -y --no-install-recommends "$pkg" >&2 ||
    { $sudo apt-get update >&2 && $sudo apt-get install -y --no-install-recommends "$pkg" >&2; }
}
[[ " $SYSTEMS " == *" prometheus "* ]] && install_pkg prometheus prometheus
[[ " $SYSTEMS " == *" victoria-metrics "* ]] && install_pkg victoria-metrics victoria-metrics

[[ -n "$OUT" ]] || OUT="$(mktemp -d /tmp/vigil-macro.XXXX)"
mkdir -p "$OUT"
RESULTS="$OUT/results.tsv"
printf 'size\tsystem\tseries\tsamples_total\tsamples_acked\tpush_wall_s\tingest_sps\tbytes_on_disk\tbytes_per_sample\tpersist_s\tpeak_rss_kb\tq_rate_all_s\tq_hist_p99_s\tq_err_ratio_s\tq_increase_instant_s\tq_series\tinc_sum\tloadavg_start\tloadavg_end\n' > "$RESULTS"
echo "output in $OUT" >&2

PID=""
SAMPLER=""
cleanup() {
  [[ -n "$SAMPLER" ]] && kill "$SAMPLER" 2>/dev/null || true
  if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; sleep 1; kill -9 "$PID" 2>/dev/null || true; fi
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

start_system() {  # sys dir port log
  local sys="$1" dir="$2" port="$3" log="$4"
  case "$sys" in
    vigil)
      "$VIGIL" serve --storage.tsdb.path "$dir" --web.listen-address "127.0.0.1:$port" \
        --web.enable-admin-api $VIGIL_ARGS >"$log" 2>&1 & ;;
    prometheus)
      prometheus --config.file=/dev/null --storage.tsdb.path="$dir" \
        --web.listen-address="127.0.0.1:$port" --web.enable-remote-write-receiver \
        --web.enable-admin-api --query.timeout=10m >"$log" 2>&1 & ;;
    victoria-metrics)
      victoria-metrics -storageDataPath="$dir" -httpListenAddr="127.0.0.1:$port" \
        -retentionPeriod=100y -search.disableCache -search.latencyOffset=0s \
        -search.maxQueryDuration=10m >"$log" 2>&1 & ;;
  esac
  PID=$!
  # VmHWM is a high-water mark already; sampling it every 0.5 s keeps the
  # peak even if the process dies before the end of the run.
  ( while kill -0 "$PID" 2>/dev/null; do hwm_kb "$PID" >> "$dir.hwm"; sleep 0.5; done ) &
  SAMPLER=$!
  local url
  case "$sys" in
    victoria-metrics) url="http://127.0.0.1:$port/health" ;;
    *) url="http://127.0.0.1:$port/-/ready" ;;
  esac
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "$url" && return 0
    [[ "$sys" == vigil ]] && curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/query?query=1" && return 0
    kill -0 "$PID" 2>/dev/null || { echo "$sys died at start; log:" >&2; tail -20 "$log" >&2; return 1; }
    sleep 0.25
  done
  echo "$sys not ready after 60 s" >&2; return 1
}

stop_system() {
  local hwm; hwm="$(hwm_kb "$PID")"; echo "$hwm" >> "$1.hwm"
  kill "$PID" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true
  PID=""; SAMPLER=""
}

# Persists and prints "bytes seconds".
persist() {  # sys dir port
  local sys="$1" dir="$2" port="$3" t0 bytes
  t0=$(date +%s.%N)
  case "$sys" in
    vigil)
      curl -sf -XPOST "http://127.0.0.1:$port/api/v1/admin/tsdb/snapshot" > "$dir.snap.json"
      bytes=$(du -sb --exclude=snapshots "$dir" | cut -f1) ;;
    prometheus)
      # The snapshot (head included) is what persisted data costs: right after
      # ingest the data dir is mostly WAL.
      curl -sf -XPOST "http://127.0.0.1:$port/api/v1/admin/tsdb/snapshot" > "$dir.snap.json"
      local name; name=$(jq -r .data.name "$dir.snap.json")
      bytes=$(du -sb "$dir/snapshots/$name" | cut -f1) ;;
    victoria-metrics)
      curl -sf "http://127.0.0.1:$port/internal/force_flush" >/dev/null
      curl -sf "http://127.0.0.1:$port/internal/force_merge" >/dev/null
      # force_merge only starts the merge: wait until it was seen running (or
      # 3 s passed) and then until no force merge (nor any merge) is active.
      local seen=0 active merges
      for i in $(seq 1 7200); do
        active=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '$1=="vm_active_force_merges"{print $2}')
        merges=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '$1 ~ /^vm_active_merges/ {s+=$2} END{print s+0}')
        [[ "${active:-0}" != 0 ]] && seen=1
        if [[ "${active:-0}" == 0 && "$merges" == 0 ]] && { [[ $seen == 1 ]] || (( i > 6 )); }; then break; fi
        sleep 0.5
      done
      curl -sf "http://127.0.0.1:$port/internal/force_flush" >/dev/null
      bytes=$(du -sb --exclude=snapshots "$dir" | cut -f1) ;;
  esac
  echo "$bytes $(python3 -c "import time; print(round(time.time()-$t0, 2))")"
}

# Runs one query RUNS+1 times (first is the warm-up) and prints
# "median_seconds result_series"; fails unless every answer is a success with
# non-empty data.
run_query() {  # port name kind(range|instant) promql start end
  local port="$1" name="$2" kind="$3" q="$4" start="$5" end="$6" times=() r t code
  local f="$QDIR/$name.json"
  for r in $(seq 0 "$RUNS"); do
    if [[ "$kind" == range ]]; then
      out=$(curl -s -o "$f" -w '%{http_code} %{time_total}' -G "http://127.0.0.1:$port/api/v1/query_range" \
        --data-urlencode "query=$q" --data-urlencode "start=$start" --data-urlencode "end=$end" \
        --data-urlencode "step=60")
    else
      out=$(curl -s -o "$f" -w '%{http_code} %{time_total}' -G "http://127.0.0.1:$port/api/v1/query" \
        --data-urlencode "query=$q" --data-urlencode "time=$end")
    fi
    code=${out% *}; t=${out#* }
    if [[ "$code" != 200 ]] || ! jq -e '.status == "success" and (.data.result | length > 0)' "$f" >/dev/null 2>&1; then
      echo "query $name failed (HTTP $code): $(head -c 300 "$f")" >&2; return 1
    fi
    (( r > 0 )) && times+=("$t")
  done
  local n; n=$(jq '.data.result | length' "$f")
  echo "$(printf '%s\n' "${times[@]}" | sort -g | python3 -c 'import sys,statistics; print(round(statistics.median(float(x) for x in sys.stdin), 4))') $n"
}

Q_RATE_ALL='sum by (job) (rate({__name__=~".+_total|.+_bucket"}[5m]))'
Q_HIST='histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))'
Q_ERR='sum by (route) (rate(http_requests_total{status_code=~"5.."}[5m])) / sum by (route) (rate(http_requests_total[5m]))'
Q_INC='sum by (job, route) (increase(http_requests_total[6h]))'

for SIZE in $SIZES; do
  case "$SIZE" in
    10k) N=10000 ;; 100k) N=100000 ;; *[!0-9]*) echo "bad size $SIZE" >&2; exit 2 ;; *) N="$SIZE" ;;
  esac
  W="$OUT/workload-$SIZE.bin"
  echo "== $SIZE: encoding $N series x 6h @15s (ending now)" >&2
  "$LOADGEN" encode --series "$N" --hours 6 --interval-s 15 --batch 2000 --out "$W" > "$OUT/workload-$SIZE.json"
  cat "$OUT/workload-$SIZE.json" >&2
  MIN_TS=$(jq .min_ts "$OUT/workload-$SIZE.json"); MAX_TS=$(jq .max_ts "$OUT/workload-$SIZE.json")
  # Query window: the data's 6 h (whole seconds), the same for every system.
  QSTART=$(( MIN_TS / 1000 + 1 )); QEND=$(( MAX_TS / 1000 + 1 ))

  # The loadgen's own ceiling: no network at all, and a null sink answering 204.
  "$LOADGEN" push --in "$W" --null > "$OUT/ceiling-null-$SIZE.json"
  SINK_LOG="$OUT/sink-$SIZE.log"
  "$LOADGEN" sink --port 0 > "$SINK_LOG" 2>&1 &
  SINK=$!
  for _ in $(seq 1 40); do grep -q '^port ' "$SINK_LOG" && break; sleep 0.1; done
  "$LOADGEN" push --in "$W" --url "http://127.0.0.1:$(awk '/^port/{print $2}' "$SINK_LOG")/api/v1/write" \
    --inflight 4 > "$OUT/ceiling-sink-$SIZE.json"
  kill "$SINK"; wait "$SINK" 2>/dev/null || true
  echo "loadgen ceiling vs null sink: $(jq .samples_per_s "$OUT/ceiling-sink-$SIZE.json") samples/s" >&2

  for SYS in $SYSTEMS; do
    echo "== $SIZE / $SYS (load $(loadavg))" >&2
    LA0=$(loadavg)
    DIR="$OUT/$SIZE-$SYS/data"; mkdir -p "$DIR"; rm -f "$DIR.hwm"
    QDIR="$OUT/$SIZE-$SYS/queries"; mkdir -p "$QDIR"
    PORT=$(free_port)
    start_system "$SYS" "$DIR" "$PORT" "$OUT/$SIZE-$SYS/server.log"
    timeout "$PUSH_TIMEOUT" "$LOADGEN" push --in "$W" --url "http://127.0.0.1:$PORT/api/v1/write" \
      --inflight 4 > "$OUT/$SIZE-$SYS/push.json" || echo "push reported failures" >&2
    cat "$OUT/$SIZE-$SYS/push.json" >&2
    R=$(persist "$SYS" "$DIR" "$PORT") || R="0 nan"; read -r BYTES PERSIST_S <<<"$R"
    ACKED=$(jq .samples_acked "$OUT/$SIZE-$SYS/push.json" 2>/dev/null || echo 0)
    echo "persisted: $BYTES bytes in $PERSIST_S s" >&2
    # Give VictoriaMetrics' search its data (force_flush done above); queries:
    R=$(run_query "$PORT" rate_all range "$Q_RATE_ALL" "$QSTART" "$QEND") || R="nan FAIL"; read -r T1 S1 <<<"$R"
    R=$(run_query "$PORT" hist_p99 range "$Q_HIST" "$QSTART" "$QEND") || R="nan FAIL"; read -r T2 S2 <<<"$R"
    R=$(run_query "$PORT" err_ratio range "$Q_ERR" "$QSTART" "$QEND") || R="nan FAIL"; read -r T3 S3 <<<"$R"
    R=$(run_query "$PORT" increase_6h instant "$Q_INC" "$QSTART" "$QEND") || R="nan FAIL"; read -r T4 S4 <<<"$R"
    INC_SUM=$(jq '[.data.result[].value[1] | tonumber] | add | floor' "$QDIR/increase_6h.json" 2>/dev/null || echo n/a)
    echo "queries (median s): $T1 $T2 $T3 $T4; result series $S1/$S2/$S3/$S4; sum(increase)=$INC_SUM" >&2
    stop_system "$DIR"
    PEAK=$(sort -n "$DIR.hwm" | tail -1)
    BPS=$(python3 -c "print(round($BYTES/$ACKED, 3) if $ACKED else 0)")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
      "$SIZE" "$SYS" "$N" "$(jq .samples_total "$OUT/$SIZE-$SYS/push.json")" "$ACKED" \
      "$(jq .wall_s "$OUT/$SIZE-$SYS/push.json")" "$(jq .samples_per_s "$OUT/$SIZE-$SYS/push.json")" \
      "$BYTES" "$BPS" "$PERSIST_S" "$PEAK" "$T1" "$T2" "$T3" "$T4" "$S1/$S2/$S3/$S4" "$INC_SUM" \
      "$LA0" "$(loadavg)" >> "$RESULTS"
    [[ $KEEP == 1 ]] || rm -rf "$DIR"
  done
  [[ $KEEP == 1 ]] || rm -f "$W"
done

python3 "$HERE/report.py" "$RESULTS" "$OUT" > "$OUT/results.md"
cat "$OUT/results.md"
