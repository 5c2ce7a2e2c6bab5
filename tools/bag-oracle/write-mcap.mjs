// Independent MCAP writer for the tests: Foxglove's @mcap/core writer and ROS 2 CDR serialiser.
// Usage: node write-mcap.mjs OUT.mcap zstd|lz4|none IMAGE.jpg [IMAGE.jpg ...]
// Writes a rosbag2-profile MCAP: each image as sensor_msgs/msg/CompressedImage on /camera/image_raw/compressed
// (stamp i * 0.1 s, frame_id "camera") and a std_msgs/msg/String on /chatter after each image.
import { McapWriter } from "@mcap/core";
import { parse } from "@foxglove/rosmsg";
import { MessageWriter } from "@foxglove/rosmsg2-serialization";
import zstd from "@foxglove/wasm-zstd";
import lz4 from "lz4js";
import { open } from "node:fs/promises";
import { readFileSync } from "node:fs";

const [out, compression, ...images] = process.argv.slice(2);
const SEP = "=".repeat(80);
const compressedImageDef = `std_msgs/Header header
string format
uint8[] data
${SEP}
MSG: std_msgs/Header
builtin_interfaces/Time stamp
string frame_id
${SEP}
MSG: builtin_interfaces/Time
int32 sec
uint32 nanosec
`;
const stringDef = "string data\n";

await zstd.isLoaded;
const file = await open(out, "w");
let position = 0n;
const writable = {
  position: () => position,
  write: async (buffer) => {
    await file.write(buffer);
    position += BigInt(buffer.byteLength);
  },
};
const compressChunk = {
  zstd: (data) => ({ compression: "zstd", compressedData: zstd.compress(data) }),
  lz4: (data) => ({ compression: "lz4", compressedData: lz4.compress(data) }),
  none: undefined,
}[compression];
const writer = new McapWriter({ writable, chunkSize: 256 * 1024, compressChunk });
await writer.start({ profile: "ros2", library: "mcap-oracle" });
const enc = new TextEncoder();
const imageSchema = await writer.registerSchema({ name: "sensor_msgs/msg/CompressedImage", encoding: "ros2msg", data: enc.encode(compressedImageDef) });
const stringSchema = await writer.registerSchema({ name: "std_msgs/msg/String", encoding: "ros2msg", data: enc.encode(stringDef) });
const qos = "- history: 1\n  depth: 1\n  reliability: 2\n  durability: 2\n";
const camera = await writer.registerChannel({ topic: "/camera/image_raw/compressed", schemaId: imageSchema, messageEncoding: "cdr",
  metadata: new Map([["offered_qos_profiles", qos]]) });
const chatter = await writer.registerChannel({ topic: "/chatter", schemaId: stringSchema, messageEncoding: "cdr", metadata: new Map() });
const imageWriter = new MessageWriter(parse(compressedImageDef, { ros2: true }));
const stringWriter = new MessageWriter(parse(stringDef, { ros2: true }));
const t0 = 1700000000n * 1000000000n;
for (let i = 0; i < images.length; i++) {
  const t = t0 + BigInt(i) * 100000000n;
  const msg = { header: { stamp: { sec: 1700000000, nanosec: i * 100000000 }, frame_id: "camera" }, format: "jpeg", data: readFileSync(images[i]) };
  await writer.addMessage({ channelId: camera, sequence: i, logTime: t, publishTime: t, data: imageWriter.writeMessage(msg) });
  await writer.addMessage({ channelId: chatter, sequence: i, logTime: t + 1n, publishTime: t + 1n, data: stringWriter.writeMessage({ data: `frame ${i}` }) });
}
await writer.end();
await file.close();
