package dev.demandlayering.runtime.cuda;

/** Starts a kernel of kernels.cu by name over a grid of blocks. */
@FunctionalInterface
interface KernelLauncher {
    void launch(String name, int gridX, int gridY, int blockX, int blockY, KernelArgs args);

    /** One thread per element: {@code threads} threads in blocks of 256. */
    default void launch(String name, long threads, KernelArgs args) {
        if (threads <= 0) {
            args.close();
            return;
        }
        long blocks = (threads + 255) / 256;
        if (blocks > Integer.MAX_VALUE) throw new IllegalArgumentException(name + ": " + threads + " threads is too many for one launch");
        launch(name, (int) blocks, 1, 256, 1, args);
    }
}
