#pragma once
// A trained network compared with the model (the paper's Figure 2 for one network): its
// checkpoint and classifier, optional labels (class counts, the imbalance ratio) and penultimate
// features (neural-collapse measures), the roles (majority/minority), the model at the network's
// setting and the network drawn over the model. One class for the window, `lpm inspect` and
// `lpm figure --checkpoint`: the rules live here once.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "lpm/Cancel.h"
#include "lpm/Geometry.h"
#include "lpm/Problem.h"
#include "lpm/Session.h"
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

/// What an array file beside a checkpoint holds: labels, features (with labels from an .npz),
/// or neither (then it is a checkpoint of its own).
enum class ArrayFileRole { Checkpoint, Labels, FeaturesWithLabels, Features };

struct SideArrays {
  std::string path;
  ArrayFileRole role = ArrayFileRole::Checkpoint;
  std::shared_ptr<const std::vector<int>> labels;   ///< class indices, each in 0..K-1
  std::shared_ptr<const Eigen::MatrixXd> features;  ///< N x p
};

/// A labels file (.npy/.npz/.pt...) for a classifier of K rows. Throws CheckpointError.
SideArrays readLabelsFile(const std::string& path, int K);
/// A features file: its N x p array, and its labels when an .npz holds them. Throws CheckpointError.
SideArrays readFeaturesFile(const std::string& path, int K);
/// Class counts (e.g. token frequencies): a 1-D .npy, or text (.txt/.csv: numbers separated by
/// commas, spaces or newlines; '#' starts a comment). Each finite and >= 0, at least two positive,
/// at most kMaxClasses. Throws CheckpointError (unreadable, corrupt) or InvalidInput (bad values).
std::vector<double> readCountsFile(const std::string& path);
/// Counts for the K classes of a loaded classifier (readCountsFile): exactly K whole numbers in
/// 1..2^31-1 (a class without examples has no imbalance ratio). Throws CheckpointError or InvalidInput saying what does not fit.
std::vector<int> readClassCountsFile(const std::string& path, int K);
/// A file dropped beside a loaded K x p classifier: only .npy/.npz are opened; their arrays'
/// names and shapes say whether they are labels, features (with labels) or a checkpoint, and
/// labels and features are read at once. Anything else is ArrayFileRole::Checkpoint, unread.
SideArrays readDroppedFile(const std::string& path, int K, int p);

/// The bias beside a classifier weight: "fc.weight" -> "fc.bias" with K entries; none otherwise.
std::optional<Eigen::VectorXd> classifierBias(const Checkpoint& c, const std::string& weightName, int K);
/// The largest class count over the smallest; none without counts or with an empty class.
std::optional<double> imbalanceRatio(const std::vector<int>& counts);
/// The classes of the smallest count when the counts say so; otherwise the last K/2 classes.
std::vector<int> defaultMinority(const std::optional<std::vector<int>>& counts, int K);

/// A classifier larger than this as double (K x p x 8 bytes) is read in blocks, never held whole.
constexpr int64_t kStreamedHeadBytes = int64_t(512) << 20;

class NetworkComparison {
public:
  using Progress = std::function<void(int stage, const std::string& text)>;  ///< stages 0..5
  static constexpr int kStages = 5;
  /// Reads the checkpoint and, when named, the features and labels. Throws CheckpointError
  /// (UnsafeGlobalsError for code-running globals) with a message for the user, Cancelled.
  static NetworkComparison open(const NetworkRequest& request, const Progress& progress = nullptr,
                                const CancelToken& cancel = {});

  // --- What was read. Labels and features added later do not re-read the checkpoint.
  const NetworkRequest& request() const { return request_; }
  const Checkpoint& checkpoint() const { return *checkpoint_; }
  const std::shared_ptr<const Checkpoint>& sharedCheckpoint() const { return checkpoint_; }
  std::string fileName() const;
  const std::string& classifier() const { return request_.classifier; }
  /// K x p; empty for a head read in blocks (streamed()).
  const Eigen::MatrixXd& W() const { return W_; }
  const std::optional<Eigen::VectorXd>& bias() const { return bias_; }
  int K() const { return K_; }
  int p() const { return p_; }
  /// A head larger than kStreamedHeadBytes as double is never held: every analysis reads it from
  /// the file in blocks of rows (Checkpoint::forEachRowBlock); it has no 3D picture, no overlay and
  /// no feature measures (they need W whole).
  bool streamed() const { return streamed_; }
  /// What a streamed head's next reading checks between blocks (throws Cancelled when set).
  void setCancel(CancelToken cancel) { cancel_ = std::move(cancel); }
  const std::shared_ptr<const std::vector<int>>& labels() const { return labels_; }
  const std::shared_ptr<const Eigen::MatrixXd>& features() const { return features_; }

  // --- What follows from it.
  /// Per class: typed by the user, else from the labels (when they fit the classifier).
  const std::optional<std::vector<int>>& counts() const { return counts_; }
  /// Largest over smallest class count; none without counts.
  std::optional<double> imbalanceRatio() const;
  const std::optional<FeatureAnalysis>& featureAnalysis() const { return featureAnalysis_; }
  /// Why loaded features or labels are not used (they do not fit the classifier), if so.
  const std::string& note() const { return note_; }
  /// What a figure of this network warns of: the features' likely mismatch
  /// (FeatureAnalysis::mismatch), else the note; empty when neither. The window's exports and
  /// `lpm figure` both say it.
  std::string figureWarning() const;
  const ClassifierAnalysis& analysis() const { return analysis_; }
  const std::vector<int>& minority() const { return analysis_.minority; }
  /// True once the user chose the roles; otherwise they follow the counts (defaultMinority).
  bool explicitRoles() const { return explicitRoles_; }
  /// The two-size model at the network's setting: K, KA = K - |minority|, EW = EW_fit, EH =
  /// EH_fit (with features the head fits: none with a mismatch), R from the counts (else
  /// base.R), clamped to the explorer's ranges;
  /// `base` supplies the rest. Empty when a role has no class.
  std::optional<TwoSizeParams> modelParams(TwoSizeParams base) const;
  /// Model class k (majority first, then minority, as makeTwoSize orders them) -> network class.
  std::vector<int> modelOrder() const;
  /// The network scaled like a solution (classifiers; class means and samples with features).
  const NetworkEmbedding& embedding() const { return embedding_; }
  /// The network on its own principal axes (its 3D picture).
  NetworkGeometry3D projection() const;
  /// The network's classifiers turned onto the model's (Procrustes), with their distance; none
  /// when the solution has another K or no geometry.
  std::optional<NetworkOverlay> overlay(const Solution& s, const Geometry3D& g) const;
  /// Its point for the cosine-vs-R plot, R from the labels or counts; none without a minority
  /// cosine or without a known R (the model's R would be a claim the network does not make).
  std::optional<PinnedNetwork> pin() const;

  // --- Edits. Each throws InvalidInput (nothing changed) for a value that does not fit.
  /// Another 2-D tensor of the same checkpoint (not re-read: its matrix is taken from it).
  void setClassifier(const std::string& tensor);
  /// The first KA classes are the majority.
  void setMajorityCount(int KA);
  void setMinority(std::vector<int> minority);
  /// KB minority classes: the KB smallest by count (later classes first among equals), else the
  /// last KB. What the window does when the model's KB changes (an undo, a slider).
  void setMinorityCount(int KB);
  /// Class sizes typed by the user: they give R and, unless the roles were chosen, the minority.
  void setClassCounts(std::vector<int> counts);
  /// Labels from readLabelsFile(): counts, R and the minority follow them.
  void setLabels(const SideArrays& labels);
  /// Features from readFeaturesFile() (their own labels unless a labels file was given).
  /// Throws CheckpointError when there are no labels to go with them.
  void setFeatures(const SideArrays& features);

private:
  NetworkComparison() = default;
  void loadClassifier(const std::string& tensor);  ///< W_ (or streamed_), K_, p_, bias_
  void refresh();  ///< counts, features, roles, analysis, embedding from the sources
  NetworkRequest request_;
  std::shared_ptr<const Checkpoint> checkpoint_;
  Eigen::MatrixXd W_;
  int K_ = 0, p_ = 0;
  bool streamed_ = false;
  CancelToken cancel_;
  std::optional<Eigen::VectorXd> bias_;
  std::shared_ptr<const std::vector<int>> labels_;
  std::shared_ptr<const Eigen::MatrixXd> features_;
  std::optional<std::vector<int>> typedCounts_, counts_;
  std::optional<FeatureAnalysis> featureAnalysis_;
  std::string note_;
  std::vector<int> roles_;
  bool explicitRoles_ = false;
  ClassifierAnalysis analysis_;
  NetworkEmbedding embedding_;
};

}  // namespace lpm::io
