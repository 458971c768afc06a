#pragma once
// Trained-network weights without LibTorch or Python: torch.save zip archives (state dicts,
// training checkpoints, whole pickled models), the legacy torch format, TorchScript archives,
// safetensors, NumPy .npy/.npz. Opening reads the directory and the pickles; tensor data is read
// only when asked for. Hostile or broken files are refused with a CheckpointError.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "lpm/io/Pickle.h"

namespace lpm::io {

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

class Checkpoint {
public:
  static Checkpoint open(const std::string& path, const OpenLimits& limits = {});
  Checkpoint(Checkpoint&&) noexcept;
  Checkpoint& operator=(Checkpoint&&) noexcept;
  ~Checkpoint();

  /// torch-zip, torch-legacy, torchscript, safetensors, npy, npz.
  const std::string& format() const;
  const std::vector<TensorInfo>& tensors() const;
  const TensorInfo* find(const std::string& name) const;
  /// Every GLOBAL its pickles name; and which of them would run code under torch.load.
  const std::vector<std::string>& globals() const;
  const std::vector<std::string>& warnings() const;

  /// All elements, converted to double, in C order of the tensor's shape (strides applied).
  std::vector<double> values(const std::string& name) const;
  /// A 2-D tensor as a matrix (1-D: one column).
  Eigen::MatrixXd matrix(const std::string& name) const;

private:
  struct Impl;
  explicit Checkpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> d;
};

}  // namespace lpm::io
