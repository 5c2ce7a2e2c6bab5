package dev.demandlayering.runtime.cuda;

import dev.demandlayering.runtime.exec.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;

/**
 * The arena in device memory: one cudaMalloc for its whole life. The loader reads weights into a pinned host
 * mirror of the arena (cudaHostAlloc, so O_DIRECT reads land in DMA-able memory); {@link #commitWeights}
 * copies them on the copy stream and records an event; the compute stream waits on that event only when a
 * layer needs the weights ({@link #awaitWeights}). When compute is done with a ring range
 * ({@link #releaseWeights}), an event on the compute stream orders the next copy into that range after it.
 * No host synchronisation inside a frame: only the loader thread waits, for its own earlier copy out of a
 * pinned range it is about to overwrite.
 * <p>
 * On an integrated GPU (Jetson: one memory for CPU and GPU) the arena is mapped pinned memory the kernels
 * read directly: one stage fewer, no copies; the loader then waits for compute to release a range instead.
 */
final class CudaArena implements Arena {
    private record RangeEvent(long offset, long len, CUevent_st event) {
        boolean overlaps(long o, long l) {
            return o < offset + len && offset < o + l;
        }
    }

    private final long size;
    private final boolean unified;
    private final BytePointer device;
    private final BytePointer pinned;
    final CUstream_st compute;
    private final CUstream_st copy = new CUstream_st();
    private final List<RangeEvent> copies = new ArrayList<>();
    private final List<RangeEvent> releases = new ArrayList<>();

    CudaArena(long bytes, boolean unified, CUstream_st compute) {
        this.size = bytes;
        this.unified = unified;
        this.compute = compute;
        pinned = new BytePointer();
        CudaException.check(cudart.cudaHostAlloc(pinned, Math.max(bytes, 1), unified ? cudart.cudaHostAllocMapped : cudart.cudaHostAllocDefault),
                "allocating " + bytes + " bytes of pinned host memory for weight staging (cudaHostAlloc)");
        pinned.capacity(bytes).limit(bytes);
        if (unified) {
            BytePointer d = new BytePointer();
            CudaException.check(cudart.cudaHostGetDevicePointer(d, pinned, 0), "cudaHostGetDevicePointer");
            device = d;
        } else {
            device = new BytePointer();
            int s = cudart.cudaMalloc(device, Math.max(bytes, 1));
            if (s != cudart.cudaSuccess) {
                cudart.cudaFreeHost(pinned);
                CudaException.check(s, "allocating the " + bytes + "-byte arena on the device (cudaMalloc)");
            }
        }
        CudaException.check(cudart.cudaStreamCreateWithFlags(copy, cudart.cudaStreamNonBlocking), "creating the copy stream");
    }

    /** Device address of arena byte {@code offset}. */
    long address(long offset) {
        return device.address() + offset;
    }

    /** A pointer JavaCPP passes to CUDA as arena byte {@code offset} on the device. */
    private BytePointer deviceAt(long offset) {
        return new BytePointer(device).position(offset);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized ByteBuffer weightStaging(long offset, long len) {
        check(offset, len);
        // the pinned range may still be the source of an earlier copy (or, unified, in use by kernels)
        waitOverlapping(unified ? releases : copies, offset, len);
        return new BytePointer(pinned).position(offset).limit(offset + len).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public synchronized void commitWeights(long offset, long len) {
        check(offset, len);
        if (unified) return;
        for (Iterator<RangeEvent> it = releases.iterator(); it.hasNext(); ) {
            RangeEvent r = it.next();
            if (!r.overlaps(offset, len)) continue;
            CudaException.check(cudart.cudaStreamWaitEvent(copy, r.event(), 0), "ordering a weight copy after compute");
            cudart.cudaEventDestroy(r.event());
            it.remove();
        }
        CudaException.check(cudart.cudaMemcpyAsync(deviceAt(offset), new BytePointer(pinned).position(offset), len,
                cudart.cudaMemcpyHostToDevice, copy), "copying " + len + " weight bytes to the device");
        copies.add(new RangeEvent(offset, len, record(copy)));
    }

    @Override
    public synchronized void awaitWeights(long offset, long len) {
        for (RangeEvent c : copies) {
            if (c.overlaps(offset, len)) CudaException.check(cudart.cudaStreamWaitEvent(compute, c.event(), 0), "waiting for weights on the compute stream");
        }
    }

    @Override
    public synchronized void releaseWeights(long offset, long len) {
        releases.add(new RangeEvent(offset, len, record(compute)));
    }

    @Override
    public void write(long offset, float[] data) {
        long len = 4L * data.length;
        check(offset, len);
        BytePointer host = new BytePointer(pinned).position(offset);
        host.limit(offset + len).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(data);
        if (!unified) {
            CudaException.check(cudart.cudaMemcpyAsync(deviceAt(offset), host, len, cudart.cudaMemcpyHostToDevice, compute),
                    "copying an input to the device");
        }
    }

    @Override
    public float[] read(long offset, int count) {
        long len = 4L * count;
        check(offset, len);
        BytePointer host = new BytePointer(pinned).position(offset);
        if (!unified) {
            CudaException.check(cudart.cudaMemcpyAsync(host, deviceAt(offset), len, cudart.cudaMemcpyDeviceToHost, compute),
                    "copying an output from the device");
        }
        CudaException.check(cudart.cudaStreamSynchronize(compute), "waiting for the frame's kernels");
        float[] out = new float[count];
        host.limit(offset + len).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static CUevent_st record(CUstream_st stream) {
        CUevent_st e = new CUevent_st();
        CudaException.check(cudart.cudaEventCreateWithFlags(e, cudart.cudaEventDisableTiming), "cudaEventCreate");
        CudaException.check(cudart.cudaEventRecord(e, stream), "cudaEventRecord");
        return e;
    }

    private static void waitOverlapping(List<RangeEvent> events, long offset, long len) {
        for (Iterator<RangeEvent> it = events.iterator(); it.hasNext(); ) {
            RangeEvent r = it.next();
            if (!r.overlaps(offset, len)) continue;
            CudaException.check(cudart.cudaEventSynchronize(r.event()), "waiting for an earlier copy");
            cudart.cudaEventDestroy(r.event());
            it.remove();
        }
    }

    private void check(long offset, long len) {
        if (offset < 0 || len < 0 || offset + len > size) throw new IllegalArgumentException("range [" + offset + ", " + (offset + len) + ") outside the " + size + "-byte arena");
    }

    @Override
    public synchronized void close() {
        cudart.cudaStreamSynchronize(copy);
        cudart.cudaStreamSynchronize(compute);
        for (RangeEvent r : copies) cudart.cudaEventDestroy(r.event());
        for (RangeEvent r : releases) cudart.cudaEventDestroy(r.event());
        copies.clear();
        releases.clear();
        cudart.cudaStreamDestroy(copy);
        if (!unified) cudart.cudaFree(device);
        cudart.cudaFreeHost(pinned);
    }

}
