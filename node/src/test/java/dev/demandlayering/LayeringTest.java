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
 * The layers, read from the sources' imports and fully qualified names. The Maven modules enforce most of them (runtime <-
 * perception <- ros <- node: a module cannot see the ones above it); these rules also hold inside a module: the runtime
 * knows nothing of ROS, perception, the model catalog or the CLI; the catalog nothing of perception; perception nothing of
 * ROS, DDS or CUDA; the ROS layer nothing of CUDA. And each module holds only its own packages.
 */
class LayeringTest {
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "runtime", List.of("ros", "perception", "models", "cli"),
            "models", List.of("perception", "ros", "cli"),
            "perception", List.of("ros", "cli", "runtime.cuda"),
            "ros", List.of("runtime.cuda", "cli"));
    /** Each module's source root and the top-level packages it may hold. */
    private static final Map<String, List<String>> MODULES = Map.of(
            "modules/runtime", List.of("runtime"),
            "modules/perception", List.of("models", "perception"),
            "modules/ros", List.of("ros"),
            "node", List.of("cli"));
    private static final Pattern REFERENCE = Pattern.compile("dev\\.demandlayering\\.([a-z.]+)\\.[A-Z]");

    @Test
    void noPackageReachesIntoALayerAboveOrBesideIt() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, List<String>> module : MODULES.entrySet()) {
            Path src = TestRepo.root().resolve(module.getKey()).resolve("src/main/java/dev/demandlayering");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String top = src.relativize(f).getName(0).toString();
                    String where = TestRepo.root().relativize(f).toString();
                    if (!module.getValue().contains(top)) violations.add(where + " is outside the module's packages " + module.getValue());
                    Matcher m = REFERENCE.matcher(Files.readString(f));
                    while (m.find()) {
                        String pkg = m.group(1);
                        for (String banned : FORBIDDEN.getOrDefault(top, List.of())) {
                            if (pkg.equals(banned) || pkg.startsWith(banned + ".")) violations.add(where + " uses dev.demandlayering." + pkg);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
