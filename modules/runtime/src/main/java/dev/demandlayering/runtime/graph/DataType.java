package dev.demandlayering.runtime.graph;

/** Element types the importers understand. Activations are always FLOAT; INT64 only appears in constants. */
public enum DataType {
    FLOAT, INT64;
}
