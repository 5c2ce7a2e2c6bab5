#!/usr/bin/env bash
# Builds gpu-bundle/ (git-ignored), everything a GPU host without a JDK or network needs to run the GPU tests and
# the benchmark: a jlink'ed Java runtime (no desktop modules), the app's classes and the jars the CUDA path uses
# (JavaCPP and the CUDA presets' JNI glue, not the multi-hundred-MB -redist jars: the host's CUDA 13 libraries are
# used), the test classes with JUnit's console launcher, the shipped models, and preprocessed inputs (the bundle
# carries no image codecs). Must stay under 64 MiB (the device tool's carry limit); the size is printed and checked.
# Then, on the GPU host: gpu-bundle/gpu-check.sh OUT_DIR (see tools/gpu-check.sh).
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$home/gpu-bundle"
cache="${DLAYER_CACHE:-$home/.cache}"
cd "$home"
"$home/models/fetch.sh" >/dev/null
mvn -q -B -ntp -DskipTests package test-compile >&2
rm -rf "$out"
mkdir -p "$out/lib" "$out/cache/models" "$out/inputs" "$out/repo/models" "$out/shared/paper-models"
jlink --add-modules java.base,jdk.unsupported,java.xml,java.management,java.logging,java.naming \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"
deps="$(mktemp -d)"
mvn -q -B -ntp -pl node dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$deps" >&2
# JUnit comes as the console launcher's standalone jar below
for pattern in 'jackson-*' 'snakeyaml-*' 'picocli-*' 'slf4j-*' 'javacpp-*.jar' 'cuda-*.jar'; do
  for f in "$deps"/$pattern; do
    case "$(basename "$f")" in *-linux-arm64.jar|*-android-*|jackson-dataformat-*) continue ;; esac
    [ -e "$f" ] && cp "$f" "$out/lib/"
  done
done
rm -rf "$deps"
# of the CUDA presets' JNI glue only what the backend loads (cudart, nvrtc, cublas)
for natives in "$out"/lib/cuda-*-linux-x86_64.jar; do
  keep="$(mktemp -d)"
  (cd "$keep" && unzip -q "$natives" 'META-INF/*' 'org/bytedeco/cuda/linux-x86_64/libjnicudart.so' 'org/bytedeco/cuda/linux-x86_64/libjninvrtc.so' 'org/bytedeco/cuda/linux-x86_64/libjnicublas.so' \
    && rm -f "$natives" && jar cf "$natives" .)
  rm -rf "$keep"
done
mvn -q -B -ntp dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1 -DoutputDirectory="$out/lib" >&2
(cd "$home/node/target/classes" && jar cf "$out/lib/dlayer-classes.jar" .)
(cd "$home/node/target/test-classes" && jar cf "$out/lib/dlayer-test-classes.jar" dev)
cp "$cache"/models/nanodet.* "$cache"/models/selfie.* "$cache"/models/meet.* "$out/cache/models/"
cp "$home"/models/*.yaml "$out/repo/models/"
# the paper's networks for bench --paper (Darknet cfgs; their weights are generated there)
if [ -d "$home/../shared/paper-models" ]; then cp "$home"/../shared/paper-models/*.cfg "$out/shared/paper-models/"; fi
java -Ddlayer.home="$home" -jar "$home/node/target/dlayer.jar" inputs --models nanodet,selfie,meet -o "$out/inputs" >/dev/null
cp "$home/tools/gpu-check.sh" "$out/gpu-check.sh"
size=$(du -sb "$out" | cut -f1)
echo "gpu-bundle: $out, $((size / 1048576)) MiB"
if [ "$size" -ge $((64 * 1048576)) ]; then echo "gpu-bundle: over the 64 MiB the device tool carries" >&2; exit 1; fi
