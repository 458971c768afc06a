#pragma once
// The trained classifier's geometry, and neural-collapse measures from penultimate features.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "lpm/io/Checkpoint.h"

namespace lpm::io {

/// The last-layer classifier: a 2-D float weight whose rows are classes, preferring names such as
/// fc, classifier, head, heads.head, and the last such layer. Empty when there is none.
std::optional<std::string> detectClassifier(const Checkpoint& c);

/// Beyond this many classes the K x K cosine matrix is not built (it would take K^2 doubles):
/// group cosines come from sums of unit rows, the ETF deviation from a stated sample.
constexpr int kFullCosineMaxK = 4096;
constexpr int kHeatmapMaxK = 512;
constexpr int kHeatmapBins = 64;

struct ClassifierAnalysis {
  std::string name;
  int K = 0, p = 0;
  Eigen::VectorXd norms;
  Eigen::MatrixXd cos;  ///< K x K; empty when K > kFullCosineMaxK
  int etfSample = 0;    ///< 0: etfDeviation is exact; else estimated from this many evenly spaced rows
  std::vector<std::string> warnings;  ///< e.g. p < K
  /// Above kHeatmapMaxK classes: the mean cosine between kHeatmapBins bins of classes, from sums
  /// of unit rows; the diagonal is the mean within a bin. Empty below. With class counts the
  /// classes are ordered by count (largest first, ties by index) before they are cut into bins,
  /// else in index order; binLabels says what each bin holds ("classes 0-784", "counts 5000-1203").
  Eigen::MatrixXd binnedCos;
  std::vector<std::string> binLabels;
  bool binnedByCount = false;
  std::vector<int> minority, majority;
  std::optional<double> minorityCos, majorityCos, betweenCos;
  double minorityNormCV = 0;
  double EWfit = 0;        ///< mean ||w_k||^2
  double etfDeviation = 0; ///< || C - C_ETF ||_F / || C_ETF ||_F
};

/// `minority` empty and KA < 0: no split (all classes majority). O(K p) time and O(K + p) memory
/// beyond W for the group statistics (the mean pairwise cosine of a set is (||sum u_i||^2 - n_live)
/// / (n (n - 1)) over its unit rows u_i); the K x K matrix only up to kFullCosineMaxK.
ClassifierAnalysis analyseClassifier(const Eigen::MatrixXd& W, const std::string& name, int KA,
                                     std::vector<int> minority, const std::vector<int>* counts = nullptr);
/// A K x p matrix given as blocks of rows (Checkpoint::forEachRowBlock): `forEach(fn)` calls
/// fn(first row, block) for consecutive blocks covering every row once.
struct RowBlocks {
  int K = 0, p = 0;
  std::function<void(const std::function<void(Eigen::Index, const Eigen::MatrixXd&)>&)> forEach;
  const Eigen::MatrixXd* whole = nullptr;  ///< W itself, when it is in memory (not copied then)
};
/// The same analysis in one pass over the blocks: memory O(K + p^2) beyond one block (the K x K
/// matrix, and so W itself, only up to kFullCosineMaxK classes).
ClassifierAnalysis analyseClassifier(const RowBlocks& W, const std::string& name, int KA, std::vector<int> minority,
                                     const std::vector<int>* counts = nullptr);

struct FeatureAnalysis {
  int N = 0;
  Eigen::MatrixXd means;  ///< K x p class means
  double EHfit = 0;       ///< mean over classes of the mean squared feature norm
  double nc1 = 0;         ///< tr(Sigma_W Sigma_B^+) / K
  double nc2Equinorm = 0; ///< std / mean of || mu_k - mu_G ||
  double nc2Equiangular = 0;  ///< mean over pairs of | cos(mu_k - mu_G, mu_j - mu_G) + 1/(K-1) |
  double nc3 = 0;         ///< || W/||W||_F - M/||M||_F ||_F, M rows mu_k - mu_G
  double nc4 = 0;         ///< share of samples whose nearest class mean agrees with argmax W h (+ b)
  double accuracy = 0;    ///< share of samples whose label is argmax W h (+ b): the head on these features
  /// The same on the largest classes alone (those of at least half the largest count): a trained
  /// head predicts them near always, collapsed minority or not.
  double largestClassesAccuracy = 0;
  /// Said when the head predicts under half of its largest classes' samples: the features or
  /// labels are likely another network's (a file of the same width is read without complaint;
  /// another network's coordinates gave 20%). Empty otherwise.
  std::string mismatch;
};

/// Any tensor of a checkpoint, looked at (the window's Tensors tab, before or without choosing it
/// as the classifier): its statistics, its first values and, for 2-D tensors, a small picture.
constexpr int64_t kInspectMaxElements = int64_t(1) << 24;  ///< read as double: 128 MB at most
constexpr int kInspectPictureSize = 64;
struct TensorSummary {
  TensorInfo info;
  int64_t finite = 0, nonFinite = 0, zeros = 0;
  double min = 0, max = 0, mean = 0, std = 0, norm = 0;  ///< over the finite values
  std::vector<double> first;  ///< up to 8 values in C order
  /// 2-D only: rows x cols cells (at most kInspectPictureSize each), each the mean of the block of
  /// the tensor it covers (NaN where the block holds no finite value); empty otherwise.
  Eigen::MatrixXd picture;
};
/// Throws CheckpointError for an unknown name, an unsupported dtype, or more than
/// kInspectMaxElements elements (the message says so).
TensorSummary summarizeTensor(const Checkpoint& c, const std::string& name);

/// H: N x p features, labels in 0..K-1. Throws CheckpointError on shape mismatches.
FeatureAnalysis analyseFeatures(const Eigen::MatrixXd& H, const std::vector<int>& labels, const Eigen::MatrixXd& W,
                                const std::optional<Eigen::VectorXd>& bias = std::nullopt);

}  // namespace lpm::io
