#!/usr/bin/env bash
# Verifies everything under docker/ without a Docker engine or a cluster (issue 6). Called by .ci/run after the
# tests; also runnable by hand from anywhere:  bash docker/verify/run.sh [--only step,step]
#
# Steps: sync (generated files), deps (runtime package.json of each app = what main.js requires: no kafkajs,
#   faker only in the generator; builds the apps, Nx-cached), helm (lint, render, schema negatives, Kubernetes/KEDA model validation),
#   promtool (rules, rule unit tests, compose's prometheus.yml), compose (Compose Specification schema, files),
#   images (stand-in base image, buildah build of the three Dockerfiles, image contents, sizes),
#   processor-host + processor-image (need Kafka and a real processor: events in/out, /healthz, /metrics,
#   exit 0 on SIGTERM, on this machine and as the image under buildah), dashboard (JSON, PromQL parses,
#   metrics the processor really exports).
#
# Environment (all optional):
#   PROCESSOR_METRICS_URL  a running processor's /metrics; then the processor is not built and run on the host
#   KAFKA_BROKERS          a broker to use; otherwise tools/kafka's broker is leased (started if needed, and
#                          stopped afterwards only if this run started it)
#   XDG_CACHE_HOME         the cache root (default ~/.cache); tools and images go to …/login-pipeline/verify
#   VERIFY_KEEP_WORK=1     keep the work directory (logs, scraped metrics)
# Needs: root (apt-get), node + npm, python3, go (fetches the Compose schema module), git.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"
export REPO_ROOT
export CI="${CI:-true}" NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false FORCE_COLOR=0
source docker/verify/lib/common.sh
source docker/verify/lib/tools.sh
source docker/verify/lib/base-image.sh
source docker/verify/lib/processor.sh
source docker/verify/lib/images.sh

APPS=(processor generator dlq-replayer)
ONLY=""
PHASE=main
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=",$2,"; shift 2 ;;
    --kafka-phase) PHASE=kafka; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) die "unknown argument $1" ;;
  esac
done

if [ "$PHASE" = main ]; then
  VERIFY_WORK="$(mktemp -d "${TMPDIR:-/tmp}/login-pipeline-verify.XXXXXX")"
  export VERIFY_WORK
  : >"$VERIFY_WORK/results"
  [ "${VERIFY_KEEP_WORK:-}" = 1 ] || trap 'rm -rf "$VERIFY_WORK"' EXIT
fi

wanted() { [ -z "$ONLY" ] || [[ "$ONLY" == *",$1,"* ]]; }

# step NAME FUNCTION: runs FUNCTION in a subshell with errexit, records PASS/FAIL and the time it took.
step() {
  local name=$1 fn=$2 started rc
  wanted "$name" || return 0
  started=$(date +%s)
  printf '\n[verify] ===== %s\n' "$name" >&2
  set +e
  (set -euo pipefail; "$fn")
  rc=$?
  set -e
  local took=$(( $(date +%s) - started ))
  if [ "$rc" = 0 ]; then
    printf '[verify] ----- %s: PASS (%ss)\n' "$name" "$took" >&2
    echo "PASS $name ${took}s" >>"$VERIFY_WORK/results"
  else
    printf '[verify] ----- %s: FAIL (exit %s, %ss)\n' "$name" "$rc" "$took" >&2
    echo "FAIL $name ${took}s" >>"$VERIFY_WORK/results"
  fi
}

# ---------------------------------------------------------------------------------------------------- steps

step_sync() {
  bash docker/render-dockerfiles.sh --check
  log "docker/<app>.Dockerfile match docker/Dockerfile.template"
  cmp .dockerignore docker/.dockerignore || die ".dockerignore and docker/.dockerignore differ"
  log ".dockerignore == docker/.dockerignore"
  local linked
  linked=$(readlink -f docker/helm/login-pipeline/files/alerts.rules.yml)
  [ "$linked" = "$REPO_ROOT/docker/prometheus/alerts.rules.yml" ] || die "chart files/alerts.rules.yml must link to docker/prometheus/alerts.rules.yml (is: $linked)"
  log "chart files/alerts.rules.yml -> docker/prometheus/alerts.rules.yml (one rules file)"
  linked=$(readlink -f docker/helm/login-pipeline/files/topic-configs.json)
  [ "$linked" = "$REPO_ROOT/libs/kafka/src/topic-configs.json" ] || die "chart files/topic-configs.json must link to libs/kafka/src/topic-configs.json (is: $linked)"
  log "chart files/topic-configs.json -> libs/kafka/src/topic-configs.json (one set of DLQ topic configs)"
}

# helm prints a warning for the links to the one rules file and the topic configs on every call; it is expected.
quiet_symlink_warning() { grep -v 'found symbolic link in path: .*\(alerts.rules.yml\|topic-configs.json\)' || true; }

step_helm() {
  ensure_helm
  log "$("$HELM" version --short) / kubectl $("$KUBECTL" version --client 2>/dev/null | head -1)"
  local app
  for app in "${APPS[@]}"; do
    "$HELM" lint --strict docker/helm/login-pipeline -f "docker/helm/values/$app.yaml" 2>&1 | quiet_symlink_warning | sed "s/^/  [lint $app] /" >&2
    [ "${PIPESTATUS[0]}" = 0 ] || die "helm lint --strict failed for $app"
    "$HELM" template "login-$app" docker/helm/login-pipeline -f "docker/helm/values/$app.yaml" -n login-pipeline \
      2> >(quiet_symlink_warning >&2) >"$VERIFY_WORK/helm-$app.yaml"
    log "helm template $app: $(grep -c '^kind:' "$VERIFY_WORK/helm-$app.yaml") manifests ($(grep '^kind:' "$VERIFY_WORK/helm-$app.yaml" | awk '{print $2}' | sort | tr '\n' ' '))"
  done
  node --test --test-reporter=spec docker/verify/manifests.test.mjs 2> >(quiet_symlink_warning >&2)
}

# The runtime images install dist/apps/<app>/package.json: check it without building an image.
step_deps() {
  npx nx run-many -t build -p "${APPS[@]}" --outputStyle=static >"$VERIFY_WORK/deps-build.log" 2>&1 \
    || { tail -20 "$VERIFY_WORK/deps-build.log" >&2; die "nx build failed"; }
  node --test --test-reporter=spec docker/verify/runtime-deps.test.mjs
}

step_promtool() {
  ensure_promtool
  log "$("$PROMTOOL" --version 2>&1 | head -1)"
  "$PROMTOOL" check rules docker/prometheus/alerts.rules.yml
  (cd docker/prometheus && "$PROMTOOL" test rules alerts.test.yml)
  # Every alert has a firing and a not-firing test.
  node -e '
    const YAML = require("yaml"); const fs = require("fs");
    const alerts = YAML.parse(fs.readFileSync("docker/prometheus/alerts.rules.yml", "utf8")).groups.flatMap((g) => g.rules.map((r) => r.alert));
    const evals = YAML.parse(fs.readFileSync("docker/prometheus/alerts.test.yml", "utf8")).tests.flatMap((t) => t.alert_rule_test ?? []);
    const missing = alerts.flatMap((a) => [
      evals.some((e) => e.alertname === a && (e.exp_alerts ?? []).length > 0) ? [] : [`${a}: no firing test`],
      evals.some((e) => e.alertname === a && (e.exp_alerts ?? []).length === 0) ? [] : [`${a}: no not-firing test`],
    ].flat());
    if (missing.length) { console.error(missing.join("\n")); process.exit(1); }
    console.error(`[verify] ${alerts.length} alerts, each tested firing and not firing`);
  '
  "$PROMTOOL" check config docker/prometheus/prometheus.yml
}

step_compose() {
  ensure_compose_schema
  log "Compose Specification schema: compose-go $COMPOSE_GO_VERSION"
  node --test --test-reporter=spec docker/verify/compose.test.mjs
}

IMAGE_SIZES=()
step_images() {
  ensure_buildah
  local tag
  tag=$(base_image_tag)
  [ -n "$tag" ] || die "no FROM node:… AS build in docker/Dockerfile.template"
  ensure_base_image "$tag"
  local app failed=0
  for app in "${APPS[@]}"; do
    local started=$(date +%s)
    build_app_image "$app" || { failed=1; continue; }
    log "built $app in $(( $(date +%s) - started ))s"
    check_app_image "$app" || failed=1
  done
  for app in "${APPS[@]}"; do
    log "image size: $(image_ref "$app") $(image_size "$app" 2>/dev/null || echo '?')"
  done
  log "base stand-in: docker.io/library/$tag $(bah images --noheading --format '{{.Size}}' "docker.io/library/$tag")"
  # Keep the layer cache from growing without bound on long-lived machines.
  local used
  used=$(du -s --block-size=1G "$VERIFY_CACHE/containers" 2>/dev/null | awk '{print $1}')
  if [ "${used:-0}" -gt 30 ]; then log "buildah storage ${used} GiB: pruning dangling layers"; bah rmi --prune >/dev/null || true; fi
  [ "$failed" = 0 ]
}

step_processor_metrics_url() {
  http_get "$PROCESSOR_METRICS_URL" "$VERIFY_WORK/processor-host.metrics.txt" || die "could not scrape PROCESSOR_METRICS_URL=$PROCESSOR_METRICS_URL"
  log "scraped $PROCESSOR_METRICS_URL"
}
step_processor_host() { run_processor_on_host; }
step_processor_image() {
  bah inspect --type image "$(image_ref processor)" >/dev/null 2>&1 || die "no processor image: the images step must run first"
  run_processor_image
}

step_dashboard() {
  ensure_promtool
  PROCESSOR_METRICS_FILE="$VERIFY_WORK/processor-host.metrics.txt" node --test --test-reporter=spec docker/verify/dashboard.test.mjs
}

# ---------------------------------------------------------------------------------------------------- run

if [ "$PHASE" = kafka ]; then
  # Re-entered through tools/scripts/run-with-kafka.mjs: KAFKA_BROKERS names a broker that answers.
  log "Kafka at $KAFKA_BROKERS"
  [ -n "${PROCESSOR_METRICS_URL:-}" ] || step processor-host step_processor_host
  step processor-image step_processor_image
  exit 0
fi

started_all=$(date +%s)
step sync step_sync
step deps step_deps
step helm step_helm
step promtool step_promtool
step compose step_compose
step images step_images

if [ -n "${PROCESSOR_METRICS_URL:-}" ]; then step processor-metrics-url step_processor_metrics_url; fi
if wanted processor-host || wanted processor-image; then
  only_arg=()
  [ -z "$ONLY" ] || only_arg=(--only "${ONLY#,}")
  node tools/scripts/run-with-kafka.mjs bash docker/verify/run.sh --kafka-phase "${only_arg[@]}" \
    || echo "FAIL kafka-phase 0s" >>"$VERIFY_WORK/results"
fi
step dashboard step_dashboard

printf '\n[verify] ===== summary (%ss)\n' "$(( $(date +%s) - started_all ))" >&2
sed 's/^/[verify]   /' "$VERIFY_WORK/results" >&2
passed=$(grep -c '^PASS' "$VERIFY_WORK/results" || true)
failed=$(grep -c '^FAIL' "$VERIFY_WORK/results" || true)
echo "docker-verify: $passed passed, $failed failed"
[ "$failed" = 0 ]
