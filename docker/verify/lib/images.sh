# Builds the app images with buildah from the real Dockerfiles, checks what is inside, and runs the processor
# image against Kafka (sourced by run.sh).

bah() { buildah "${BUILDAH_STORAGE[@]}" "$@"; }
image_ref() { echo "localhost/login-pipeline/$1:verify"; }

build_app_image() {
  local app=$1 secret_args=() ca
  # The build's `npm ci` talks to the npm registry; where this machine trusts an extra CA for that (a TLS
  # proxy), hand it to the build as the optional build_ca secret (never stored in a layer).
  ca="${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}"
  if [ -n "$ca" ] && [ "$ca" != null ] && [ -s "$ca" ]; then secret_args=(--secret "id=build_ca,src=$ca"); fi
  log "buildah bud docker/$app.Dockerfile -> $(image_ref "$app")"
  bah bud --isolation chroot --pull-never --layers --format docker \
    "${secret_args[@]}" \
    --build-arg "VERSION=$(node -p 'require("./package.json").version')" \
    --build-arg "REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -f "docker/$app.Dockerfile" -t "$(image_ref "$app")" . >"$VERIFY_WORK/build-$app.log" 2>&1 \
    || { tail -40 "$VERIFY_WORK/build-$app.log" >&2; return 1; }
}

# What the image holds and how it is configured.
check_app_image() {
  local app=$1 ref config ctr mnt problems=()
  ref=$(image_ref "$app")
  config=$(bah inspect --type image "$ref")
  node -e '
    const [app, text] = process.argv.slice(1);
    const c = JSON.parse(text).Docker.config;
    const problems = [];
    const want = (ok, msg) => { if (!ok) problems.push(msg); };
    want(c.User === "10001:10001", `USER is ${c.User}, want 10001:10001 (numeric, non-root)`);
    want(JSON.stringify(c.Entrypoint) === JSON.stringify(["/usr/bin/tini", "--"]), `ENTRYPOINT ${JSON.stringify(c.Entrypoint)}`);
    want(JSON.stringify(c.Cmd) === JSON.stringify(["node", "main.js"]), `CMD ${JSON.stringify(c.Cmd)} (exec form node main.js)`);
    want(c.WorkingDir === "/app", `WORKDIR ${c.WorkingDir}`);
    want((c.Env ?? []).includes("NODE_ENV=production"), "NODE_ENV=production");
    want(c.Healthcheck && c.Healthcheck.Test.join(" ").includes("/healthz"), "HEALTHCHECK against /healthz");
    want(c.ExposedPorts && "8080/tcp" in c.ExposedPorts, "EXPOSE 8080");
    const labels = c.Labels ?? {};
    for (const k of ["title", "description", "version", "revision", "created", "licenses", "base.name"]) want(labels[`org.opencontainers.image.${k}`], `label org.opencontainers.image.${k}`);
    want(labels["org.opencontainers.image.title"] === `login-pipeline-${app}`, "title label names the app");
    if (problems.length) { console.error(problems.map((p) => `  config: ${p}`).join("\n")); process.exit(1); }
  ' "$app" "$config" || problems+=("image configuration")
  ctr=$(bah from --pull-never "$ref")
  mnt=$(bah mount "$ctr")
  local listing
  listing=$(cd "$mnt/app" && ls -A | sort | tr '\n' ' ')
  [ "$listing" = "main.js node_modules package-lock.json package.json " ] || [ "$listing" = "main.js package-lock.json package.json " ] \
    || problems+=("/app holds: $listing")
  [ -z "$(find "$mnt/app" -name '*.map' -o -name '*.spec.*' -o -name '*.int-spec.*' -o -name '*.ts' ! -name '*.d.ts' | grep -v '/node_modules/' | head -1)" ] \
    || problems+=("source maps, tests or TypeScript sources in /app")
  [ -z "$(find "$mnt/app" -name '*.map' | head -1)" ] || problems+=("source maps under /app")
  for dev in typescript jest nx @nx eslint esbuild @swc ts-node @types/node @types/jest fast-check kubernetes-models yaml; do
    [ ! -e "$mnt/app/node_modules/$dev" ] || problems+=("dev dependency $dev in /app/node_modules")
  done
  node -e '
    const fs = require("fs"); const path = require("path"); const app = process.argv[1];
    const lock = JSON.parse(fs.readFileSync(path.join(app, "package-lock.json"), "utf8")).packages;
    const bad = Object.keys(lock).filter((k) => k && lock[k].dev && fs.existsSync(path.join(app, k)));
    if (bad.length) { console.error("dev packages installed: " + bad.join(" ")); process.exit(1); }
  ' "$mnt/app" || problems+=("dev dependencies from the lockfile are installed")
  # kafkajs runs from the bundle only; faker is the generator's alone (docker/verify/runtime-deps.test.mjs checks the
  # package.json these come from, this checks the image).
  [ ! -e "$mnt/app/node_modules/kafkajs" ] || problems+=("kafkajs in /app/node_modules (unused and unpatched: it is bundled)")
  [ "$app" = generator ] || [ ! -e "$mnt/app/node_modules/@faker-js/faker" ] || problems+=("@faker-js/faker in /app/node_modules")
  [ -z "$(find "$mnt/root/.npm" -type f 2>/dev/null | head -1)" ] || problems+=("npm cache left in /root/.npm")
  [ -z "$(ls -A "$mnt/var/lib/apt/lists" 2>/dev/null | grep -v '^lock$\|^partial$')" ] || problems+=("apt lists left in the image")
  [ -x "$mnt/usr/bin/tini" ] || problems+=("no /usr/bin/tini")
  [ "$(stat -c %u "$mnt/app/main.js")" = 0 ] || problems+=("/app/main.js not owned by root (the app must not rewrite its own code)")
  # kafkajs runs from the bundle, built from the build stage's node_modules that `npm ci` patched (patches/): one
  # mark of each patch must be in main.js (the runtime stage installs with --ignore-scripts, so an unbundled
  # kafkajs would be the unpatched one).
  for mark in isCoordinatorLost acknowledged.set 'of decoder.readVarIntArray(HeaderDecoder)' 'result[partition].push(message)' SLICING_TABLES leaveWhileJoining oversizedBatchRecord 'abortedTransactions].sort(' closeAfterRequestTimeout \
    'writeVarIntString(header.key).writeVarIntBytes(header.value)' 'Encoder.ofExactSize('; do
    grep -qF "$mark" "$mnt/app/main.js" || problems+=("main.js lacks the patched kafkajs ($mark): was kafkajs bundled from a patched node_modules?")
  done
  local deps
  deps=$(node -e 'const p=require(process.argv[1]);console.log(Object.keys(p.dependencies??{}).join(" ")||"(none)")' "$mnt/app/package.json")
  bah umount "$ctr" >/dev/null
  bah rm "$ctr" >/dev/null
  if [ "${#problems[@]}" -gt 0 ]; then
    printf '[verify]   %s: %s\n' "$app" "${problems[@]}" >&2
    return 1
  fi
  log "$app image: USER 10001:10001, tini PID 1, CMD node main.js, HEALTHCHECK /healthz, OCI labels; /app = $listing; production deps: $deps"
}

image_size() { bah images --noheading --format '{{.Size}}' "$(image_ref "$1")"; }

# pids of ROOT's descendants (children first), read from /proc
descendants() {
  local root=$1 child
  for child in $(ps -o pid= --ppid "$root" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

# The processor image under buildah against Kafka: processes events, answers /healthz, exits 0 on SIGTERM.
run_processor_image() {
  local ref port prefix keyfile tini_pid="" node_pid="" cmd uid
  ref=$(image_ref processor)
  CTR=$(bah from --pull-never --name "verify-processor-$$" "$ref")
  BPID=""
  port=$(free_port)
  prefix="verify-image-$$-$(date +%s)"
  # Whatever happens, stop the container this step started and drop its topics (the step runs in a subshell).
  trap 'if [ -n "$BPID" ] && kill -0 "$BPID" 2>/dev/null; then for p in $(descendants "$BPID"); do kill -KILL "$p" 2>/dev/null || true; done; kill -KILL "$BPID" 2>/dev/null || true; fi; bah rm "$CTR" >/dev/null 2>&1 || true; node docker/verify/kafka-probe.mjs teardown "'"$prefix"'" || true' EXIT
  keyfile="$VERIFY_WORK/masking-key"
  node -p '"verify-throwaway-" + require("crypto").randomBytes(16).toString("hex")' | tr -d '\n' >"$keyfile"
  chmod 0444 "$keyfile"
  node docker/verify/kafka-probe.mjs setup "$prefix"
  # The image's own ENTRYPOINT + CMD, as a container runtime would start it.
  mapfile -t cmd < <(bah inspect --type image "$ref" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s).Docker.config;for(const a of [...c.Entrypoint,...c.Cmd])console.log(a)})')
  local env_args=()
  while read -r kv; do env_args+=(--env "$kv"); done < <(processor_env "$port" "$prefix")
  log "buildah run --isolation chroot --network host $ref: ${cmd[*]} (masking key mounted as a file)"
  bah run --isolation chroot --network host \
    "${env_args[@]}" --env MASKING_KEY_FILE=/run/secrets/masking_key --env TINI_SUBREAPER=1 \
    --volume "$keyfile:/run/secrets/masking_key:ro" \
    "$CTR" -- "${cmd[@]}" >"$VERIFY_WORK/processor-image.log" 2>&1 &
  BPID=$!
  # PID 1 of the container is tini; the app is its child.
  for _ in $(seq 1 200); do
    for p in $(descendants "$BPID"); do
      if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q '^/usr/bin/tini -- node main.js'; then tini_pid=$p; fi
    done
    [ -n "$tini_pid" ] && node_pid=$(ps -o pid= --ppid "$tini_pid" 2>/dev/null | head -1 | tr -d ' ' || true)
    [ -n "$node_pid" ] && break
    sleep 0.1
  done
  [ -n "$node_pid" ] || { tail -20 "$VERIFY_WORK/processor-image.log" >&2; die "no tini -> node process under buildah run"; }
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$node_pid/status")
  log "container: PID 1 = tini (host pid $tini_pid) -> node main.js (host pid $node_pid) running as uid $uid"
  [ "$uid" = 10001 ] || die "the app runs as uid $uid, not 10001"
  exercise_processor processor-image "$BPID" "$port" "$prefix" \
    && stop_and_expect_zero processor-image "$BPID" "$tini_pid" \
    || { tail -20 "$VERIFY_WORK/processor-image.log" | cut -c1-300 >&2; return 1; }
  grep -E '"message":"(shutdown complete|final summary)"' "$VERIFY_WORK/processor-image.log" | cut -c1-400 >&2 || true
}
