package dev.demandlayering.ros;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ROS package built as colcon builds it, with Debian's real ament-cmake: the sources (a copy of the work tree's,
 * so this build's Maven run does not touch the jar the other tests use) configured, built and installed into a
 * prefix; the package found in the ament index; the installed {@code lib/demand_layering/dlayer_node} started with
 * {@code --ros-args} as {@code ros2 run} starts it, then stopped with SIGINT (status 0); a touched Java source
 * makes the next build rebuild the jar.
 */
class AmentPackageIT {
    static final Path REPO = TestRepo.root();

    @TempDir
    Path tmp;

    static String sh(Path dir, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void buildsInstallsAndRunsWithRealAmentCmake() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/share/ament_cmake/cmake/ament_cmakeConfig.cmake")),
                "needs Debian's ament-cmake (apt-get install ament-cmake python3-ament-index; tools/test.sh installs them)");
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
        NetNamespace.assumeAvailable();
        Path src = tmp.resolve("src"), build = tmp.resolve("build"), prefix = tmp.resolve("install");
        for (String f : sh(REPO, 60, "git", "ls-files", "--cached", "--others", "--exclude-standard").lines().toList()) {
            Path from = REPO.resolve(f);
            if (!Files.isRegularFile(from)) continue; // deleted in the work tree, not yet committed
            Path to = src.resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        // Debian's ament scripts need Debian's python3 (its ament_package module), not one first on PATH
        sh(tmp, 120, "cmake", "-S", src.toString(), "-B", build.toString(), "-DCMAKE_INSTALL_PREFIX=" + prefix, "-DPython3_EXECUTABLE=/usr/bin/python3");
        sh(tmp, 600, "cmake", "--build", build.toString());
        sh(tmp, 120, "cmake", "--install", build.toString());

        assertTrue(Files.isRegularFile(prefix.resolve("share/ament_index/resource_index/packages/demand_layering")));
        for (String installed : List.of("lib/demand_layering/dlayer_node", "lib/demand_layering/dlayer", "share/demand_layering/java/dlayer.jar",
                "share/demand_layering/package.xml", "share/demand_layering/launch/perception.launch.py", "share/demand_layering/params/detector.yaml")) {
            assertTrue(Files.exists(prefix.resolve(installed)), installed + " not installed");
        }
        try (var manifests = Files.list(REPO.resolve("models"))) {
            for (Path m : manifests.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                assertTrue(Files.exists(prefix.resolve("share/demand_layering/models").resolve(m.getFileName())), m.getFileName() + " not installed");
            }
        }
        String index = sh(tmp, 60, "env", "AMENT_PREFIX_PATH=" + prefix, "/usr/bin/python3", "-c",
                "from ament_index_python.packages import get_package_prefix, get_package_share_directory\n"
                        + "print(get_package_prefix('demand_layering')); print(get_package_share_directory('demand_layering'))");
        assertEquals(List.of(prefix.toString(), prefix.resolve("share/demand_layering").toString()), index.lines().toList());

        // ros2 run demand_layering dlayer_node --ros-args ...: <prefix>/lib/<package>/<executable> with the ROS arguments
        String script = "export ROS_DOMAIN_ID=31 ROS_LOG_DIR=" + tmp.resolve("roslog") + " DLAYER_CACHE=" + TestRepo.cache() + "\nset -m\n"
                + NodeScript.start(prefix.resolve("lib/demand_layering/dlayer_node") + " --ros-args -r __node:=installed -r __ns:=/pkg -p models:=[nanodet] -r image_raw:=/cam", "node.log")
                + NodeScript.stop() + "cat node.log\n";
        String out = NetNamespace.run(script, tmp, 180);
        assertTrue(out.contains("NODE_EXIT=0"), out);
        assertTrue(out.contains("[pkg.installed]: subscribed to /cam (sensor_msgs/Image") && out.contains("[pkg.installed]: node /pkg/installed running"), out);

        // colcon build after an edit: the jar's rule depends on the Java sources
        assertTrue(!dryRun(build).contains("mvn"), "an up-to-date build runs no Maven:\n" + dryRun(build));
        Path source = src.resolve("modules/runtime/src/main/java/dev/demandlayering/runtime/BuildInfo.java");
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertTrue(dryRun(build).contains("mvn -q -B -DskipTests"), "a touched source rebuilds the jar:\n" + dryRun(build));
    }

    /** What {@code cmake --build} would run now (make -n). */
    static String dryRun(Path build) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("cmake", "--build", build.toString(), "--", "-n"));
        return sh(build, 120, cmd.toArray(String[]::new));
    }
}
