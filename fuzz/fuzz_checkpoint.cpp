// libFuzzer targets for the checkpoint readers (clang 14: cmake -DLPM_BUILD_FUZZ=ON with
// CXX=clang++). One binary per format, chosen at compile time by LPM_FUZZ_TARGET:
//   0 pickle machine   1 zip checkpoint (torch / TorchScript / npz)   2 safetensors   3 npy
// Each input is written to a temporary file and opened like a user's file; refusals are fine,
// crashes, leaks, hangs and sanitizer reports are bugs.
#include <cstdint>
#include <cstdio>
#include <string>

#include <unistd.h>

#include "lpm/io/Checkpoint.h"

#ifndef LPM_FUZZ_TARGET
#define LPM_FUZZ_TARGET 0
#endif

namespace {
std::string tempPath() {
  static const std::string p = "/tmp/lpm-fuzz-" + std::to_string(getpid()) + ".bin";
  return p;
}
}  // namespace

// Runs one input through the reader of `target`. Shared with the corpus replay test.
int lpmFuzzOne(int target, const uint8_t* data, size_t size) {
  try {
    if (target == 0) {
      if (size == 0) return 0;
      lpm::io::Pickle p(data, size);
      (void)p.root();
      return 0;
    }
    std::string prefix;
    if (target == 2 && size < 8) return 0;
    if (target == 3) prefix = "\x93NUMPY";
    FILE* f = std::fopen(tempPath().c_str(), "wb");
    if (!f) return 0;
    if (!prefix.empty()) std::fwrite(prefix.data(), 1, prefix.size(), f);
    if (size > 0) std::fwrite(data, 1, size, f);
    std::fclose(f);
    lpm::io::OpenLimits limits;
    limits.maxTensorBytes = 16 << 20;
    limits.allowUnsafeGlobals = true;
    const auto c = lpm::io::Checkpoint::open(tempPath(), limits);
    for (const auto& t : c.tensors()) (void)c.values(t.name);
  } catch (const lpm::io::CheckpointError&) {
    // The readers' contract: a bad file is refused with CheckpointError. Anything else escapes,
    // so the fuzzer reports it.
  }
  return 0;
}

#ifdef LPM_FUZZ_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return lpmFuzzOne(LPM_FUZZ_TARGET, data, size); }
#endif
