#pragma once
// Private to io (the readers use it; no public header exposes it). A data-only pickle machine. It never imports or calls anything: GLOBAL pushes a name, REDUCE /
// NEWOBJ build inert records (a few pure builders, such as tensor rebuilds, are interpreted).
// Every length, count and depth is checked before use. This file is a security boundary.
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "lpm/io/Checkpoint.h"

namespace lpm::io {

/// Where a tensor's numbers are, found while unpickling or reading a header.
struct TensorRef {
  DType dtype = DType::F32;
  std::vector<int64_t> shape, strides;  ///< elements
  int64_t offset = 0;                   ///< elements into the storage
  std::string storage;                  ///< storage key (record name, or file-level id)
  int64_t storageNumel = 0;
  bool fortranOrder = false;
};

struct Value {
  enum class Kind { None, Bool, Int, Float, Str, Bytes, Tuple, List, Dict, Set, Global, Object, Tensor, Storage };
  Kind kind = Kind::None;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;               ///< Str/Bytes text; Global and Object: "module.name"
  std::vector<Value*> items;   ///< Tuple/List/Set; Dict: key, value, key, value...; Object: args
  Value* state = nullptr;      ///< Object: what BUILD gave it
  std::shared_ptr<TensorRef> tensor;  ///< Tensor, Storage
};

struct PickleLimits {
  size_t maxValues = 10'000'000;
  size_t maxMemo = 10'000'000;
  size_t maxStringBytes = 256u << 20;
  size_t maxMarkDepth = 100'000;
};

/// Resolves a persistent id (BINPERSID) to a storage: (storage type GLOBAL name, key, numel).
using StorageResolver = std::function<void(const std::string& storageType, const std::string& key, int64_t numel)>;

class Pickle {
public:
  /// Runs the machine over data[0, size). Throws CheckpointError. `end` receives the offset after STOP.
  Pickle(const uint8_t* data, size_t size, size_t* end = nullptr, PickleLimits limits = {});
  Pickle(const Pickle&) = delete;
  Pickle& operator=(const Pickle&) = delete;
  Pickle(Pickle&&) = default;

  Value* root() const { return root_; }
  /// Every GLOBAL the stream names, "module.name", in order of first use.
  const std::vector<std::string>& globals() const { return globals_; }
  /// Every value built, in order (storages included).
  const std::vector<std::unique_ptr<Value>>& values() const { return arena_; }

private:
  std::vector<std::unique_ptr<Value>> arena_;  // owns every value: flat teardown, cycles harmless
  Value* root_ = nullptr;
  std::vector<std::string> globals_;
  Value* make(Value::Kind k);
  friend struct Machine;
};

/// Globals that would run code under torch.load(weights_only=False).
bool isDangerousGlobal(const std::string& name);
/// Storage GLOBAL ("torch.FloatStorage") to dtype; Unsupported when unknown.
DType storageDType(const std::string& global);

}  // namespace lpm::io
