package dev.demandlayering.ros.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The ROS packaging, checked with what runs here (no ROS 2 installs from the registries): the XML launch
 * file and package.xml parse and say the right things; the Python launch file runs against stand-in
 * launch modules and starts `dlayer node` with the parameter file and the camera remap.
 */
class LaunchFilesTest {
    static final Path REPO = TestRepo.root();

    private static Document xml(Path p) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
    }

    @Test
    void xmlLaunchStartsTheNodeWithParamsAndRemap() throws Exception {
        Document d = xml(REPO.resolve("launch/perception.launch.xml"));
        Element node = (Element) d.getElementsByTagName("node").item(0);
        assertEquals("demand_layering", node.getAttribute("pkg"));
        assertEquals("dlayer_node", node.getAttribute("exec"));
        assertEquals("", node.getAttribute("args"), "dlayer_node is the node: no command argument");
        assertEquals("$(var params_file)", ((Element) node.getElementsByTagName("param").item(0)).getAttribute("from"));
        Element remap = (Element) node.getElementsByTagName("remap").item(0);
        assertEquals("image_raw", remap.getAttribute("from"));
        assertEquals("$(var image_topic)", remap.getAttribute("to"));
        assertEquals(4, d.getElementsByTagName("arg").getLength());
    }

    @Test
    void pythonLaunchStartsTheSameNode() throws Exception {
        Path stub = Path.of(LaunchFilesTest.class.getResource("/launch_stubs/check_launch.py").toURI());
        Process p = new ProcessBuilder("python3", stub.toString(), REPO.resolve("launch/perception.launch.py").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        JsonNode ld = new ObjectMapper().readTree(out);
        JsonNode actions = ld.get("args").get(0);
        JsonNode node = null;
        int declared = 0;
        for (JsonNode a : actions) {
            if (a.get("kind").asText().equals("Node")) node = a.get("kwargs");
            if (a.get("kind").asText().equals("DeclareLaunchArgument")) declared++;
        }
        assertEquals(4, declared);
        assertEquals("demand_layering", node.get("package").asText());
        assertEquals("dlayer_node", node.get("executable").asText());
        assertTrue(node.get("arguments") == null || node.get("arguments").isEmpty(), node.toString());
        assertEquals("params_file", node.get("parameters").get(0).get("args").get(0).asText());
        assertEquals("image_raw", node.get("remappings").get(0).get(0).asText());
        assertEquals("image_topic", node.get("remappings").get(0).get(1).get("args").get(0).asText());
    }

    @Test
    void packageManifestAndInstallRules() throws Exception {
        Document d = xml(REPO.resolve("package.xml"));
        assertEquals("3", d.getDocumentElement().getAttribute("format"));
        assertEquals("demand_layering", d.getElementsByTagName("name").item(0).getTextContent());
        assertEquals("ament_cmake", d.getElementsByTagName("build_type").item(0).getTextContent());
        String cmake = Files.readString(REPO.resolve("CMakeLists.txt"));
        for (String needed : new String[] {"project(demand_layering", "install(DIRECTORY launch params", "models/*.yaml", "ros/dlayer ros/dlayer_node DESTINATION lib/${PROJECT_NAME}",
                "mvn -q -B -DskipTests ${DLAYER_MAVEN_ARG_LIST} package", "DLAYER_MAVEN_ARGS", "ament_package()"}) {
            assertTrue(cmake.contains(needed), "CMakeLists.txt lacks " + needed);
        }
        assertTrue(Files.isExecutable(REPO.resolve("ros/dlayer")) && Files.isExecutable(REPO.resolve("ros/dlayer_node")));
        java.util.List<String> execDepends = new java.util.ArrayList<>();
        var deps = d.getElementsByTagName("exec_depend");
        for (int i = 0; i < deps.getLength(); i++) execDepends.add(deps.item(i).getTextContent());
        assertTrue(execDepends.containsAll(java.util.List.of("ros2launch", "launch_ros", "launch_xml", "sensor_msgs", "vision_msgs", "diagnostic_msgs")),
                execDepends.toString());
    }
}
