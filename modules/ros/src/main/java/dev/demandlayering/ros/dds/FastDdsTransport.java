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
        profile.addTransport(udp).useBuiltinTransports(false);
        try {
            participant = domain.createParticipant(profile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a DDS participant in domain " + domainId, e);
        }
        LOG.info("DDS participant '{}' in domain {} (Fast-DDS)", participantName, domainId);
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
    public Publisher advertise(String topic, String ddsTypeName, Qos qos, int maxMessageBytes) {
        RawCdrType t = type(ddsTypeName, maxMessageBytes);
        PublisherAttributes a = PublisherAttributes.create().topicDataType(t).topicName(RosTransport.ddsTopic(topic))
                .reliabilityKind(qos.reliable() ? ReliabilityQosKindPolicyType.RELIABLE : ReliabilityQosKindPolicyType.BEST_EFFORT)
                .historyQosPolicyKind(HistoryQosKindPolicyType.KEEP_LAST).historyDepth(qos.depth())
                .durabilityKind(DurabilityQosKindPolicyType.VOLATILE).publishModeKind(PublishModeQosKindPolicyType.ASYNCHRONOUS)
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
        return new Publisher() {
            private final RawCdrType.Sample sample = new RawCdrType.Sample();

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
    public void subscribe(String topic, String ddsTypeName, Qos qos, int maxMessageBytes, Consumer<byte[]> onMessage) {
        RawCdrType t = type(ddsTypeName, maxMessageBytes);
        SubscriberAttributes a = SubscriberAttributes.create().topicDataType(t).topicName(RosTransport.ddsTopic(topic))
                .reliabilityKind(qos.reliable() ? ReliabilityQosKindPolicyType.RELIABLE : ReliabilityQosKindPolicyType.BEST_EFFORT)
                .historyQosPolicyKind(HistoryQosKindPolicyType.KEEP_LAST).historyDepth(qos.depth())
                .durabilityKind(DurabilityQosKindPolicyType.VOLATILE);
        try {
            domain.createSubscriber(participant, a, new SubscriberListener<RawCdrType.Sample>() {
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot subscribe to " + topic, e);
        }
    }

    @Override
    public void close() {
        domain.removeParticipant(participant);
    }
}
