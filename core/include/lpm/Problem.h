#pragma once
// The Layer-Peeled Model's convex relaxation, Eq. (15), as data: budgets and class sizes.
#include <limits>

#include "lpm/Error.h"
#include "lpm/Loss.h"
#include <stdexcept>
#include <string>
#include <vector>

namespace lpm {


constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// The representable range of the budgets. Only EW EH shapes the optimum, whose loss is about
/// (K-1) exp(-(K/(K-1)) sqrt(EW EH)): beyond EW EH = 1e5 it falls towards the smallest double
/// (1e-275 at K = 2) and nothing can be certified; validate() refuses such inputs by name.
constexpr double kMinBudget = 1e-8;
constexpr double kMaxBudget = 1e8;
constexpr double kMaxBudgetProduct = 1e5;
/// Below this the loss is log K minus a gain ~ sqrt(EW EH), and the geometry is set only by terms
/// a further sqrt(EW EH) smaller: certified solves no longer pin the cosines (1e-6 at the limit).
constexpr double kMinBudgetProduct = 1e-8;
/// Beyond this many classes the K x K matrices of the general solver no longer fit the machine;
/// the reduced solver has no such limit.
constexpr int kMaxClasses = 10'000'000;

/// How class sizes follow from R.
enum class SizeProfile {
  Step,        ///< the paper's two sizes: n_A = 1 for KA classes, n_B = 1/R for KB classes
  Exponential, ///< long tail over all K classes: n_k = R^(-k/(K-1)); the last KB are "minority"
  Pareto       ///< long tail shaped like a Pareto (Lomax) law of shape 6 (ImageNet-LT): paretoProfile
};
/// A long-tailed profile (every class its own size), not the paper's two sizes.
inline bool longTail(SizeProfile s) { return s != SizeProfile::Step; }

/// The budget form (lpm-models.md §1). Constrained: the paper's energies EW, EH (the logits range
/// over a nuclear-norm ball, class-averaged, only size ratios matter). Penalized: weight decay
/// lambda_W, lambda_H (and lambda_b on an optional bias) on the training loss, the feature penalty
/// summed over samples: a different model, in which absolute class sizes matter.
enum class Budget { Constrained, Penalized };

/// What moves: the layer-peeled model (classifiers and features, in Z) or the supervised
/// contrastive model (Eq. 11-12: features only, in the Gram Q = H H^T, temperature t).
enum class ModelKind { LayerPeeled, SupCon };

/// constrained, penalized; lpm, supcon: the names the command line and sessions use.
std::string toString(Budget b);
std::string toString(ModelKind m);

/// The weight-decay strengths of the penalized form. lambdaB = inf: no bias (b = 0).
struct Penalty {
  double lambdaW = 1e-3;
  double lambdaH = 1e-3;
  double lambdaB = kInfinity;
  double mu() const;  ///< sqrt(lambdaW lambdaH): the weight of ||D^{1/2} Z||_*
  bool bias() const { return lambdaB < kInfinity; }
  bool operator==(const Penalty& o) const {
    return lambdaW == o.lambdaW && lambdaH == o.lambdaH && lambdaB == o.lambdaB;
  }
};

/// The two-size setting of the paper: KA majority classes of n_A examples and KB
/// minority classes of n_B = n_A / R, oversampled by wr (Eq. 18: n_B -> wr n_B).
/// With SizeProfile::Exponential the same parameters describe a long-tailed distribution.
struct TwoSizeParams {
  double EW = 1.0;
  double EH = 5.0;
  int KA = 5;
  int KB = 5;
  double R = 1.0;  ///< imbalance ratio n_A / n_B, in [1, inf]; inf means minority weight 0
  double wr = 1.0; ///< oversampling rate of the minority classes, > 0
  SizeProfile profile = SizeProfile::Step;
  Loss loss;       ///< the loss of Eq. (15): cross-entropy, as in the paper, unless chosen
  bool fixedEtf = false;  ///< classifiers fixed to a simplex ETF; only the features move (lpm-models.md §3)
  Budget budget = Budget::Constrained;
  Penalty penalty;        ///< the penalized form's weight decays
  double nA = 500;        ///< penalized form: the majority's absolute size (n_B = nA / R)
  ModelKind model = ModelKind::LayerPeeled;
  double temperature = 1; ///< supervised contrastive: t
  /// Long tail: bin the K sizes into this many groups (quantiles of log n_k) and solve the binned
  /// problem, exact for the binned sizes; 0: every class its own size (binSizes).
  int bins = 0;
  int K() const { return KA + KB; }
};

/// One problem instance: budgets and the size n_k of every class (k = 0..K-1).
struct Problem {
  double EW = 1.0;
  double EH = 1.0;
  std::vector<double> classSize;  ///< n_k >= 0, at least two positive
  std::vector<int> minority;      ///< classes the minority_* metrics describe
  std::vector<int> majority;      ///< classes the majority_* metrics describe
  Loss loss;
  /// W = sqrt(EW) M, M a simplex ETF, fixed; the features move in (1/K) sum ||h_k||^2 <= EH: the
  /// logits then range over a Frobenius ball of radius K sqrt(EW EH / (K - 1)) (lpm-models.md §3).
  bool fixedEtfClassifier = false;
  /// Class sizes the losses' own priors use (logit adjustment, LDAM, VS): the sizes before
  /// oversampling (lpm-models.md §2). Empty: classSize.
  std::vector<double> priorSize;
  /// Penalized: classSize are absolute sample counts, and EW, EH are not used.
  Budget budget = Budget::Constrained;
  Penalty penalty;
  /// SupCon: min sum_k pi_k (-Q_kk / t + log sum_j pi_j exp(Q_kj / t)), tr Q <= K EH, Q >= 0; EW and
  /// the loss are not used (lpm-models.md §3).
  ModelKind model = ModelKind::LayerPeeled;
  double temperature = 1;
  /// The sizes were binned into this many groups (binSizes); 0: the classes' own sizes.
  int binned = 0;
  bool penalized() const { return budget == Budget::Penalized; }
  bool supcon() const { return model == ModelKind::SupCon; }
  /// The model's story is told in the features: no learned classifiers (supcon, fixed ETF).
  bool observesFeatures() const { return supcon() || fixedEtfClassifier; }

  int K() const { return static_cast<int>(classSize.size()); }
  /// pi_k = n_k / N.
  std::vector<double> weights() const;
  /// priorSize (or classSize) normalised to sum 1.
  std::vector<double> priors() const;
};

/// Classes of equal size, which the symmetry reduction treats as one group.
struct ClassGroup {
  std::vector<int> members;  ///< class indices, ascending
  double weight = 0.0;       ///< pi_k of each member
  int count() const { return static_cast<int>(members.size()); }
};

/// A fixed ETF classifier that enters the model (the flag is set aside in the penalized form and
/// for supcon, as the registry's `classifier` says), and the rule Problem::observesFeatures follows.
bool fixedEtfInModel(const TwoSizeParams& p);
bool observesFeatures(const TwoSizeParams& p);

/// Throws InvalidInput with a message naming the bad value.
void validate(const TwoSizeParams& p);
void validate(const Problem& p);

/// Two-size problem: classes 0..KA-1 majority, KA..K-1 minority.
Problem makeTwoSize(const TwoSizeParams& p);
/// Arbitrary sizes; `minority` empty means "the classes of the smallest size".
Problem makeFromSizes(double EW, double EH, const std::vector<double>& sizes,
                      std::vector<int> minority = {});
/// Arbitrary sizes under the model of `p` (loss, budget form, classifier, model; KA, KB and R
/// unused): with the penalized form the sizes are absolute sample counts.
Problem makeFromSizes(const TwoSizeParams& p, const std::vector<double>& sizes, std::vector<int> minority = {});

/// The binned model for huge K (issue: real sizes): classes sorted by size are cut into `G`
/// quantile groups of log n_k (as equal in count as K allows; empty classes form their own group)
/// and every class takes its group's geometric-mean size (its prior likewise). The symmetry
/// reduction then solves ~G groups whatever K is: exact and certified for the binned sizes, which
/// the result says (Problem::binned). G >= K changes nothing. Throws InvalidInput for G < 1.
Problem binSizes(Problem p, int G);

/// Groups classes of exactly equal size (in order of first appearance).
std::vector<ClassGroup> groupBySize(const Problem& p);
/// Every class its own group: the unreduced problem.
std::vector<ClassGroup> singletonGroups(const Problem& p);

/// Long-tail class-size profiles: step (first half size 1, rest 1/ratio) and exponential
/// (n_k = ratio^(-k/(K-1))), as used for imbalanced benchmarks.
std::vector<double> stepProfile(int K, int majorityCount, double ratio);
std::vector<double> exponentialProfile(int K, double ratio);
/// The Pareto-shaped long tail: n_k = (1 + (k / (K - 1)) (ratio^(1/alpha) - 1))^(-alpha), so n_0 = 1
/// and n_{K-1} = 1 / ratio. ImageNet-LT (Liu et al., CVPR 2019, "Large-Scale Long-Tailed
/// Recognition in an Open World") sampled its 1000 classes "following the Pareto distribution
/// with the power value alpha = 6", 1280 to 5 images per class: this is that shape through those
/// endpoints (ratio 256), not the published per-class list.
std::vector<double> paretoProfile(int K, double ratio, double alpha = 6.0);

}  // namespace lpm
