package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ShippedModel;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.Engine;
import dev.demandlayering.runtime.layers.WeightPrecision;
import dev.demandlayering.runtime.plan.ArenaPlan;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Session.Options}: named defaults, the run policy they carry, and its effect on a real model's plan. */
class SessionOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void everySettingHasANamedDefault() {
        Session.Options o = Session.Options.builder().build();
        assertEquals(0, o.budget());
        assertEquals(ResidencyMode.NONE, o.mode());
        assertTrue(o.prefetch());
        assertEquals(Engine.Options.defaults(), o.io());
        assertEquals(Session.Options.DEFAULT_PROFILE_FRAMES, o.profileFrames());
        assertNull(o.costs());
        assertEquals(WeightPrecision.FP32, o.weights());
        Session.Options changed = o.toBuilder().budget(1 << 20).mode(ResidencyMode.AUTO).prefetch(false).weights(WeightPrecision.FP16).build();
        assertEquals(new Session.Options(1 << 20, ResidencyMode.AUTO, false, Engine.Options.defaults(), 2, null, WeightPrecision.FP16), changed);
    }

    @Test
    void theTradeOffWithoutABudgetPlansTheMinimumArena() {
        assertEquals(ResidencyMode.NONE, Session.Options.of(0, ResidencyMode.AUTO).plannedMode());
        assertEquals(ResidencyMode.AUTO, Session.Options.of(64 << 20, ResidencyMode.AUTO).plannedMode());
        assertEquals(ResidencyMode.ALL, Session.Options.of(0, ResidencyMode.ALL).plannedMode());
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertEquals("arena budget must be 0 (none) or a positive number of bytes, got -1",
                assertThrows(IllegalArgumentException.class, () -> Session.Options.builder().budget(-1).build()).getMessage());
        assertEquals("profile frames must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Session.Options.builder().profileFrames(0).build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Session.Options.builder().weights(null).build());
    }

    @Test
    void aSessionOwnsThePolicyAndThePlanItsFullyResidentSize() throws Exception {
        ShippedModel meet = ShippedModel.load("meet", tmp);
        CpuBackend cpu = new CpuBackend();
        ArenaPlan minimum = Session.sizing(List.of(meet.pack().model()), cpu, ResidencyMode.NONE, WeightPrecision.FP32);
        ArenaPlan resident = Session.sizing(List.of(meet.pack().model()), cpu, ResidencyMode.ALL, WeightPrecision.FP32);
        // the plan knows the size it would take with every layer resident, whichever mode it was made for
        assertEquals(resident.arenaBytes(), minimum.fullyResidentBytes());
        assertEquals(resident.arenaBytes(), resident.fullyResidentBytes());
        try (Session s = Session.open(List.of(meet.pack()), Session.Options.of(0, ResidencyMode.AUTO), cpu)) {
            // no budget to trade: every layer streamed through the minimum arena, nothing profiled
            assertEquals(minimum.minimumBytes(), s.plan().arenaBytes());
            assertEquals(0, s.plan().residentLayerCount());
            assertNull(s.profile());
            assertFalse(s.run(List.of(meet.feeds())).outputs().isEmpty());
        }
    }
}
