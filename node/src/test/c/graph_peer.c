/* What `ros2 node list` / `ros2 topic info -v` read, on CycloneDDS (rmw_cyclonedds_cpp's DDS):
 *   graph_peer SECONDS NODE_NAME
 * reads ros_discovery_info (rmw_dds_common/ParticipantEntitiesInfo, built with -DGRAPH_HEADER for one distro's Gid size)
 * and DDS discovery (DCPSParticipant, DCPSPublication, DCPSSubscription), and prints, once a sample names NODE_NAME:
 *   PARTICIPANT gidhex KNOWN|UNKNOWN USER_DATA   (whether DDS discovery knows a participant of that GUID, and its USER_DATA)
 *   NODE namespace name WRITERS n READERS m
 *   WRITER gidhex topic type | READER gidhex topic type   (each gid resolved to the endpoint DDS discovered)
 * Exit 0 when every gid resolved, 1 otherwise. Domain: ROS_DOMAIN_ID. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dds/dds.h"
#include GRAPH_HEADER

#define GID_BYTES sizeof(((rmw_dds_common_msg_dds__Gid_ *) 0)->data)

static void hex(const uint8_t *b, size_t n, char *out) {
  for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

/* Copies the topic and type of the endpoint (a builtin reader's sample) whose GUID is the gid's first 16 bytes; 0 if none. */
static int find(dds_entity_t rd, const uint8_t *gid, char *topic, char *type) {
  void *samples[256] = {NULL};
  dds_sample_info_t infos[256];
  int n = dds_read(rd, samples, infos, 256, 256), found = 0;
  for (int i = 0; i < n && !found; i++) {
    dds_builtintopic_endpoint_t *e = samples[i];
    if (infos[i].valid_data && memcmp(e->key.v, gid, 16) == 0) {
      snprintf(topic, 256, "%s", e->topic_name);
      snprintf(type, 256, "%s", e->type_name);
      found = 1;
    }
  }
  if (n > 0) dds_return_loan(rd, samples, n);
  if (!found) { strcpy(topic, "?"); strcpy(type, "?"); }
  return found;
}

/* 1 when DDS discovery knows a participant of that GUID; its USER_DATA (rmw's "enclave=/;") copied to user_data. */
static int known_participant(dds_entity_t rd, const uint8_t *gid, char *user_data, size_t cap) {
  void *samples[64] = {NULL};
  dds_sample_info_t infos[64];
  int n = dds_read(rd, samples, infos, 64, 64);
  int found = 0;
  snprintf(user_data, cap, "-");
  for (int i = 0; i < n; i++) {
    dds_builtintopic_participant_t *p = samples[i];
    if (infos[i].valid_data && memcmp(p->key.v, gid, 16) == 0) {
      found = 1;
      void *ud = NULL;
      size_t sz = 0;
      if (dds_qget_userdata(p->qos, &ud, &sz) && sz > 0 && sz < cap) {
        memcpy(user_data, ud, sz);
        user_data[sz] = 0;
      }
      dds_free(ud);
    }
  }
  if (n > 0) dds_return_loan(rd, samples, n);
  return found;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: graph_peer SECONDS NODE_NAME\n"); return 2; }
  const char *d = getenv("ROS_DOMAIN_ID");
  dds_entity_t pp = dds_create_participant(d ? (dds_domainid_t) atoi(d) : 0, NULL, NULL);
  if (pp < 0) { fprintf(stderr, "graph_peer: no participant: %s\n", dds_strretcode(-pp)); return 2; }
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_durability(q, DDS_DURABILITY_TRANSIENT_LOCAL);
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, 1);
  dds_entity_t tp = dds_create_topic(pp, &rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc, "ros_discovery_info", NULL, NULL);
  dds_entity_t rd = dds_create_reader(pp, tp, q, NULL);
  dds_entity_t parts = dds_create_reader(pp, DDS_BUILTIN_TOPIC_DCPSPARTICIPANT, NULL, NULL);
  dds_entity_t pubs = dds_create_reader(pp, DDS_BUILTIN_TOPIC_DCPSPUBLICATION, NULL, NULL);
  dds_entity_t subs = dds_create_reader(pp, DDS_BUILTIN_TOPIC_DCPSSUBSCRIPTION, NULL, NULL);
  dds_time_t until = dds_time() + DDS_SECS(atoi(argv[1]));
  int status = 1;
  while (dds_time() < until && status != 0) {
    void *s[1] = {NULL};
    dds_sample_info_t info[1];
    int k = dds_take(rd, s, info, 1, 1);
    if (k > 0 && info[0].valid_data) {
      rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ *m = s[0];
      for (uint32_t i = 0; i < m->node_entities_info_seq._length; i++) {
        rmw_dds_common_msg_dds__NodeEntitiesInfo_ *n = &m->node_entities_info_seq._buffer[i];
        if (strcmp(n->node_name, argv[2]) != 0) continue;
        dds_sleepfor(DDS_MSECS(1500)); /* let endpoint discovery catch up with the graph message */
        char h[2 * GID_BYTES + 1];
        hex(m->gid.data, GID_BYTES, h);
        char user_data[256];
        int known = known_participant(parts, m->gid.data, user_data, sizeof user_data);
        printf("PARTICIPANT %s %s %s\n", h, known ? "KNOWN" : "UNKNOWN", user_data);
        printf("NODE %s %s WRITERS %u READERS %u\n", n->node_namespace, n->node_name, n->writer_gid_seq._length, n->reader_gid_seq._length);
        int all = 1;
        char topic[256], type[256];
        for (uint32_t w = 0; w < n->writer_gid_seq._length; w++) {
          all &= find(pubs, n->writer_gid_seq._buffer[w].data, topic, type);
          hex(n->writer_gid_seq._buffer[w].data, GID_BYTES, h);
          printf("WRITER %s %s %s\n", h, topic, type);
        }
        for (uint32_t r = 0; r < n->reader_gid_seq._length; r++) {
          all &= find(subs, n->reader_gid_seq._buffer[r].data, topic, type);
          hex(n->reader_gid_seq._buffer[r].data, GID_BYTES, h);
          printf("READER %s %s %s\n", h, topic, type);
        }
        status = all ? 0 : 1;
      }
    }
    if (k > 0) dds_return_loan(rd, s, k);
    fflush(stdout);
    dds_sleepfor(DDS_MSECS(20));
  }
  if (status != 0) printf("NO_COMPLETE_GRAPH_FOR %s\n", argv[2]);
  dds_delete(pp);
  return status;
}
