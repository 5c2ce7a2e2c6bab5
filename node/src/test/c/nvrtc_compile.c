/* Compiles a CUDA source with a real NVRTC library, loaded at run time, for the test that the CUDA backend's kernels
 * compile with exactly the options CudaModule passes (CudaKernelsNvrtcTest).
 *   nvrtc_compile LIBNVRTC SOURCE OUT cubin|ptx OPTION...
 * Prints "NVRTC major.minor", the compile log, and exits 0 with OUT written, 1 when the compile fails, 2 on misuse. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int nvrtcResult;
typedef struct _nvrtcProgram *nvrtcProgram;

static void *sym(void *lib, const char *name) {
  void *f = dlsym(lib, name);
  if (!f) { fprintf(stderr, "nvrtc_compile: %s lacks %s\n", "the NVRTC library", name); exit(2); }
  return f;
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: nvrtc_compile LIBNVRTC SOURCE OUT cubin|ptx OPTION...\n"); return 2; }
  void *lib = dlopen(argv[1], RTLD_NOW);
  if (!lib) { fprintf(stderr, "nvrtc_compile: %s\n", dlerror()); return 2; }
  nvrtcResult (*version)(int *, int *) = sym(lib, "nvrtcVersion");
  const char *(*error)(nvrtcResult) = sym(lib, "nvrtcGetErrorString");
  nvrtcResult (*create)(nvrtcProgram *, const char *, const char *, int, const char *const *, const char *const *) = sym(lib, "nvrtcCreateProgram");
  nvrtcResult (*compile)(nvrtcProgram, int, const char *const *) = sym(lib, "nvrtcCompileProgram");
  nvrtcResult (*logSize)(nvrtcProgram, size_t *) = sym(lib, "nvrtcGetProgramLogSize");
  nvrtcResult (*getLog)(nvrtcProgram, char *) = sym(lib, "nvrtcGetProgramLog");
  int cubin = strcmp(argv[4], "cubin") == 0;
  nvrtcResult (*outSize)(nvrtcProgram, size_t *) = sym(lib, cubin ? "nvrtcGetCUBINSize" : "nvrtcGetPTXSize");
  nvrtcResult (*getOut)(nvrtcProgram, char *) = sym(lib, cubin ? "nvrtcGetCUBIN" : "nvrtcGetPTX");
  int major = 0, minor = 0;
  version(&major, &minor);
  printf("NVRTC %d.%d\n", major, minor);
  FILE *f = fopen(argv[2], "rb");
  if (!f) { fprintf(stderr, "nvrtc_compile: cannot open %s\n", argv[2]); return 2; }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *src = calloc((size_t) n + 1, 1);
  if (fread(src, 1, (size_t) n, f) != (size_t) n) { fprintf(stderr, "nvrtc_compile: cannot read %s\n", argv[2]); return 2; }
  fclose(f);
  nvrtcProgram prog;
  nvrtcResult r = create(&prog, src, "kernels.cu", 0, NULL, NULL);
  if (r != 0) { printf("nvrtcCreateProgram: %s\n", error(r)); return 1; }
  r = compile(prog, argc - 5, (const char *const *) (argv + 5));
  size_t ls = 0;
  logSize(prog, &ls);
  char *log = calloc(ls + 1, 1);
  getLog(prog, log);
  if (ls > 1) printf("%s\n", log);
  if (r != 0) { printf("nvrtcCompileProgram: %s\n", error(r)); return 1; }
  size_t os = 0;
  outSize(prog, &os);
  char *out = malloc(os);
  getOut(prog, out);
  FILE *o = fopen(argv[3], "wb");
  if (!o || fwrite(out, 1, os, o) != os) { fprintf(stderr, "nvrtc_compile: cannot write %s\n", argv[3]); return 2; }
  fclose(o);
  printf("wrote %zu bytes\n", os);
  return 0;
}
