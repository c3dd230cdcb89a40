/*
 * Opt-in shim for Intel MKL 2020 on non-Intel CPUs (RNNNATIVE_MKL_AVX2=1).
 *
 * MKL's dispatcher asks mkl_serv_intel_cpu_true() whether the CPU is an Intel one and, if not, runs its
 * generic code path (libmkl_def.so). Loaded with RTLD_GLOBAL before libmkl_rt.so, this definition interposes
 * MKL's own, so the dispatcher picks the kernels for the CPU's real instruction set (capped at AVX2 by
 * MKL_Enable_Instructions, which RnnNative calls). Only for CPUs that really have AVX2 and FMA.
 * Built by `build.ps1 deps` into native/lib/libmkl_cpu_shim.so; never loaded unless asked for.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
