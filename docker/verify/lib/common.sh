# Shared helpers for docker/verify/run.sh (sourced, not executed).
# Everything downloaded or built lives in a cache outside git, so a warm machine re-runs quickly.

VERIFY_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/login-pipeline/verify"
mkdir -p "$VERIFY_CACHE"

# buildah keeps its images in the cache too (vfs: works without overlay or fuse support).
BUILDAH_STORAGE=(--root "$VERIFY_CACHE/containers/storage" --runroot "$VERIFY_CACHE/containers/run" --storage-driver vfs)

log() { printf '[verify] %s\n' "$*" >&2; }
die() { printf '[verify] FAIL: %s\n' "$*" >&2; exit 1; }

apt_install() {
  # apt_install PKG... : install Debian packages that are missing (we are root on this kind of machine).
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ "${#missing[@]}" = 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}"
  log "apt-get install ${missing[*]}"
  if [ ! -f "$VERIFY_CACHE/.apt-updated" ] || [ -n "$(find "$VERIFY_CACHE/.apt-updated" -mmin +720)" ]; then
    apt-get update -qq && touch "$VERIFY_CACHE/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
