#include "Kernels.h"

#include <atomic>
#include <cmath>
#include <future>
#include <thread>
#include <vector>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <Eigen/Dense>

namespace lpm::detail {
namespace baseline {
#define LPM_KERNEL_TABLE baselineTable
#define LPM_KERNEL_VECTOR_BYTES 16
#define LPM_KERNEL_NAME "baseline"
#include "KernelsImpl.h"
#undef LPM_KERNEL_TABLE
#undef LPM_KERNEL_NAME
}  // namespace baseline

#ifdef LPM_AVX2_KERNELS
const Kernels* avx2KernelTable();  // KernelsAvx2.cpp
#endif

const Kernels& baselineKernels() { return baseline::baselineTable; }

const Kernels* avx2Kernels() {
#ifdef LPM_AVX2_KERNELS
  // libgcc's check includes the operating system's support for the AVX state (XGETBV).
  static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return available ? avx2KernelTable() : nullptr;
#else
  return nullptr;
#endif
}

namespace {
std::atomic<const Kernels*> chosen{nullptr};

const Kernels& automatic() {
  static const Kernels* const k = [] {
    const char* env = std::getenv("LPM_KERNELS");
    if (env && std::strcmp(env, "baseline") == 0) return &baselineKernels();
    const Kernels* a = avx2Kernels();
    return a ? a : &baselineKernels();
  }();
  return *k;
}
}  // namespace

const Kernels& kernels() {
  const Kernels* k = chosen.load(std::memory_order_relaxed);
  return k ? *k : automatic();
}

void setKernels(const Kernels* k) { chosen.store(k, std::memory_order_relaxed); }

}  // namespace lpm::detail
