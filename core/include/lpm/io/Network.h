#pragma once
// A trained network read for comparison with the model (the paper's Figure 2 for one network):
// its checkpoint and classifier, optional labels (class counts, the imbalance ratio) and
// penultimate features (neural-collapse measures). One loader for the window and the CLI.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "lpm/Problem.h"
#include "lpm/io/Analysis.h"
#include "lpm/io/Checkpoint.h"

namespace lpm::io {

struct NetworkRequest {
  std::string path;
  std::string features;    ///< N x p (.npy, .npz, ...); an .npz may hold 'labels' too
  std::string labels;      ///< N class indices; the array named labels/targets/y in an .npz
  std::string classifier;  ///< tensor name; empty: detectClassifier()
  bool allowUnsafeGlobals = false;
};

struct NetworkData {
  NetworkRequest request;
  std::shared_ptr<const Checkpoint> checkpoint;
  std::string classifier;
  Eigen::MatrixXd W;  ///< K x p
  std::optional<Eigen::VectorXd> bias;  ///< the classifier's bias ("<prefix>bias", K entries), if any
  std::shared_ptr<const std::vector<int>> labels;
  std::optional<std::vector<int>> counts;  ///< per class, from the labels
  std::shared_ptr<const Eigen::MatrixXd> features;
  std::optional<FeatureAnalysis> featureAnalysis;
  int K() const { return static_cast<int>(W.rows()); }
};

/// Reads everything; `progress(stage 0..5, text)` reports as it goes. Throws CheckpointError
/// (UnsafeGlobalsError for code-running globals) with a message for the user.
NetworkData loadNetwork(const NetworkRequest& r,
                        const std::function<void(int, const std::string&)>& progress = nullptr);

/// What a dropped array file most likely is, next to a loaded classifier of K rows and width p:
/// an .npz holding labels (and features), a 1-D integer array of labels, N x p features, or else
/// a checkpoint of its own.
enum class ArrayFileRole { Checkpoint, Labels, FeaturesWithLabels, Features };
ArrayFileRole guessArrayRole(const Checkpoint& file, int K, int p);

/// The bias beside a classifier weight: "fc.weight" -> "fc.bias" with K entries; none otherwise.
std::optional<Eigen::VectorXd> classifierBias(const Checkpoint& c, const std::string& weightName, int K);

/// The largest class count over the smallest; none without counts or with an empty class.
std::optional<double> imbalanceRatio(const std::vector<int>& counts);

/// The classes of the smallest count when the counts say so; otherwise the last K/2 classes.
std::vector<int> defaultMinority(const std::optional<std::vector<int>>& counts, int K);

/// The two-size model at the network's setting: K, KA = K - |minority|, EW = EW_fit,
/// EH = EH_fit (with features), R from the counts (else base.R). Values are clamped to the
/// explorer's ranges; `base` supplies the rest (wr). Empty when a role has no class.
std::optional<TwoSizeParams> modelParamsFor(const ClassifierAnalysis& a, const FeatureAnalysis* features,
                                            std::optional<double> R, TwoSizeParams base);

/// Model class k (majority first, then minority, as makeTwoSize orders them) -> network class.
std::vector<int> modelOrder(const ClassifierAnalysis& a);

}  // namespace lpm::io
