// libFuzzer targets for the checkpoint readers (clang 14: cmake -DLPM_BUILD_FUZZ=ON with
// CXX=clang++). One binary per format, chosen at compile time by LPM_FUZZ_TARGET:
//   0 pickle machine   1 zip checkpoint (torch / TorchScript / npz)   2 safetensors   3 npy
// Each input is opened from memory (Checkpoint::fromBuffer: no temporary files); refusals are
// fine, crashes, leaks, hangs and sanitizer reports are bugs. The pickle machine is private to
// core's io (core/src/io/Pickle.h), which this harness includes directly.
#include <cstdint>
#include <string>

#include "lpm/io/Checkpoint.h"
#include "io/Pickle.h"

#ifndef LPM_FUZZ_TARGET
#define LPM_FUZZ_TARGET 0
#endif

// Runs one input through the reader of `target`. Shared with the corpus replay test.
int lpmFuzzOne(int target, const uint8_t* data, size_t size) {
  try {
    if (target == 0) {
      if (size == 0) return 0;
      lpm::io::Pickle p(data, size);
      (void)p.root();
      return 0;
    }
    std::string bytes;
    if (target == 2 && size < 8) return 0;
    if (target == 3) bytes = "\x93NUMPY";
    bytes.append(reinterpret_cast<const char*>(data), size);
    lpm::io::OpenLimits limits;
    limits.maxTensorBytes = 16 << 20;
    limits.allowUnsafeGlobals = true;
    const auto c = lpm::io::Checkpoint::fromBuffer(std::move(bytes), "fuzz input", limits);
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
