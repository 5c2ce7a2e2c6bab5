package dev.demandlayering.ros.node;

import dev.demandlayering.ros.dds.Qos;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one output from taking the others down: a message larger than its topic's maximum is skipped with a
 * WARN naming the topic and both sizes, and a transport that fails to publish one is logged the same way;
 * either is counted and the frame's other outputs still go out.
 */
final class OutputGuard {
    private static final Logger LOG = LoggerFactory.getLogger(OutputGuard.class);
    private final Map<String, Integer> maxBytes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> skippedByTopic = new ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();

    /** {@code target} with every advertised topic's size limit remembered and every publish guarded. */
    MessageSink around(MessageSink target) {
        return new MessageSink() {
            @Override
            public void advertise(String topic, String ddsTypeName, Qos qos, int maxMessageBytes) {
                maxBytes.put(topic, maxMessageBytes);
                target.advertise(topic, ddsTypeName, qos, maxMessageBytes);
            }

            @Override
            public void publish(String topic, byte[] cdr, long logNanos) {
                Integer max = maxBytes.get(topic);
                if (max != null && cdr.length > max) {
                    skip(topic, "message of " + cdr.length + " bytes exceeds the topic's maximum of " + max + " bytes");
                    return;
                }
                try {
                    target.publish(topic, cdr, logNanos);
                } catch (RuntimeException e) {
                    skip(topic, "publishing " + cdr.length + " bytes failed: " + FailureLog.describe(e));
                }
            }
        };
    }

    private void skip(String topic, String why) {
        skipped.incrementAndGet();
        long n = skippedByTopic.computeIfAbsent(topic, t -> new AtomicLong()).incrementAndGet();
        if (n == 1 || n % FailureLog.SUMMARY_EVERY == 0) {
            LOG.warn("{}: output skipped ({} so far on this topic): {}; the frame's other outputs are published", topic, n, why);
        }
    }

    /** Outputs skipped so far, all topics. */
    long skipped() {
        return skipped.get();
    }
}
