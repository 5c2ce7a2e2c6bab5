// Independent MCAP reader for the tests: reads a file with @mcap/core both ways (the streaming reader, which
// checks every record and chunk CRC, and the indexed reader, which uses the summary, chunk and message
// indexes), decodes every message with the ros2msg schema stored in the file, and prints one JSON line per
// message plus a summary line. Usage: node read-mcap.mjs IN.mcap
import { McapStreamReader, McapIndexedReader } from "@mcap/core";
import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import zstd from "@foxglove/wasm-zstd";
import lz4 from "@foxglove/wasm-lz4";
import { readFileSync } from "node:fs";

const path = process.argv[2];
await zstd.isLoaded;
await lz4.isLoaded;
const decompressHandlers = {
  zstd: (data, size) => zstd.decompress(data, Number(size)),
  lz4: (data, size) => lz4(data, Number(size)),
};
const bytes = readFileSync(path);

const stream = new McapStreamReader({ decompressHandlers, validateCrcs: true });
stream.append(bytes);
const schemas = new Map(), channels = new Map();
let streamed = 0;
for (let r; (r = stream.nextRecord()); ) {
  if (r.type === "Schema") schemas.set(r.id, r);
  if (r.type === "Channel") channels.set(r.id, r);
  if (r.type === "Message") streamed++;
}
if (!stream.done()) throw new Error("stream reader: file did not end with a valid footer and magic");

const readable = {
  size: async () => BigInt(bytes.length),
  read: async (offset, length) => bytes.subarray(Number(offset), Number(offset + length)),
};
const indexed = await McapIndexedReader.Initialize({ readable, decompressHandlers });
const readers = new Map();
let count = 0;
const perTopic = {};
for await (const m of indexed.readMessages({ validateCrcs: true })) {
  const ch = indexed.channelsById.get(m.channelId);
  const schema = indexed.schemasById.get(ch.schemaId);
  if (schema.encoding !== "ros2msg" || ch.messageEncoding !== "cdr") throw new Error(`${ch.topic}: ${schema.encoding}/${ch.messageEncoding}`);
  if (!readers.has(ch.id)) readers.set(ch.id, new MessageReader(parse(new TextDecoder().decode(schema.data), { ros2: true })));
  const reader = readers.get(ch.id);
  const msg = reader.readMessage(m.data);
  // CDR writers pad the payload to 4 bytes and note the pad in the encapsulation options (low 2 bits)
  const trailing = m.data.length - reader.lastReadByteLength();
  if (trailing !== (m.data[3] & 3)) throw new Error(`${ch.topic}: ${trailing} trailing bytes, the encapsulation options say ${m.data[3] & 3}`);
  const summary = { topic: ch.topic, type: schema.name, log_time: m.logTime.toString(), qos: ch.metadata.get("offered_qos_profiles") ?? null };
  if (msg.header) summary.stamp = [msg.header.stamp.sec, msg.header.stamp.nanosec], summary.frame_id = msg.header.frame_id;
  if (msg.detections) summary.detections = msg.detections.map((d) => [d.results[0].hypothesis.class_id, d.results[0].hypothesis.score,
    d.bbox.center.position.x, d.bbox.center.position.y, d.bbox.size_x, d.bbox.size_y]);
  if (msg.encoding !== undefined) summary.image = [msg.width, msg.height, msg.encoding, msg.data.length];
  if (msg.status) summary.status = msg.status.map((s) => [s.level, s.name, Object.fromEntries(s.values.map((kv) => [kv.key, kv.value]))]);
  console.log(JSON.stringify(summary));
  count++;
  perTopic[ch.topic] = (perTopic[ch.topic] ?? 0) + 1;
}
const stats = indexed.statistics;
console.log(JSON.stringify({ summary: true, streamed, indexed: count, statistics_messages: stats ? stats.messageCount.toString() : null,
  chunks: indexed.chunkIndexes.length, per_topic: perTopic, profile: indexed.header.profile }));
