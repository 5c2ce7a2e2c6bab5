package dev.demandlayering.ros.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ChildCli;
import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Start-up errors of {@code dlayer node}: each stops the node before it joins the DDS domain, with a line that
 * names what is wrong. Runs the node's entry point in a child JVM, as a user would.
 */
class NodeStartupTest {
    static final Path REPO = TestRepo.root();

    record Result(int code, String err) {
    }

    static Result node(String... rosArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("node", "--ros-args"));
        args.addAll(List.of(rosArgs));
        ChildCli.Result r = ChildCli.run(args.toArray(String[]::new));
        return new Result(r.code(), r.out());
    }

    @Test
    void unknownAndMistypedParametersAreEachNamed() throws Exception {
        Result r = node("-p", "arena_sise:=1", "-p", "qos.depth:=deep", "-p", "backend:=tpu");
        assertEquals(2, r.code(), r.err());
        // an unknown name is a warning (rclcpp ignores overrides of undeclared parameters); the mistyped ones still stop it
        assertTrue(r.err().contains("parameter 'arena_sise' is not a parameter of this node; ignored (did you mean 'arena_size'?)"), r.err());
        assertTrue(r.err().contains("dlayer node: parameter 'qos.depth': value \"deep\" has type string, expected integer"), r.err());
        assertTrue(r.err().contains("dlayer node: parameter 'backend': value \"tpu\" is not allowed; expected auto, cpu, cuda"), r.err());
        assertTrue(!r.err().contains("DDS participant"), "must fail before joining DDS: " + r.err());
    }

    @Test
    void arenaBelowTheMinimumStatesTheMinimum() throws Exception {
        Assumptions.assumeTrue(Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models not fetched (models/fetch.sh)");
        Result r = node("-p", "models:=[nanodet, selfie]", "-p", "arena_size:=4MiB");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().matches("(?s).*dlayer node: arena budget 4194304 bytes is below the minimum of \\d+ bytes.*"), r.err());
        assertTrue(!r.err().contains("DDS participant"), r.err());
    }

    @Test
    void missingModelIsNamed() throws Exception {
        Result r = node("-p", "models:=[nosuchmodel]");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("model manifest not found") && r.err().contains("nosuchmodel.yaml"), r.err());
    }

    @Test
    void missingParamsFileIsNamed() throws Exception {
        Result r = node("--params-file", "/nonexistent/params.yaml");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("parameter file not found: /nonexistent/params.yaml"), r.err());
    }
}
