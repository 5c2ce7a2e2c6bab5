/* A ROS 2-style DDS peer built on CycloneDDS (what rmw_cyclonedds_cpp uses), for interoperability tests.
 *   ros_peer sub-image TOPIC COUNT SECONDS      print "IMAGE sec nanosec frame_id width height encoding bytes sum" per image
 *   ros_peer pub-image TOPIC COUNT WIDTH HEIGHT  publish COUNT rgb8 images (pixel = (x + y + i) mod 256) at 10 Hz
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

int main(int argc, char **argv) {
  if (argc >= 5 && strcmp(argv[1], "sub-image") == 0) return sub_image(argv[2], atoi(argv[3]), atoi(argv[4]));
  if (argc >= 6 && strcmp(argv[1], "pub-image") == 0) return pub_image(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
  fprintf(stderr, "usage: ros_peer sub-image TOPIC COUNT SECONDS | pub-image TOPIC COUNT WIDTH HEIGHT\n");
  return 2;
}
