# Local stand-in for the Dockerfiles' base image (sourced by run.sh).
#
# No Docker Hub here, so `node:<version>-bookworm-slim` is assembled from parts this machine can reach:
#   - a minimal Debian bookworm root filesystem from debootstrap (the Debian mirror apt already uses),
#   - this machine's own `node` binary and npm, copied to where the official image keeps them,
#   - the official image's `node` user (uid/gid 1000), WORKDIR-less, CMD ["node"].
# It is committed under exactly the tag the Dockerfiles' FROM names, so `buildah bud --pull-never` uses it.
# Differences from the real image are listed in docker/README.md ("Proving the images without Docker").

base_image_tag() {
  # The tag the Dockerfile template pins (first FROM line).
  sed -n 's/^FROM \(node:[^ ]*\) AS build$/\1/p' "$REPO_ROOT/docker/Dockerfile.template" | head -1
}

debian_mirror() {
  local m
  m=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  [ -n "$m" ] || m=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  echo "${m:-http://deb.debian.org/debian}"
}

ensure_base_image() {
  local tag="docker.io/library/$1"
  if buildah "${BUILDAH_STORAGE[@]}" inspect --type image "$tag" >/dev/null 2>&1; then
    log "base stand-in $tag already in the local store"
    return 0
  fi
  local dir="$VERIFY_CACHE/base" mirror
  mirror=$(debian_mirror)
  mkdir -p "$dir"
  if [ ! -f "$dir/rootfs/.debootstrap-complete" ]; then
    log "debootstrap --variant=minbase bookworm from $mirror (first run only)"
    rm -rf "$dir/rootfs" "$dir/rootfs.tmp"
    debootstrap --variant=minbase bookworm "$dir/rootfs.tmp" "$mirror" >"$dir/debootstrap.log" 2>&1 \
      || { tail -20 "$dir/debootstrap.log" >&2; die "debootstrap failed (log: $dir/debootstrap.log)"; }
    mv "$dir/rootfs.tmp" "$dir/rootfs"
    touch "$dir/rootfs/.debootstrap-complete"
  fi

  # Assemble the image's filesystem in a scratch copy, so the cached rootfs stays pristine.
  local fs="$dir/fs"
  rm -rf "$fs" && cp -a "$dir/rootfs" "$fs" && rm -f "$fs/.debootstrap-complete"
  rm -rf "$fs"/var/cache/apt/archives/*.deb "$fs"/var/lib/apt/lists/* "$fs"/dev/* "$fs"/proc/* "$fs"/sys/* "$fs"/run/*
  # Same apt sources as the official Debian image (bookworm, -updates, -security).
  rm -f "$fs/etc/apt/sources.list"
  cat >"$fs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  # The official image's layout: node in /usr/local/bin, npm in /usr/local/lib/node_modules/npm.
  local node_bin npm_dir
  node_bin=$(readlink -f "$(command -v node)")
  npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
  install -D -m 0755 "$node_bin" "$fs/usr/local/bin/node"
  mkdir -p "$fs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$fs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$fs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$fs/usr/local/bin/npx"
  chroot "$fs" /usr/sbin/groupadd --gid 1000 node
  chroot "$fs" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  local node_version
  node_version=$("$node_bin" -p 'process.versions.node')

  log "committing stand-in $tag (node $node_version from this machine, Debian bookworm minbase)"
  tar -C "$fs" --numeric-owner -cf "$dir/fs.tar" .
  local ctr
  ctr=$(buildah "${BUILDAH_STORAGE[@]}" from scratch)
  buildah "${BUILDAH_STORAGE[@]}" add "$ctr" "$dir/fs.tar" / >/dev/null
  buildah "${BUILDAH_STORAGE[@]}" config \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="$node_version" \
    --cmd node \
    --label org.opencontainers.image.description="LOCAL STAND-IN for $1: debootstrap bookworm minbase + host node $node_version; for verification only, never push" \
    "$ctr"
  buildah "${BUILDAH_STORAGE[@]}" commit --quiet "$ctr" "$tag" >/dev/null
  buildah "${BUILDAH_STORAGE[@]}" rm "$ctr" >/dev/null
  rm -rf "$fs" "$dir/fs.tar"
}
