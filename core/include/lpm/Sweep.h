#pragma once
// Minority cosine versus the imbalance ratio R, and the phase transition R0 (Figure 3).
#include <functional>
#include <limits>
#include <string>
#include <optional>
#include <vector>

#include "lpm/Metrics.h"
#include "lpm/Problem.h"
#include "lpm/Solver.h"

namespace lpm {

/// What a curve plots: the cosine or the norm ratio (minority / majority) of the minority
/// classifiers or of their class-mean features.
enum class CurveQuantity { ClassifierCos, FeatureCos, ClassifierNormRatio, FeatureNormRatio };
/// classifier-cos, feature-cos, classifier-norm-ratio, feature-norm-ratio.
std::string toString(CurveQuantity q);
CurveQuantity curveQuantityFromString(const std::string& s);  ///< throws InvalidInput
/// The quantity a model's minority story is told in: the classifiers' cosine, or the features'
/// where classifiers are fixed (fixed ETF) or absent (supcon). R0 is measured on it.
CurveQuantity defaultQuantity(const TwoSizeParams& p);
/// "auto" -> defaultQuantity(p); otherwise the named quantity (throws InvalidInput).
CurveQuantity plotQuantity(const std::string& choice, const TwoSizeParams& p);

struct SweepPoint {
  double R = 1;
  double objective = 0;
  double gap = 0;
  std::optional<double> minorityCos, majorityCos;  ///< of the classifiers
  double minorityNorm = 0;  ///< mean ||w_k|| over minority classes
  MinorityState state = MinorityState::Spread;  ///< of the classifiers
  std::optional<double> featureCos, majorityFeatureCos;  ///< of the class means
  MinorityState featureState = MinorityState::Spread;
  std::optional<double> normRatio, featureNormRatio;  ///< mean minority / mean majority norm
  bool certified = false;
  bool refined = false;  ///< added by refineSweep, not on the requested grid
  bool features = false;  ///< the model's story is about features (defaultQuantity)
  /// The quantity at this point (null where it is not defined: vanished, not unique, ...).
  std::optional<double> value(CurveQuantity q) const;
  std::optional<double> majorityValue(CurveQuantity q) const;  ///< the majority's cosine (null for ratios)
  MinorityState stateFor(CurveQuantity q) const;
  /// What R0 and the refinement follow: the cosine of defaultQuantity.
  std::optional<double> observedCos() const { return features ? featureCos : minorityCos; }
  MinorityState observedState() const { return features ? featureState : state; }
  /// Drops the minority's values (a compared family draws them instead) or the majority's.
  void clearMinority() {
    minorityCos.reset(), featureCos.reset(), normRatio.reset(), featureNormRatio.reset();
    state = featureState = MinorityState::Spread;
  }
  void clearMajority() { majorityCos.reset(), majorityFeatureCos.reset(); }
};

/// `points` values of R, log-spaced from Rmin to Rmax, endpoints included (points >= 2).
std::vector<double> logGrid(double Rmin, double Rmax, int points);

/// The R slider's scale, following the curve: a position t in [0, 1] is spent half evenly in log R
/// and half in proportion to how much the curve's observed cosine changes (its total variation),
/// so the transition, a few pixels wide on an even log scale from 1 to 10^5, gets a third of the
/// slider. Piecewise linear in log R between the curve's points; even in log R where there is no
/// curve (outside its range, KB < 2, a flat or undefined cosine). Strictly increasing both ways.
class CurveScale {
public:
  CurveScale(double lo, double hi);  ///< even in log R (lo < hi, both > 0)
  CurveScale(double lo, double hi, const std::vector<SweepPoint>& curve, double follow = 0.5);
  double position(double R) const;  ///< in [0, 1]; clamped outside [lo, hi]
  double value(double t) const;     ///< R in [lo, hi]
  bool even() const { return logR_.size() == 2; }
  double hi() const { return hi_; }
  bool operator==(const CurveScale& o) const { return logR_ == o.logR_ && t_ == o.t_; }

private:
  double lo_, hi_;
  std::vector<double> logR_, t_;  // knots, both strictly increasing, t_ from 0 to 1
};

struct SweepOptions {
  SolveOptions solve;
  MetricsOptions metrics;
  CancelToken cancel;
  /// Called after each point; return false to stop.
  std::function<bool(const SweepPoint&, int index)> progress;
};

/// Solves the two-size problem at each R (base.R is ignored), warm-starting along the grid.
std::vector<SweepPoint> sweepR(const TwoSizeParams& base, const std::vector<double>& Rs, const SweepOptions& options = {});

/// Where along R an event of the minority classifiers happens.
enum class Bracket {
  Found,         ///< at `R` (to relTol)
  Beyond,        ///< not up to Rmax: R > Rmax
  Undefined,     ///< cannot happen (e.g. collapse after the minority vanished)
  NotCertified,  ///< a solve on the way was not certified: nothing is claimed
  Cancelled
};
std::string toString(Bracket b);  ///< found, beyond, undefined, uncertified, cancelled

struct EventRatio {
  Bracket status = Bracket::Undefined;
  double R = std::numeric_limits<double>::quiet_NaN();  ///< when Found
  bool atStart = false;  ///< already so at the first R searched (R = 1): the event is at or below it
  std::optional<double> value() const { return status == Bracket::Found ? std::optional<double>(R) : std::nullopt; }
};

enum class FirstEvent { Collapse, Vanish, None };
std::string toString(FirstEvent e);  ///< collapse, vanish, none

/// An imbalance ratio as every screen, figure and caption prints it: four significant digits
/// ("12.19", "245.4"), whole from 10^4 to 10^6 ("53674", not "5.367e+04" in the title and
/// "53674.4" in the caption of the same figure), an exponent beyond ("3.2e+07").
std::string ratioText(double R);

struct TransitionResult {
  bool features = false;  ///< measured on the minority features (fixed ETF, supcon), not the classifiers
  EventRatio collapse;  ///< R0: smallest R with minority cosine >= 1 - tol while not vanished
  EventRatio vanish;    ///< R_vanish: smallest R where the minority classifiers vanish
  FirstEvent first = FirstEvent::None;
  double tol = 1e-3;
  double relTol = 1e-4;
  double Rmax = 1e100;
  int solves = 0;
  int uncertified = 0;  ///< solves on the way that were not certified
  bool nonunique = false;  ///< a solve on the way had no unique geometry (R0 then undefined)
  double ms = 0;
  /// R0 when it was found.
  std::optional<double> R0() const { return collapse.value(); }
  /// One line for people: "R0 = 12.19", "R0 > 1e+12 (not reached)", "no collapse: the minority
  /// vanishes first, at R = 1.042", ... The one place these words are made; numbers as ratioText.
  std::string summary() const;
};

/// R0 grows like exp(c sqrt(EW EH)) (about 12 at EW EH = 5, 3e5 at 50, 1e17 at 500): the search
/// goes far beyond any data set, since R only enters as the weight 1/R.
constexpr double kTransitionRmax = 1e100;

/// R0 and R_vanish by bracketing R decade by decade from 1 up to `Rmax` and bisecting log R to
/// `relTol`: never concluded from one solve. Both events are assumed monotone in R (once collapsed
/// or vanished, larger R stays so). Throws InvalidInput for KB < 2 or bad parameters.
struct TransitionOptions {
  double tol = 1e-3;     ///< collapsed: minority cosine >= 1 - tol
  double relTol = 1e-4;  ///< bisection in log R to this relative accuracy
  double Rmax = kTransitionRmax;
  SolveOptions solve;
  CancelToken cancel;
};
TransitionResult phaseTransitionRatio(const TwoSizeParams& base, const TransitionOptions& options = {});

struct RefineOptions {
  double maxCosStep = 0.01;  ///< neighbours differing more in minority cosine get a point between
  double minRelStep = 1e-5;  ///< never closer than this in R (relative)
  int maxExtra = 400;        ///< at most this many extra solves
};

/// The curve with points added where it changes fast, where the state changes, and exactly at
/// R0 and R_vanish (when they lie in the curve's range), so the drawn curve meets them. Sorted by R.
std::vector<SweepPoint> refineSweep(const TwoSizeParams& base, std::vector<SweepPoint> curve,
                                    const std::optional<TransitionResult>& transition, const SweepOptions& options = {},
                                    const RefineOptions& refine = {});

/// Grid, transition and refinement in one call (the window, exports and the CLI).
struct Curve {
  std::vector<SweepPoint> points;
  std::optional<TransitionResult> transition;  ///< absent for KB < 2
  int uncertified() const;
};

/// One entry of a compared family on the plot: its legend label, its points, its R0 (if known).
struct NamedCurve {
  std::string label;
  std::vector<SweepPoint> points;
  std::optional<TransitionResult> transition;
  bool current = false;  ///< the setting on screen (of a family: it keeps one colour, its R0's)
};
/// Grid points are reported through options.progress as they are solved; the transition and
/// the refinement use options.solve and options.cancel too.
Curve computeCurve(const TwoSizeParams& base, double Rmin, double Rmax, int gridPoints, bool refine = true,
                   const SweepOptions& options = {});

}  // namespace lpm
