#include "lpm/Problem.h"

#include "lpm/Parameters.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <sstream>
#include <utility>

namespace lpm {
namespace {

std::string fmt(double v) { return formatValue(v); }

// The budgets, each by its registry entry, then the one rule that ties them.
void requireBudgets(double EW, double EH) {
  checkValue(parameter("EW"), EW);
  checkValue(parameter("EH"), EH);
  if (EW * EH > kMaxBudgetProduct)
    throw InvalidInput("EW*EH = " + fmt(EW * EH) + " is outside the representable range EW*EH <= " + fmt(kMaxBudgetProduct) +
                       ": the optimal loss there is below what double precision can certify");
  if (EW * EH < kMinBudgetProduct)
    throw InvalidInput("EW*EH = " + fmt(EW * EH) + " is outside the range EW*EH >= " + fmt(kMinBudgetProduct) +
                       " where the optimum's geometry can be certified");
}

// The penalized form's weight decays: positive and finite (lambda_b may be inf: no bias).
void requirePenalty(const Penalty& q) {
  checkValue(parameter("lambda-W"), q.lambdaW);
  checkValue(parameter("lambda-H"), q.lambdaH);
  checkValue(parameter("lambda-b"), q.lambdaB);
}

// The rules that tie the model's choices, for both parameter sets.
void requireCompatible(Budget budget, ModelKind model, bool fixedEtf, const Loss& loss) {
  if (model == ModelKind::SupCon) {
    if (budget == Budget::Penalized)
      throw InvalidInput("the supervised contrastive model has the constrained budget tr Q <= K EH only, not the penalized form");
    if (fixedEtf) throw InvalidInput("the supervised contrastive model has no classifiers to fix (--classifier fixed-etf)");
    if (loss.kind != LossKind::CE)
      throw InvalidInput("the supervised contrastive model has its own loss (Eq. 11); --loss does not apply to it");
  }
  if (budget == Budget::Penalized && fixedEtf)
    throw InvalidInput("a fixed ETF classifier is modelled with the constrained budget only, not the penalized form");
}

void requireSupConScale(double EH, double t) {
  checkValue(parameter("temperature"), t);
  if (EH / t > 1e4)
    throw InvalidInput("EH / temperature = " + fmt(EH / t) + " is outside the range EH / t <= 1e4 where the supervised "
                       "contrastive loss can be certified in double precision");
}

// The model's choices, those that do not enter it set aside (registry `applies`).
void applyModel(Problem& q, const TwoSizeParams& p) {
  const bool supcon = p.model == ModelKind::SupCon;
  q.model = p.model;
  q.temperature = p.temperature;
  q.loss = supcon ? Loss{} : p.loss;
  q.budget = supcon ? Budget::Constrained : p.budget;
  q.penalty = p.penalty;
  q.fixedEtfClassifier = fixedEtfInModel(p);
}

}  // namespace

bool fixedEtfInModel(const TwoSizeParams& p) { return p.fixedEtf && parameter("classifier").appliesTo(p); }
bool observesFeatures(const TwoSizeParams& p) { return p.model == ModelKind::SupCon || fixedEtfInModel(p); }

double Penalty::mu() const { return std::sqrt(lambdaW * lambdaH); }

std::string toString(Budget b) { return b == Budget::Penalized ? "penalized" : "constrained"; }
std::string toString(ModelKind m) { return m == ModelKind::SupCon ? "supcon" : "lpm"; }

std::vector<double> Problem::weights() const {
  const double N = std::accumulate(classSize.begin(), classSize.end(), 0.0);
  std::vector<double> w(classSize.size());
  for (size_t k = 0; k < w.size(); ++k) w[k] = classSize[k] / N;
  return w;
}

std::vector<double> Problem::priors() const {
  const auto& n = priorSize.empty() ? classSize : priorSize;
  const double N = std::accumulate(n.begin(), n.end(), 0.0);
  std::vector<double> w(n.size());
  for (size_t k = 0; k < w.size(); ++k) w[k] = n[k] / N;
  return w;
}

void validate(const TwoSizeParams& p) {
  // Every parameter by its registry entry (lpm/Parameters.h), then the rules that tie them.
  // Choices that do not enter the chosen model (the budget form, the loss and the classifier for
  // supcon; the classifier in the penalized form) are set aside by makeTwoSize, as the panel hides them.
  for (const auto& spec : parameterRegistry()) checkValue(spec, spec.get(p));
  if (p.model == ModelKind::SupCon) requireSupConScale(p.EH, p.temperature);
  else if (p.budget == Budget::Constrained) requireBudgets(p.EW, p.EH);
  if (static_cast<long long>(p.KA) + p.KB > kMaxClasses)
    throw InvalidInput("K = KA + KB must be <= " + std::to_string(kMaxClasses));
}

void validate(const Problem& p) {
  requireCompatible(p.budget, p.model, p.fixedEtfClassifier, p.loss);
  if (p.supcon()) {
    checkValue(parameter("EH"), p.EH);
    requireSupConScale(p.EH, p.temperature);
  } else if (p.penalized()) {
    requirePenalty(p.penalty);
  } else {
    requireBudgets(p.EW, p.EH);
  }
  if (p.K() < 2) throw InvalidInput("K must be >= 2 classes, got " + std::to_string(p.K()));
  int positive = 0;
  for (int k = 0; k < p.K(); ++k) {
    const double n = p.classSize[k];
    if (!std::isfinite(n) || n < 0)
      throw InvalidInput("class size n_" + std::to_string(k) + " must be a finite number >= 0, got " + fmt(n));
    positive += n > 0;
  }
  if (positive < 1) throw InvalidInput("at least one class must have a positive size");
  validate(p.loss);
  if (p.fixedEtfClassifier && p.loss.kind == LossKind::MSE)
    throw InvalidInput("a fixed ETF classifier is modelled with the softmax losses only, not mse");
  if (!p.priorSize.empty() && p.priorSize.size() != p.classSize.size())
    throw InvalidInput("priorSize must give one size per class");
  const auto& prior = p.priorSize.empty() ? p.classSize : p.priorSize;
  const bool usesPriors = (p.loss.kind == LossKind::LogitAdjusted && p.loss.tau != 0) ||
                          (p.loss.kind == LossKind::VS && (p.loss.tau != 0 || p.loss.gamma != 0)) ||
                          (p.loss.kind == LossKind::LDAM && p.loss.margin != 0);
  if (usesPriors)
    for (double n : prior)
      if (!(n > 0) || !std::isfinite(n))
        throw InvalidInput(toString(p.loss.kind) + " uses log n_j or n_min / n_j: every class needs a positive size "
                           "(R must be finite)");
  for (const auto* set : {&p.minority, &p.majority})
    for (int k : *set)
      if (k < 0 || k >= p.K())
        throw InvalidInput("class index " + std::to_string(k) + " is out of range 0.." + std::to_string(p.K() - 1));
}

Problem makeTwoSize(const TwoSizeParams& p) {
  validate(p);
  Problem q;
  q.EW = p.EW;
  q.EH = p.EH;
  applyModel(q, p);
  if (longTail(p.profile)) {
    q.classSize.resize(p.K());
    const std::vector<double> tail = std::isinf(p.R) ? std::vector<double>()
                                     : p.profile == SizeProfile::Pareto ? paretoProfile(p.K(), p.R)
                                                                        : exponentialProfile(p.K(), p.R);
    for (int k = 0; k < p.K(); ++k) {
      const double n = std::isinf(p.R) ? (k == 0 ? 1.0 : 0.0) : tail[k];
      q.classSize[k] = k >= p.KA ? p.wr * n : n;
    }
  } else {
    const double nB = std::isinf(p.R) ? 0.0 : p.wr / p.R;  // n_A = 1
    q.classSize.assign(p.KA, 1.0);
    q.classSize.resize(p.K(), nB);
  }
  // The losses' priors use the sizes before oversampling (lpm-models.md §2).
  if (p.wr != 1) {
    q.priorSize = q.classSize;
    for (int k = p.KA; k < p.K(); ++k) q.priorSize[k] /= p.wr;
  }
  if (p.budget == Budget::Penalized) {  // absolute sizes: n_A = nA
    for (auto& n : q.classSize) n *= p.nA;
    for (auto& n : q.priorSize) n *= p.nA;
  }
  for (int k = 0; k < p.KA; ++k) q.majority.push_back(k);
  for (int k = p.KA; k < p.K(); ++k) q.minority.push_back(k);
  validate(q);
  if (p.bins > 0 && longTail(p.profile)) return binSizes(std::move(q), p.bins);
  return q;
}

Problem makeFromSizes(const TwoSizeParams& p, const std::vector<double>& sizes, std::vector<int> minority) {
  Problem q = makeFromSizes(p.EW, p.EH, sizes, std::move(minority));
  applyModel(q, p);
  validate(q);
  return q;
}

Problem makeFromSizes(double EW, double EH, const std::vector<double>& sizes, std::vector<int> minority) {
  Problem q;
  q.EW = EW;
  q.EH = EH;
  q.classSize = sizes;
  validate(q);
  if (minority.empty()) {
    const double smallest = *std::min_element(sizes.begin(), sizes.end());
    for (int k = 0; k < q.K(); ++k)
      if (sizes[k] == smallest) minority.push_back(k);
  }
  std::sort(minority.begin(), minority.end());
  minority.erase(std::unique(minority.begin(), minority.end()), minority.end());
  q.minority = minority;
  for (int k = 0; k < q.K(); ++k)
    if (!std::binary_search(minority.begin(), minority.end(), k)) q.majority.push_back(k);
  validate(q);
  return q;
}

Problem binSizes(Problem p, int G) {
  if (G < 1) throw InvalidInput("the number of size bins must be >= 1, got " + std::to_string(G));
  const int K = p.K();
  if (G >= K) return p;
  std::vector<int> order(K);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p.classSize[a] > p.classSize[b]; });
  int positive = 0;
  while (positive < K && p.classSize[order[positive]] > 0) ++positive;
  const bool priors = !p.priorSize.empty();
  auto bin = [&](int from, int to) {  // classes order[from..to) take their geometric-mean size
    if (from >= to) return;
    double logN = 0, logPrior = 0;
    for (int i = from; i < to; ++i) {
      logN += std::log(p.classSize[order[i]]);
      if (priors) logPrior += std::log(p.priorSize[order[i]]);
    }
    const double n = std::exp(logN / (to - from)), prior = std::exp(logPrior / (to - from));
    // A bin of equal sizes keeps them bit for bit (the binned problem is then the exact one).
    const bool equal = std::all_of(order.begin() + from, order.begin() + to,
                                   [&](int k) { return p.classSize[k] == p.classSize[order[from]]; });
    const bool equalPrior = !priors || std::all_of(order.begin() + from, order.begin() + to, [&](int k) {
      return p.priorSize[k] == p.priorSize[order[from]];
    });
    for (int i = from; i < to; ++i) {
      if (!equal) p.classSize[order[i]] = n;
      if (priors && !equalPrior) p.priorSize[order[i]] = prior;
    }
  };
  const int groups = std::min(G, positive);
  for (int g = 0; g < groups; ++g) bin(static_cast<int>(int64_t(positive) * g / groups), static_cast<int>(int64_t(positive) * (g + 1) / groups));
  p.binned = groups + (positive < K ? 1 : 0);  // zero sizes stay zero: a group of their own
  validate(p);
  return p;
}

std::vector<ClassGroup> groupBySize(const Problem& p) {
  const auto w = p.weights();
  // Equal size and equal prior (the losses' priors are the sizes before oversampling).
  const auto& prior = p.priorSize.empty() ? p.classSize : p.priorSize;
  std::map<std::pair<double, double>, int> index;
  std::vector<ClassGroup> groups;
  int last = -1;  // sizes come in runs: look a class up only when its key changes
  for (int k = 0; k < p.K(); ++k) {
    if (last < 0 || p.classSize[k] != p.classSize[k - 1] || prior[k] != prior[k - 1]) {
      auto [it, inserted] = index.emplace(std::make_pair(p.classSize[k], prior[k]), static_cast<int>(groups.size()));
      if (inserted) groups.push_back({{}, w[k]});
      last = it->second;
    }
    groups[last].members.push_back(k);
  }
  return groups;
}

std::vector<ClassGroup> singletonGroups(const Problem& p) {
  const auto w = p.weights();
  std::vector<ClassGroup> groups(p.K());
  for (int k = 0; k < p.K(); ++k) groups[k] = {{k}, w[k]};
  return groups;
}

std::vector<double> stepProfile(int K, int majorityCount, double ratio) {
  if (K < 2) throw InvalidInput("K must be >= 2, got " + std::to_string(K));
  if (majorityCount < 1 || majorityCount >= K)
    throw InvalidInput("the number of majority classes must be in 1..K-1, got " + std::to_string(majorityCount));
  if (!(ratio >= 1) || !std::isfinite(ratio)) throw InvalidInput("the imbalance ratio must be a finite number >= 1, got " + fmt(ratio));
  std::vector<double> n(K, 1.0 / ratio);
  std::fill(n.begin(), n.begin() + majorityCount, 1.0);
  return n;
}

std::vector<double> exponentialProfile(int K, double ratio) {
  if (K < 2) throw InvalidInput("K must be >= 2, got " + std::to_string(K));
  if (!(ratio >= 1) || !std::isfinite(ratio)) throw InvalidInput("the imbalance ratio must be a finite number >= 1, got " + fmt(ratio));
  std::vector<double> n(K);
  for (int k = 0; k < K; ++k) n[k] = std::pow(ratio, -static_cast<double>(k) / (K - 1));
  return n;
}

std::vector<double> paretoProfile(int K, double ratio, double alpha) {
  if (K < 2) throw InvalidInput("K must be >= 2, got " + std::to_string(K));
  if (!(ratio >= 1) || !std::isfinite(ratio)) throw InvalidInput("the imbalance ratio must be a finite number >= 1, got " + fmt(ratio));
  if (!(alpha > 0) || !std::isfinite(alpha)) throw InvalidInput("the Pareto shape must be a finite number > 0, got " + fmt(alpha));
  const double span = std::pow(ratio, 1 / alpha) - 1;
  std::vector<double> n(K);
  for (int k = 0; k < K; ++k) n[k] = std::pow(1 + span * static_cast<double>(k) / (K - 1), -alpha);
  n[K - 1] = 1 / ratio;  // exactly the stated smallest size
  return n;
}

}  // namespace lpm
