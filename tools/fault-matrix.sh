#!/usr/bin/env bash
# The reliability fault matrix (docs/reliability.md): every fault a demanding user tried on the node, the pack
# loader and the bag reader/writer, with the behaviour required and the test that replays it against the real
# parts (real models and bags, DDS peers in a private network namespace, a FUSE file system without O_DIRECT,
# signals to child processes). Runs those tests and prints the table with each one's result.
#
#   tools/fault-matrix.sh                 run the matrix's tests (mvn verify on just them), then print the table
#   tools/fault-matrix.sh --report-only   print the table from the last run's Surefire/Failsafe reports (as after tools/test.sh)
#   ... [--out FILE]                      also write the table to FILE (markdown)
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
run=1 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --report-only) run=0; shift ;;
    --out) out="$2"; shift 2 ;;
    *) echo "fault-matrix.sh: unknown option $1 (--report-only, --out FILE)" >&2; exit 2 ;;
  esac
done
# point | fault | required behaviour | test class#method (a class alone: all its tests)
matrix=$(cat <<'ROWS'
1|6000x4000 frame: the overlay (72 MB) is over its topic's 64 MiB maximum|that output alone skipped with a WARN naming topic and sizes; mask, detections, diagnostics published; next frame served|FrameProcessorTest#anOutputTooLargeForItsTopicIsSkippedAndTheRestGoesOut
1|the same frame sent as JPEG by a CycloneDDS peer to the running node|node keeps serving the next normal frames; skipped_outputs in /diagnostics|NodeFaultsIT
1|PNG whose header claims 100000x100000 (1 MB on the wire)|refused from its header before decoding (max_image_pixels), counted invalid|ImageCodecTest#anImageLargerThanTheLimitIsRefusedFromItsHeader
1|a transport that fails to publish one output|counted as a skipped output; the other outputs and next frames go out|FrameProcessorTest#aPublishFailureCostsOnlyThatOutput
2|pack damaged on disk while the node streams|re-packed from its model once, frame retried, node serves on (repacks in /diagnostics)|FrameProcessorTest#aPackDamagedWhileStreamingIsRepackedThenGivesUpWhenItsModelIsGone
2|pack damaged again with the model file gone (live node over DDS)|ERROR diagnostic published, then exit status 1|NodeFaultsIT
3|SIGTERM during replay --record|current frame finished, summary/footer/metadata.yaml written, exit 0; bag info and Foxglove's indexed reader see every processed frame|ReplayTest#sigtermDuringARecordingFinishesTheBag
3|a second SIGINT while the first is being honoured|aborts at once, exit status 130|ReplayTest#aSecondSignalAborts
3|SIGKILL during a recording (no summary, footer or metadata.yaml)|chunks reached the disk within a second; bag readable by scanning; bag repair makes it whole for Foxglove|BagRecoveryTest#anUnfinishedRecordingIsReadableAndRepaired
4|chunk record length 2^60 in an indexed MCAP|only that chunk lost (16 of 20 messages read), resynchronised through the chunk index|BagRecoveryTest#aChunkLengthOfTwoToTheSixtyLosesOnlyThatChunk
4|the same without a summary; a length off by a few bytes|next chunk found by scanning for a well-formed chunk record|BagRecoveryTest#withoutASummaryTheNextChunkIsFoundByScanning
5|layer table with a valid CRC that lies: shape, negative offset, 1e9 length, overlaps, missing fields|refused at open naming file, layer and field|PackValidationTest
5|header fields (fp16 flag, fileLength -1) changed|header CRC mismatch; with a fresh CRC, the lie itself is named|PackValidationTest#liesInTheHeaderWithAFreshChecksumAreRefusedToo
6|three processes packing into one DLAYER_CACHE at once|all succeed; no temporary file left|SharedCacheTest
7|file system reporting block size 0 / refusing O_DIRECT (FUSE)|buffered reads with one log line; direct_io on fails naming the file|DirectIoFallbackTest#weightsFallBackToBufferedReadsWhereODirectIsUnusable
8|EIO from the disk under O_DIRECT (FUSE failing every read past a point)|file, layer, bytes and offset, and the cause; not mistaken for a file system without O_DIRECT|DirectIoFallbackTest#anIoErrorUnderODirectNamesFileLayerOffsetAndCause
8|directory as --pack/--image, file as --output-dir, --image with --input, 0 bandwidth, huge sizes, 30000^2 PNG|one line each naming the option and what was expected|CliTest#badFilesAndOptionsGetOneClearLine
8|truncated pack, int64 tensor for a float input|file and offset, or input and element type|CliTest#badPacksAndModelsNameTheFileAndTheProblem
8|pack cut short after it was opened (a failing disk or copy)|file, layer, bytes and offset read, and the fix|PackFormatTest#aPackTruncatedAfterOpeningFailsNamingTheOffset
8|-p "image_topics:=[/camera/image_raw,"|one line naming the parameter|ParametersTest#anUnclosedListGivenWithPNamesTheParameter
8|garbage and cut image streams|no OpenCV build paths or multi-line assertions|ImageCodecTest#garbageAndEmptyInputsSayWhatFailed
9|0-sized ONNX dimension|"zero-sized dimension", not "symbolic"|CliTest#zeroSizedOnnxDimensionsAreNotCalledSymbolic
9|metadata.yaml claiming 999 messages; MCAP without footer; bag info errors|flagged, exit 1; prefix "dlayer bag info:"|CliTest#bagInfoFlagsStaleMetadataAndUnfinishedFiles
9|replaying a bag that yields no frame|exit 2 with the reason|ReplayTest#badCameraTopicsAndMalformedFramesAreNamed
ROWS
)
if [ $run = 1 ]; then
  tests=$(echo "$matrix" | cut -d'|' -f4 | grep -v 'IT$' | sed 's/#.*//' | sort -u | paste -sd, -)
  mvn -B -ntp verify -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=NodeFaultsIT -Dfailsafe.failIfNoSpecifiedTests=false >&2 || true
fi
table=$(MATRIX="$matrix" /usr/bin/python3 - <<'PY'
import glob, os, xml.etree.ElementTree as ET
results = {}
for path in glob.glob('node/target/*-reports/TEST-*.xml') + glob.glob('modules/*/target/*-reports/TEST-*.xml'):
    root = ET.parse(path).getroot()
    for case in root.iter('testcase'):
        cls = case.get('classname').rsplit('.', 1)[-1]
        outcome = 'failed' if case.find('failure') is not None or case.find('error') is not None else 'skipped' if case.find('skipped') is not None else 'passed'
        results[(cls, case.get('name'))] = (outcome, float(case.get('time') or 0))
rows, passed, failed, other = [], 0, 0, 0
for line in os.environ['MATRIX'].splitlines():
    point, fault, behaviour, test = line.split('|')
    cls, _, method = test.partition('#')
    got = [v for (c, m), v in results.items() if c == cls and (not method or m.split('(')[0] == method)]
    if not got:
        outcome = 'not run'
    elif any(o == 'failed' for o, _ in got):
        outcome = 'FAILED'
    elif all(o == 'passed' for o, _ in got):
        outcome = 'passed' + (f' ({len(got)} tests)' if len(got) > 1 else '')
    else:
        outcome = 'skipped'
    passed += outcome.startswith('passed'); failed += outcome == 'FAILED'; other += not outcome.startswith('passed') and outcome != 'FAILED'
    secs = sum(t for _, t in got)
    rows.append(f"| {point} | {fault} | {behaviour} | `{test}` | {outcome} | {secs:.1f} |")
print("| # | fault | required behaviour | test | result | s |")
print("|---|---|---|---|---|---|")
print("\n".join(rows))
print()
print(f"fault matrix: {passed} of {len(rows)} rows passed ({failed} failed, {other} not run or skipped)")
PY
)
echo "$table"
[ -z "$out" ] || { mkdir -p "$(dirname "$out")"; echo "$table" > "$out"; }
case "$table" in *"(0 failed, 0 not run"*) exit 0 ;; *) exit 1 ;; esac
