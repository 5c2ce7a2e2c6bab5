/* A ROS 2-style DDS peer built on CycloneDDS (what rmw_cyclonedds_cpp uses), for interoperability tests.
 *   ros_peer sub-image TOPIC COUNT SECONDS      print "IMAGE sec nanosec frame_id width height encoding bytes sum" per image
 *   ros_peer pub-image TOPIC COUNT WIDTH HEIGHT  publish COUNT rgb8 images (pixel = (x + y + i) mod 256) at 10 Hz
 *   ros_peer pub-image-file TOPIC FILE WIDTH HEIGHT COUNT PERIOD_MS [BAD]
 *       publish raw rgb8 pixels from FILE, best effort, stamped now; first BAD malformed images (an unsupported
 *       encoding, then data shorter than the size says) from the same writer
 *   ros_peer pub-compressed-file TOPIC FILE FORMAT COUNT PERIOD_MS  publish FILE's bytes as CompressedImage
 *   ros_peer sub-outputs DET_TOPIC MASK_TOPIC DIAG_TOPIC COUNT SECONDS [FRAME_IDS]
 *       print the node's detections, masks and diagnostics (and keep going until each comma-separated frame id had a detection)
 *   ros_peer pub-clock OFFSET_S COUNT PERIOD_MS
 *       publish rosgraph_msgs/Clock on rt/clock (best effort, as ros2 bag play --clock): now + OFFSET_S seconds
 *   ros_peer sub-detections TOPIC COUNT SECONDS  print "DETECTIONS frame_id n class score ..." for COUNT messages
 *   ros_peer sub-rosout SECONDS TEXT
 *       read rt/rosout as rqt_console does (reliable, transient local, so lines from before it joined come too) and
 *       print "LOG level name: msg" until a line containing TEXT arrived
 * TOPIC is the DDS topic name (rt/...). Domain: ROS_DOMAIN_ID, default 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dds/dds.h"
#include "ros_msgs.h"

static dds_entity_t participant(void) {
  const char *d = getenv("ROS_DOMAIN_ID");
  dds_entity_t pp = dds_create_participant(d ? (dds_domainid_t) atoi(d) : 0, NULL, NULL);
  if (pp < 0) { fprintf(stderr, "ros_peer: cannot create participant: %s\n", dds_strretcode(-pp)); exit(2); }
  return pp;
}

static dds_qos_t *reliable_qos(void) {
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, 10);
  return q;
}

static int sub_image(const char *topic, int count, int seconds) {
  dds_entity_t pp = participant();
  dds_entity_t tp = dds_create_topic(pp, &sensor_msgs_msg_dds__Image__desc, topic, NULL, NULL);
  dds_qos_t *q = reliable_qos();
  dds_entity_t rd = dds_create_reader(pp, tp, q, NULL);
  printf("READY\n");
  fflush(stdout);
  int got = 0;
  dds_time_t until = dds_time() + DDS_SECS(seconds);
  while (got < count && dds_time() < until) {
    void *samples[1] = {NULL};
    dds_sample_info_t info[1];
    int n = dds_take(rd, samples, info, 1, 1);
    if (n > 0 && info[0].valid_data) {
      sensor_msgs_msg_dds__Image_ *m = samples[0];
      unsigned long sum = 0;
      for (uint32_t i = 0; i < m->data._length; i++) sum += m->data._buffer[i];
      printf("IMAGE %d %u %s %u %u %s %u %lu\n", m->header.stamp.sec, m->header.stamp.nanosec, m->header.frame_id, m->width,
             m->height, m->encoding, m->data._length, sum);
      fflush(stdout);
      got++;
    }
    if (n > 0) dds_return_loan(rd, samples, n);
    else dds_sleepfor(DDS_MSECS(2));
  }
  dds_delete(pp);
  return got == count ? 0 : 1;
}

static int pub_image(const char *topic, int count, int width, int height) {
  dds_entity_t pp = participant();
  dds_entity_t tp = dds_create_topic(pp, &sensor_msgs_msg_dds__Image__desc, topic, NULL, NULL);
  dds_qos_t *q = reliable_qos();
  dds_entity_t wr = dds_create_writer(pp, tp, q, NULL);
  uint32_t status = 0;
  for (int i = 0; i < 1000 && !(status & DDS_PUBLICATION_MATCHED_STATUS); i++) {
    dds_get_status_changes(wr, &status);
    dds_sleepfor(DDS_MSECS(10));
  }
  uint32_t size = (uint32_t) width * height * 3;
  uint8_t *px = malloc(size);
  for (int i = 0; i < count; i++) {
    for (int y = 0; y < height; y++)
      for (int x = 0; x < width; x++)
        for (int c = 0; c < 3; c++) px[(y * width + x) * 3 + c] = (uint8_t) (x + y + i);
    sensor_msgs_msg_dds__Image_ m = {
      .header = {.stamp = {.sec = 100 + i, .nanosec = 5}, .frame_id = "peer_camera"},
      .height = height, .width = width, .encoding = "rgb8", .is_bigendian = 0, .step = width * 3,
      .data = {._maximum = size, ._length = size, ._buffer = px, ._release = false}};
    if (dds_write(wr, &m) < 0) { fprintf(stderr, "ros_peer: write failed\n"); return 2; }
    dds_sleepfor(DDS_MSECS(100));
  }
  dds_wait_for_acks(wr, DDS_SECS(10)); /* reliable readers get every fragment before the writer goes */
  free(px);
  dds_delete(pp);
  return 0;
}

/* A best-effort, keep-last-1 writer (a camera driver's sensor-data QoS), once a subscription has matched (at most
 * 60 s: the node may still be packing its models) and a second more for the reader's side of discovery. */
static dds_entity_t best_effort_writer(dds_entity_t pp, const dds_topic_descriptor_t *desc, const char *topic) {
  dds_entity_t tp = dds_create_topic(pp, desc, topic, NULL, NULL);
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_BEST_EFFORT, 0);
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, 1);
  dds_entity_t wr = dds_create_writer(pp, tp, q, NULL);
  dds_delete_qos(q);
  dds_publication_matched_status_t m = {0};
  for (int i = 0; i < 6000 && m.current_count == 0; i++) {
    dds_get_publication_matched_status(wr, &m);
    if (m.current_count == 0) dds_sleepfor(DDS_MSECS(10));
  }
  dds_sleepfor(DDS_MSECS(1000));
  return wr;
}

static builtin_interfaces_msg_dds__Time_ stamp_now(void) {
  dds_time_t now = dds_time();
  builtin_interfaces_msg_dds__Time_ t = {.sec = (int32_t) (now / DDS_NSECS_IN_SEC), .nanosec = (uint32_t) (now % DDS_NSECS_IN_SEC)};
  return t;
}

/* The whole file in a malloc'd buffer; exits the program when it cannot be read. */
static uint8_t *read_file(const char *file, long *size) {
  FILE *f = fopen(file, "rb");
  if (!f) { fprintf(stderr, "ros_peer: cannot open %s\n", file); exit(2); }
  fseek(f, 0, SEEK_END);
  *size = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *bytes = malloc((size_t) *size);
  if (fread(bytes, 1, (size_t) *size, f) != (size_t) *size) { fprintf(stderr, "ros_peer: cannot read %s\n", file); exit(2); }
  fclose(f);
  return bytes;
}

static int pub_image_file(const char *topic, const char *file, int width, int height, int count, int period_ms, int bad) {
  uint32_t size = (uint32_t) width * height * 3;
  long have;
  uint8_t *px = read_file(file, &have);
  if (have != (long) size) { fprintf(stderr, "ros_peer: %s has %ld bytes, %ux%u rgb8 needs %u\n", file, have, width, height, size); return 2; }
  dds_entity_t pp = participant();
  dds_entity_t wr = best_effort_writer(pp, &sensor_msgs_msg_dds__Image__desc, topic);
  for (int i = 0; i < bad; i++) {
    sensor_msgs_msg_dds__Image_ m = {
      .header = {.stamp = {.sec = 1, .nanosec = 0}, .frame_id = "bad_camera"},
      .height = 4, .width = 4, .encoding = (i % 2 == 0) ? "yuv422" : "rgb8", .is_bigendian = 0, .step = 12,
      .data = {._maximum = size, ._length = (i % 2 == 0) ? 32 : 20, ._buffer = px, ._release = false}};
    dds_write(wr, &m);
    dds_sleepfor(DDS_MSECS(300));
  }
  for (int i = 0; i < count; i++) {
    sensor_msgs_msg_dds__Image_ m = {
      .header = {.stamp = stamp_now(), .frame_id = "peer_camera"},
      .height = height, .width = width, .encoding = "rgb8", .is_bigendian = 0, .step = width * 3,
      .data = {._maximum = size, ._length = size, ._buffer = px, ._release = false}};
    dds_write(wr, &m);
    dds_sleepfor(DDS_MSECS(period_ms));
  }
  free(px);
  dds_delete(pp);
  return 0;
}

/* Publishes the bytes of FILE (a JPEG or PNG) as sensor_msgs/CompressedImage, best effort, stamped now. */
static int pub_compressed_file(const char *topic, const char *file, const char *format, int count, int period_ms) {
  long size;
  uint8_t *bytes = read_file(file, &size);
  dds_entity_t pp = participant();
  dds_entity_t wr = best_effort_writer(pp, &sensor_msgs_msg_dds__CompressedImage__desc, topic);
  for (int i = 0; i < count; i++) {
    sensor_msgs_msg_dds__CompressedImage_ m = {
      .header = {.stamp = stamp_now(), .frame_id = "peer_compressed"},
      .format = (char *) format, .data = {._maximum = (uint32_t) size, ._length = (uint32_t) size, ._buffer = bytes, ._release = false}};
    dds_write(wr, &m);
    dds_sleepfor(DDS_MSECS(period_ms));
  }
  free(bytes);
  dds_delete(pp);
  return 0;
}

/* Subscribes to the node's outputs and prints them until each kind arrived COUNT times or SECONDS pass. */
static int sub_outputs(const char *det_topic, const char *mask_topic, const char *diag_topic, int count, int seconds, const char *also_frame) {
  dds_entity_t pp = participant();
  dds_qos_t *q = reliable_qos();
  dds_entity_t rd_det = dds_create_reader(pp, dds_create_topic(pp, &vision_msgs_msg_dds__Detection2DArray__desc, det_topic, NULL, NULL), q, NULL);
  dds_entity_t rd_mask = dds_create_reader(pp, dds_create_topic(pp, &sensor_msgs_msg_dds__Image__desc, mask_topic, NULL, NULL), q, NULL);
  dds_entity_t rd_diag = dds_create_reader(pp, dds_create_topic(pp, &diagnostic_msgs_msg_dds__DiagnosticArray__desc, diag_topic, NULL, NULL), q, NULL);
  printf("READY\n");
  fflush(stdout);
  /* also_frame: comma-separated frame ids that must each have had a detection message */
  char wanted[4][64];
  int n_wanted = 0, seen[4] = {0};
  if (also_frame) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", also_frame);
    for (char *tok = strtok(buf, ","); tok && n_wanted < 4; tok = strtok(NULL, ",")) snprintf(wanted[n_wanted++], 64, "%s", tok);
  }
  int n_det = 0, n_mask = 0, n_diag = 0, seen_also = n_wanted == 0;
  dds_time_t until = dds_time() + DDS_SECS(seconds);
  while ((n_det < count || n_mask < count || n_diag < count || !seen_also) && dds_time() < until) {
    void *s[1] = {NULL};
    dds_sample_info_t info[1];
    int k;
    if ((k = dds_take(rd_det, s, info, 1, 1)) > 0 && info[0].valid_data) {
      vision_msgs_msg_dds__Detection2DArray_ *m = s[0];
      printf("DETECTIONS %s %u", m->header.frame_id, m->detections._length);
      for (uint32_t i = 0; i < m->detections._length; i++) {
        vision_msgs_msg_dds__Detection2D_ *d = &m->detections._buffer[i];
        printf(" %s %.3f %.1f %.1f %.1f %.1f", d->results._length ? d->results._buffer[0].hypothesis.class_id : "?",
               d->results._length ? d->results._buffer[0].hypothesis.score : 0.0, d->bbox.center.position.x, d->bbox.center.position.y,
               d->bbox.size_x, d->bbox.size_y);
      }
      printf("\n");
      seen_also = 1;
      for (int w = 0; w < n_wanted; w++) {
        if (strcmp(m->header.frame_id, wanted[w]) == 0) seen[w] = 1;
        seen_also &= seen[w];
      }
      n_det++;
    }
    if (k > 0) dds_return_loan(rd_det, s, k);
    s[0] = NULL;
    if ((k = dds_take(rd_mask, s, info, 1, 1)) > 0 && info[0].valid_data) {
      sensor_msgs_msg_dds__Image_ *m = s[0];
      uint32_t ones = 0, other = 0;
      for (uint32_t i = 0; i < m->data._length; i++) { if (m->data._buffer[i] == 1) ones++; else if (m->data._buffer[i] != 0) other++; }
      printf("MASK %s %u %u %s %u %u %u\n", m->header.frame_id, m->width, m->height, m->encoding, m->data._length, ones, other);
      n_mask++;
    }
    if (k > 0) dds_return_loan(rd_mask, s, k);
    s[0] = NULL;
    if ((k = dds_take(rd_diag, s, info, 1, 1)) > 0 && info[0].valid_data) {
      diagnostic_msgs_msg_dds__DiagnosticArray_ *m = s[0];
      for (uint32_t i = 0; i < m->status._length; i++) {
        diagnostic_msgs_msg_dds__DiagnosticStatus_ *st = &m->status._buffer[i];
        printf("DIAG %d [%s]", st->level, st->name);
        for (uint32_t j = 0; j < st->values._length; j++) printf(" %s=%s", st->values._buffer[j].key, st->values._buffer[j].value);
        printf("\n");
      }
      n_diag++;
    }
    if (k > 0) dds_return_loan(rd_diag, s, k);
    fflush(stdout);
    dds_sleepfor(DDS_MSECS(5));
  }
  dds_delete(pp);
  return (n_det >= count && n_mask >= count && n_diag >= count && seen_also) ? 0 : 1;
}

/* Simulated time: the wall clock shifted by offset_s, COUNT times every PERIOD_MS, once the node's /clock reader matched. */
static int pub_clock(int offset_s, int count, int period_ms) {
  dds_entity_t pp = participant();
  dds_entity_t wr = best_effort_writer(pp, &rosgraph_msgs_msg_dds__Clock__desc, "rt/clock");
  for (int i = 0; i < count; i++) {
    rosgraph_msgs_msg_dds__Clock_ m = {.clock = stamp_now()};
    m.clock.sec += offset_s;
    if (dds_write(wr, &m) < 0) { fprintf(stderr, "ros_peer: clock write failed\n"); return 2; }
    dds_sleepfor(DDS_MSECS(period_ms));
  }
  dds_delete(pp);
  return 0;
}

static int sub_detections(const char *topic, int count, int seconds) {
  dds_entity_t pp = participant();
  dds_qos_t *q = reliable_qos();
  dds_entity_t rd = dds_create_reader(pp, dds_create_topic(pp, &vision_msgs_msg_dds__Detection2DArray__desc, topic, NULL, NULL), q, NULL);
  dds_time_t until = dds_time() + DDS_SECS(seconds);
  int n = 0;
  while (n < count && dds_time() < until) {
    void *s[1] = {NULL};
    dds_sample_info_t info[1];
    int k = dds_take(rd, s, info, 1, 1);
    if (k > 0 && info[0].valid_data) {
      vision_msgs_msg_dds__Detection2DArray_ *m = s[0];
      printf("DETECTIONS %s %u", m->header.frame_id, m->detections._length);
      for (uint32_t i = 0; i < m->detections._length; i++) {
        vision_msgs_msg_dds__Detection2D_ *d = &m->detections._buffer[i];
        printf(" %s %.3f", d->results._length ? d->results._buffer[0].hypothesis.class_id : "?", d->results._length ? d->results._buffer[0].hypothesis.score : 0.0);
      }
      printf("\n");
      n++;
    }
    if (k > 0) dds_return_loan(rd, s, k);
    else dds_sleepfor(DDS_MSECS(10));
    fflush(stdout);
  }
  dds_delete(pp);
  return n >= count ? 0 : 1;
}

static int sub_rosout(int seconds, const char *text) {
  dds_entity_t pp = participant();
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_durability(q, DDS_DURABILITY_TRANSIENT_LOCAL);
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, 1000);
  dds_entity_t rd = dds_create_reader(pp, dds_create_topic(pp, &rcl_interfaces_msg_dds__Log__desc, "rt/rosout", NULL, NULL), q, NULL);
  dds_time_t until = dds_time() + DDS_SECS(seconds);
  int seen = 0;
  while (!seen && dds_time() < until) {
    void *s[1] = {NULL};
    dds_sample_info_t info[1];
    int k = dds_take(rd, s, info, 1, 1);
    if (k > 0 && info[0].valid_data) {
      rcl_interfaces_msg_dds__Log_ *m = s[0];
      printf("LOG %u %s: %s (%s %s)\n", m->level, m->name, m->msg, m->file, m->function);
      if (strstr(m->msg, text)) seen = 1;
    }
    if (k > 0) dds_return_loan(rd, s, k);
    else dds_sleepfor(DDS_MSECS(10));
    fflush(stdout);
  }
  dds_delete(pp);
  return seen ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc >= 7 && strcmp(argv[1], "pub-compressed-file") == 0)
    return pub_compressed_file(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
  if (argc >= 8 && strcmp(argv[1], "pub-image-file") == 0)
    return pub_image_file(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]), atoi(argv[6]), atoi(argv[7]), argc >= 9 ? atoi(argv[8]) : 0);
  if (argc >= 7 && strcmp(argv[1], "sub-outputs") == 0)
    return sub_outputs(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]), argc >= 8 ? argv[7] : NULL);
  if (argc >= 5 && strcmp(argv[1], "sub-image") == 0) return sub_image(argv[2], atoi(argv[3]), atoi(argv[4]));
  if (argc >= 6 && strcmp(argv[1], "pub-image") == 0) return pub_image(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
  if (argc >= 5 && strcmp(argv[1], "sub-detections") == 0) return sub_detections(argv[2], atoi(argv[3]), atoi(argv[4]));
  if (argc >= 4 && strcmp(argv[1], "sub-rosout") == 0) return sub_rosout(atoi(argv[2]), argv[3]);
  if (argc >= 5 && strcmp(argv[1], "pub-clock") == 0) return pub_clock(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
  fprintf(stderr, "usage: ros_peer sub-image TOPIC COUNT SECONDS | pub-image TOPIC COUNT WIDTH HEIGHT\n");
  return 2;
}
