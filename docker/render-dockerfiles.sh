#!/usr/bin/env bash
# Writes docker/<app>.Dockerfile for each app from docker/Dockerfile.template (they differ only in APP's default).
#   bash docker/render-dockerfiles.sh          rewrite them
#   bash docker/render-dockerfiles.sh --check  exit 1 if any is missing or differs from the template
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
APPS=(generator processor dlq-replayer)
status=0
for app in "${APPS[@]}"; do
  target="$here/$app.Dockerfile"
  rendered="$(printf '# GENERATED from docker/Dockerfile.template by docker/render-dockerfiles.sh: do not edit.\n'; sed "s/@APP@/$app/g" "$here/Dockerfile.template")"
  if [ "${1:-}" = "--check" ]; then
    if [ ! -f "$target" ] || [ "$(cat "$target")" != "$rendered" ]; then
      echo "docker/$app.Dockerfile is out of date with docker/Dockerfile.template: run bash docker/render-dockerfiles.sh" >&2
      status=1
    fi
  else
    printf '%s\n' "$rendered" >"$target"
    echo "wrote docker/$app.Dockerfile"
  fi
done
exit "$status"
