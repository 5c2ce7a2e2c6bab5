// Kernels of the CUDA backend, compiled at run time with NVRTC. Each mirrors the CPU backend's kernel of the
// same op (runtime.cpu), one thread per output element unless noted; float math, double where the CPU uses it.
// Shapes and strides of up to 8 dimensions travel by value in I8.

struct I8 { int v[8]; };

// NVRTC compiles without the C library's headers: no INFINITY; negative infinity from its bits instead
#define NEG_INF (__int_as_float(0xff800000))

__device__ __forceinline__ long long gid() { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }

// op: 0 Relu, 1 LeakyRelu, 2 Sigmoid, 3 Swish, 4 HardSigmoid, 5 HardSwish, 6 Clip, 7 Tanh, 8 Mish,
// 9 FusedHardSwish ((x * alpha) * clip(x + beta, lo, hi): Keras's chain, its rounding kept; __fmul_rn: no contraction)
extern "C" __global__ void unary(const float* x, float* y, int n, int op, float alpha, float beta, float lo, float hi) {
    long long i = gid();
    if (i >= n) return;
    float v = x[i];
    switch (op) {
        case 0: v = v > 0.f ? v : 0.f; break;
        case 1: v = v >= 0.f ? v : v * alpha; break;
        case 2: v = (float)(1.0 / (1.0 + exp(-(double)v))); break;
        case 3: v = v * (float)(1.0 / (1.0 + exp(-(double)v))); break;
        case 4: v = fmaxf(0.f, fminf(1.f, alpha * v + beta)); break;
        case 5: v = v * fmaxf(0.f, fminf(1.f, v / 6.f + 0.5f)); break;
        case 6: v = fmaxf(lo, fminf(hi, v)); break;
        case 7: v = (float)tanh((double)v); break;
        case 9: v = __fmul_rn(__fmul_rn(v, alpha), fmaxf(lo, fminf(hi, __fadd_rn(v, beta)))); break;
        default: v = (float)((double)v * tanh(v > 20.f ? (double)v : log1p(exp((double)v)))); break;
    }
    y[i] = v;
}

// op: 0 Add, 1 Sub, 2 Mul, 3 Div; operands read through strides over the output's index (0 where broadcast)
extern "C" __global__ void binary(const float* a, const float* b, float* y, int n, int op, int rank, I8 shape, I8 as, I8 bs) {
    long long i = gid();
    if (i >= n) return;
    long long rest = i, ia = 0, ib = 0;
    for (int d = rank - 1; d >= 0; d--) {
        int c = (int)(rest % shape.v[d]);
        rest /= shape.v[d];
        ia += (long long)c * as.v[d];
        ib += (long long)c * bs.v[d];
    }
    float p = a[ia], q = b[ib];
    y[i] = op == 0 ? p + q : op == 1 ? p - q : op == 2 ? p * q : p / q;
}

// y[i] = x[offset + sum_d idx_d * stride_d], idx the output index: Slice, Transpose, Split pieces
extern "C" __global__ void gather(const float* x, float* y, int n, int rank, I8 shape, I8 stride, long long offset) {
    long long i = gid();
    if (i >= n) return;
    long long rest = i, src = offset;
    for (int d = rank - 1; d >= 0; d--) {
        int c = (int)(rest % shape.v[d]);
        rest /= shape.v[d];
        src += (long long)c * stride.v[d];
    }
    y[i] = x[src];
}

// y[offset + sum_d idx_d * stride_d] = x[i], idx the input index: Concat pieces
extern "C" __global__ void scatter(const float* x, float* y, int n, int rank, I8 shape, I8 stride, long long offset) {
    long long i = gid();
    if (i >= n) return;
    long long rest = i, dst = offset;
    for (int d = rank - 1; d >= 0; d--) {
        int c = (int)(rest % shape.v[d]);
        rest /= shape.v[d];
        dst += (long long)c * stride.v[d];
    }
    y[dst] = x[i];
}

// mode: 0 constant, 1 edge, 2 reflect
extern "C" __global__ void pad(const float* x, float* y, int n, int rank, I8 oshape, I8 ishape, I8 before, int mode, float value) {
    long long i = gid();
    if (i >= n) return;
    long long rest = i, src = 0, stride = 1;
    bool outside = false;
    for (int d = rank - 1; d >= 0; d--) {
        int c = (int)(rest % oshape.v[d]);
        rest /= oshape.v[d];
        int k = c - before.v[d], len = ishape.v[d];
        if (k < 0 || k >= len) {
            if (mode == 1) k = k < 0 ? 0 : len - 1;
            else if (mode == 2) {
                if (len == 1) k = 0;
                else {
                    int period = 2 * (len - 1);
                    k = ((k % period) + period) % period;
                    if (k >= len) k = period - k;
                }
            } else outside = true;
        }
        src += (long long)k * stride;
        stride *= len;
    }
    y[i] = outside ? value : x[src];
}

extern "C" __global__ void pool2d(const float* x, float* y, int planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw,
                                  int dh, int dw, int pt, int pl, int pb, int pr, int isMax, int includePad) {
    long long i = gid();
    if (i >= (long long)planes * oh * ow) return;
    int ox = (int)(i % ow), oy = (int)((i / ow) % oh);
    long long plane = i / ((long long)ow * oh);
    const float* v = x + plane * h * w;
    float best = NEG_INF, sum = 0.f;
    int count = 0;
    int y0 = oy * sh - pt, x0 = ox * sw - pl;
    for (int ky = 0; ky < kh; ky++) {
        int iy = y0 + ky * dh;
        if (iy < 0 || iy >= h) continue;
        for (int kx = 0; kx < kw; kx++) {
            int ix = x0 + kx * dw;
            if (ix < 0 || ix >= w) continue;
            float val = v[iy * w + ix];
            best = fmaxf(best, val);
            sum += val;
            count++;
        }
    }
    if (isMax) { y[i] = best; return; }
    if (includePad) {
        int ye = min(y0 + (kh - 1) * dh + 1, h + pb), xe = min(x0 + (kw - 1) * dw + 1, w + pr);
        count = ((ye - y0 + dh - 1) / dh) * ((xe - x0 + dw - 1) / dw);
    }
    y[i] = count == 0 ? 0.f : sum / count;
}

// one thread per plane, summed in double as on the CPU
extern "C" __global__ void global_avg(const float* x, float* y, int planes, int area) {
    long long p = gid();
    if (p >= planes) return;
    double s = 0;
    for (int i = 0; i < area; i++) s += x[p * area + i];
    y[p] = (float)(s / area);
}

// one thread per lane (outer x inner), len values apart by inner
extern "C" __global__ void softmax(const float* x, float* y, int lanes, int len, int inner) {
    long long lane = gid();
    if (lane >= lanes) return;
    long long o = lane / inner, in = lane % inner, base = o * len * inner + in;
    float m = NEG_INF;
    for (int j = 0; j < len; j++) m = fmaxf(m, x[base + (long long)j * inner]);
    double s = 0;
    for (int j = 0; j < len; j++) s += (float)exp((double)(x[base + (long long)j * inner] - m));
    for (int j = 0; j < len; j++) y[base + (long long)j * inner] = (float)((float)exp((double)(x[base + (long long)j * inner] - m)) / s);
}

extern "C" __global__ void batchnorm(const float* x, const float* gamma, const float* beta, const float* mean, const float* var, float* y,
                                     int n, int c, int plane, float eps) {
    long long i = gid();
    if (i >= n) return;
    int ch = (int)((i / plane) % c);
    float scale = (float)(gamma[ch] / sqrt((double)(var[ch] + eps)));
    float shift = beta[ch] - mean[ch] * scale;
    y[i] = x[i] * scale + shift;
}

// direct convolution, NCHW, weights [m, c/group, kh, kw]
extern "C" __global__ void conv2d(const float* x, const float* w, const float* b, float* y, int n, int c, int h, int wd, int m, int kh, int kw,
                                  int oh, int ow, int sh, int sw, int dh, int dw, int ph, int pw, int group, int hasBias) {
    long long i = gid();
    if (i >= (long long)n * m * oh * ow) return;
    int ox = (int)(i % ow), oy = (int)((i / ow) % oh), co = (int)((i / ((long long)ow * oh)) % m);
    int img = (int)(i / ((long long)ow * oh * m));
    int cg = c / group, mg = m / group, g = co / mg;
    float acc = hasBias ? b[co] : 0.f;
    for (int ci = 0; ci < cg; ci++) {
        const float* xp = x + ((long long)img * c + g * cg + ci) * h * wd;
        const float* wp = w + ((long long)co * cg + ci) * kh * kw;
        for (int ky = 0; ky < kh; ky++) {
            int iy = oy * sh - ph + ky * dh;
            if (iy < 0 || iy >= h) continue;
            for (int kx = 0; kx < kw; kx++) {
                int ix = ox * sw - pw + kx * dw;
                if (ix < 0 || ix >= wd) continue;
                acc += xp[iy * wd + ix] * wp[ky * kw + kx];
            }
        }
    }
    y[i] = acc;
}

// transposed convolution as a gather: weights [c, m/group, kh, kw]
extern "C" __global__ void conv_transpose2d(const float* x, const float* w, const float* b, float* y, int n, int c, int h, int wd, int m,
                                            int kh, int kw, int oh, int ow, int sh, int sw, int dh, int dw, int ph, int pw, int group, int hasBias) {
    long long i = gid();
    if (i >= (long long)n * m * oh * ow) return;
    int ox = (int)(i % ow), oy = (int)((i / ow) % oh), co = (int)((i / ((long long)ow * oh)) % m);
    int img = (int)(i / ((long long)ow * oh * m));
    int mg = m / group, cg = c / group, g = co / mg, col = co % mg;
    float acc = hasBias ? b[co] : 0.f;
    for (int ci = g * cg; ci < (g + 1) * cg; ci++) {
        const float* xp = x + ((long long)img * c + ci) * h * wd;
        const float* wp = w + ((long long)ci * mg + col) * kh * kw;
        for (int ky = 0; ky < kh; ky++) {
            int ty = oy + ph - ky * dh;
            if (ty < 0 || ty % sh != 0) continue;
            int iy = ty / sh;
            if (iy >= h) continue;
            for (int kx = 0; kx < kw; kx++) {
                int tx = ox + pw - kx * dw;
                if (tx < 0 || tx % sw != 0) continue;
                int ix = tx / sw;
                if (ix >= wd) continue;
                acc += xp[iy * wd + ix] * wp[ky * kw + kx];
            }
        }
    }
    y[i] = acc;
}

// IEEE binary16 <-> float32, round to nearest even (bit for bit as the packer's Fp16), written out so that the
// same source compiles with NVRTC and, for the tests, with g++
union f32bits { float f; unsigned int u; };

__device__ __forceinline__ float h2f(unsigned short h) {
    unsigned int sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    f32bits r;
    if (exp == 0x1fu) r.u = sign | 0x7f800000u | (mant << 13);
    else if (exp == 0) {
        float v = mant * 5.9604644775390625e-8f;  // subnormal: mant * 2^-24
        return sign ? -v : v;
    } else r.u = sign | ((exp + 112u) << 23) | (mant << 13);
    return r.f;
}

__device__ __forceinline__ unsigned short f2h(float f) {
    f32bits b;
    b.f = f;
    unsigned int sign = (b.u >> 16) & 0x8000u, mant = b.u & 0x7fffffu;
    int exp = (int)((b.u >> 23) & 0xffu);
    if (exp == 0xff) return (unsigned short)(sign | 0x7c00u | (mant ? 0x200u : 0u));
    int e = exp - 127 + 15;
    if (e >= 0x1f) return (unsigned short)(sign | 0x7c00u);
    if (e <= 0) {
        if (e < -10) return (unsigned short)sign;
        mant |= 0x800000u;
        int shift = 14 - e;
        unsigned int half = mant >> shift, rem = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1u))) half++;
        return (unsigned short)(sign | half);
    }
    unsigned int half = ((unsigned int)e << 10) | (mant >> 13), rem = mant & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) half++;
    return (unsigned short)(sign | half);
}

__device__ __forceinline__ void store(float* p, float v) { *p = v; }
__device__ __forceinline__ void store(unsigned short* p, float v) { *p = f2h(v); }

// im2col of one image and group for output pixels [p0, p0 + pt): col[k * pt + j], k over (channel, ky, kx) as the
// weights are laid out, zero where the window leaves the (padded) input; x points at the group's first channel
template <typename T>
__device__ void im2col_tile(const float* x, T* col, int h, int wd, int kh, int kw, int ow, int sh, int sw, int dh, int dw, int ph, int pw,
                            int kdim, int p0, int pt) {
    long long i = gid();
    if (i >= (long long)kdim * pt) return;
    int j = (int)(i % pt), k = (int)(i / pt);
    int p = p0 + j, oy = p / ow, ox = p % ow;
    int kx = k % kw, ky = (k / kw) % kh, ci = k / (kw * kh);
    int iy = oy * sh - ph + ky * dh, ix = ox * sw - pw + kx * dw;
    store(col + i, iy >= 0 && iy < h && ix >= 0 && ix < wd ? x[((long long)ci * h + iy) * wd + ix] : 0.f);
}

extern "C" __global__ void im2col(const float* x, float* col, int h, int wd, int kh, int kw, int ow, int sh, int sw, int dh, int dw,
                                  int ph, int pw, int kdim, int p0, int pt) {
    im2col_tile(x, col, h, wd, kh, kw, ow, sh, sw, dh, dw, ph, pw, kdim, p0, pt);
}

// the same tile as float16, for a GEMM with float16 weights (tensor cores)
extern "C" __global__ void im2col_h(const float* x, unsigned short* col, int h, int wd, int kh, int kw, int ow, int sh, int sw, int dh,
                                    int dw, int ph, int pw, int kdim, int p0, int pt) {
    im2col_tile(x, col, h, wd, kh, kw, ow, sh, sw, dh, dw, ph, pw, kdim, p0, pt);
}

// float32 activations as float16, the other operand of a GEMM with float16 weights
extern "C" __global__ void narrow_half(const float* x, unsigned short* y, int n) {
    long long i = gid();
    if (i >= n) return;
    y[i] = f2h(x[i]);
}

// float16 weights as float32, for the kernels that read float32
extern "C" __global__ void widen_half(const unsigned short* x, float* y, int n) {
    long long i = gid();
    if (i >= n) return;
    y[i] = h2f(x[i]);
}

// y[img, ch, p] += b[ch] over n values of m channels of plane values each
extern "C" __global__ void channel_bias(float* y, const float* b, int n, int m, int plane) {
    long long i = gid();
    if (i >= n) return;
    y[i] += b[(i / plane) % m];
}

// coord: 0 half_pixel, 1 asymmetric, 2 align_corners, 3 pytorch_half_pixel, 4 tf_half_pixel_for_nn;
// nearest: 0 round_prefer_floor, 1 round_prefer_ceil, 2 floor, 3 ceil
__device__ double resize_src(int o, int in, int out, float scale, int coord) {
    switch (coord) {
        case 1: return o / (double)scale;
        case 2: return in * (double)scale <= 1 ? 0 : o * (in - 1) / (in * (double)scale - 1);
        case 3: return out > 1 ? (o + 0.5) / scale - 0.5 : 0;
        case 4: return (o + 0.5) / scale;
        default: return (o + 0.5) / scale - 0.5;
    }
}

__device__ void resize_axis(int o, int in, int out, float scale, int coord, int nearest, int linear, int* i0, int* i1, float* f) {
    double src = resize_src(o, in, out, scale, coord);
    if (linear) {
        double c = fmax(0.0, fmin((double)(in - 1), src));
        int lo = (int)floor(c);
        *i0 = lo;
        *i1 = min(in - 1, lo + 1);
        *f = (float)(c - lo);
    } else {
        int idx = nearest == 2 ? (int)floor(src) : nearest == 3 ? (int)ceil(src) : nearest == 1 ? (int)floor(src + 0.5) : (int)ceil(src - 0.5);
        *i0 = max(0, min(in - 1, idx));
        *i1 = *i0;
        *f = 0.f;
    }
}

extern "C" __global__ void resize(const float* x, float* y, int planes, int ih, int iw, int oh, int ow, float sy, float sx, int coord,
                                  int nearest, int linear) {
    long long i = gid();
    if (i >= (long long)planes * oh * ow) return;
    int ox = (int)(i % ow), oy = (int)((i / ow) % oh);
    long long plane = i / ((long long)ow * oh);
    const float* v = x + plane * ih * iw;
    int y0, y1, x0, x1;
    float fy, fx;
    resize_axis(oy, ih, oh, sy, coord, nearest, linear, &y0, &y1, &fy);
    resize_axis(ox, iw, ow, sx, coord, nearest, linear, &x0, &x1, &fx);
    if (!linear) { y[i] = v[y0 * iw + x0]; return; }
    float top = v[y0 * iw + x0] * (1 - fx) + v[y0 * iw + x1] * fx;
    float bot = v[y1 * iw + x0] * (1 - fx) + v[y1 * iw + x1] * fx;
    y[i] = top * (1 - fy) + bot * fy;
}
