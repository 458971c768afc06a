#include "lpm/io/Network.h"

#include "lpm/Parameters.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <initializer_list>

namespace lpm::io {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
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

std::vector<int> readLabels(const Checkpoint& file, const std::string& name, int K) {
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
  return labels;
}

}  // namespace

NetworkData loadNetwork(const NetworkRequest& r, const std::function<void(int, const std::string&)>& progress) {
  auto step = [&](int i, const std::string& text) {
    if (progress) progress(i, text);
  };
  NetworkData net;
  net.request = r;
  OpenLimits limits;
  limits.allowUnsafeGlobals = r.allowUnsafeGlobals;
  step(0, "Reading the checkpoint");
  net.checkpoint = std::make_shared<const Checkpoint>(Checkpoint::open(r.path, limits));
  step(1, "Finding the classifier");
  if (r.classifier.empty()) {
    const auto name = detectClassifier(*net.checkpoint);
    if (!name) throw CheckpointError("no 2-D classifier weight found in " + r.path);
    net.classifier = *name;
  } else {
    const auto* t = net.checkpoint->find(r.classifier);
    if (!t) throw CheckpointError("no tensor named '" + r.classifier + "'");
    if (t->shape.size() != 2 || t->shape[0] < 2) throw CheckpointError(r.classifier + " is not a 2-D tensor with at least 2 rows");
    net.classifier = r.classifier;
  }
  net.W = net.checkpoint->matrix(net.classifier);
  const int K = net.K();
  net.bias = classifierBias(*net.checkpoint, net.classifier, K);

  std::optional<Checkpoint> featureFile;
  if (!r.features.empty()) {
    step(2, "Reading the features");
    featureFile.emplace(Checkpoint::open(r.features));
    if (featureFile->tensors().empty()) throw CheckpointError("the features file holds no arrays");
  }
  step(3, "Reading the labels");
  if (!r.labels.empty()) {
    const auto L = Checkpoint::open(r.labels);
    if (L.tensors().empty()) throw CheckpointError("the labels file holds no arrays");
    const auto which = findArray(L, kLabelNames);
    net.labels = std::make_shared<const std::vector<int>>(readLabels(L, which ? *which : L.tensors().front().name, K));
  } else if (featureFile) {
    // An .npz with features and labels side by side.
    const auto which = findArray(*featureFile, kLabelNames);
    if (!which) throw CheckpointError("features need labels: give a labels file, or an .npz holding 'features' and 'labels'");
    net.labels = std::make_shared<const std::vector<int>>(readLabels(*featureFile, *which, K));
  }
  if (net.labels) {
    std::vector<int> counts(K, 0);
    for (int y : *net.labels) ++counts[y];
    net.counts = counts;
  }
  if (featureFile) {
    step(4, "Measuring neural collapse");
    auto which = findArray(*featureFile, kFeatureNames);
    if (!which)
      for (const auto& t : featureFile->tensors())
        if (t.shape.size() == 2) which = t.name;
    if (!which || featureFile->find(*which)->shape.size() != 2)
      throw CheckpointError("the features file has no 2-D array (N samples x p features)");
    net.features = std::make_shared<const Eigen::MatrixXd>(featureFile->matrix(*which));
    net.featureAnalysis = analyseFeatures(*net.features, *net.labels, net.W, net.bias ? &*net.bias : nullptr);
  }
  step(5, "Done");
  return net;
}

ArrayFileRole guessArrayRole(const Checkpoint& file, int K, int p) {
  const auto& ts = file.tensors();
  if (file.format() != "npy" && file.format() != "npz") return ArrayFileRole::Checkpoint;
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

std::optional<TwoSizeParams> modelParamsFor(const ClassifierAnalysis& a, const FeatureAnalysis* features,
                                            std::optional<double> R, TwoSizeParams base) {
  const int KB = static_cast<int>(a.minority.size());
  if (KB < 1 || a.K - KB < 1) return std::nullopt;
  base.KA = a.K - KB;
  base.KB = KB;
  base.profile = SizeProfile::Step;  // the two-size model of the paper's comparison
  // Into the explorer's ranges (the registry's), where its sliders can show them.
  base.EW = clampToExplorer("EW", a.EWfit);
  if (features) base.EH = clampToExplorer("EH", features->EHfit);
  if (R) base.R = clampToExplorer("R", *R);
  return base;
}

std::vector<int> modelOrder(const ClassifierAnalysis& a) {
  std::vector<int> order = a.majority;
  order.insert(order.end(), a.minority.begin(), a.minority.end());
  return order;
}

}  // namespace lpm::io
