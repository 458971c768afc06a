#include "lpm/Geometry.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lpm {

Eigen::MatrixXd procrustesRotation(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B) {
  Eigen::BDCSVD<Eigen::MatrixXd> svd(A.transpose() * B, Eigen::ComputeThinU | Eigen::ComputeThinV);
  return svd.matrixU() * svd.matrixV().transpose();
}

Eigen::MatrixXd simplexETF(int K) {
  const Eigen::MatrixXd M = Eigen::MatrixXd::Identity(K, K) - Eigen::MatrixXd::Constant(K, K, 1.0 / K);
  return std::sqrt(K / (K - 1.0)) * M;
}

DisplayScale displayScale(const Solution& s) {
  const auto& p = s.problem;
  if (p.supcon()) return {std::sqrt(p.EH), 1.0, "class means h_k / sqrt(EH): spheres\n(supervised contrastive: no classifiers)"};
  if (p.penalized()) {
    const ClassVectors v = s.vectors();
    const double K = p.K();
    const double h = std::sqrt(v.H.squaredNorm() / K), w = std::sqrt(v.W.squaredNorm() / K);
    return {h > 0 ? h : 1.0, w > 0 ? w : 1.0, "classifiers w_k / rms |w|: arrows\nclass means h_k / rms |h|: spheres"};
  }
  return {std::sqrt(p.EH), std::sqrt(p.EW), "classifiers w_k / sqrt(EW): arrows\nclass means h_k / sqrt(EH): spheres"};
}

namespace {

// The 3D axes that show both groups (Focus::Groups), from unit classifier rows U (K x K):
//  1. the direction from the minority's mean classifier to the majority's;
//  2. the majority's spread, sum_k c_k u_k over its classes with c a centred ramp in class order;
//  3. the minority's spread, likewise.
// For a group whose Gram matrix is a I + b J (every solution of the symmetric model), class j of
// it lands at a c_j on its axis and at 0 on the other group's: each group is an evenly spaced fan
// in its own plane with the first axis, and the minority's fan closes as it collapses. A
// collapsed or vanished minority has no spread; its axis becomes one no classifier reaches (where
// U leaves one), so the picture stays flat and nothing jumps at R0 or where the minority
// vanishes. A group beside at most one class of the other (KB = 1, KA = 1, balanced) has two
// axes of its own: c_j = cos and sin of 2 pi j / n, which put a I + b J on a regular polygon, an
// even cone of arrows about the first axis (balanced: about cos 4 pi j / n, a ring). Candidates
// (nearly) in the span of the ones before are skipped; the rest is filled with centred
// quadratics in class order, then U's principal axes. Each axis' sign is fixed by its
// construction: the same state always draws the same way, on any path to it.
Eigen::MatrixXd groupAxes(const Eigen::MatrixXd& U, const std::vector<bool>& minor) {
  const Eigen::Index K = U.rows();
  std::vector<Eigen::Index> A, B;
  for (Eigen::Index k = 0; k < K; ++k) (minor[static_cast<size_t>(k)] ? B : A).push_back(k);
  auto mean = [&](const std::vector<Eigen::Index>& group) {
    Eigen::VectorXd m = Eigen::VectorXd::Zero(U.cols());
    for (auto k : group) m += U.row(k).transpose() / static_cast<double>(group.size());
    return m;
  };
  // sum_i c(i) u_i over the group's classes in order, c(i) of t = i - (n - 1) / 2 and n.
  auto combination = [&](const std::vector<Eigen::Index>& group, auto c) {
    Eigen::VectorXd v = Eigen::VectorXd::Zero(U.cols());
    const double n = static_cast<double>(group.size());
    for (size_t i = 0; i < group.size(); ++i) v += c(static_cast<double>(i) - (n - 1) / 2, n) * U.row(group[i]).transpose();
    return v;
  };
  auto ramp = [&](const std::vector<Eigen::Index>& g) { return combination(g, [](double t, double) { return t; }); };
  auto quadratic = [&](const std::vector<Eigen::Index>& g) {
    return combination(g, [](double t, double n) { return t * t - (n * n - 1) / 12; });  // mean of t^2: (n^2 - 1)/12
  };
  auto wave = [&](const std::vector<Eigen::Index>& g, double frequency, bool sine) {
    return combination(g, [=](double t, double n) {
      const double angle = 2 * M_PI * frequency * (t + (n - 1) / 2) / n;
      return sine ? std::sin(angle) : std::cos(angle);
    });
  };
  // Collapsed by the criterion (mean pairwise cosine >= 1 - 1e-3; for unit rows 1 - |mean|^2 =
  // (1 - cos)(n - 1)/n): below it the spread is rounding noise and must not pick an axis.
  // Vanished (every row zero) counts as collapsed.
  const Eigen::VectorXd meanA = mean(A), meanB = mean(B);
  auto isCollapsed = [&](const std::vector<Eigen::Index>& group, const Eigen::VectorXd& m) {
    const double n = static_cast<double>(group.size());
    bool vanished = true;
    for (auto k : group) vanished = vanished && U.row(k).squaredNorm() == 0;
    return n >= 2 && (vanished || 1 - m.squaredNorm() < 1e-3 * (n - 1) / n);
  };
  const bool collapsedA = isCollapsed(A, meanA), collapsedB = isCollapsed(B, meanB);
  // A collapsed group is one classifier: its rows count as their mean, so the directions no
  // classifier reaches are exact, not rounding noise.
  Eigen::MatrixXd merged = U;
  if (collapsedA)
    for (auto k : A) merged.row(k) = meanA.transpose();
  if (collapsedB)
    for (auto k : B) merged.row(k) = meanB.transpose();
  Eigen::BDCSVD<Eigen::MatrixXd> svd(merged, Eigen::ComputeThinV);
  const Eigen::VectorXd& sigma = svd.singularValues();
  const double tiny = 1e-9 * std::max(1.0, sigma.size() ? sigma(0) : 0.0);
  std::vector<Eigen::VectorXd> candidates;
  if (!A.empty() && !B.empty()) candidates.push_back(meanA - meanB);
  const std::vector<Eigen::Index>* lone = B.size() <= 1 && !collapsedA ? &A : A.size() <= 1 && !collapsedB ? &B : nullptr;
  if (lone) {
    if (A.empty() || B.empty()) candidates.push_back(wave(*lone, 2, false));
    candidates.push_back(wave(*lone, 1, false));
    candidates.push_back(wave(*lone, 1, true));
  } else {
    if (!collapsedA) candidates.push_back(ramp(A));
    if (!collapsedB) {
      candidates.push_back(ramp(B));
    } else {
      for (Eigen::Index c = sigma.size() - 1; c >= 0 && sigma(c) < tiny; --c) candidates.push_back(svd.matrixV().col(c));
    }
  }
  if (!collapsedA) candidates.push_back(quadratic(A));
  if (!collapsedB) candidates.push_back(quadratic(B));
  for (Eigen::Index c = 0; c < sigma.size() && sigma(c) >= tiny; ++c) candidates.push_back(svd.matrixV().col(c));
  Eigen::MatrixXd axes = Eigen::MatrixXd::Zero(K, 3);
  int d = 0;
  for (Eigen::VectorXd v : candidates) {
    if (d == 3) break;
    const double before = v.norm();
    for (int c = 0; c < d; ++c) v -= axes.col(c).dot(v) * axes.col(c);
    for (int c = 0; c < d; ++c) v -= axes.col(c).dot(v) * axes.col(c);  // twice: orthogonal to rounding
    if (before > 1e-9 && v.norm() > 1e-6 * before) axes.col(d++) = v.normalized();
  }
  // Drawn as z, y, x: the majority up, the minority down, each fan in an upright plane, which
  // the default camera (SceneContent: from 27 degrees above, turned 37 degrees from -y) sees
  // unforeshortened upwards and at 0.8 (x) and 0.6 (y) of their width across.
  return axes.rowwise().reverse();
}

}  // namespace

// Principal axes of the chosen vectors (rows of G = [H; W], K columns), each scaled to unit
// length so that short (minority) vectors count as much as long ones; kept from the last update
// while nearly as good.
Eigen::MatrixXd GeometryTracker::principalAxesOfFocus(const Eigen::MatrixXd& G, const std::vector<int>& minority) {
  const int K = static_cast<int>(G.cols());
  std::vector<int> rows;
  std::vector<double> weight;
  const int minorCount = static_cast<int>(minority.size()), majorCount = K - minorCount;
  for (int k = 0; k < K; ++k) {
    const bool minor = std::find(minority.begin(), minority.end(), k) != minority.end();
    const bool take = focus_ == Focus::All || focus_ == Focus::Classifiers ||
                      (focus_ == Focus::Minority) == minor;
    if (!take) continue;
    const double w = 1.0 / std::sqrt(std::max(1, minor ? minorCount : majorCount));
    rows.push_back(K + k);
    weight.push_back(w);
    if (focus_ == Focus::All) rows.push_back(k), weight.push_back(w);
  }
  Eigen::MatrixXd picked(rows.size(), K);
  for (size_t i = 0; i < rows.size(); ++i) {
    const double n = G.row(rows[i]).norm();
    picked.row(i) = n > 1e-9 ? Eigen::RowVectorXd(weight[i] * G.row(rows[i]) / n) : Eigen::RowVectorXd::Zero(K);
  }
  if (picked.squaredNorm() == 0 || picked.rows() < 3) picked = G;
  Eigen::BDCSVD<Eigen::MatrixXd> svd(picked, Eigen::ComputeThinV);
  const int d = std::min(3, K);
  Eigen::MatrixXd axes = Eigen::MatrixXd::Zero(K, 3);
  axes.leftCols(d) = svd.matrixV().leftCols(d);
  if (!axes_ || axes_->rows() != K) {
    // Fresh axes: fix each axis' sign by the classifiers, so a state always draws the same way.
    const Eigen::MatrixXd proj = G.bottomRows(K) * axes;
    for (int c = 0; c < d; ++c) {
      Eigen::Index at;
      proj.col(c).cwiseAbs().maxCoeff(&at);
      if (proj(at, c) < 0) axes.col(c) *= -1;
    }
  } else {
    // Symmetric configurations have repeated principal values, so "the" top three axes jump
    // between equally good choices. Keep the previous axes while they show nearly as much
    // (hysteresis); otherwise turn the new frame, inside its span, towards the old one.
    const double keep = (picked * *axes_).squaredNorm(), best = (picked * axes).squaredNorm();
    if (keep >= 0.9 * best) {
      axes = *axes_;
    } else {
      const Eigen::MatrixXd Q = procrustesRotation(axes.leftCols(d), axes_->leftCols(d));
      axes.leftCols(d) = axes.leftCols(d) * Q;
    }
  }
  return axes;
}

Geometry3D GeometryTracker::update(const Solution& s) {
  const ClassVectors v = s.vectors();
  const Eigen::MatrixXd &H = v.H, &W = v.W;
  const int K = s.problem.K();
  const DisplayScale scale = displayScale(s);
  Eigen::MatrixXd G(2 * K, K);
  G << H / scale.H, W / scale.W;
  Eigen::MatrixXd turn = Eigen::MatrixXd::Identity(K, K);
  const bool history = previous_ && previous_->rows() == G.rows() && previous_->cols() == G.cols();
  if (history) {
    turn = procrustesRotation(G, *previous_);
    G = G * turn;
  }
  previous_ = G;
  // A saved picture (drawLike), on a fresh start: the axes that bring G closest to it.
  std::optional<Eigen::MatrixXd> savedAxes;
  if (!history && picture_ && picture_->rows() == 2 * K && picture_->cols() == 3 && K >= 3)
    savedAxes = procrustesRotation(G, *picture_);
  picture_.reset();

  const auto& minority = s.problem.minority;
  Eigen::MatrixXd axes;
  if (savedAxes) {
    axes = *savedAxes;
  } else if (focus_ == Focus::Groups) {
    // From the unit classifiers (the class means where there are none: supcon). Fixed by the
    // state alone, so no history is needed.
    Eigen::MatrixXd U = G.bottomRows(K).squaredNorm() > 0 ? G.bottomRows(K) : G.topRows(K);
    for (int k = 0; k < K; ++k) {
      const double n = U.row(k).norm();
      U.row(k) = n > 1e-9 ? Eigen::RowVectorXd(U.row(k) / n) : Eigen::RowVectorXd::Zero(K);
    }
    std::vector<bool> minor(static_cast<size_t>(K), false);
    for (int k : minority) minor[static_cast<size_t>(k)] = true;
    axes = groupAxes(U, minor);
  } else {
    axes = principalAxesOfFocus(G, minority);
  }
  axes_ = axes;
  const Eigen::MatrixXd P = G * axes;
  Geometry3D out;
  out.H = P.topRows(K);
  out.W = P.bottomRows(K);
  out.hNorm = G.topRows(K).rowwise().norm();
  out.wNorm = G.bottomRows(K).rowwise().norm();
  const Eigen::MatrixXd etf = simplexETF(K);
  out.etf = etf * procrustesRotation(etf, G.bottomRows(K)) * axes;
  const double total = G.squaredNorm();
  out.captured = total > 0 ? P.squaredNorm() / total : 1.0;
  out.frame = turn * axes;
  out.legend = scale.legend;
  out.minorityPlane = unitPlane(W, s.problem.minority, &out.minorityClasses, &out.minorityAngles);
  // Of the class means where there are no classifiers (supcon: all "the same" zero, one "0–9").
  if (K <= kSameClassifierMaxK) out.sameClassifier = sameClassifiers(W.squaredNorm() > 0 ? W : H);
  return out;
}

std::vector<int> sameClassifiers(const Eigen::MatrixXd& W) {
  const int K = static_cast<int>(W.rows());
  std::vector<int> out(K);
  const Eigen::VectorXd n = W.rowwise().norm();
  for (int k = 0; k < K; ++k) {
    out[k] = k;
    for (int j = 0; j < k; ++j) {
      if (out[j] != j) continue;  // compare with each group's first
      const double m = std::max(n(j), n(k));
      const bool bothZero = m < 1e-12;
      const bool same = bothZero || (n(j) > 0 && n(k) > 0 && W.row(j).dot(W.row(k)) / (n(j) * n(k)) >= 1 - 1e-3 &&
                                     std::abs(n(j) - n(k)) <= 1e-2 * m);
      if (same) {
        out[k] = j;
        break;
      }
    }
  }
  return out;
}

Eigen::Vector2d coneView(double theta, double phi) {
  const double e = kConeViewElevation;
  return {std::sin(theta) * std::cos(phi), std::cos(theta) * std::cos(e) - std::sin(theta) * std::sin(phi) * std::sin(e)};
}

Eigen::MatrixX2d unitPlane(const Eigen::MatrixXd& W, const std::vector<int>& classes, std::vector<int>* kept,
                           Eigen::VectorXd* angles) {
  kept->clear();
  if (angles) angles->resize(0);
  std::vector<Eigen::VectorXd> u;
  const double largest = W.rows() ? W.rowwise().norm().maxCoeff() : 0.0;
  for (int k : classes) {
    const double n = W.row(k).norm();
    if (n > 1e-9 * std::max(largest, 1e-300) && n > 0) u.push_back(W.row(k).transpose() / n), kept->push_back(k);
  }
  if (u.size() < 2) {
    kept->clear();
    return {};
  }
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(W.cols());
  for (const auto& v : u) mean += v;
  // Opposed unit vectors (mean ~ 0) have no mean direction: take the first vector's.
  const Eigen::VectorXd a = mean.norm() > 1e-9 ? Eigen::VectorXd(mean.normalized()) : u.front();
  // Each at its true angle to the mean direction, evenly round it (two: right and left): a cone
  // that closes as the minority collapses, every class apart until it does.
  const int n = static_cast<int>(u.size());
  Eigen::MatrixX2d out(n, 2);
  if (angles) angles->resize(n);
  for (int i = 0; i < n; ++i) {
    const double theta = std::acos(std::clamp(u[static_cast<size_t>(i)].dot(a), -1.0, 1.0));
    out.row(i) = coneView(theta, 2 * M_PI * i / n).transpose();
    if (angles) (*angles)(i) = theta;
  }
  return out;
}

namespace {

// Columns: the principal axes of `rows` (unit-scaled, weighted), signs fixed so that the
// largest projection of `signRows` on each axis is positive.
Eigen::MatrixXd principalAxes(const Eigen::MatrixXd& rows, const Eigen::VectorXd& weight, const Eigen::MatrixXd& signRows) {
  const Eigen::Index p = rows.cols();
  // A head of many classes (a language model's 50257): the axes from evenly spaced rows, so that
  // the SVD stays small; the projection itself still takes every row.
  constexpr Eigen::Index kAxisRows = 2048;
  const Eigen::Index m = std::min(rows.rows(), kAxisRows);
  Eigen::MatrixXd picked(m, p);
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index i = rows.rows() <= kAxisRows ? r : r * rows.rows() / m;
    const double n = rows.row(i).norm();
    picked.row(r) = n > 1e-12 ? Eigen::RowVectorXd(weight(i) * rows.row(i) / n) : Eigen::RowVectorXd::Zero(p);
  }
  Eigen::MatrixXd axes = Eigen::MatrixXd::Zero(p, 3);
  if (picked.squaredNorm() == 0) return axes;
  Eigen::BDCSVD<Eigen::MatrixXd> svd(picked, Eigen::ComputeThinV);
  const Eigen::Index d = std::min<Eigen::Index>(3, svd.matrixV().cols());
  axes.leftCols(d) = svd.matrixV().leftCols(d);
  const Eigen::MatrixXd proj = signRows * axes;
  for (Eigen::Index c = 0; c < d; ++c) {
    Eigen::Index at;
    proj.col(c).cwiseAbs().maxCoeff(&at);
    if (proj(at, c) < 0) axes.col(c) *= -1;
  }
  return axes;
}

}  // namespace

GeometryTracker::Focus focusFromName(const std::string& name) {
  using F = GeometryTracker::Focus;
  for (F f : {F::Groups, F::Classifiers, F::All, F::Minority, F::Majority})
    if (focusName(f) == name) return f;
  throw InvalidInput("'" + name + "' is not a choice of 3D axes (groups, classifiers, all, minority or majority)");
}

std::string focusName(GeometryTracker::Focus f) {
  switch (f) {
    case GeometryTracker::Focus::All: return "all";
    case GeometryTracker::Focus::Minority: return "minority";
    case GeometryTracker::Focus::Majority: return "majority";
    case GeometryTracker::Focus::Groups: return "groups";
    case GeometryTracker::Focus::Classifiers: break;
  }
  return "classifiers";
}

NetworkEmbedding embedNetwork(const Eigen::MatrixXd& W) {
  const Eigen::Index K = W.rows(), p = W.cols();
  if (K < 2 || p < 1) throw InvalidInput("a classifier needs at least 2 rows");
  NetworkEmbedding e;
  const double ew = W.squaredNorm() / K;
  e.W = ew > 0 ? Eigen::MatrixXd(W / std::sqrt(ew)) : W;
  return e;
}

NetworkEmbedding embedNetwork(const Eigen::MatrixXd& W, const Eigen::MatrixXd& features, const std::vector<int>& sampleLabels,
                              int maxSamples) {
  NetworkEmbedding e = embedNetwork(W);
  const Eigen::Index K = W.rows(), p = W.cols();
  const Eigen::MatrixXd* H = &features;
  const std::vector<int>* labels = &sampleLabels;
  if (H->cols() != p)
    throw InvalidInput("features have " + std::to_string(H->cols()) + " columns, the classifier " +
                                std::to_string(p));
  if (static_cast<Eigen::Index>(labels->size()) != H->rows())
    throw InvalidInput(std::to_string(labels->size()) + " labels for " + std::to_string(H->rows()) + " feature rows");
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(K, p);
  std::vector<int> count(K, 0);
  for (Eigen::Index i = 0; i < H->rows(); ++i) {
    const int y = (*labels)[i];
    if (y < 0 || y >= K) throw InvalidInput("label " + std::to_string(y) + " is outside 0.." + std::to_string(K - 1));
    sums.row(y) += H->row(i);
    ++count[y];
  }
  e.M = Eigen::MatrixXd::Zero(K, p);
  for (Eigen::Index k = 0; k < K; ++k)
    if (count[k]) e.M.row(k) = sums.row(k) / count[k];
  Eigen::RowVectorXd centre = Eigen::RowVectorXd::Zero(p);
  int present = 0;
  for (Eigen::Index k = 0; k < K; ++k)
    if (count[k]) centre += e.M.row(k), ++present;
  if (present) centre /= present;
  for (Eigen::Index k = 0; k < K; ++k)
    if (count[k]) e.M.row(k) -= centre;
  const double eh = present ? e.M.squaredNorm() / present : 0;
  const double scale = eh > 0 ? 1 / std::sqrt(eh) : 1;
  e.M *= scale;
  // Every class keeps up to `cap` samples (evenly spaced), so small classes stay visible.
  const int cap = std::max(1, maxSamples / static_cast<int>(K));
  std::vector<int> seen(K, 0);
  std::vector<Eigen::Index> keep;
  for (Eigen::Index i = 0; i < H->rows(); ++i) {
    const int y = (*labels)[i];
    const int n = count[y];
    const int stride = std::max(1, (n + cap - 1) / cap);
    if (seen[y]++ % stride == 0) keep.push_back(i);
  }
  e.samples.resize(static_cast<Eigen::Index>(keep.size()), p);
  for (size_t j = 0; j < keep.size(); ++j) {
    e.samples.row(static_cast<Eigen::Index>(j)) = (H->row(keep[j]) - centre) * scale;
    e.sampleLabels.push_back((*labels)[keep[j]]);
  }
  return e;
}

NetworkGeometry3D projectNetwork(const NetworkEmbedding& e, const std::vector<int>& minority) {
  const Eigen::Index K = e.W.rows();
  const int minor = static_cast<int>(minority.size()), major = static_cast<int>(K) - minor;
  Eigen::VectorXd weight(K);
  std::vector<char> isMinor(K, 0);  // O(K): no search per class
  for (int k : minority)
    if (k >= 0 && k < K) isMinor[k] = 1;
  for (Eigen::Index k = 0; k < K; ++k) weight(k) = 1.0 / std::sqrt(std::max(1, isMinor[k] ? minor : major));
  const Eigen::MatrixXd axes = principalAxes(e.W, weight, e.W);
  NetworkGeometry3D g;
  g.W = e.W * axes;
  if (e.M.rows()) g.M = e.M * axes;
  if (e.samples.rows()) g.samples = e.samples * axes;
  g.sampleLabels = e.sampleLabels;
  const double total = e.W.squaredNorm();
  g.captured = total > 0 ? g.W.squaredNorm() / total : 1.0;
  return g;
}

std::optional<NetworkOverlay> overlayNetwork(const Eigen::MatrixXd& Wnet, const std::vector<int>& modelToNet,
                                             const Solution& s, const Geometry3D& g) {
  const int K = s.problem.K();
  if (Wnet.rows() != K || static_cast<int>(modelToNet.size()) != K || g.frame.rows() != K) return std::nullopt;
  const Eigen::MatrixXd W = s.vectors().W;
  const Eigen::MatrixXd B = W / displayScale(s).W;
  Eigen::MatrixXd A(K, Wnet.cols());
  for (int k = 0; k < K; ++k) {
    if (modelToNet[k] < 0 || modelToNet[k] >= K) return std::nullopt;
    A.row(k) = Wnet.row(modelToNet[k]);
  }
  Eigen::BDCSVD<Eigen::MatrixXd> svd(A.transpose() * B, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Eigen::MatrixXd Q = svd.matrixU() * svd.matrixV().transpose();
  NetworkOverlay o;
  o.W = A * Q * g.frame;
  // The residual itself, not ||A||^2 + ||B||^2 - 2 ||A^T B||_* (equal, but that difference cancels
  // down to sqrt(machine epsilon) ~ 1e-8 for a network that is the model).
  const double b = B.norm();
  o.distance = b > 0 ? (A - B * Q.transpose()).norm() / b : 0;
  return o;
}

}  // namespace lpm
