# GENERATED from docker/Dockerfile.template by docker/render-dockerfiles.sh: do not edit.
# Template of the per-app Dockerfiles: docker/generator.Dockerfile, docker/processor.Dockerfile and
# docker/dlq-replayer.Dockerfile are this file with APP's default filled in, written by
# `bash docker/render-dockerfiles.sh` (docker/verify/run.sh fails when they drift). Edit this file, not those.
#
# Build context: the repository root (its .dockerignore keeps only what `npm ci` and `nx build` need):
#   docker build -f docker/processor.Dockerfile -t login-pipeline/processor:dev .
# Instructions are ordered so the three apps share every layer up to the app's own build.
ARG APP=processor

# ---- build: the whole workspace, dev dependencies included, to run `nx build` ----------------------------
FROM node:22.23.3-bookworm-slim AS build
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE=true
WORKDIR /workspace
COPY package.json package-lock.json .npmrc ./
# kafkajs fixes the project owns (patches/): `npm ci` applies them (package.json postinstall runs patch-package), and
# `nx build` bundles the patched kafkajs into main.js, so the runtime stage below never runs an unpatched copy.
COPY patches ./patches
# Optional build secret `build_ca`: extra CA certificates for a TLS-intercepting proxy between the build and the
# npm registry (docker build --secret id=build_ca,src=/path/ca.pem). Used only during the RUN, never stored.
RUN --mount=type=cache,target=/root/.npm,sharing=locked --mount=type=secret,id=build_ca \
    if [ -s /run/secrets/build_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/build_ca; fi \
 && npm ci --no-audit --no-fund --no-update-notifier
# Sources: apps/, libs/, nx.json, tsconfig.base.json (the .dockerignore allowlist, tests excluded).
COPY . .
ARG APP
# production configuration: no source maps. generatePackageJson writes a package.json and a lockfile pruned
# to the app's runtime dependencies beside main.js: the packages left external in apps/<app>/project.json that
# are in the root package.json's "dependencies". kafkajs (bundled, patched) is a devDependency so it is never
# installed below (docker/verify/runtime-deps.test.mjs).
RUN npx nx build "$APP" --configuration=production --outputStyle=static \
 && test -f "dist/apps/$APP/main.js" \
 && test -f "dist/apps/$APP/package.json" \
 && test -f "dist/apps/$APP/package-lock.json"

# ---- runtime: main.js + only the packages main.js requires (no kafkajs: it is bundled) ----------------------
FROM node:22.23.3-bookworm-slim AS runtime
# tini as PID 1: forwards SIGTERM/SIGINT to node (which finishes its batch and exits 0) and reaps zombies.
# A dedicated numeric user that owns nothing in the image: the app cannot rewrite its own code.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
 && groupadd --gid 10001 app \
 && useradd --uid 10001 --gid 10001 --no-create-home --no-log-init --home-dir /nonexistent --shell /usr/sbin/nologin app
ENV NODE_ENV=production HTTP_PORT=8080
WORKDIR /app
ARG APP
COPY --from=build /workspace/dist/apps/${APP}/package.json /workspace/dist/apps/${APP}/package-lock.json ./
# Production dependencies only, from the pruned lockfile; no install scripts; third-party source maps dropped.
RUN --mount=type=cache,target=/root/.npm,sharing=locked --mount=type=secret,id=build_ca \
    if [ -s /run/secrets/build_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/build_ca; fi \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier \
 && find /app -name '*.map' -type f -delete
COPY --from=build /workspace/dist/apps/${APP}/main.js ./
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "main.js"]
# Last, so a new revision or date does not invalidate the layers above.
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="login-pipeline-${APP}" \
      org.opencontainers.image.description="Login-event pipeline on Apache Kafka: ${APP}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/node:22.23.3-bookworm-slim"
