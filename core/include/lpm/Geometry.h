#pragma once
// Drawable geometry of a solution: class means and classifiers (Lemma 1), aligned with the
// previous solution by orthogonal Procrustes and projected to 3D.
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "lpm/Solver.h"

namespace lpm {

/// Q minimising || A Q - B ||_F over orthogonal Q (A, B: n x d). For A n x p and B n x d of
/// different widths, Q = U V^T (p x d) from A^T B = U S V^T embeds the narrower space
/// isometrically in the wider: p < d: min || A Q - B || (Q Q^T = I); p > d: min || A - B Q^T ||
/// (Q^T Q = I), and A Q is then A projected onto the embedded copy of B's space.
Eigen::MatrixXd procrustesRotation(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B);

/// How a solution's vectors are scaled for drawing, and the words that say so: the budget's
/// sqrt(EH), sqrt(EW) (the RMS class norm when the budget is used up); in the penalized form, which
/// has no budget, the solution's own RMS norms; supcon has no classifiers.
struct DisplayScale {
  double H = 1, W = 1;
  std::string legend;
};
DisplayScale displayScale(const Solution& s);

struct Geometry3D {
  Eigen::MatrixX3d H;  ///< class means, rows, divided by DisplayScale::H (sqrt(EH))
  Eigen::MatrixX3d W;  ///< classifiers, rows, divided by DisplayScale::W (sqrt(EW))
  std::string legend;  ///< DisplayScale::legend
  Eigen::VectorXd hNorm, wNorm;  ///< full-dimensional norms (same scaling), for labels
  Eigen::MatrixX3d etf;  ///< Theorem 1's simplex ETF, rotated onto the classifiers, same axes
  double captured = 1;  ///< share of the squared Frobenius norm the 3D projection keeps
  /// K x 3: drawn rows = (rows of Solution::vectors divided by sqrt(E)) * frame.
  Eigen::MatrixXd frame;
  /// The minority classifiers alone, each of unit length, as a cone round their mean direction
  /// (coneView): each at its true angle to that mean (full-dimensional, not on the 3D axes, which
  /// are chosen for all classes and may hide it), spaced evenly round it in class order (the
  /// azimuths are the picture's, not the data's: a 2D projection of a symmetric spread put classes
  /// on top of each other, and a flat fan drawn right and left read as two groups, "6,8" and
  /// "5,7,9"). The cone closes to one arrow as they collapse. One row per class of
  /// `minorityClasses`; empty when fewer than two minority classifiers are non-zero.
  Eigen::MatrixX2d minorityPlane;
  Eigen::VectorXd minorityAngles;  ///< each one's true angle to their mean direction, radians
  std::vector<int> minorityClasses;
  /// For each class, the first class whose classifier is the same vector in full dimension
  /// (sameClassifiers; of the class means where there are no classifiers, supcon); empty beyond
  /// kSameClassifierMaxK classes. Labels merge only for these.
  std::vector<int> sameClassifier;
};
constexpr int kSameClassifierMaxK = 64;
/// For each row of W, the first row that is the same vector: parallel (cosine >= 1 - 1e-3, the
/// collapse criterion) with norms within 1%. Collapsed minority classifiers share one; classes the
/// 3D axes happen to draw at one place do not.
std::vector<int> sameClassifiers(const Eigen::MatrixXd& W);
/// A unit vector at angle `theta` to a vertical axis and azimuth `phi` round it, drawn from
/// kConeViewElevation above the plane the azimuths turn in: x = sin(theta) cos(phi),
/// y = cos(theta) cos(e) - sin(theta) sin(phi) sin(e). Inside the unit circle.
constexpr double kConeViewElevation = 25.0 * 3.14159265358979323846 / 180;
Eigen::Vector2d coneView(double theta, double phi);
/// Geometry3D::minorityPlane (and, where asked, minorityAngles) for classifier rows W (any width)
/// and the classes to take.
Eigen::MatrixX2d unitPlane(const Eigen::MatrixXd& W, const std::vector<int>& classes, std::vector<int>* kept,
                           Eigen::VectorXd* angles = nullptr);

/// Rows m_k = sqrt(K/(K-1)) (e_k - 1/K): unit vectors with pairwise cosine -1/(K-1).
Eigen::MatrixXd simplexETF(int K);

/// Keeps successive configurations consistent: each new one is rotated onto the last, and the
/// 3D axes are chosen by the focus: fixed by the state (Groups), or principal axes turned to stay
/// close to the previous ones (no flips).
class GeometryTracker {
public:
  /// How the 3D axes are chosen. Groups (the default): the axis from the minority's mean
  /// classifier to the majority's, then each group's spread in class order, majority then
  /// minority, so both groups draw as fans and the minority's closes as it collapses. The others:
  /// the principal axes of the chosen vectors (unit-scaled, majority and minority weighted
  /// equally, so a collapsed minority direction is always among them).
  enum class Focus { All, Classifiers, Minority, Majority, Groups };
  void setFocus(Focus f) {
    focus_ = f;
    axes_.reset();
  }
  Focus focus() const { return focus_; }

  Geometry3D update(const Solution& s);
  /// Forgets the history; a picture set by drawLike stays for the next update.
  void reset() { previous_.reset(); axes_.reset(); }
  /// The next update with no history draws like `picture` (2K x 3: class means, then classifiers,
  /// as Geometry3D::H and W): its axes are the ones that put the solution closest to it
  /// (Procrustes), instead of the principal axes. For a solution of the same geometry (up to an
  /// orthogonal map) that is the saved picture itself. A picture of another size is ignored.
  void drawLike(const Eigen::MatrixXd& picture) { picture_ = picture; }

private:
  Eigen::MatrixXd principalAxesOfFocus(const Eigen::MatrixXd& G, const std::vector<int>& minority);
  std::optional<Eigen::MatrixXd> picture_;
  std::optional<Eigen::MatrixXd> previous_;  ///< last aligned [H; W], 2K x K
  std::optional<Eigen::MatrixXd> axes_;      ///< last K x 3 basis
  Focus focus_ = Focus::Groups;
};

/// GeometryTracker::Focus by the session's names ("groups", "classifiers", "all", "minority",
/// "majority");
/// throws InvalidInput naming them for anything else.
GeometryTracker::Focus focusFromName(const std::string& name);
std::string focusName(GeometryTracker::Focus f);

/// A trained network scaled like a solution: classifier rows divided by sqrt(EW_fit) (mean
/// squared norm 1); features centred at the mean of the class means and divided by the root
/// mean squared centred class-mean norm, so class means also have mean squared norm 1.
struct NetworkEmbedding {
  Eigen::MatrixXd W;        ///< K x p
  Eigen::MatrixXd M;        ///< K x p class means (no rows without features)
  Eigen::MatrixXd samples;  ///< S x p: every class's samples up to a per-class cap, in order
  std::vector<int> sampleLabels;
};

/// The classifier alone. Throws InvalidInput for fewer than 2 rows.
NetworkEmbedding embedNetwork(const Eigen::MatrixXd& W);
/// With features H (N x p) and their labels: class means and up to `maxSamples` samples. Throws
/// InvalidInput on shape mismatches or labels outside 0..K-1.
NetworkEmbedding embedNetwork(const Eigen::MatrixXd& W, const Eigen::MatrixXd& H, const std::vector<int>& labels,
                              int maxSamples = 4000);

struct NetworkGeometry3D {
  Eigen::MatrixX3d W, M, samples;
  std::vector<int> sampleLabels;
  double captured = 1;  ///< share of the classifiers' squared norm the 3D projection keeps
};

/// The network on its own principal axes: those of its unit classifier rows, majority and
/// minority weighted equally (as the model's default view), signs fixed by the classifiers.
NetworkGeometry3D projectNetwork(const NetworkEmbedding& e, const std::vector<int>& minority);

struct NetworkOverlay {
  Eigen::MatrixX3d W;     ///< the network's classifiers in the model's 3D frame, model class order
  /// Procrustes residual / || W_model ||_F: the narrower space embedded isometrically in the
  /// wider, sqrt(||A||^2 + ||B||^2 - 2 ||A^T B||_*) / ||B||. 0: the same geometry.
  double distance = 0;
};

/// The network's scaled classifiers (rows `modelToNet[k]` for model class k) put onto the
/// model's classifiers by the best partial isometry, then drawn in the model's 3D frame.
/// Empty when the class counts differ.
std::optional<NetworkOverlay> overlayNetwork(const Eigen::MatrixXd& Wnet, const std::vector<int>& modelToNet,
                                             const Solution& s, const Geometry3D& g);

}  // namespace lpm
