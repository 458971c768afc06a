#pragma once
// Trained-network weights without LibTorch or Python: torch.save zip archives (state dicts,
// training checkpoints, whole pickled models), the legacy torch format, TorchScript archives,
// safetensors, NumPy .npy/.npz. Opening reads the directory and the pickles; tensor data is read
// only when asked for. Hostile or broken files are refused with a CheckpointError.
#include <cstdint>
#include <optional>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "lpm/Error.h"

namespace lpm::io {

/// A refused file: the message says what is wrong, for the user.
class CheckpointError : public Error {
public:
  explicit CheckpointError(const std::string& what) : Error(ErrorKind::RefusedFile, what) {}
};

/// Refused because a pickle names a global that would run code under torch.load (os.system,
/// eval, ...). Nothing was run; OpenLimits::allowUnsafeGlobals opens such a file to look inside.
class UnsafeGlobalsError : public CheckpointError {
public:
  UnsafeGlobalsError(const std::string& what, std::string global) : CheckpointError(what), global_(std::move(global)) {}
  const std::string& global() const { return global_; }

private:
  std::string global_;
};

enum class DType { F32, F64, F16, BF16, I64, I32, I16, I8, U8, Bool, Unsupported };
int dtypeSize(DType t);
std::string dtypeName(DType t);

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  int64_t numel() const;
};

struct OpenLimits {
  uint64_t maxPickleBytes = 512ull << 20;     ///< data.pkl and friends
  uint64_t maxTensorBytes = 4ull << 30;       ///< one tensor materialised
  int maxDepth = 1000;                        ///< nesting of containers and modules
  /// A pickle naming globals that would run code (os.system, eval, ...) is refused unless this is
  /// set; nothing is ever executed either way, the flag only lets a user look inside.
  bool allowUnsafeGlobals = false;
};

enum class Format { TorchZip, TorchLegacy, TorchScript, Safetensors, Npy, Npz, Sharded };
/// torch-zip, torch-legacy, torchscript, safetensors, npy, npz, sharded (as `lpm inspect` prints them).
std::string formatName(Format f);

/// A sharded checkpoint's index (model.safetensors.index.json, pytorch_model.bin.index.json):
/// which shard file holds each tensor. Shard names are plain file names in the index's folder.
struct ShardIndex {
  std::vector<std::string> shards;                    ///< distinct, in first-use order
  std::vector<std::pair<std::string, int>> weightMap;  ///< tensor -> index into shards
};
/// Parses and validates an index's text (`indexName`: its own file name, which no shard may be).
/// Refuses shard names that leave the folder (a '/', '\\', '..', an absolute path), that name
/// the index itself or another .json file, and more than 100000 shards, 10^6 tensors or 64 MB.
ShardIndex parseShardIndex(const std::string& json, const std::string& indexName);

/// Whether a path names a shard index (ends in ".index.json"); other .json files are sessions.
bool isShardIndexPath(const std::string& path);

class File;

class Checkpoint {
public:
  /// A checkpoint file, or a sharded one's index (a path ending in .json): then every shard's
  /// directory (safetensors header or pickle) is read, and tensor data only from the shard that
  /// holds the tensor asked for.
  static Checkpoint open(const std::string& path, const OpenLimits& limits = {});
  /// The same readers over bytes in memory; `name` only appears in messages.
  static Checkpoint fromBuffer(std::string bytes, const std::string& name = "buffer", const OpenLimits& limits = {});
  Checkpoint(Checkpoint&&) noexcept;
  Checkpoint& operator=(Checkpoint&&) noexcept;
  ~Checkpoint();

  Format format() const;
  const std::vector<TensorInfo>& tensors() const;
  const TensorInfo* find(const std::string& name) const;
  /// Every GLOBAL its pickles name; and which of them would run code under torch.load.
  const std::vector<std::string>& globals() const;
  const std::vector<std::string>& warnings() const;
  /// A sharded checkpoint's shard files (their names in the index's folder); empty otherwise.
  const std::vector<std::string>& shardFiles() const;

  /// All elements, converted to double, in C order of the tensor's shape (strides applied).
  std::vector<double> values(const std::string& name) const;
  /// A 2-D tensor as a matrix (1-D: one column).
  Eigen::MatrixXd matrix(const std::string& name) const;
  /// A 2-D tensor's rows, at most `rows` at a time, each block converted to double only while
  /// `fn(first row, block)` runs: a head far larger as double than in its file (a bf16 128256 x 4096
  /// one is 1 GB on disk, 4.2 GB as double) is never held whole as double. Uncompressed storage is
  /// read block by block; a compressed zip member is inflated once, as `matrix` does.
  void forEachRowBlock(const std::string& name, Eigen::Index rows,
                       const std::function<void(Eigen::Index first, const Eigen::MatrixXd& block)>& fn) const;

private:
  struct Impl;
  explicit Checkpoint(std::unique_ptr<Impl> impl);
  static Checkpoint openIndex(const std::string& path, const OpenLimits& limits);
  static Checkpoint openFrom(std::unique_ptr<File> file, const std::string& name, const OpenLimits& limits);
  std::unique_ptr<Impl> d;
};

}  // namespace lpm::io
