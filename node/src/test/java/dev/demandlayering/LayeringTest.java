package dev.demandlayering;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers, read from the sources' imports and fully qualified names: the runtime knows nothing of ROS, perception,
 * the model catalog or the CLI; the catalog nothing of perception; perception nothing of ROS, DDS or CUDA; the ROS
 * layer nothing of CUDA.
 */
class LayeringTest {
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "runtime", List.of("ros", "perception", "models", "cli"),
            "models", List.of("perception", "ros", "cli"),
            "perception", List.of("ros", "cli", "runtime.cuda"),
            "ros", List.of("runtime.cuda", "cli"));
    private static final Pattern REFERENCE = Pattern.compile("dev\\.demandlayering\\.([a-z.]+)\\.[A-Z]");

    @Test
    void noPackageReachesIntoALayerAboveOrBesideIt() throws IOException {
        Path src = TestRepo.root().resolve("node/src/main/java/dev/demandlayering");
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, List<String>> rule : FORBIDDEN.entrySet()) {
            try (Stream<Path> files = Files.walk(src.resolve(rule.getKey().replace('.', '/')))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = REFERENCE.matcher(Files.readString(f));
                    while (m.find()) {
                        String pkg = m.group(1);
                        for (String banned : rule.getValue()) {
                            if (pkg.equals(banned) || pkg.startsWith(banned + ".")) violations.add(src.relativize(f) + " uses dev.demandlayering." + pkg);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
