package dev.demandlayering.ros.dds;

import com.eprosima.xmlschemas.fastrtps_profiles.DurabilityQosKindPolicyType;
import com.eprosima.xmlschemas.fastrtps_profiles.HistoryQosKindPolicyType;
import com.eprosima.xmlschemas.fastrtps_profiles.PublishModeQosKindPolicyType;
import com.eprosima.xmlschemas.fastrtps_profiles.ReliabilityQosKindPolicyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import us.ihmc.pubsub.Domain;
import us.ihmc.pubsub.DomainFactory;
import us.ihmc.pubsub.attributes.ParticipantProfile;
import us.ihmc.pubsub.attributes.PublisherAttributes;
import us.ihmc.pubsub.attributes.SubscriberAttributes;
import us.ihmc.pubsub.common.MatchingInfo;
import us.ihmc.pubsub.common.SampleInfo;
import us.ihmc.pubsub.participant.Participant;
import us.ihmc.pubsub.subscriber.Subscriber;
import us.ihmc.pubsub.subscriber.SubscriberListener;

/**
 * ROS 2 over eProsima Fast-DDS 2.14 (the native libraries bundled in us.ihmc:ihmc-pub-sub): one DDS
 * participant in the ROS domain, raw CDR payloads under the ROS DDS type names. Large messages go out in
 * asynchronous publish mode so Fast-DDS fragments them.
 */
public final class FastDdsTransport implements RosTransport {
    private static final Logger LOG = LoggerFactory.getLogger(FastDdsTransport.class);
    /** Requested socket buffers; the kernel caps them at net.core.rmem_max / wmem_max. */
    static final long SOCKET_BUFFER_BYTES = 32L << 20;
    private final Domain domain;
    private final Participant participant;
    private final Map<String, RawCdrType> types = new HashMap<>();

    public FastDdsTransport(int domainId, String participantName) {
        this(domainId, participantName, DiscoveryRange.fromEnvironment(System.getenv()));
    }

    public FastDdsTransport(int domainId, String participantName, DiscoveryRange discovery) {
        if (domainId < 0 || domainId > 232) throw new IllegalArgumentException("ROS_DOMAIN_ID must be 0..232, got " + domainId);
        domain = DomainFactory.getDomain(DomainFactory.PubSubImplementation.FAST_RTPS);
        ParticipantProfile profile = ParticipantProfile.create().domainId(domainId).name(participantName);
        // camera images arrive as bursts of UDP fragments: the sockets need room for whole frames. Fast-DDS
        // does not apply the participant-level socket sizes to its builtin transports, so the UDPv4
        // transport is declared explicitly with its buffer sizes (and the builtin ones are not used).
        com.eprosima.xmlschemas.fastrtps_profiles.TransportDescriptorType udp = new com.eprosima.xmlschemas.fastrtps_profiles.TransportDescriptorType();
        udp.setTransportId("dlayer_udp");
        udp.setType("UDPv4");
        udp.setSendBufferSize(SOCKET_BUFFER_BYTES);
        udp.setReceiveBufferSize(SOCKET_BUFFER_BYTES);
        if (discovery.localhostOnly()) {
            // rmw_fastrtps' localhost-only: the UDP transport on the loopback interface alone, and peers found there
            var whiteList = new com.eprosima.xmlschemas.fastrtps_profiles.ObjectFactory().createTransportDescriptorTypeInterfaceWhiteList();
            whiteList.getAddressOrInterface().add(new com.eprosima.xmlschemas.fastrtps_profiles.ObjectFactory()
                    .createTransportDescriptorTypeInterfaceWhiteListAddress(java.util.List.of("127.0.0.1")));
            udp.setInterfaceWhiteList(whiteList);
        }
        profile.addTransport(udp).useBuiltinTransports(false);
        // what rmw puts in a participant's USER_DATA: its security enclave ("/" without SROS2), which ROS tools read
        var userData = new com.eprosima.xmlschemas.fastrtps_profiles.OctectVectorQosPolicyType();
        userData.getValue().add(octets("enclave=/;"));
        profile.getProfile().getRtps().setUserData(userData);
        if (!discovery.staticPeers().isEmpty()) initialPeers(profile, discovery.staticPeers());
        try {
            participant = domain.createParticipant(profile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a DDS participant in domain " + domainId, e);
        }
        for (String note : discovery.notes()) LOG.warn("{}", note);
        LOG.info("DDS participant '{}' in domain {} (Fast-DDS, discovery range {}{})", participantName, domainId, discovery.range(),
                discovery.staticPeers().isEmpty() ? "" : ", static peers " + discovery.staticPeers());
    }

    /** Fast-DDS's XML octet vector: the bytes as hexadecimal numbers separated by dots. */
    static String octets(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) sb.append(sb.length() == 0 ? "" : ".").append(Integer.toHexString(b & 0xff));
        return sb.toString();
    }

    /** ROS_STATIC_PEERS: each address an initial peer, beside the default multicast group (which an explicit list replaces). */
    private static void initialPeers(ParticipantProfile profile, java.util.List<String> peers) {
        var rtps = profile.getProfile().getRtps();
        if (rtps.getBuiltin() == null) rtps.setBuiltin(new com.eprosima.xmlschemas.fastrtps_profiles.BuiltinAttributesType());
        var list = new com.eprosima.xmlschemas.fastrtps_profiles.LocatorListType();
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("239.255.0.1"));
        all.addAll(peers);
        for (String address : all) {
            var udpv4 = new com.eprosima.xmlschemas.fastrtps_profiles.Udpv4LocatorType();
            udpv4.setAddress(address);
            var locator = new com.eprosima.xmlschemas.fastrtps_profiles.LocatorListType.Locator();
            locator.getUdpv4().add(udpv4);
            list.getLocator().add(locator);
        }
        rtps.getBuiltin().setInitialPeersList(list);
    }

    private synchronized RawCdrType type(String ddsTypeName, int maxBytes) {
        RawCdrType t = types.get(ddsTypeName);
        if (t == null) {
            t = new RawCdrType(ddsTypeName, maxBytes);
            domain.registerType(participant, t);
            types.put(ddsTypeName, t);
        } else if (t.getTypeSize() < maxBytes) {
            throw new IllegalArgumentException("type " + ddsTypeName + " is registered with a maximum of " + t.getTypeSize() + " bytes");
        }
        return t;
    }

    @Override
    public Publisher advertiseDds(String topic, String ddsTypeName, Qos qos, int maxMessageBytes) {
        RawCdrType t = type(ddsTypeName, maxMessageBytes);
        PublisherAttributes a = PublisherAttributes.create().topicDataType(t).topicName(topic)
                .reliabilityKind(qos.reliable() ? ReliabilityQosKindPolicyType.RELIABLE : ReliabilityQosKindPolicyType.BEST_EFFORT)
                .historyQosPolicyKind(HistoryQosKindPolicyType.KEEP_LAST).historyDepth(qos.depth())
                .durabilityKind(qos.transientLocal() ? DurabilityQosKindPolicyType.TRANSIENT_LOCAL : DurabilityQosKindPolicyType.VOLATILE)
                .publishModeKind(PublishModeQosKindPolicyType.ASYNCHRONOUS)
                // frequent heartbeats: reliable readers sync and repair lost fragments within ~100 ms, not 3 s
                .heartBeatPeriod(new us.ihmc.pubsub.common.Time(0, 100_000_000L));
        us.ihmc.pubsub.publisher.Publisher p;
        AtomicInteger matched = new AtomicInteger();
        try {
            p = domain.createPublisher(participant, a, new us.ihmc.pubsub.publisher.PublisherListener() {
                @Override
                public void onPublicationMatched(us.ihmc.pubsub.publisher.Publisher pub, MatchingInfo info) {
                    if (info.getStatus() == MatchingInfo.MatchingStatus.MATCHED_MATCHING) matched.incrementAndGet();
                    else matched.decrementAndGet();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot advertise " + topic, e);
        }
        byte[] gid = gid(p.getGuid());
        return new Publisher() {
            private final RawCdrType.Sample sample = new RawCdrType.Sample();

            @Override
            public byte[] gid() {
                return gid.clone();
            }

            @Override
            public synchronized void publish(byte[] cdr) {
                sample.data = cdr;
                sample.length = cdr.length;
                try {
                    p.write(sample);
                } catch (IOException e) {
                    throw new UncheckedIOException("publishing on " + topic + " failed", e);
                }
            }

            @Override
            public int matchedSubscriptions() {
                return matched.get();
            }
        };
    }

    @Override
    public byte[] subscribe(String topic, String ddsTypeName, Qos qos, int maxMessageBytes, Consumer<byte[]> onMessage) {
        RawCdrType t = type(ddsTypeName, maxMessageBytes);
        SubscriberAttributes a = SubscriberAttributes.create().topicDataType(t).topicName(RosTransport.ddsTopic(topic))
                .reliabilityKind(qos.reliable() ? ReliabilityQosKindPolicyType.RELIABLE : ReliabilityQosKindPolicyType.BEST_EFFORT)
                .historyQosPolicyKind(HistoryQosKindPolicyType.KEEP_LAST).historyDepth(qos.depth())
                .durabilityKind(DurabilityQosKindPolicyType.VOLATILE);
        try {
            Subscriber<?> s = domain.createSubscriber(participant, a, new SubscriberListener<RawCdrType.Sample>() {
                private final RawCdrType.Sample sample = new RawCdrType.Sample();
                private final SampleInfo info = new SampleInfo();

                @Override
                public void onNewDataMessage(Subscriber<RawCdrType.Sample> s) {
                    // called once per sample
                    if (s.takeNextData(sample, info)) onMessage.accept(java.util.Arrays.copyOf(sample.data, sample.length));
                }

                @Override
                public void onSubscriptionMatched(Subscriber<RawCdrType.Sample> s, MatchingInfo info) {
                    LOG.debug("subscription {} matched: {}", topic, info.getStatus());
                }
            });
            return gid(s.getGuid());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot subscribe to " + topic, e);
        }
    }

    /** The RTPS vendor ids in the first two bytes of a GUID prefix. */
    static final int VENDOR_FAST_DDS = 0x010f, VENDOR_CYCLONE = 0x0110;

    /**
     * Requests and replies as rmw_cyclonedds lays them out: the payload starts with a 16-byte request header (the
     * client's 8-byte id and the request's 8-byte sequence number), which the reply repeats. rmw_fastrtps instead
     * matches a reply by its related_sample_identity, a write parameter the Fast-DDS binding here cannot set: a request
     * from an rmw_fastrtps client is logged (once per service) and not answered, as it could not be matched.
     */
    @Override
    public java.util.List<byte[]> serve(String service, String requestType, String responseType, java.util.function.Function<byte[], byte[]> handler) {
        Qos qos = new Qos(true, 10);
        Publisher replies = advertiseDds("rr" + service + "Reply", responseType, qos, 1 << 20);
        RawCdrType t = type(requestType, 1 << 20);
        SubscriberAttributes a = SubscriberAttributes.create().topicDataType(t).topicName("rq" + service + "Request")
                .reliabilityKind(ReliabilityQosKindPolicyType.RELIABLE).historyQosPolicyKind(HistoryQosKindPolicyType.KEEP_LAST).historyDepth(10)
                .durabilityKind(DurabilityQosKindPolicyType.VOLATILE);
        java.util.concurrent.atomic.AtomicBoolean toldFastDds = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            Subscriber<?> s = domain.createSubscriber(participant, a, new SubscriberListener<RawCdrType.Sample>() {
                private final RawCdrType.Sample sample = new RawCdrType.Sample();
                private final SampleInfo info = new SampleInfo();

                @Override
                public void onNewDataMessage(Subscriber<RawCdrType.Sample> sub) {
                    if (!sub.takeNextData(sample, info)) return;
                    byte[] prefix = info.getSampleIdentity().getGuid().getGuidPrefix().getValue();
                    int vendor = (prefix[0] & 0xff) << 8 | (prefix[1] & 0xff);
                    if (vendor == VENDOR_FAST_DDS) {
                        if (!toldFastDds.getAndSet(true)) {
                            LOG.warn("{}: a request from an rmw_fastrtps client is not answered: its reply must carry a related_sample_identity, which "
                                    + "this node's DDS binding cannot set; call it from rmw_cyclonedds_cpp (RMW_IMPLEMENTATION=rmw_cyclonedds_cpp)", service);
                        }
                        return;
                    }
                    byte[] in = java.util.Arrays.copyOf(sample.data, sample.length);
                    if (in.length < 20) {
                        LOG.warn("{}: request of {} bytes is shorter than its 16-byte request header; ignored", service, in.length);
                        return;
                    }
                    byte[] request = new byte[in.length - 16];
                    System.arraycopy(in, 0, request, 0, 4); // encapsulation
                    System.arraycopy(in, 20, request, 4, in.length - 20);
                    byte[] response;
                    try {
                        response = handler.apply(request);
                    } catch (RuntimeException e) {
                        LOG.warn("{}: request not answered: {}", service, e.getMessage());
                        return;
                    }
                    byte[] reply = new byte[response.length + 16];
                    System.arraycopy(response, 0, reply, 0, 4);
                    System.arraycopy(in, 4, reply, 4, 16); // the client's id and sequence number, as it sent them
                    System.arraycopy(response, 4, reply, 20, response.length - 4);
                    replies.publish(reply);
                }

                @Override
                public void onSubscriptionMatched(Subscriber<RawCdrType.Sample> sub, MatchingInfo matching) {
                    LOG.debug("service {} matched a client: {}", service, matching.getStatus());
                }
            });
            return java.util.List.of(gid(s.getGuid()), replies.gid());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve " + service, e);
        }
    }

    @Override
    public byte[] participantGid() {
        return gid(participant.getGuid());
    }

    /** A Fast-DDS GUID as rmw_fastrtps copies it into a gid: the 12-byte prefix, then the 4-byte entity id. */
    private static byte[] gid(us.ihmc.pubsub.common.Guid g) {
        byte[] out = new byte[16];
        System.arraycopy(g.getGuidPrefix().getValue(), 0, out, 0, 12);
        System.arraycopy(g.getEntity().getValue(), 0, out, 12, 4);
        return out;
    }

    @Override
    public void close() {
        domain.removeParticipant(participant);
    }
}
