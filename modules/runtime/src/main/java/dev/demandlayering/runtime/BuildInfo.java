package dev.demandlayering.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The versions the build linked (build.properties, written by Maven's resource filtering). */
public final class BuildInfo {
    private static final Properties PROPS = load();

    private BuildInfo() {
    }

    /** The property, or {@code fallback} when it is missing or unfiltered (a build outside Maven). */
    public static String get(String key, String fallback) {
        String v = PROPS.getProperty(key);
        return v == null || v.startsWith("$") ? fallback : v;
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/demandlayering/build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // no build information: callers fall back
        }
        return p;
    }
}
