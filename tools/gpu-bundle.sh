#!/usr/bin/env bash
# Builds gpu-bundle/ (git-ignored), everything a GPU host without a JDK or network needs to run the GPU tests and
# the benchmark: a jlink'ed Java runtime (no desktop modules), the app's classes and the jars the CUDA path uses
# (JavaCPP and the CUDA presets' JNI glue, not the multi-hundred-MB -redist jars: the host's CUDA 13 libraries are
# used), the test classes with JUnit's console launcher, the shipped models, and preprocessed inputs (the bundle
# carries no image codecs). The runtime's native libraries are stripped; the bundle's Java must run `dlayer run` on a
# shipped model; bundle plus the repository's tracked files must stay within 60 MiB (64 MiB travel, 4 to spare).
# Then, on the GPU host: gpu-bundle/gpu-check.sh OUT_DIR (see tools/gpu-check.sh).
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$home/gpu-bundle"
cache="${DLAYER_CACHE:-$home/.cache}"
cd "$home"
"$home/models/fetch.sh" >/dev/null
deps="$(mktemp -d)"
# one Maven run (package also compiles the tests): the modules' jars come from this reactor, so their dependencies are copied in it too
mvn -q -B -ntp -DskipTests package dependency:copy-dependencies -DincludeScope=test \
  -DexcludeGroupIds=dev.demandlayering -DoutputDirectory="$deps" >&2
rm -rf "$out"
mkdir -p "$out/lib" "$out/cache/models" "$out/inputs" "$out/repo/models" "$out/shared/paper-models"
# java.management: the weight loader measures its thread CPU time (ThreadMXBean)
jlink --add-modules java.base,jdk.unsupported,java.xml,java.logging,java.management,jdk.incubator.vector \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"
# the runtime's native libraries keep symbol tables Java never needs (about 4 MiB); a host without network needs no CA list
find "$out/jre" -name '*.so' -exec strip --strip-unneeded {} +
rm -f "$out/jre/lib/security/cacerts"
"$out/jre/bin/java" -version >/dev/null 2>&1 || { echo "gpu-bundle: the stripped Java runtime does not start" >&2; exit 1; }
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
# the app's classes, every module's (runtime, perception, ros, the CLI), in one jar (merged first: each module has its
# own META-INF/jpms.args, which jar refuses twice)
classes="$(mktemp -d)"
for module in modules/runtime modules/perception modules/ros node; do cp -r "$home/$module/target/classes/." "$classes/"; done
jar cf "$out/lib/dlayer-classes.jar" -C "$classes" .
rm -rf "$classes"
jar cf "$out/lib/dlayer-test-classes.jar" -C "$home/node/target/test-classes" dev
cp "$cache"/models/nanodet.* "$cache"/models/selfie.* "$cache"/models/meet.* "$out/cache/models/"
cp "$home"/models/*.yaml "$out/repo/models/"
# the paper's networks for bench --paper (Darknet cfgs; their weights are generated there)
if [ -d "$home/../shared/paper-models" ]; then cp "$home"/../shared/paper-models/*.cfg "$out/shared/paper-models/"; fi
java -Ddlayer.home="$home" -jar "$home/node/target/dlayer.jar" inputs --models nanodet,selfie,meet -o "$out/inputs" >/dev/null
cp "$home/tools/gpu-check.sh" "$out/gpu-check.sh"
# the bundle's Java runs the command line on a shipped model (no desktop module, no image codecs: a preprocessed input)
smoke="$(mktemp -d)"
DLAYER_CACHE="$out/cache" "$out/jre/bin/java" -Ddlayer.home="$out/repo" -cp "$out/lib/*" dev.demandlayering.cli.Main run --manifest nanodet \
  --input "$out/inputs/nanodet.npy" --backend cpu --output-dir "$smoke" > "$smoke/run.log" 2>&1 \
  || { cat "$smoke/run.log" >&2; echo "gpu-bundle: dlayer run fails with the bundle's Java" >&2; exit 1; }
rm -rf "$smoke" "$out/cache/packs"
# what travels to a GPU host: this folder and the repository's tracked files, 64 MiB at most; keep 4 MiB to spare
size=$(du -sb "$out" | cut -f1)
tracked=$(git -C "$home" ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
echo "gpu-bundle: $out, $((size / 1048576)) MiB, plus $((tracked / 1048576)) MiB of tracked files"
if [ $((size + tracked)) -gt $((60 * 1048576)) ]; then
  echo "gpu-bundle: bundle + tracked files are $(((size + tracked) / 1048576)) MiB, over the 60 MiB allowed (64 MiB travel limit, 4 to spare)" >&2
  exit 1
fi
