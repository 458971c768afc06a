// Replays the committed fuzz seed corpus (and every checkpoint fixture) through every parser
// (fuzz_checkpoint.cpp): a ctest that runs without clang, and under ASan/UBSan with the asan preset.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

int lpmFuzzOne(int target, const uint8_t* data, size_t size);
constexpr int kTargets = 7;

int main(int argc, char** argv) {
  size_t files = 0;
  for (int a = 1; a < argc; ++a)
    for (const auto& e : std::filesystem::recursive_directory_iterator(argv[a])) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (int target = 0; target < kTargets; ++target) lpmFuzzOne(target, bytes.data(), bytes.size());
      // Truncations at a few points exercise the bounds checks.
      for (size_t cut : {bytes.size() / 2, bytes.size() / 3, size_t(64)})
        if (cut < bytes.size())
          for (int target = 0; target < kTargets; ++target) lpmFuzzOne(target, bytes.data(), cut);
      ++files;
    }
  std::printf("replayed %zu files through %d parsers: no crash\n", files, kTargets);
  return files > 0 ? 0 : 1;
}
