/* `ros2 param` as an rmw_cyclonedds_cpp client does it: rcl_interfaces' parameter services of a node, on CycloneDDS.
 *   param_client NODE list                    print "NAME n" per parameter
 *   param_client NODE get NAME                print "VALUE name type text"
 *   param_client NODE set NAME TYPE VALUE     TYPE bool|integer|double|string; print "SET ok|fail reason"
 *   param_client NODE describe NAME           print "DESCRIBE name type read_only constraints [range from to]"
 *   param_client NODE events SECONDS          print "EVENT node new|changed name type text" from /parameter_events until one change
 * NODE is the node's fully qualified name (/robot/perception). Domain: ROS_DOMAIN_ID. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dds/dds.h"
#include "ros_msgs.h"

static dds_entity_t pp;

static dds_qos_t *service_qos(void) {
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, 10);
  return q;
}

/* Sends one request and waits for the reply with the same client id and sequence number (rmw_cyclonedds' matching). */
static void *call(const char *node, const char *service, const dds_topic_descriptor_t *req_desc, const dds_topic_descriptor_t *rep_desc,
                  void *request, uint64_t *client_guid) {
  char rq[512], rr[512];
  snprintf(rq, sizeof rq, "rq%s/%sRequest", node, service);
  snprintf(rr, sizeof rr, "rr%s/%sReply", node, service);
  dds_qos_t *q = service_qos();
  dds_entity_t wr = dds_create_writer(pp, dds_create_topic(pp, req_desc, rq, NULL, NULL), q, NULL);
  dds_entity_t rd = dds_create_reader(pp, dds_create_topic(pp, rep_desc, rr, NULL, NULL), q, NULL);
  dds_publication_matched_status_t pm = {0};
  dds_subscription_matched_status_t sm = {0};
  for (int i = 0; i < 3000 && (pm.current_count == 0 || sm.current_count == 0); i++) {
    dds_get_publication_matched_status(wr, &pm);
    dds_get_subscription_matched_status(rd, &sm);
    dds_sleepfor(DDS_MSECS(10));
  }
  if (pm.current_count == 0 || sm.current_count == 0) { fprintf(stderr, "param_client: %s not served\n", rq); exit(2); }
  dds_sleepfor(DDS_MSECS(300));
  *client_guid = ((uint64_t) dds_time() << 16) ^ (uint64_t) rand();
  ((uint64_t *) request)[0] = *client_guid; /* every request struct starts with client_guid, sequence_number */
  ((int64_t *) request)[1] = 1;
  if (dds_write(wr, request) < 0) { fprintf(stderr, "param_client: write failed\n"); exit(2); }
  for (int i = 0; i < 1000; i++) {
    void *s[1] = {NULL};
    dds_sample_info_t info[1];
    int k = dds_take(rd, s, info, 1, 1);
    if (k > 0 && info[0].valid_data && ((uint64_t *) s[0])[0] == *client_guid && ((int64_t *) s[0])[1] == 1) return s[0];
    if (k > 0) dds_return_loan(rd, s, k);
    dds_sleepfor(DDS_MSECS(10));
  }
  fprintf(stderr, "param_client: no reply on %s\n", rr);
  exit(1);
}

static void print_value(const rcl_interfaces_msg_dds__ParameterValue_ *v) {
  switch (v->type) {
    case 1: printf("bool %s", v->bool_value ? "true" : "false"); break;
    case 2: printf("integer %lld", (long long) v->integer_value); break;
    case 3: printf("double %g", v->double_value); break;
    case 4: printf("string %s", v->string_value); break;
    case 9:
      printf("string_array");
      for (uint32_t i = 0; i < v->string_array_value._length; i++) printf(" %s", v->string_array_value._buffer[i]);
      break;
    default: printf("type%d", v->type);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: param_client NODE list|get|set|describe|events ...\n"); return 2; }
  const char *d = getenv("ROS_DOMAIN_ID");
  pp = dds_create_participant(d ? (dds_domainid_t) atoi(d) : 0, NULL, NULL);
  const char *node = argv[1], *cmd = argv[2];
  uint64_t guid;
  if (strcmp(cmd, "list") == 0) {
    rcl_interfaces_srv_dds__ListParameters_Request_ req = {0};
    rcl_interfaces_srv_dds__ListParameters_Response_ *rep = call(node, "list_parameters", &rcl_interfaces_srv_dds__ListParameters_Request__desc,
        &rcl_interfaces_srv_dds__ListParameters_Response__desc, &req, &guid);
    for (uint32_t i = 0; i < rep->result.names._length; i++) printf("NAME %s\n", rep->result.names._buffer[i]);
    for (uint32_t i = 0; i < rep->result.prefixes._length; i++) printf("PREFIX %s\n", rep->result.prefixes._buffer[i]);
  } else if (strcmp(cmd, "get") == 0 && argc >= 4) {
    char *names[1] = {argv[3]};
    rcl_interfaces_srv_dds__GetParameters_Request_ req = {.names = {._length = 1, ._maximum = 1, ._buffer = names}};
    rcl_interfaces_srv_dds__GetParameters_Response_ *rep = call(node, "get_parameters", &rcl_interfaces_srv_dds__GetParameters_Request__desc,
        &rcl_interfaces_srv_dds__GetParameters_Response__desc, &req, &guid);
    printf("VALUE %s ", argv[3]);
    if (rep->values._length) print_value(&rep->values._buffer[0]);
    printf("\n");
  } else if (strcmp(cmd, "set") == 0 && argc >= 6) {
    rcl_interfaces_msg_dds__Parameter_ p = {.name = argv[3]};
    p.value.string_value = "";
    if (strcmp(argv[4], "bool") == 0) { p.value.type = 1; p.value.bool_value = strcmp(argv[5], "true") == 0; }
    else if (strcmp(argv[4], "integer") == 0) { p.value.type = 2; p.value.integer_value = atoll(argv[5]); }
    else if (strcmp(argv[4], "double") == 0) { p.value.type = 3; p.value.double_value = atof(argv[5]); }
    else { p.value.type = 4; p.value.string_value = argv[5]; }
    rcl_interfaces_srv_dds__SetParameters_Request_ req = {.parameters = {._length = 1, ._maximum = 1, ._buffer = &p}};
    rcl_interfaces_srv_dds__SetParameters_Response_ *rep = call(node, "set_parameters", &rcl_interfaces_srv_dds__SetParameters_Request__desc,
        &rcl_interfaces_srv_dds__SetParameters_Response__desc, &req, &guid);
    if (rep->results._length) printf("SET %s %s\n", rep->results._buffer[0].successful ? "ok" : "fail", rep->results._buffer[0].reason);
  } else if (strcmp(cmd, "describe") == 0 && argc >= 4) {
    char *names[1] = {argv[3]};
    rcl_interfaces_srv_dds__DescribeParameters_Request_ req = {.names = {._length = 1, ._maximum = 1, ._buffer = names}};
    rcl_interfaces_srv_dds__DescribeParameters_Response_ *rep = call(node, "describe_parameters",
        &rcl_interfaces_srv_dds__DescribeParameters_Request__desc, &rcl_interfaces_srv_dds__DescribeParameters_Response__desc, &req, &guid);
    if (rep->descriptors._length) {
      rcl_interfaces_msg_dds__ParameterDescriptor_ *ds = &rep->descriptors._buffer[0];
      printf("DESCRIBE %s %u %s %s", ds->name, ds->type, ds->read_only ? "read_only" : "writable", ds->additional_constraints);
      if (ds->floating_point_range._length)
        printf(" [range %g %g]", ds->floating_point_range._buffer[0].from_value, ds->floating_point_range._buffer[0].to_value);
      printf("\n");
    }
  } else if (strcmp(cmd, "events") == 0 && argc >= 4) {
    dds_qos_t *q = dds_create_qos();
    dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
    dds_qset_history(q, DDS_HISTORY_KEEP_LAST, 1000);
    dds_entity_t rd = dds_create_reader(pp, dds_create_topic(pp, &rcl_interfaces_msg_dds__ParameterEvent__desc, "rt/parameter_events", NULL, NULL), q, NULL);
    printf("READY\n");
    fflush(stdout);
    dds_time_t until = dds_time() + DDS_SECS(atoi(argv[3]));
    int changed = 0;
    while (!changed && dds_time() < until) {
      void *s[1] = {NULL};
      dds_sample_info_t info[1];
      int k = dds_take(rd, s, info, 1, 1);
      if (k > 0 && info[0].valid_data) {
        rcl_interfaces_msg_dds__ParameterEvent_ *e = s[0];
        for (uint32_t i = 0; i < e->changed_parameters._length; i++) {
          printf("EVENT %s changed %s ", e->node, e->changed_parameters._buffer[i].name);
          print_value(&e->changed_parameters._buffer[i].value);
          printf("\n");
          changed = 1;
        }
        if (e->new_parameters._length) printf("EVENT %s new %u parameters\n", e->node, e->new_parameters._length);
      }
      if (k > 0) dds_return_loan(rd, s, k);
      else dds_sleepfor(DDS_MSECS(10));
      fflush(stdout);
    }
    if (!changed) return 1;
  } else {
    fprintf(stderr, "param_client: unknown command %s\n", cmd);
    return 2;
  }
  fflush(stdout);
  dds_delete(pp);
  return 0;
}
