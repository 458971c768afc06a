#pragma once
// A cancel request shared between the thread that asks and the one that works. Copies share one
// flag; a default token is never cancelled. Long computations (solves, sweeps, transitions,
// checkpoint loads) take one and stop early, returning what they say they return when cancelled.
#include <atomic>
#include <memory>

namespace lpm {

class CancelToken {
public:
  /// A token that can be cancelled (CancelToken::none() is one that never is).
  static CancelToken make() { return CancelToken(std::make_shared<std::atomic<bool>>(false)); }
  static CancelToken none() { return CancelToken(); }
  CancelToken() = default;

  void cancel() const {
    if (flag_) flag_->store(true, std::memory_order_relaxed);
  }
  bool cancelled() const { return flag_ && flag_->load(std::memory_order_relaxed); }
  /// Whether this token can ever be cancelled.
  bool cancellable() const { return flag_ != nullptr; }

private:
  explicit CancelToken(std::shared_ptr<std::atomic<bool>> flag) : flag_(std::move(flag)) {}
  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace lpm
