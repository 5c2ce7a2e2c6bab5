/* Serialises one known sample of each ROS message type with CycloneDDS (write, then take the CDR the
 * reader got) and prints "TYPE HEX" lines: the byte layouts the Java codec is checked against. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dds/dds.h"
#include "dds/ddsi/ddsi_serdata.h"
#include "ros_msgs.h"

static void dump(dds_entity_t pp, const dds_topic_descriptor_t *desc, const char *name, const void *sample) {
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_history(qos, DDS_HISTORY_KEEP_ALL, 0);
  char topic_name[128];
  snprintf(topic_name, sizeof topic_name, "cdr_dump_%s", name);
  dds_entity_t tp = dds_create_topic(pp, desc, topic_name, qos, NULL);
  dds_entity_t rd = dds_create_reader(pp, tp, qos, NULL);
  dds_entity_t wr = dds_create_writer(pp, tp, qos, NULL);
  if (tp < 0 || rd < 0 || wr < 0) { fprintf(stderr, "%s: cannot create entities\n", name); exit(1); }
  if (dds_write(wr, sample) < 0) { fprintf(stderr, "%s: write failed\n", name); exit(1); }
  struct ddsi_serdata *sd = NULL;
  dds_sample_info_t info;
  for (int tries = 0; tries < 200; tries++) {
    if (dds_takecdr(rd, &sd, 1, &info, 0) == 1) break;
    dds_sleepfor(DDS_MSECS(5));
  }
  if (sd == NULL) { fprintf(stderr, "%s: nothing received\n", name); exit(1); }
  uint32_t size = ddsi_serdata_size(sd);
  unsigned char *buf = malloc(size);
  ddsi_serdata_to_ser(sd, 0, size, buf);
  printf("%s ", name);
  for (uint32_t i = 0; i < size; i++) printf("%02x", buf[i]);
  printf("\n");
  free(buf);
  ddsi_serdata_unref(sd);
  dds_delete_qos(qos);
}

int main(void) {
  dds_entity_t pp = dds_create_participant(DDS_DOMAIN_DEFAULT, NULL, NULL);
  if (pp < 0) { fprintf(stderr, "cannot create participant\n"); return 1; }

  uint8_t pixels[6] = {1, 2, 3, 250, 251, 252};
  sensor_msgs_msg_dds__Image_ img = {
    .header = {.stamp = {.sec = 1700000000, .nanosec = 123456789}, .frame_id = "camera_front"},
    .height = 1, .width = 2, .encoding = "rgb8", .is_bigendian = 0, .step = 6,
    .data = {._maximum = 6, ._length = 6, ._buffer = pixels, ._release = false}};
  dump(pp, &sensor_msgs_msg_dds__Image__desc, "Image", &img);

  uint8_t jpeg[3] = {0xff, 0xd8, 0xff};
  sensor_msgs_msg_dds__CompressedImage_ ci = {
    .header = {.stamp = {.sec = 5, .nanosec = 7}, .frame_id = "cam"}, .format = "jpeg",
    .data = {._maximum = 3, ._length = 3, ._buffer = jpeg, ._release = false}};
  dump(pp, &sensor_msgs_msg_dds__CompressedImage__desc, "CompressedImage", &ci);

  vision_msgs_msg_dds__ObjectHypothesisWithPose_ hyp;
  memset(&hyp, 0, sizeof hyp);
  hyp.hypothesis.class_id = "person";
  hyp.hypothesis.score = 0.875;
  hyp.pose.pose.orientation.w = 1.0;
  hyp.pose.covariance[35] = 2.5;
  vision_msgs_msg_dds__Detection2D_ det = {
    .header = {.stamp = {.sec = 1700000000, .nanosec = 123456789}, .frame_id = "camera_front"},
    .results = {._maximum = 1, ._length = 1, ._buffer = &hyp, ._release = false},
    .bbox = {.center = {.position = {.x = 320.5, .y = 240.25}, .theta = 0.0}, .size_x = 64.0, .size_y = 128.0},
    .id = "7"};
  vision_msgs_msg_dds__Detection2DArray_ arr = {
    .header = {.stamp = {.sec = 1700000000, .nanosec = 123456789}, .frame_id = "camera_front"},
    .detections = {._maximum = 1, ._length = 1, ._buffer = &det, ._release = false}};
  dump(pp, &vision_msgs_msg_dds__Detection2DArray__desc, "Detection2DArray", &arr);

  diagnostic_msgs_msg_dds__KeyValue_ kvs[2] = {{.key = "arena_bytes", .value = "16777216"}, {.key = "stall_ms", .value = "0.5"}};
  diagnostic_msgs_msg_dds__DiagnosticStatus_ st = {
    .level = 1, .name = "demand_layering: arena", .message = "deadline missed", .hardware_id = "cpu",
    .values = {._maximum = 2, ._length = 2, ._buffer = kvs, ._release = false}};
  diagnostic_msgs_msg_dds__DiagnosticArray_ diag = {
    .header = {.stamp = {.sec = 12, .nanosec = 34}, .frame_id = ""},
    .status = {._maximum = 1, ._length = 1, ._buffer = &st, ._release = false}};
  dump(pp, &diagnostic_msgs_msg_dds__DiagnosticArray__desc, "DiagnosticArray", &diag);

  dds_delete(pp);
  return 0;
}
