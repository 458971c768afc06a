// libFuzzer targets for every parser of outside input (clang 14: cmake -DLPM_BUILD_FUZZ=ON with
// CXX=clang++; scripts/fuzz.sh runs them all). One binary per parser, chosen by LPM_FUZZ_TARGET:
//   0 pickle machine   1 zip checkpoint (torch / TorchScript / npz)   2 safetensors   3 npy
//   4 shard index (index.json)   5 session JSON   6 presets JSON
// Each input is parsed from memory (no temporary files); refusals (lpm::Error) are fine; crashes,
// leaks, hangs, other exceptions and sanitizer reports are bugs. The pickle machine is private
// to core's io (core/src/io/Pickle.h), which this harness includes directly.
#include <cstdint>
#include <string>

#include "lpm/Presets.h"
#include "lpm/Session.h"
#include "lpm/io/Checkpoint.h"
#include "io/Pickle.h"

#ifndef LPM_FUZZ_TARGET
#define LPM_FUZZ_TARGET 0
#endif

// Runs one input through the parser of `target`. Shared with the corpus replay test.
int lpmFuzzOne(int target, const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    switch (target) {
      case 0: {
        if (size == 0) return 0;
        lpm::io::Pickle p(data, size);
        (void)p.root();
        return 0;
      }
      case 4: (void)lpm::io::parseShardIndex(text, "model.safetensors.index.json"); return 0;
      case 5: (void)lpm::sessionFromJson(text); return 0;
      case 6: (void)lpm::parsePresets(text); return 0;
      default: break;
    }
    std::string bytes;
    if (target == 2 && size < 8) return 0;
    if (target == 3) bytes = "\x93NUMPY";
    bytes += text;
    lpm::io::OpenLimits limits;
    limits.maxTensorBytes = 16 << 20;
    limits.allowUnsafeGlobals = true;
    const auto c = lpm::io::Checkpoint::fromBuffer(std::move(bytes), "fuzz input", limits);
    for (const auto& t : c.tensors()) {
      (void)c.values(t.name);
      // The streamed path too (blocks from the file, or from a zip member front to back).
      if (t.shape.size() == 2) c.forEachRowBlock(t.name, 3, [](Eigen::Index, const Eigen::MatrixXd&) {});
    }
  } catch (const lpm::Error&) {
    // The parsers' contract: bad input is refused with an lpm::Error (CheckpointError for files,
    // InvalidInput for sessions and presets). Anything else escapes, so the fuzzer reports it.
  }
  return 0;
}

#ifdef LPM_FUZZ_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return lpmFuzzOne(LPM_FUZZ_TARGET, data, size); }
#endif
