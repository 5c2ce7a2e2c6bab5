package dev.demandlayering.runtime.cuda;

import dev.demandlayering.runtime.exec.LayerClock;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;

/**
 * Per-layer compute time on the GPU: an event pair recorded on the compute stream around each layer's kernels,
 * read after the frame's synchronisation (kernel launches return at once, so the host clock would time the
 * submission only). Events are made once per engine and reused every frame.
 */
final class CudaLayerClock implements LayerClock {
    private final CUstream_st stream;
    private final CUevent_st[] start, stop;
    private final float[] ms = new float[1];

    CudaLayerClock(CUstream_st stream, int layers) {
        this.stream = stream;
        start = new CUevent_st[layers];
        stop = new CUevent_st[layers];
        for (int i = 0; i < layers; i++) {
            start[i] = new CUevent_st();
            stop[i] = new CUevent_st();
            CudaException.check(cudart.cudaEventCreate(start[i]), "creating layer timing events");
            CudaException.check(cudart.cudaEventCreate(stop[i]), "creating layer timing events");
        }
    }

    @Override
    public void start(int layer) {
        CudaException.check(cudart.cudaEventRecord(start[layer], stream), "recording layer " + layer + "'s start event");
    }

    @Override
    public void stop(int layer) {
        CudaException.check(cudart.cudaEventRecord(stop[layer], stream), "recording layer " + layer + "'s stop event");
    }

    @Override
    public double elapsedMs(int layer) {
        CudaException.check(cudart.cudaEventElapsedTime(ms, start[layer], stop[layer]), "reading layer " + layer + "'s compute time");
        return ms[0];
    }

    @Override
    public void close() {
        for (int i = 0; i < start.length; i++) {
            cudart.cudaEventDestroy(start[i]);
            cudart.cudaEventDestroy(stop[i]);
        }
    }
}
