#!/usr/bin/python3
"""Independent rosbag2 sqlite3 writer for the tests: Python's sqlite3 module and a hand-packed CDR encoder.

Usage: write-db3.py BAG_DIR IMAGE.jpg [IMAGE.jpg ...]
Creates BAG_DIR/BAG_DIR.db3 with the rosbag2 (Humble) schema and BAG_DIR/metadata.yaml: each image as a
sensor_msgs/msg/CompressedImage on /camera/image_raw/compressed (stamp i * 0.1 s, frame_id "camera")."""
import os
import sqlite3
import struct
import sys


def cdr_string(buf, s):
    b = s.encode() + b"\0"
    while len(buf) % 4:
        buf.append(0)
    buf += struct.pack("<I", len(b)) + b


def compressed_image(sec, nanosec, frame_id, fmt, data):
    buf = bytearray(b"\x00\x01\x00\x00")  # CDR little endian encapsulation
    body = bytearray()
    body += struct.pack("<iI", sec, nanosec)
    cdr_string(body, frame_id)
    cdr_string(body, fmt)
    while len(body) % 4:
        body.append(0)
    body += struct.pack("<I", len(data)) + data
    return bytes(buf + body)


def main():
    bag, images = sys.argv[1], sys.argv[2:]
    os.makedirs(bag, exist_ok=True)
    name = os.path.basename(os.path.normpath(bag)) + ".db3"
    db = sqlite3.connect(os.path.join(bag, name))
    db.executescript("""
        CREATE TABLE schema(schema_version INTEGER PRIMARY KEY, ros_distro TEXT NOT NULL);
        INSERT INTO schema VALUES (3, 'humble');
        CREATE TABLE metadata(id INTEGER PRIMARY KEY, metadata_version INTEGER NOT NULL, metadata TEXT NOT NULL);
        CREATE TABLE topics(id INTEGER PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL,
                            serialization_format TEXT NOT NULL, offered_qos_profiles TEXT NOT NULL);
        CREATE TABLE messages(id INTEGER PRIMARY KEY, topic_id INTEGER NOT NULL, timestamp INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE INDEX timestamp_idx ON messages (timestamp ASC);
    """)
    db.execute("INSERT INTO topics VALUES (1, '/camera/image_raw/compressed', 'sensor_msgs/msg/CompressedImage', 'cdr', '')")
    t0 = 1700000000 * 10**9
    for i, path in enumerate(images):
        with open(path, "rb") as f:
            data = f.read()
        db.execute("INSERT INTO messages (topic_id, timestamp, data) VALUES (1, ?, ?)",
                   (t0 + i * 10**8, compressed_image(1700000000, i * 10**8, "camera", "jpeg", data)))
    db.commit()
    db.close()
    n = len(images)
    with open(os.path.join(bag, "metadata.yaml"), "w") as f:
        f.write(f"""rosbag2_bagfile_information:
  version: 5
  storage_identifier: sqlite3
  duration:
    nanoseconds: {max(0, n - 1) * 10**8}
  starting_time:
    nanoseconds_since_epoch: {t0}
  message_count: {n}
  topics_with_message_count:
    - topic_metadata:
        name: /camera/image_raw/compressed
        type: sensor_msgs/msg/CompressedImage
        serialization_format: cdr
        offered_qos_profiles: ""
      message_count: {n}
  compression_format: ""
  compression_mode: ""
  relative_file_paths:
    - {name}
  files:
    - path: {name}
      starting_time:
        nanoseconds_since_epoch: {t0}
      duration:
        nanoseconds: {max(0, n - 1) * 10**8}
      message_count: {n}
""")


if __name__ == "__main__":
    main()
