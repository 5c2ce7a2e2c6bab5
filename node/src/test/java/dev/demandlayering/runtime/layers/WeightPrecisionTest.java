package dev.demandlayering.runtime.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WeightPrecisionTest {
    @Test
    void knowsItsByteWidth() {
        assertEquals(4, WeightPrecision.FP32.bytesPerValue());
        assertEquals(2, WeightPrecision.FP16.bytesPerValue());
        // sizes and offsets in a pack's layer table are float32's
        assertEquals(4096, WeightPrecision.FP32.of(4096));
        assertEquals(2048, WeightPrecision.FP16.of(4096));
        assertEquals(6, WeightPrecision.FP16.of(12));
        assertTrue(WeightPrecision.FP16.isHalf());
    }

    @Test
    void parsesTheParameterSpellingAndNamesWhereAnUnknownOneCameFrom() {
        assertEquals(WeightPrecision.FP16, WeightPrecision.parse("fp16", "parameter weight_precision"));
        assertEquals(WeightPrecision.FP32, WeightPrecision.parse(" FP32 ", "parameter weight_precision"));
        assertEquals("fp16", WeightPrecision.FP16.label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightPrecision.parse("bf16", "parameter weight_precision"));
        assertEquals("parameter weight_precision: unknown weight precision 'bf16'; expected one of [fp32, fp16]", e.getMessage());
    }
}
