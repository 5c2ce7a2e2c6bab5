package dev.demandlayering.runtime.exec;

/** A byte range of the arena. */
public record Region(long offset, long bytes) {
}
