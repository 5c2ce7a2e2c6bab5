package dev.demandlayering.runtime.exec;

/**
 * Times each layer's compute on the device that runs it. A synchronous backend can read the host clock around
 * the calls; an asynchronous one (a GPU) records device events around the layer's kernels and reads them once
 * the frame is done, since host time then only measures how long submitting took.
 */
public interface LayerClock extends AutoCloseable {
    /** Before the first kernel of the layer with this index (within its model) is submitted. */
    void start(int layer);

    /** After its last kernel is submitted. */
    void stop(int layer);

    /** The layer's compute time in ms; valid after {@link Backend#synchronize()}. */
    double elapsedMs(int layer);

    @Override
    default void close() {
    }

    /** The host's clock: right for backends whose execute returns when the work is done. */
    static LayerClock host(int layers) {
        long[] start = new long[layers];
        double[] ms = new double[layers];
        return new LayerClock() {
            @Override
            public void start(int layer) {
                start[layer] = System.nanoTime();
            }

            @Override
            public void stop(int layer) {
                ms[layer] = (System.nanoTime() - start[layer]) / 1e6;
            }

            @Override
            public double elapsedMs(int layer) {
                return ms[layer];
            }
        };
    }
}
