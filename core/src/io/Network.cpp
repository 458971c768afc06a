#include "lpm/io/Network.h"

#include "lpm/Files.h"
#include "lpm/Parameters.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <fstream>
#include <numeric>
#include <sstream>

namespace lpm::io {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && lower(s.substr(s.size() - tail.size())) == tail;
}

/// The array of an .npz / state dict named like one of `names` (whole name or last component).
std::optional<std::string> findArray(const Checkpoint& c, std::initializer_list<const char*> names) {
  for (const char* want : names)
    for (const auto& t : c.tensors()) {
      const std::string n = lower(t.name);
      const auto cut = n.find_last_of("/.");
      if (n == want || (cut != std::string::npos && n.substr(cut + 1) == want)) return t.name;
    }
  return std::nullopt;
}

const std::initializer_list<const char*> kLabelNames = {"labels", "label", "targets", "target", "y"};
const std::initializer_list<const char*> kFeatureNames = {"features", "feature", "feats", "embeddings", "penultimate",
                                                          "h", "x"};

std::shared_ptr<const std::vector<int>> readLabels(const Checkpoint& file, const std::string& name, int K) {
  const auto* t = file.find(name);
  if (t->shape.size() > 2 || (t->shape.size() == 2 && t->shape[1] != 1))
    throw CheckpointError("labels '" + name + "' must be a vector (one class index per sample)");
  std::vector<int> labels;
  for (double x : file.values(name)) {
    if (!(x >= 0 && x < K) || x != std::floor(x))
      throw CheckpointError("labels must be integers in 0.." + std::to_string(K - 1) + " (found " + std::to_string(x) + ")");
    labels.push_back(static_cast<int>(x));
  }
  if (labels.empty()) throw CheckpointError("the labels file holds no labels");
  return std::make_shared<const std::vector<int>>(std::move(labels));
}

std::shared_ptr<const Eigen::MatrixXd> readFeatures(const Checkpoint& file) {
  auto which = findArray(file, kFeatureNames);
  if (!which)
    for (const auto& t : file.tensors())
      if (t.shape.size() == 2) which = t.name;
  if (!which || file.find(*which)->shape.size() != 2)
    throw CheckpointError("the features file has no 2-D array (N samples x p features)");
  return std::make_shared<const Eigen::MatrixXd>(file.matrix(*which));
}

ArrayFileRole guessRole(const Checkpoint& file, int K, int p) {
  const auto& ts = file.tensors();
  if (file.format() != Format::Npy && file.format() != Format::Npz) return ArrayFileRole::Checkpoint;
  const auto labels = findArray(file, kLabelNames);
  bool wide = false;  // some N x p array
  for (const auto& t : ts)
    if (t.shape.size() == 2 && t.shape[1] == p && t.shape[0] != K) wide = true;
  if (labels && wide) return ArrayFileRole::FeaturesWithLabels;
  if (ts.size() == 1) {
    const auto& t = ts.front();
    const bool integral = t.dtype == DType::I64 || t.dtype == DType::I32 || t.dtype == DType::I16 || t.dtype == DType::I8 ||
                          t.dtype == DType::U8;
    if (t.shape.size() == 1 && integral) return ArrayFileRole::Labels;
    if (wide) return ArrayFileRole::Features;
  }
  return ArrayFileRole::Checkpoint;
}

}  // namespace

SideArrays readLabelsFile(const std::string& path, int K) {
  const auto L = Checkpoint::open(path);
  if (L.tensors().empty()) throw CheckpointError("the labels file holds no arrays");
  const auto which = findArray(L, kLabelNames);
  SideArrays a;
  a.path = path;
  a.role = ArrayFileRole::Labels;
  a.labels = readLabels(L, which ? *which : L.tensors().front().name, K);
  return a;
}

std::vector<int> readClassCountsFile(const std::string& path, int K) {
  const std::vector<double> c = readCountsFile(path);
  if (static_cast<int>(c.size()) != K)
    throw InvalidInput(path + " lists " + std::to_string(c.size()) + " counts for a classifier of " + std::to_string(K) +
                       " classes");
  std::vector<int> out(c.size());
  for (size_t k = 0; k < c.size(); ++k) {
    if (!(c[k] >= 1) || c[k] != std::floor(c[k]) || c[k] > 2147483647.0)
      throw InvalidInput("class " + std::to_string(k) + ": a count must be a whole number in 1..2147483647, got " +
                         formatValue(c[k]) + (c[k] == 0 ? " (every class needs an example; add 1 to every count to smooth "
                                                          "token frequencies)"
                                                        : ""));
    out[k] = static_cast<int>(c[k]);
  }
  return out;
}

std::vector<double> readCountsFile(const std::string& path) {
  std::vector<double> counts;
  if (endsWith(path, ".npy") || endsWith(path, ".npz")) {
    const auto C = Checkpoint::open(path);
    if (C.tensors().size() != 1 || C.tensors().front().shape.size() != 1)
      throw CheckpointError("a counts file holds one 1-D array of K counts");
    if (C.tensors().front().shape[0] > kMaxClasses)
      throw InvalidInput("a counts file may list at most " + std::to_string(kMaxClasses) + " classes");
    counts = C.values(C.tensors().front().name);
  } else {
    checkReadableFile(path, "counts");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CheckpointError("cannot open " + path);
    constexpr std::streamoff kMaxText = 256ll << 20;  // 256 MB of text is ~10^7 counts already
    in.seekg(0, std::ios::end);
    if (in.tellg() > kMaxText) throw CheckpointError("a counts text file must be under 256 MB");
    in.seekg(0);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
      ++lineNo;
      if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      for (char& c : line)
        if (c == ',' || c == ';' || c == '\t' || c == '\r') c = ' ';
      std::istringstream words(line);
      std::string w;
      while (words >> w) {
        size_t used = 0;
        double v = 0;
        try {
          v = std::stod(w, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != w.size())
          throw InvalidInput(path + ":" + std::to_string(lineNo) + ": a count must be a number, got '" + w + "'");
        counts.push_back(v);
        if (counts.size() > static_cast<size_t>(kMaxClasses))
          throw InvalidInput("a counts file may list at most " + std::to_string(kMaxClasses) + " classes");
      }
    }
  }
  int positive = 0;
  for (size_t k = 0; k < counts.size(); ++k) {
    if (!std::isfinite(counts[k]) || counts[k] < 0)
      throw InvalidInput("count " + std::to_string(k) + " must be a finite number >= 0, got " + formatValue(counts[k]));
    positive += counts[k] > 0;
  }
  if (positive < 2) throw InvalidInput("a counts file needs at least two classes with a positive count");
  return counts;
}

SideArrays readFeaturesFile(const std::string& path, int K) {
  const auto F = Checkpoint::open(path);
  if (F.tensors().empty()) throw CheckpointError("the features file holds no arrays");
  SideArrays a;
  a.path = path;
  a.role = ArrayFileRole::Features;
  a.features = readFeatures(F);
  if (const auto which = findArray(F, kLabelNames)) {
    a.labels = readLabels(F, *which, K);  // an .npz with features and labels side by side
    a.role = ArrayFileRole::FeaturesWithLabels;
  }
  return a;
}

SideArrays readDroppedFile(const std::string& path, int K, int p) {
  SideArrays a;
  a.path = path;
  if (!endsWith(path, ".npy") && !endsWith(path, ".npz")) return a;
  std::optional<Checkpoint> file;
  try {
    file.emplace(Checkpoint::open(path));
  } catch (const CheckpointError&) {
    return a;  // opened as a checkpoint, which says why it cannot be read
  }
  a.role = guessRole(*file, K, p);
  switch (a.role) {
    case ArrayFileRole::Labels: a.labels = readLabels(*file, file->tensors().front().name, K); break;
    case ArrayFileRole::FeaturesWithLabels:
      a.features = readFeatures(*file);
      a.labels = readLabels(*file, *findArray(*file, kLabelNames), K);
      break;
    case ArrayFileRole::Features: a.features = readFeatures(*file); break;
    case ArrayFileRole::Checkpoint: break;
  }
  return a;
}

std::optional<Eigen::VectorXd> classifierBias(const Checkpoint& c, const std::string& weightName, int K) {
  const std::string suffix = "weight";
  if (weightName.size() < suffix.size() || weightName.compare(weightName.size() - suffix.size(), suffix.size(), suffix) != 0)
    return std::nullopt;
  const std::string name = weightName.substr(0, weightName.size() - suffix.size()) + "bias";
  const auto* t = c.find(name);
  if (!t || t->shape.size() != 1 || t->shape[0] != K) return std::nullopt;
  return Eigen::VectorXd(c.matrix(name).col(0));
}

std::optional<double> imbalanceRatio(const std::vector<int>& counts) {
  if (counts.empty()) return std::nullopt;
  const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
  if (*lo <= 0) return std::nullopt;
  return double(*hi) / *lo;
}

std::vector<int> defaultMinority(const std::optional<std::vector<int>>& counts, int K) {
  std::vector<int> minority;
  if (counts && static_cast<int>(counts->size()) == K) {
    const int least = *std::min_element(counts->begin(), counts->end());
    for (int k = 0; k < K; ++k)
      if ((*counts)[k] == least) minority.push_back(k);
    if (static_cast<int>(minority.size()) < K) return minority;
    minority.clear();  // all classes equal: no minority by counts
  }
  for (int k = K - std::max(1, K / 2); k < K; ++k) minority.push_back(k);
  return minority;
}

// ---------------------------------------------------------------------------------------------

NetworkComparison NetworkComparison::open(const NetworkRequest& r, const Progress& progress, const CancelToken& cancel) {
  auto step = [&](int i, const std::string& text) {
    if (cancel.cancelled()) throw Cancelled();
    if (progress) progress(i, text);
  };
  NetworkComparison net;
  net.request_ = r;
  OpenLimits limits;
  limits.allowUnsafeGlobals = r.allowUnsafeGlobals;
  step(0, "Reading the checkpoint");
  net.checkpoint_ = std::make_shared<const Checkpoint>(Checkpoint::open(r.path, limits));
  step(1, "Finding the classifier");
  std::string classifier = r.classifier;
  // Features and labels (np.savez(features=..., labels=...)) are no network: opened as one, their
  // N x p features were taken for a classifier of N classes.
  if (classifier.empty() && (net.checkpoint_->format() == Format::Npz || net.checkpoint_->format() == Format::Npy) &&
      findArray(*net.checkpoint_, kLabelNames) && findArray(*net.checkpoint_, kFeatureNames))
    throw CheckpointError(r.path + " holds features and labels, not a network: open the checkpoint and give this file as "
                                   "its features (--features, or Features… in the window)");
  if (classifier.empty()) {
    const auto name = detectClassifier(*net.checkpoint_);
    if (!name) throw CheckpointError("no 2-D classifier weight found in " + r.path);
    classifier = *name;
  } else if (!net.checkpoint_->find(classifier)) {
    throw CheckpointError("no tensor named '" + classifier + "'");
  }
  const auto* t = net.checkpoint_->find(classifier);
  if (t->shape.size() != 2 || t->shape[0] < 2) throw CheckpointError(classifier + " is not a 2-D tensor with at least 2 rows");
  net.request_.classifier = classifier;
  net.loadClassifier(classifier);
  std::optional<SideArrays> features;
  if (!r.features.empty()) {
    step(2, "Reading the features");
    features = readFeaturesFile(r.features, net.K());
  }
  step(3, "Reading the labels");
  if (!r.labels.empty()) net.labels_ = readLabelsFile(r.labels, net.K()).labels;
  if (features) {
    if (!net.labels_) net.labels_ = features->labels;
    if (!net.labels_)
      throw CheckpointError("features need labels: give a labels file, or an .npz holding 'features' and 'labels'");
    net.features_ = features->features;
  }
  step(4, "Measuring neural collapse");
  net.refresh();
  step(5, "Done");
  return net;
}

void NetworkComparison::loadClassifier(const std::string& tensor) {
  const TensorInfo* t = checkpoint_->find(tensor);
  if (t->shape[0] > kMaxClasses || t->shape[1] > (int64_t(1) << 30))
    throw CheckpointError(tensor + " has " + std::to_string(t->shape[0]) + " x " + std::to_string(t->shape[1]) +
                          " entries: classifiers up to " + std::to_string(kMaxClasses) + " classes are compared");
  K_ = static_cast<int>(t->shape[0]);
  p_ = static_cast<int>(t->shape[1]);
  streamed_ = double(K_) * double(p_) * sizeof(double) > double(kStreamedHeadBytes);
  if (streamed_) W_.resize(0, 0);
  else W_ = checkpoint_->matrix(tensor);
  bias_ = classifierBias(*checkpoint_, tensor, K_);
}

std::string NetworkComparison::fileName() const {
  const auto cut = request_.path.find_last_of('/');
  return cut == std::string::npos ? request_.path : request_.path.substr(cut + 1);
}

std::string NetworkComparison::figureWarning() const {
  if (featureAnalysis_ && !featureAnalysis_->mismatch.empty()) return featureAnalysis_->mismatch;
  return note_;
}

void NetworkComparison::refresh() {
  const int K = this->K();
  note_.clear();
  const bool labelsFit =
      labels_ && std::all_of(labels_->begin(), labels_->end(), [K](int y) { return y >= 0 && y < K; });
  if (labels_ && !labelsFit) note_ = "the labels name classes beyond the classifier's " + std::to_string(K);
  counts_.reset();
  if (typedCounts_ && static_cast<int>(typedCounts_->size()) == K) {
    counts_ = typedCounts_;
  } else if (labelsFit) {
    std::vector<int> counts(K, 0);
    for (int y : *labels_) ++counts[y];
    counts_ = counts;
  }
  featureAnalysis_.reset();
  bool withFeatures = false;
  if (features_ && labels_) {
    if (streamed_) {
      note_ = "the features are not measured against a head this large (" + std::to_string(K) + " x " +
              std::to_string(p_) + ", read from the file in blocks)";
    } else if (features_->cols() != W_.cols() || !labelsFit) {
      note_ = "the features (" + std::to_string(features_->cols()) + " columns) do not fit " + request_.classifier;
    } else if (static_cast<Eigen::Index>(labels_->size()) != features_->rows()) {
      note_ = std::to_string(labels_->size()) + " labels for " + std::to_string(features_->rows()) + " feature rows";
    } else {
      try {
        featureAnalysis_ = analyseFeatures(*features_, *labels_, W_, bias_);
        withFeatures = true;
      } catch (const Error& e) {
        note_ = e.what();
      }
    }
  }
  const bool rolesFit = std::all_of(roles_.begin(), roles_.end(), [K](int k) { return k < K; });
  if (!explicitRoles_ || !rolesFit) {
    roles_ = defaultMinority(counts_, K);
    explicitRoles_ = false;
  }
  if (streamed_) {
    // One pass over the file in blocks of about 8 MB as double.
    const Eigen::Index rows = std::max<Eigen::Index>(1, (Eigen::Index(8) << 20) / (Eigen::Index(p_) * 8));
    RowBlocks blocks{K_, p_, [cp = checkpoint_, name = request_.classifier, rows, cancel = cancel_](const auto& fn) {
                       cp->forEachRowBlock(name, rows, [&](Eigen::Index first, const Eigen::MatrixXd& block) {
                         if (cancel.cancelled()) throw Cancelled();
                         fn(first, block);
                       });
                     }};
    analysis_ = analyseClassifier(blocks, request_.classifier, -1, roles_, counts_ ? &*counts_ : nullptr);
    embedding_ = NetworkEmbedding{};
  } else {
    analysis_ = analyseClassifier(W_, request_.classifier, -1, roles_, counts_ ? &*counts_ : nullptr);
    embedding_ = withFeatures ? embedNetwork(W_, *features_, *labels_) : embedNetwork(W_);
  }
}

std::optional<double> NetworkComparison::imbalanceRatio() const {
  return counts_ ? io::imbalanceRatio(*counts_) : std::nullopt;
}

std::optional<TwoSizeParams> NetworkComparison::modelParams(TwoSizeParams base) const {
  const int KB = static_cast<int>(analysis_.minority.size());
  if (KB < 1 || K() - KB < 1) return std::nullopt;
  base.KA = K() - KB;
  base.KB = KB;
  base.profile = SizeProfile::Step;  // the two-size model of the paper's comparison
  // Into the explorer's ranges (the registry's), where its sliders can show them.
  base.EW = clampToExplorer("EW", analysis_.EWfit);
  // Features the head does not fit (FeatureAnalysis::mismatch) give no EH: base's stays.
  if (featureAnalysis_ && featureAnalysis_->mismatch.empty()) base.EH = clampToExplorer("EH", featureAnalysis_->EHfit);
  if (const auto R = imbalanceRatio()) base.R = clampToExplorer("R", *R);
  return base;
}

std::vector<int> NetworkComparison::modelOrder() const {
  std::vector<int> order = analysis_.majority;
  order.insert(order.end(), analysis_.minority.begin(), analysis_.minority.end());
  return order;
}

NetworkGeometry3D NetworkComparison::projection() const {
  if (embedding_.W.rows() == 0) return {};  // a streamed head: no picture
  return projectNetwork(embedding_, analysis_.minority);
}

std::optional<NetworkOverlay> NetworkComparison::overlay(const Solution& s, const Geometry3D& g) const {
  if (s.problem.K() != K() || embedding_.W.rows() == 0) return std::nullopt;
  return overlayNetwork(embedding_.W, modelOrder(), s, g);
}

std::optional<PinnedNetwork> NetworkComparison::pin() const {
  const auto R = imbalanceRatio();
  if (!analysis_.minorityCos || !R) return std::nullopt;
  PinnedNetwork n;
  n.name = fileName();
  n.R = *R;
  n.minorityCos = *analysis_.minorityCos;
  return n;
}

void NetworkComparison::setClassifier(const std::string& tensor) {
  const auto* t = checkpoint_->find(tensor);
  if (!t || t->shape.size() != 2 || t->shape[0] < 2)
    throw InvalidInput(tensor + " is not a 2-D tensor with at least 2 rows");
  NetworkComparison next = *this;
  next.request_.classifier = tensor;
  next.loadClassifier(tensor);
  next.explicitRoles_ = false;
  next.refresh();
  *this = std::move(next);
}

void NetworkComparison::setMajorityCount(int KA) {
  if (KA < 1 || KA >= K()) throw InvalidInput("the majority count must be in 1.." + std::to_string(K() - 1));
  std::vector<int> minority(K() - KA);
  std::iota(minority.begin(), minority.end(), KA);
  setMinority(std::move(minority));
}

void NetworkComparison::setMinority(std::vector<int> minority) {
  std::sort(minority.begin(), minority.end());
  minority.erase(std::unique(minority.begin(), minority.end()), minority.end());
  for (int k : minority)
    if (k < 0 || k >= K()) throw InvalidInput("class " + std::to_string(k) + " is outside 0.." + std::to_string(K() - 1));
  roles_ = std::move(minority);
  explicitRoles_ = true;
  refresh();
}

void NetworkComparison::setMinorityCount(int KB) {
  if (KB < 1 || KB >= K()) throw InvalidInput("the minority count must be in 1.." + std::to_string(K() - 1));
  if (static_cast<int>(analysis_.minority.size()) == KB) return;
  std::vector<int> order(K());
  std::iota(order.begin(), order.end(), 0);
  // Smallest count first; among equals (or without counts) the later class first.
  std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
    const int ca = counts_ ? (*counts_)[a] : 0, cb = counts_ ? (*counts_)[b] : 0;
    return ca != cb ? ca < cb : a > b;
  });
  order.resize(KB);
  setMinority(std::move(order));
}

void NetworkComparison::setClassCounts(std::vector<int> counts) {
  if (static_cast<int>(counts.size()) != K())
    throw InvalidInput(std::to_string(counts.size()) + " counts for " + std::to_string(K()) + " classes");
  if (*std::min_element(counts.begin(), counts.end()) < 1) throw InvalidInput("every class count must be at least 1");
  typedCounts_ = std::move(counts);
  refresh();
}

void NetworkComparison::setLabels(const SideArrays& a) {
  if (!a.labels) throw CheckpointError(a.path + " holds no labels");
  request_.labels = a.path;
  labels_ = a.labels;
  typedCounts_.reset();
  explicitRoles_ = false;  // the counts choose the minority again
  refresh();
}

void NetworkComparison::setFeatures(const SideArrays& a) {
  if (!a.features) throw CheckpointError(a.path + " holds no features");
  if (request_.labels.empty() && !a.labels && !labels_)
    throw CheckpointError("features need labels: give a labels file, or an .npz holding 'features' and 'labels'");
  request_.features = a.path;
  features_ = a.features;
  if (request_.labels.empty() && a.labels) labels_ = a.labels;  // a labels file, once given, stays
  refresh();
}

}  // namespace lpm::io
