// The kernels of KernelsImpl.h for x86-64-v3 (AVX2 + FMA): this file alone is compiled with
// -march=x86-64-v3 (core/CMakeLists.txt) and only called when the processor has both
// (Kernels.cpp). Eigen is renamed here so that none of its templates, instantiated with these
// flags, shares a symbol with the baseline instantiations elsewhere in the library: the linker
// would otherwise be free to keep either copy for every caller.
#if !defined(__AVX2__) || !defined(__FMA__)
#error "KernelsAvx2.cpp must be compiled with -march=x86-64-v3"
#endif
#define Eigen lpm_eigen_avx2
#include <cmath>
#include <cstring>
#include <limits>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <Eigen/Dense>

#include "Kernels.h"

namespace lpm::detail {
namespace avx2 {
#define LPM_KERNEL_TABLE avx2Table
#define LPM_KERNEL_VECTOR_BYTES 32
#define LPM_KERNEL_NAME "avx2"
#include "KernelsImpl.h"
}  // namespace avx2
const Kernels* avx2KernelTable() { return &avx2::avx2Table; }
}  // namespace lpm::detail
