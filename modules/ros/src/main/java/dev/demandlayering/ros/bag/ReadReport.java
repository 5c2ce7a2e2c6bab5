package dev.demandlayering.ros.bag;

import java.util.ArrayList;
import java.util.List;

/** What reading a bag skipped or could not finish, so a damaged bag loses only its damaged part and says so. */
public final class ReadReport {
    private long messages, skippedChunks, skippedMessages;
    private boolean truncated;
    private final List<String> warnings = new ArrayList<>();

    void message() {
        messages++;
    }

    void skippedChunk(String why) {
        skippedChunks++;
        warnings.add(why);
    }

    /** A message skipped; {@code why} is recorded unless null (repeats of a reason already given). */
    void skippedMessage(String why) {
        skippedMessages++;
        if (why != null) warnings.add(why);
    }

    /** Something worth saying that lost nothing (a file read by scanning because it has no summary). */
    void note(String what) {
        warnings.add(what);
    }

    void truncated(String why) {
        truncated = true;
        warnings.add(why);
    }

    /** This report followed by another file's. */
    ReadReport plus(ReadReport o) {
        ReadReport r = new ReadReport();
        r.messages = messages + o.messages;
        r.skippedChunks = skippedChunks + o.skippedChunks;
        r.skippedMessages = skippedMessages + o.skippedMessages;
        r.truncated = truncated || o.truncated;
        r.warnings.addAll(warnings);
        r.warnings.addAll(o.warnings);
        return r;
    }

    public long messages() {
        return messages;
    }

    public long skippedChunks() {
        return skippedChunks;
    }

    public long skippedMessages() {
        return skippedMessages;
    }

    public boolean truncated() {
        return truncated;
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }
}
