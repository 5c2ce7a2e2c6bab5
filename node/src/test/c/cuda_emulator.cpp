// Runs the CUDA backend's kernels.cu on the CPU, for tests on machines without a GPU: the kernels compile as
// C++ against a few stand-ins for CUDA's built-ins, and a launch walks the grid block by block. Also a GEMM
// with cuBLAS's conventions (column-major, leading dimensions, op flags) for the backend's cuBLAS calls. Blocks of a
// kernel that uses __syncthreads run their threads as real threads meeting at a barrier; others run their
// threads one after another. Arguments arrive exactly as cuLaunchKernel takes them: an array of pointers to
// each argument's value. Reached from Java through JNI (KernelEmulator).
#include <barrier>
#include <cmath>
#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>
#include <jni.h>

struct dim3s { unsigned x = 0, y = 0, z = 0; };
thread_local dim3s blockIdx, threadIdx;
dim3s blockDim;
thread_local std::barrier<>* block_barrier = nullptr;
inline void __syncthreads() { if (block_barrier) block_barrier->arrive_and_wait(); }
using std::min;
using std::max;
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ thread_local_shared
// __shared__ arrays are one per block: the threads of a block share them, blocks run one at a time
#define thread_local_shared static

#include KERNELS

namespace {
template <typename... A, std::size_t... I>
void call(void (*f)(A...), void** p, std::index_sequence<I...>) {
    f(*static_cast<std::remove_reference_t<A>*>(p[I])...);
}

struct Kernel {
    std::function<void(void**)> run;
    bool syncs;
};

template <typename... A>
Kernel kernel(void (*f)(A...), bool syncs) {
    return {[f](void** p) { call(f, p, std::index_sequence_for<A...>{}); }, syncs};
}

const std::map<std::string, Kernel>& table() {
    static const std::map<std::string, Kernel> t = {
        {"unary", kernel(unary, false)}, {"binary", kernel(binary, false)}, {"gather", kernel(gather, false)},
        {"scatter", kernel(scatter, false)}, {"pad", kernel(pad, false)}, {"pool2d", kernel(pool2d, false)},
        {"global_avg", kernel(global_avg, false)}, {"softmax", kernel(softmax, false)}, {"batchnorm", kernel(batchnorm, false)},
        {"conv2d", kernel(conv2d, false)}, {"conv_transpose2d", kernel(conv_transpose2d, false)}, {"im2col", kernel(im2col, false)}, {"im2col_h", kernel(im2col_h, false)}, {"widen_half", kernel(widen_half, false)}, {"narrow_half", kernel(narrow_half, false)},
        {"channel_bias", kernel(channel_bias, false)}, {"resize", kernel(resize, false)}};
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
    for (int y = 0; y < gy; y++) {
        for (int x = 0; x < gx; x++) {
            if (!it->second.syncs) {
                blockIdx = {unsigned(x), unsigned(y), 0};
                for (int ty = 0; ty < by; ty++)
                    for (int tx = 0; tx < bx; tx++) {
                        threadIdx = {unsigned(tx), unsigned(ty), 0};
                        it->second.run(p);
                    }
                continue;
            }
            std::barrier<> bar(bx * by);
            std::vector<std::thread> threads;
            for (int ty = 0; ty < by; ty++)
                for (int tx = 0; tx < bx; tx++)
                    threads.emplace_back([&, tx, ty] {
                        blockIdx = {unsigned(x), unsigned(y), 0};
                        threadIdx = {unsigned(tx), unsigned(ty), 0};
                        block_barrier = &bar;
                        it->second.run(p);
                    });
            for (auto& t : threads) t.join();
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
