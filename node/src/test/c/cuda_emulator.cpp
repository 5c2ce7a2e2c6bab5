// Runs the CUDA backend's kernels.cu on the CPU, for tests on machines without a GPU: the kernels compile as
// C++ against a few stand-ins for CUDA's built-ins, and a launch walks the grid block by block, a block's threads
// one after another (no kernel uses shared memory or __syncthreads). Also GEMMs with cuBLAS's conventions
// (column-major, leading dimensions, op flags) for the backend's cuBLAS calls. Arguments arrive exactly as
// cuLaunchKernel takes them: an array of pointers to each argument's value. Reached from Java through JNI
// (KernelEmulator).
#include <cmath>
#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <jni.h>

struct dim3s { unsigned x = 0, y = 0, z = 0; };
thread_local dim3s blockIdx, threadIdx;
dim3s blockDim;
using std::min;
using std::max;
#define __global__
#define __device__
#define __forceinline__ inline
inline float __int_as_float(unsigned bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}
// CUDA's round-to-nearest float arithmetic that the compiler may not contract into a fused multiply-add
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }

#include KERNELS

namespace {
template <typename... A, std::size_t... I>
void call(void (*f)(A...), void** p, std::index_sequence<I...>) {
    f(*static_cast<std::remove_reference_t<A>*>(p[I])...);
}

using Kernel = std::function<void(void**)>;

template <typename... A>
Kernel kernel(void (*f)(A...)) {
    return [f](void** p) { call(f, p, std::index_sequence_for<A...>{}); };
}

const std::map<std::string, Kernel>& table() {
    static const std::map<std::string, Kernel> t = {
        {"unary", kernel(unary)}, {"binary", kernel(binary)}, {"gather", kernel(gather)}, {"scatter", kernel(scatter)},
        {"pad", kernel(pad)}, {"pool2d", kernel(pool2d)}, {"global_avg", kernel(global_avg)}, {"softmax", kernel(softmax)},
        {"batchnorm", kernel(batchnorm)}, {"conv2d", kernel(conv2d)}, {"conv_transpose2d", kernel(conv_transpose2d)},
        {"im2col", kernel(im2col)}, {"im2col_h", kernel(im2col_h)}, {"widen_half", kernel(widen_half)},
        {"narrow_half", kernel(narrow_half)}, {"channel_bias", kernel(channel_bias)}, {"resize", kernel(resize)}};
    return t;
}
}  // namespace

extern "C" JNIEXPORT jint JNICALL Java_dev_demandlayering_runtime_cuda_KernelEmulator_launch(
        JNIEnv* env, jclass, jstring jname, jint gx, jint gy, jint bx, jint by, jlong params) {
    const char* c = env->GetStringUTFChars(jname, nullptr);
    std::string name(c);
    env->ReleaseStringUTFChars(jname, c);
    auto it = table().find(name);
    if (it == table().end()) return 1;
    void** p = reinterpret_cast<void**>(params);
    blockDim = {unsigned(bx), unsigned(by), 1};
    for (int y = 0; y < gy; y++)
        for (int x = 0; x < gx; x++) {
            blockIdx = {unsigned(x), unsigned(y), 0};
            for (int ty = 0; ty < by; ty++)
                for (int tx = 0; tx < bx; tx++) {
                    threadIdx = {unsigned(tx), unsigned(ty), 0};
                    it->second(p);
                }
        }
    return 0;
}

// C = alpha op(A) op(B) + beta C, column-major, as cublasSgemm computes it (beta 0: C is not read); checks the
// leading dimensions the way cuBLAS does, returning 2 where it would return CUBLAS_STATUS_INVALID_VALUE
extern "C" JNIEXPORT jint JNICALL Java_dev_demandlayering_runtime_cuda_KernelEmulator_sgemm(
        JNIEnv*, jclass, jboolean ta, jboolean tb, jint m, jint n, jint k, jfloat alpha, jlong pa, jint lda, jlong pb, jint ldb, jfloat beta,
        jlong pc, jint ldc) {
    if (m < 0 || n < 0 || k < 0 || lda < std::max(1, ta ? k : m) || ldb < std::max(1, tb ? n : k) || ldc < std::max(1, m)) return 2;
    const float* a = reinterpret_cast<const float*>(pa);
    const float* b = reinterpret_cast<const float*>(pb);
    float* c = reinterpret_cast<float*>(pc);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            float acc = 0.f;
            for (int l = 0; l < k; l++) acc += (ta ? a[l + (long long)i * lda] : a[i + (long long)l * lda]) * (tb ? b[j + (long long)l * ldb] : b[l + (long long)j * ldb]);
            float* out = &c[i + (long long)j * ldc];
            *out = beta == 0.f ? alpha * acc : alpha * acc + beta * *out;
        }
    return 0;
}

// as the sgemm above with A and B float16 (cublasGemmEx with CUDA_R_16F inputs, CUDA_R_32F output, CUBLAS_COMPUTE_32F)
extern "C" JNIEXPORT jint JNICALL Java_dev_demandlayering_runtime_cuda_KernelEmulator_hgemm(
        JNIEnv*, jclass, jboolean ta, jboolean tb, jint m, jint n, jint k, jfloat alpha, jlong pa, jint lda, jlong pb, jint ldb, jfloat beta,
        jlong pc, jint ldc) {
    if (m < 0 || n < 0 || k < 0 || lda < std::max(1, ta ? k : m) || ldb < std::max(1, tb ? n : k) || ldc < std::max(1, m)) return 2;
    const unsigned short* a = reinterpret_cast<const unsigned short*>(pa);
    const unsigned short* b = reinterpret_cast<const unsigned short*>(pb);
    float* c = reinterpret_cast<float*>(pc);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            float acc = 0.f;
            for (int l = 0; l < k; l++)
                acc += h2f(ta ? a[l + (long long)i * lda] : a[i + (long long)l * lda]) * h2f(tb ? b[j + (long long)l * ldb] : b[l + (long long)j * ldb]);
            float* out = &c[i + (long long)j * ldc];
            *out = beta == 0.f ? alpha * acc : alpha * acc + beta * *out;
        }
    return 0;
}
