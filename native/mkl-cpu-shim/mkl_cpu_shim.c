/*
 * Shim for Intel MKL 2020 on non-Intel CPUs, loaded by default where the CPU has the instructions MKL will use.
 *
 * MKL's dispatcher asks mkl_serv_intel_cpu_true() whether the CPU is an Intel one and, if not, runs its
 * generic code path (libmkl_def.so). Loaded with RTLD_GLOBAL before libmkl_rt.so, this definition interposes
 * MKL's own, so the dispatcher picks the kernels for the CPU's real instruction set, capped by
 * MKL_Enable_Instructions (RnnNative sets the cap to the widest set the CPU has: AVX2 + FMA or AVX-512).
 * RnnNative loads it only for the AVX2 and AVX-512 levels, which it only selects on CPUs that have them;
 * RNNNATIVE_MKL_INSTRUCTIONS=generic leaves it out. Built by `build.ps1 deps` into native/lib/libmkl_cpu_shim.so.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
