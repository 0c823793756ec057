# Runs the processor against a real Kafka, feeds it events on private topics, and proves it works
# (sourced by run.sh). Two ways: the built dist/apps/processor/main.js on this machine (for the /metrics scrape)
# and the processor image under buildah.

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

http_get() { # http_get URL [OUTFILE]: exit 0 on a 2xx answer
  node -e 'fetch(process.argv[1]).then(async (r) => { const t = await r.text(); if (process.argv[2]) require("fs").writeFileSync(process.argv[2], t); process.exit(r.ok ? 0 : 1); }, () => process.exit(1))' "$@"
}

wait_http() { # wait_http URL SECONDS PID: until URL answers 2xx, fails early when PID dies
  local url=$1 seconds=$2 pid=$3 i
  for ((i = 0; i < seconds * 4; i++)); do
    http_get "$url" && return 0
    kill -0 "$pid" 2>/dev/null || { log "process $pid died before $url answered"; return 1; }
    sleep 0.25
  done
  log "$url did not answer within ${seconds}s"
  return 1
}

wait_exit() { # wait_exit PID SECONDS: sets WAIT_RC to the process's exit code, 124 if it outlived SECONDS
  local pid=$1 seconds=$2 i
  WAIT_RC=124
  for ((i = 0; i < seconds * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      WAIT_RC=0
      wait "$pid" || WAIT_RC=$?
      return 0
    fi
    sleep 0.1
  done
}

# exercise_processor NAME PID PORT PREFIX: readiness, events in → output + DLQ out, /healthz, scrape /metrics
exercise_processor() {
  local name=$1 pid=$2 port=$3 prefix=$4
  wait_http "http://127.0.0.1:$port/readyz" 90 "$pid" || return 1
  log "$name: /readyz answers"
  node docker/verify/kafka-probe.mjs produce "$prefix" 40 8
  node docker/verify/kafka-probe.mjs expect "$prefix" 40 8 90000 || return 1
  http_get "http://127.0.0.1:$port/healthz" || { log "$name: /healthz did not answer 2xx"; return 1; }
  log "$name: /healthz answers"
  http_get "http://127.0.0.1:$port/metrics" "$VERIFY_WORK/$name.metrics.txt" || { log "$name: /metrics failed"; return 1; }
  log "$name: /metrics scraped ($(grep -c '^login_processor_' "$VERIFY_WORK/$name.metrics.txt") login_processor_* samples) -> $VERIFY_WORK/$name.metrics.txt"
}

# stop_and_expect_zero NAME PID [SIGNAL_PID]: SIGTERM, then exit code 0 within the grace period (25 s + margin)
stop_and_expect_zero() {
  local name=$1 pid=$2 target=${3:-$2} started
  started=$(date +%s)
  kill -TERM "$target"
  wait_exit "$pid" 35
  log "$name: exit code $WAIT_RC, $(( $(date +%s) - started ))s after SIGTERM"
  [ "$WAIT_RC" = 0 ]
}

processor_env() { # the processor's environment for a private run
  local port=$1 prefix=$2
  echo "KAFKA_BROKERS=$KAFKA_BROKERS"
  echo "INPUT_TOPIC=$prefix-in"
  echo "OUTPUT_TOPIC=$prefix-out"
  echo "DLQ_TOPIC=$prefix-dlq"
  echo "CONSUMER_GROUP=$prefix-group"
  echo "HTTP_PORT=$port"
  echo "SUMMARY_INTERVAL_MS=5000"
  echo "LOG_LEVEL=info"
  # A throwaway lineage key (the processor requires one; nothing is replayed in these runs).
  echo "LINEAGE_KEY=verify-throwaway-lineage-key-$prefix"
}

# Host run: build, run, feed, scrape, SIGTERM. Leaves $VERIFY_WORK/processor-host.metrics.txt.
run_processor_on_host() {
  log "npx nx build processor"
  NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false npx nx build processor --outputStyle=static >"$VERIFY_WORK/nx-build-processor.log" 2>&1 \
    || { tail -30 "$VERIFY_WORK/nx-build-processor.log" >&2; die "nx build processor failed"; }
  local port prefix
  port=$(free_port)
  prefix="verify-host-$$-$(date +%s)"
  HOST_PID=""
  # Whatever happens, stop what this step started and drop its topics (the step runs in a subshell).
  trap 'if [ -n "$HOST_PID" ] && kill -0 "$HOST_PID" 2>/dev/null; then kill -KILL "$HOST_PID"; fi; node docker/verify/kafka-probe.mjs teardown "'"$prefix"'" || true' EXIT
  node docker/verify/kafka-probe.mjs setup "$prefix"
  # A throwaway masking key, made for this run only.
  env $(processor_env "$port" "$prefix") MASKING_KEY="verify-throwaway-$(node -p 'require("crypto").randomBytes(16).toString("hex")')" \
    node dist/apps/processor/main.js >"$VERIFY_WORK/processor-host.log" 2>&1 &
  HOST_PID=$!
  exercise_processor processor-host "$HOST_PID" "$port" "$prefix" && stop_and_expect_zero processor-host "$HOST_PID" \
    || { tail -20 "$VERIFY_WORK/processor-host.log" | cut -c1-300 >&2; return 1; }
}
