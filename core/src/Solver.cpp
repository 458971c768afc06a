#include "lpm/Solver.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <random>

#include <limits>

#include "Kernels.h"
#include "Lbfgs.h"
#include "SupCon.h"
#include "Svd.h"

namespace lpm {
namespace {

// Rank adaptivity (adaptRank) for more groups than this, and up to this K (it expands the binned
// start to K x K once).
constexpr int kAdaptiveRankGroups = 32;
constexpr int kAdaptiveRankMaxK = 4096;

using detail::maxSingularValue;
using detail::nuclearNormOf;
using detail::singularValuesOf;
using detail::Svd;
using detail::svdOf;

// Eq. (15) restricted to matrices invariant under permutations inside each group, in factored
// form (doc/dev/04-SOLVER.md). Variables x = [vec U; vec V; per group with n_g > 1: sqrt(n_g-1) s_g,
// sqrt(n_g-1) t_g], Zbar = U V^T, contrast c_g = s_g . t_g; ||x||^2 = 2 tau bounds ||Z||_*.
class GroupedObjective {
public:
  GroupedObjective(const Problem& problem, const std::vector<ClassGroup>& groups, int rank)
      : G_(static_cast<int>(groups.size())), r_(rank), loss_(problem.loss), frobenius_(problem.fixedEtfClassifier),
        penalized_(problem.penalized()), bias_(problem.penalized() && problem.penalty.bias()),
        mu_(problem.penalty.mu()), lambdaB_(problem.penalty.lambdaB) {
    n_.resize(G_);
    pi_.resize(G_);
    sizeRoot_ = Eigen::ArrayXd::Ones(G_);
    for (int g = 0; g < G_; ++g) {
      n_(g) = groups[g].count();
      pi_(g) = groups[g].weight;
      if (groups[g].count() > 1) contrastGroups_.push_back(g);
      if (penalized_) sizeRoot_(g) = std::sqrt(problem.classSize[groups[g].members.front()]);
    }
    b_ = Eigen::VectorXd::Zero(G_);
    dB_ = Eigen::VectorXd::Zero(G_);
    const Eigen::ArrayXd s = n_.sqrt();
    sqrtNN_ = s.matrix() * s.matrix().transpose();
    K_ = n_.sum();
    Zbar_.resize(G_, G_);
    D_.resize(G_, G_);
    Zt_.resize(G_, G_);
    Dt_.resize(G_, G_);
    sqrtN_ = n_.sqrt();
    fast_ = G_ > kExactGapGroups;
    c_ = Eigen::VectorXd::Zero(G_);
    delta_ = Eigen::VectorXd::Zero(G_);
    if (loss_.kind != LossKind::CE || penalized_) setUpLoss(problem, groups);
    const Eigen::VectorXd root = n_.sqrt().matrix();
    centring_ = Eigen::MatrixXd::Identity(G_, G_) - root * root.transpose() / K_;
  }

  /// Factored (U, V and contrast factors: ||x||^2 = 2 tau bounds ||Z||_*), or with a fixed ETF
  /// classifier the logits themselves (Zbar and sqrt(n_g - 1) c_g: ||x|| = ||Z||_F).
  int dimension() const {
    const int nc = static_cast<int>(contrastGroups_.size());
    return frobenius_ ? G_ * G_ + nc : 2 * G_ * r_ + 4 * nc + (bias_ ? G_ : 0);
  }
  /// The factor variables (all but the bias's).
  int factorDimension() const { return 2 * G_ * r_ + 4 * static_cast<int>(contrastGroups_.size()); }
  bool penalized() const { return penalized_; }

  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    if (penalized_) return penalizedValue(x, grad);
    if (frobenius_) {
      // Logits W h_k of a fixed ETF sum to zero over the classes: Zbar = X P, P the centring.
      Zbar_.noalias() = Eigen::Map<const Eigen::MatrixXd>(x.data(), G_, G_) * centring_;
      wroteZ(false);
      for (size_t i = 0; i < contrastGroups_.size(); ++i) {
        const int g = contrastGroups_[i];
        c_(g) = x(G_ * G_ + static_cast<Eigen::Index>(i)) / std::sqrt(n_(g) - 1);
      }
    } else if (fast_) {
      // Zbar^T = V U^T: a column per class, as the loss's rows want them.
      detail::kernels().productNT(G_, G_, r_, x.data() + G_ * r_, x.data(), Zt_.data());
      wroteZ(true);
    } else {
      const Eigen::Map<const Eigen::MatrixXd> U(x.data(), G_, r_), V(x.data() + G_ * r_, G_, r_);
      Zbar_.noalias() = U * V.transpose();
      wroteZ(false);
    }
    if (!frobenius_) {
      const double* xc = x.data() + 2 * G_ * r_;
      for (size_t i = 0; i < contrastGroups_.size(); ++i) {
        const int g = contrastGroups_[i];
        const Eigen::Map<const Eigen::Vector2d> s(xc + 4 * i), t(xc + 4 * i + 2);
        c_(g) = s.dot(t) / (n_(g) - 1);
      }
    }
    double f = 0, gain = 0;
    if (loss_.kind != LossKind::CE) {
      f = evaluateLoss(true);
      gain = f0_ - f;
    }
    if (loss_.kind == LossKind::CE && !fast_) {
      // Few groups: the loop below, in Eigen's baseline build (the results of small problems are
      // kept to the digit: the drawings pick among equally good axes by them).
      for (int g = 0; g < G_; ++g) {
        if (pi_(g) == 0) {
          D_.row(g).setZero();
          delta_(g) = 0;
          continue;
        }
        // Logits of a class in g, relative to its own logit e: against each class of g' != g,
        // Zbar/sqrt(n_g n_g') - e; against the other n_g - 1 classes of g, fs - e. The loss is
        // log(1 + others) with `others` the sum of their exponentials: evaluated as log1p and with
        // 1 - p_self = others / (1 + others), so an exponentially small loss keeps its digits.
        Eigen::ArrayXd L = Zbar_.row(g).array().transpose() / sqrtNN_.row(g).array().transpose();
        const double e = L(g) + c_(g) * (1 - 1 / n_(g));
        const double fs = L(g) - c_(g) / n_(g);
        const bool hasSame = n_(g) > 1;
        L -= e;
        L(g) = -std::numeric_limits<double>::infinity();
        double m = std::max(L.maxCoeff(), 0.0);
        if (hasSame) m = std::max(m, fs - e);
        Eigen::ArrayXd E = (L - m).exp();
        E(g) = 0;
        const double Pf = hasSame ? std::exp(fs - e - m) : 0.0, Pe = std::exp(-m);
        const double others = (n_ * E).sum() + (n_(g) - 1) * Pf;
        const double S = others + Pe;
        const double loss = m == 0 ? std::log1p(others) : m + std::log(S);
        f += n_(g) * pi_(g) * loss;
        // log K - loss without cancellation when the budget is small and the loss is near log K:
        // log(S / K) = log1p(sum over the other classes of expm1(logit - e) / K).
        double lossMinusLogK;
        if (m == 0) {
          Eigen::ArrayXd X = L.expm1();
          X(g) = 0;
          const double sumExpm1 = (n_ * X).sum() + (hasSame ? (n_(g) - 1) * std::expm1(fs - e) : 0.0);
          lossMinusLogK = std::log1p(sumExpm1 / K_);
        } else {
          lossMinusLogK = loss - std::log(K_);
        }
        gain -= n_(g) * pi_(g) * lossMinusLogK;
        const double notSelf = others / S, pSame = Pf / S;
        D_.row(g) = (pi_(g) * std::sqrt(n_(g))) * (E * n_.sqrt() / S).transpose().matrix();
        D_(g, g) = pi_(g) * ((n_(g) - 1) * pSame - notSelf);
        delta_(g) = -pi_(g) * (notSelf + pSame);
      }
      wroteD(false);
    } else if (loss_.kind == LossKind::CE) {
      // Logits of a class in g, relative to its own logit e: against each class of g' != g,
      // Zbar/sqrt(n_g n_g') - e; against the other n_g - 1 classes of g, fs - e. The loss is
      // log(1 + others) with `others` the sum of their exponentials: evaluated as log1p and with
      // 1 - p_self = others / (1 + others), so an exponentially small loss keeps its digits
      // (KernelsImpl.h, ceRows). Its gain log K - loss is log1p of the mean of expm1 of the
      // logits when the loss is near log K.
      const detail::CeRows in{G_, Zt().data(), sqrtNN_.data(), n_.data(), sqrtN_.data(), pi_.data(), c_.data(), K_,
                              std::log(K_), Dt_.data(), delta_.data()};
      f = detail::kernels().ceRows(in, gain);
      wroteD(true);
    }
    grad.resize(x.size());
    objective_ = f;
    gain_ = gain;
    if (frobenius_) {
      Eigen::Map<Eigen::MatrixXd>(grad.data(), G_, G_).noalias() = D() * centring_;
      for (size_t i = 0; i < contrastGroups_.size(); ++i) {
        const int g = contrastGroups_[i];
        grad(G_ * G_ + static_cast<Eigen::Index>(i)) = std::sqrt(n_(g) - 1) * delta_(g);
      }
      return f;
    }
    const Eigen::Map<const Eigen::MatrixXd> U(x.data(), G_, r_), V(x.data() + G_ * r_, G_, r_);
    const double* xc = x.data() + 2 * G_ * r_;
    if (fast_) {
      detail::kernels().gradients(G_, r_, Dt().data(), U.data(), V.data(), grad.data(), grad.data() + G_ * r_);
    } else {
      Eigen::Map<Eigen::MatrixXd> gU(grad.data(), G_, r_), gV(grad.data() + G_ * r_, G_, r_);
      gU.noalias() = D() * V;
      gV.noalias() = D().transpose() * U;
    }
    double* gc = grad.data() + 2 * G_ * r_;
    for (size_t i = 0; i < contrastGroups_.size(); ++i) {
      const int g = contrastGroups_[i];
      for (int j = 0; j < 2; ++j) {
        gc[4 * i + j] = delta_(g) * xc[4 * i + 2 + j];
        gc[4 * i + 2 + j] = delta_(g) * xc[4 * i + j];
      }
    }
    objective_ = f;
    gain_ = gain;
    return f;
  }

  /// f(0) - f at the last evaluated point (log K - f for CE, computed without cancellation).
  double gain() const { return penalized_ ? f0_ - objective() : gain_; }
  /// The penalized objective is bounded away from 0 by its penalties: its gap is relative to it.
  double floor() const { return penalized_ ? objective() : certificateFloor(loss_); }

  /// Frank-Wolfe gap at the last evaluated point: <D, Z> + tau sigma_max(D) >= f - f* on the
  /// nuclear-norm ball; <D, Z> + tau ||D||_F on the Frobenius ball (fixed ETF classifier).
  double gap(double tau) const {
    if (penalized_) return penalizedGap();
    double inner = innerDZ();
    if (frobenius_) {
      double norm2 = (D() * centring_).squaredNorm();  // the gradient within the centred logits
      for (int g : contrastGroups_) {
        inner += (n_(g) - 1) * delta_(g) * c_(g);
        norm2 += (n_(g) - 1) * delta_(g) * delta_(g);
      }
      return inner + tau * std::sqrt(norm2);
    }
    return nuclearGap(tau, maxSingularValue(anyD()));  // D or D^T: the same singular values
  }

  /// The gap with sigma_max(D) from below (power iteration): <= the exact gap; exact for few groups.
  double gapEstimate(double tau) {
    if (penalized_ || frobenius_ || G_ <= kExactGapGroups) return gap(tau);
    return nuclearGap(tau, sigmaEstimate());
  }
  /// The rank-one direction of steepest descent of the logits, -u v^T with (u, v) D's top
  /// singular pair (from the power iteration): where a factorisation of too low a rank grows.
  void descentPair(Eigen::VectorXd& u, Eigen::VectorXd& v) {
    sigmaEstimate();
    v = powerVector_;
    u = -(Dt().transpose() * v);
    const double n = u.norm();
    if (n > 0) u /= n;
  }
  /// Whether the gap at the last evaluated point is <= target. With many groups the exact
  /// sigma_max(D) is an SVD, too costly for every step: power iteration on D^T D (warm-started
  /// from the last call) gives a lower bound first, and only when that estimated gap passes is
  /// the exact one computed. The answer is always the exact gap's; a stop rule calls this.
  bool gapBelow(double tau, double target) {
    if (!penalized_ && !frobenius_ && G_ > kExactGapGroups) {
      if (skipExact_ > 0) {  // the estimate passed and the exact gap did not: back off
        --skipExact_;
        return false;
      }
      lastGap_ = gapEstimate(tau);
      lastGapAtLeast_ = G_ > kExactGapGroups;  // the estimate is from below
      if (!(lastGap_ <= target)) return false;
      // The exact answer without the eigenvalues: the gap is <= target exactly when sigma_max(D)
      // is below the sigma that would just meet it (singularValuesBelow, a Cholesky test).
      if (gapWithin(tau, target)) {
        lastGap_ = target;  // an upper bound; the solution's own gap is computed exactly
        lastGapAtLeast_ = false;
        return true;
      }
      // Missed: the gap is above the target. Few groups: the exact gap is cheap, and the polish's
      // regrowth rule compares it with the solution's; many: the target (a lower bound).
      lastGap_ = G_ > kAdaptiveRankGroups ? std::max(lastGap_, target) : gap(tau);
      lastGapAtLeast_ = G_ > kAdaptiveRankGroups;
      skipExact_ = backoff_;
      backoff_ = std::min(2 * backoff_, 16);
      return false;
    }
    lastGap_ = gap(tau);
    lastGapAtLeast_ = false;
    return lastGap_ <= target;
  }
  /// Whether lastGap() is a lower bound (the estimate, or a missed target), not the gap itself.
  bool lastGapAtLeast() const { return lastGapAtLeast_; }
  /// The gap gapBelow last computed (estimated or exact).
  double lastGap() const { return lastGap_; }

  /// The objective at the last evaluated point; penalized: loss + mu ||D^{1/2} Z||_* + (lambda_b / 2) ||b||^2.
  double objective() const {
    if (!penalized_) return objective_;
    return lossValue_ + mu_ * nuclearNorm(Zbar(), c_) + biasPenalty_;
  }

  /// Factor variables whose logits are exactly (Zbar, c): the inverse of operator()'s unpacking.
  /// Penalized: the factors of Y = D^{1/2} Z, and the bias as last evaluated.
  Eigen::VectorXd pack(const Eigen::MatrixXd& Zbar, const Eigen::VectorXd& c) const {
    if (penalized_) {
      Eigen::MatrixXd Y = sizeRoot_.matrix().asDiagonal() * Zbar;
      Eigen::VectorXd yc = sizeRoot_.matrix().cwiseProduct(c);
      Eigen::VectorXd x = packFactors(Y, yc);
      if (bias_) x.tail(G_) = n_.sqrt().matrix().cwiseProduct(b_);
      return x;
    }
    return packFactors(Zbar, c);
  }
  Eigen::VectorXd packFactors(const Eigen::MatrixXd& Zbar, const Eigen::VectorXd& c) const {
    Eigen::VectorXd x = Eigen::VectorXd::Zero(dimension());
    if (frobenius_) {
      Eigen::Map<Eigen::MatrixXd>(x.data(), G_, G_) = Zbar;
      for (size_t i = 0; i < contrastGroups_.size(); ++i)
        x(G_ * G_ + static_cast<Eigen::Index>(i)) = std::sqrt(n_(contrastGroups_[i]) - 1) * c(contrastGroups_[i]);
      return x;
    }
    Eigen::Map<Eigen::MatrixXd> U(x.data(), G_, r_), V(x.data() + G_ * r_, G_, r_);
    const Svd svd = svdOf(Zbar, true);
    const int keep = std::min(G_, r_);  // a lower rank keeps the leading singular pairs
    const Eigen::VectorXd root = svd.S.head(keep).cwiseSqrt();
    U.leftCols(keep) = svd.U.leftCols(keep) * root.asDiagonal();
    V.leftCols(keep) = svd.V.leftCols(keep) * root.asDiagonal();
    double* xc = x.data() + 2 * G_ * r_;
    for (size_t i = 0; i < contrastGroups_.size(); ++i) {
      const int g = contrastGroups_[i];
      const double a = std::sqrt((n_(g) - 1) * std::abs(c(g)));
      xc[4 * i] = a;
      xc[4 * i + 2] = c(g) < 0 ? -a : a;
    }
    return x;
  }
  /// The factor variables x with the groups `zero` taken out: their rows of U and V and their
  /// contrasts' factors zeroed, so that their rows and columns of Zbar and their contrasts are
  /// exactly 0 and the rest of the factorisation is x's own (nuclear budget only).
  Eigen::VectorXd zeroGroups(Eigen::VectorXd x, const std::vector<bool>& zero) const {
    Eigen::Map<Eigen::MatrixXd> U(x.data(), G_, r_), V(x.data() + G_ * r_, G_, r_);
    double* xc = x.data() + 2 * G_ * r_;
    for (int g = 0; g < G_; ++g)
      if (zero[g]) U.row(g).setZero(), V.row(g).setZero();
    for (size_t i = 0; i < contrastGroups_.size(); ++i)
      if (zero[contrastGroups_[i]]) std::fill(xc + 4 * i, xc + 4 * i + 4, 0.0);
    return x;
  }
  /// The SVD of the Zbar = U V^T of the factor variables x (nuclear budget only), from the factors.
  Svd factorSvd(const Eigen::VectorXd& x) const {
    const Eigen::Map<const Eigen::MatrixXd> U(x.data(), G_, r_), V(x.data() + G_ * r_, G_, r_);
    return detail::svdOfProduct(U, V);
  }
  /// The nuclear norm of (Zbar, c) from Zbar's SVD (the nuclear budget).
  double nuclearNorm(const Svd& svd, const Eigen::VectorXd& c) const {
    double t = svd.S.sum();
    for (int g : contrastGroups_) t += (n_(g) - 1) * std::abs(c(g));
    return t;
  }
  /// The norm of the logits (Zbar, c) in group form that the budget bounds: nuclear, or
  /// Frobenius with a fixed ETF classifier.
  double nuclearNorm(const Eigen::MatrixXd& Zbar, const Eigen::VectorXd& c) const {
    if (penalized_) {  // of Y = D^{1/2} Z
      double t = nuclearNormOf(sizeRoot_.matrix().asDiagonal() * Zbar);
      for (int g : contrastGroups_) t += (n_(g) - 1) * sizeRoot_(g) * std::abs(c(g));
      return t;
    }
    if (frobenius_) {
      double t = Zbar.squaredNorm();
      for (int g : contrastGroups_) t += (n_(g) - 1) * c(g) * c(g);
      return std::sqrt(t);
    }
    double t = nuclearNormOf(Zbar);
    for (int g : contrastGroups_) t += (n_(g) - 1) * std::abs(c(g));
    return t;
  }
  const Eigen::MatrixXd& Zbar() const {
    if (!zPlain_) Zbar_ = Zt_.transpose(), zPlain_ = true;
    return Zbar_;
  }
  const Eigen::VectorXd& contrast() const { return c_; }
  const Eigen::VectorXd& bias() const { return b_; }  ///< per group (penalized with a bias)
  int groups() const { return G_; }
  /// sigma_max of the loss's gradient in Y = D^{1/2} Z at the last evaluated point: Y = 0 is
  /// optimal (for the bias there) exactly when it is <= mu (lpm-models.md §4, all_vanished).
  double gradientNormY() const {
    double sigma = maxSingularValue(gradientY());
    for (int g : contrastGroups_)
      if (sizeRoot_(g) > 0) sigma = std::max(sigma, std::abs(delta_(g)) / sizeRoot_(g));
    return sigma;
  }
  double mu() const { return mu_; }

private:
  // --- The penalized form (lpm-models.md §1): x = [factors of Y = D^{1/2} Z as above; sqrt(n_g) b_g],
  // smooth objective loss(Z + b) + (mu / 2) ||factors||^2 + (lambda_b / 2) ||b||^2, whose minimum
  // over factorisations of Y is loss + mu ||Y||_* + (lambda_b / 2) ||b||^2.
  Eigen::MatrixXd gradientY() const {  // S^{-1} D, S = diag(sqrt(n_g)) (rows of empty classes: 0)
    Eigen::MatrixXd gY = D();
    for (int g = 0; g < G_; ++g) gY.row(g) *= sizeRoot_(g) > 0 ? 1 / sizeRoot_(g) : 0.0;
    return gY;
  }

  double penalizedValue(const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    const Eigen::Map<const Eigen::MatrixXd> U(x.data(), G_, r_), V(x.data() + G_ * r_, G_, r_);
    Zbar_.noalias() = U * V.transpose();
    for (int g = 0; g < G_; ++g) Zbar_.row(g) *= sizeRoot_(g) > 0 ? 1 / sizeRoot_(g) : 0.0;
    wroteZ(false);
    const double* xc = x.data() + 2 * G_ * r_;
    for (size_t i = 0; i < contrastGroups_.size(); ++i) {
      const int g = contrastGroups_[i];
      const Eigen::Map<const Eigen::Vector2d> s(xc + 4 * i), t(xc + 4 * i + 2);
      c_(g) = sizeRoot_(g) > 0 ? s.dot(t) / (n_(g) - 1) / sizeRoot_(g) : 0.0;
    }
    const int nf = factorDimension();
    biasPenalty_ = 0;
    if (bias_) {
      for (int g = 0; g < G_; ++g) b_(g) = x(nf + g) / std::sqrt(n_(g));
      biasPenalty_ = 0.5 * lambdaB_ * x.tail(G_).squaredNorm();
    }
    lossValue_ = evaluateLoss(true);
    const double f = lossValue_ + 0.5 * mu_ * x.head(nf).squaredNorm() + biasPenalty_;
    grad.resize(x.size());
    const Eigen::MatrixXd gY = gradientY();
    Eigen::Map<Eigen::MatrixXd> gU(grad.data(), G_, r_), gV(grad.data() + G_ * r_, G_, r_);
    gU.noalias() = gY * V + mu_ * U;
    gV.noalias() = gY.transpose() * U + mu_ * V;
    double* gc = grad.data() + 2 * G_ * r_;
    for (size_t i = 0; i < contrastGroups_.size(); ++i) {
      const int g = contrastGroups_[i];
      const double d = sizeRoot_(g) > 0 ? delta_(g) / sizeRoot_(g) : 0.0;
      for (int j = 0; j < 2; ++j) {
        gc[4 * i + j] = d * xc[4 * i + 2 + j] + mu_ * xc[4 * i + j];
        gc[4 * i + 2 + j] = d * xc[4 * i + j] + mu_ * xc[4 * i + 2 + j];
      }
    }
    if (bias_)
      for (int g = 0; g < G_; ++g) grad(nf + g) = dB_(g) / std::sqrt(n_(g)) + lambdaB_ * x(nf + g);
    objective_ = f;
    return f;
  }

  // gap = <g, Y> + mu ||Y||_* + r max(0, sigma_max(g) - mu) + ||grad_b F||^2 / (2 lambda_b) >= P - P*,
  // r = min(P(0, 0), P) / mu >= ||Y*||_* (the loss is >= 0) (lpm-models.md §1).
  double penalizedGap() const {
    double inner = innerDZ();
    for (int g : contrastGroups_) inner += (n_(g) - 1) * delta_(g) * c_(g);
    const double nuc = nuclearNorm(Zbar(), c_);
    const double P = lossValue_ + mu_ * nuc + biasPenalty_;
    const double r = std::min(f0_, P) / mu_;
    double gap = inner + mu_ * nuc + r * std::max(0.0, gradientNormY() - mu_);
    if (bias_) {
      double gb = 0;  // per class: dB_g / n_g + lambda_b b_g, n_g classes alike
      for (int g = 0; g < G_; ++g) {
        const double d = dB_(g) / n_(g) + lambdaB_ * b_(g);
        gb += n_(g) * d * d;
      }
      gap += gb / (2 * lambdaB_);
    }
    return gap;
  }

  // --- Every loss but CE (whose loop above keeps its own digits-preserving form). A class of
  // group g sees its own logit e, n_g - 1 copies of fs (the rest of its group) and n_j copies of
  // L_j (each other group j). The softmax losses are lse_i(log m_i + a_i v_i + b_i) minus a linear
  // term (lpm-models.md §2); MSE is a sum of squares. The derivatives by e, fs (all copies) and
  // L_j (all copies) give the gradient in (Zbar, c) as for CE: D(g, j) = pi_g sqrt(n_g / n_j)
  // dl/dL_j, D(g, g) = pi_g (dl/de + dl/dfs), delta_g = pi_g (dl/de - dl/dfs / (n_g - 1)).
  void setUpLoss(const Problem& problem, const std::vector<ClassGroup>& groups) {
    const auto priors = problem.priors();
    const auto& priorN = problem.priorSize.empty() ? problem.classSize : problem.priorSize;
    double nMax = 0, nMin = std::numeric_limits<double>::infinity();
    for (double n : priorN)
      if (n > 0) nMax = std::max(nMax, n), nMin = std::min(nMin, n);
    scale_ = Eigen::ArrayXd::Ones(G_);
    shift_ = Eigen::ArrayXd::Zero(G_);
    ownShift_ = Eigen::ArrayXd::Zero(G_);
    for (int g = 0; g < G_; ++g) {
      const int k = groups[g].members.front();
      const double logPrior = priors[k] > 0 ? std::log(priors[k]) : 0.0;  // validate() refused zero priors in use
      switch (loss_.kind) {
        case LossKind::LogitAdjusted: shift_(g) = loss_.tau * logPrior; break;
        case LossKind::VS:
          scale_(g) = priorN[k] > 0 ? std::pow(priorN[k] / nMax, loss_.gamma) : 1.0;
          shift_(g) = loss_.tau * logPrior;
          break;
        case LossKind::LDAM: ownShift_(g) = priorN[k] > 0 ? -loss_.margin * std::pow(nMin / priorN[k], 0.25) : 0.0; break;
        default: break;
      }
    }
    // f(0): every logit 0 (and no bias).
    Zbar_.setZero();
    wroteZ(false);
    c_.setZero();
    b_.setZero();
    f0_ = evaluateLoss(false);
  }

  /// The loss at (Zbar_, c_); with `derivatives`, also D_ and delta_.
  double evaluateLoss(bool derivatives) {
    double f = 0;
    const bool mse = loss_.kind == LossKind::MSE, smoothing = loss_.kind == LossKind::LabelSmoothing;
    const double a = loss_.alpha;
    Eigen::ArrayXd dL(G_);
    if (derivatives) dB_.setZero(), wroteD(false);
    Zbar();  // the rows below read Zbar_
    for (int g = 0; g < G_; ++g) {
      if (pi_(g) == 0) {
        if (derivatives) D_.row(g).setZero(), delta_(g) = 0;
        continue;
      }
      // Logits of a class of g: against each class of group j, L_j (+ the bias b_j).
      const Eigen::ArrayXd L = Zbar_.row(g).array().transpose() / sqrtNN_.row(g).array().transpose() + b_.array();
      const double e = L(g) + c_(g) * (1 - 1 / n_(g)), fs = L(g) - c_(g) / n_(g);
      const double mSame = n_(g) - 1;
      double loss = 0, de = 0, dfs = 0;
      dL.setZero();
      if (mse) {
        loss = 0.5 * (e - 1) * (e - 1) + 0.5 * mSame * fs * fs;
        for (int j = 0; j < G_; ++j)
          if (j != g) loss += 0.5 * n_(j) * L(j) * L(j), dL(j) = n_(j) * L(j);
        de = e - 1;
        dfs = mSame * fs;
      } else {
        // Arguments of the softmax: own, same group, other groups.
        const double aOwn = scale_(g) * e + shift_(g) + ownShift_(g), aSame = scale_(g) * fs + shift_(g);
        Eigen::ArrayXd A = scale_ * L + shift_;
        double top = std::max(aOwn, mSame > 0 ? aSame : aOwn);
        for (int j = 0; j < G_; ++j)
          if (j != g) top = std::max(top, A(j));
        Eigen::ArrayXd E = (A - top).exp();
        E(g) = 0;
        const double pOwnU = std::exp(aOwn - top), pSameU = mSame > 0 ? std::exp(aSame - top) : 0.0;
        const double others = (n_ * E).sum() + mSame * pSameU;  // every copy but the own logit, unnormalised
        const double S = others + pOwnU;
        if (!smoothing) {
          // ce(a) = log(1 + sum over the others of exp(a_i - a_own)): log1p keeps tiny losses' digits.
          loss = top == aOwn ? std::log1p(others) : std::log(S) + (top - aOwn);
          de = -scale_(g) * others / S;
          dfs = mSame * scale_(g) * pSameU / S;
          for (int j = 0; j < G_; ++j)
            if (j != g) dL(j) = n_(j) * scale_(j) * E(j) / S;
        } else {
          const double lse = top + std::log(S);
          const double sum = e + mSame * fs + ((n_ * L).sum() - n_(g) * L(g));
          loss = lse - (1 - a) * e - (a / K_) * sum;
          de = pOwnU / S - (1 - a) - a / K_;
          dfs = mSame * (pSameU / S - a / K_);
          for (int j = 0; j < G_; ++j)
            if (j != g) dL(j) = n_(j) * (E(j) / S - a / K_);
        }
      }
      f += n_(g) * pi_(g) * loss;
      if (!derivatives) continue;
      for (int j = 0; j < G_; ++j) {
        D_(g, j) = j == g ? pi_(g) * (de + dfs) : pi_(g) * std::sqrt(n_(g) / n_(j)) * dL(j);
        dB_(j) += n_(g) * pi_(g) * (j == g ? de + dfs : dL(j));  // every logit of group j moves with b_j
      }
      delta_(g) = mSame > 0 ? pi_(g) * (de - dfs / mSame) : 0.0;
    }
    return f;
  }

  // Whether nuclearGap(tau, sigma_max(D)) <= target, decided without sigma_max itself. The test's
  // margin (singularValuesBelow) is stricter than maxSingularValue's rounding allowance, so a pass
  // here is a pass of the exact gap the solution then publishes; where that margin would take half
  // the target, the exact gap decides.
  bool gapWithin(double tau, double target) const {
    double inner = innerDZ(), contrasts = 0;
    for (int g : contrastGroups_) {
      inner += (n_(g) - 1) * delta_(g) * c_(g);
      contrasts = std::max(contrasts, std::abs(delta_(g)));
    }
    const double sigma = (target - inner) / tau;  // the largest sigma that meets the target
    if (!(sigma > 0)) return false;
    if (tau * sigma * detail::kBelowMargin > 0.5 * target) return gap(tau) <= target;
    return contrasts * (1 + detail::kBelowMargin) < sigma && detail::singularValuesBelow(anyD(), sigma);
  }
  // <D, Z> + tau sigma_max over the nuclear ball, given sigma_max(Dbar) (exact or estimated);
  // the contrasts' parts enter both terms.
  double nuclearGap(double tau, double sigmaMean) const {
    double inner = innerDZ(), sigma = sigmaMean;
    for (int g : contrastGroups_) {
      inner += (n_(g) - 1) * delta_(g) * c_(g);
      sigma = std::max(sigma, std::abs(delta_(g)));
    }
    return inner + tau * sigma;
  }

  // sigma_max(D) from below by power iteration on D^T D, from the previous call's vector.
  // A few steps per call: the vector carries over between calls (D changes little per step), so
  // the estimate keeps converging along the run.
  double sigmaEstimate() {
    if (powerVector_.size() != G_) {
      powerVector_ = Eigen::VectorXd::LinSpaced(G_, 1.0, 2.0);
      powerVector_.normalize();
    }
    return std::sqrt(detail::kernels().power(G_, Dt().data(), powerVector_.data(), 20));
  }

  // D and Zbar are kept as computed, plain or transposed (the loss's rows want columns); the
  // other form is made on demand.
  void wroteZ(bool transposed) { zPlain_ = !transposed, zTrans_ = transposed; }
  void wroteD(bool transposed) { dPlain_ = !transposed, dTrans_ = transposed; }
  const Eigen::MatrixXd& Zt() const {
    if (!zTrans_) Zt_ = Zbar_.transpose(), zTrans_ = true;
    return Zt_;
  }
  const Eigen::MatrixXd& D() const {
    if (!dPlain_) D_ = Dt_.transpose(), dPlain_ = true;
    return D_;
  }
  const Eigen::MatrixXd& Dt() const {
    if (!dTrans_) Dt_ = D_.transpose(), dTrans_ = true;
    return Dt_;
  }
  const Eigen::MatrixXd& anyD() const { return dPlain_ ? D_ : Dt_; }
  double innerDZ() const {  // <D, Zbar>
    if (dTrans_ && zTrans_) return Dt_.cwiseProduct(Zt_).sum();
    return D().cwiseProduct(Zbar()).sum();
  }

  static constexpr int kExactGapGroups = 16;
  Eigen::VectorXd powerVector_;
  int skipExact_ = 0, backoff_ = 1;
  double lastGap_ = std::numeric_limits<double>::quiet_NaN();
  bool lastGapAtLeast_ = false;
  int G_, r_;
  Loss loss_;
  bool frobenius_ = false;
  bool penalized_ = false, bias_ = false;
  double mu_ = 0, lambdaB_ = 0, lossValue_ = 0, biasPenalty_ = 0;
  Eigen::ArrayXd sizeRoot_;  ///< penalized: sqrt(n_g), the absolute size of a class of g
  Eigen::VectorXd b_, dB_;   ///< the bias per group and the loss's derivative by it (all its classes)
  Eigen::MatrixXd centring_;  ///< P = I - s s^T / K, s_g = sqrt(n_g): the centring in group form
  Eigen::ArrayXd scale_, shift_, ownShift_;
  double f0_ = 0;
  Eigen::ArrayXd n_, pi_;
  Eigen::MatrixXd sqrtNN_;
  mutable Eigen::MatrixXd Zbar_, D_, Zt_, Dt_;
  mutable bool zPlain_ = true, zTrans_ = false, dPlain_ = true, dTrans_ = false;
  bool fast_ = false;  ///< the kernels of Kernels.h (many groups); else Eigen here, as before them
  Eigen::ArrayXd sqrtN_;
  Eigen::VectorXd c_, delta_;
  std::vector<int> contrastGroups_;
  double objective_ = 0, gain_ = 0, K_ = 0;
};

// Groups of equal size, split by minority/majority role so that a two-size problem keeps its
// two groups at R = 1 (and warm starts along a sweep keep their shape).
std::vector<ClassGroup> reducedGroups(const Problem& p) {
  std::vector<ClassGroup> out;
  std::vector<char> isMinor(p.K(), 0);  // O(K): a two-size problem at K = 10^5 costs what it does at 10
  for (int k : p.minority) isMinor[k] = 1;
  for (auto& g : groupBySize(p)) {
    ClassGroup minor{{}, g.weight}, major{{}, g.weight};
    for (int k : g.members) (isMinor[k] ? minor : major).members.push_back(k);
    if (!major.members.empty()) out.push_back(std::move(major));
    if (!minor.members.empty()) out.push_back(std::move(minor));
  }
  return out;
}

bool isBalanced(const Problem& p) {
  return std::all_of(p.classSize.begin(), p.classSize.end(), [&](double n) { return n == p.classSize[0]; });
}

// `svd`: Zbar's SVD when the caller has it (the nuclear budget).
void fillGrams(Solution& s, const Svd* known = nullptr) {
  if (s.problem.penalized()) {
    // Y = D^{1/2} Z = U S V^T: W = V S^{1/2} (lH/lW)^{1/4}, D^{1/2} H = U S^{1/2} (lW/lH)^{1/4}
    // (lpm-models.md §1), so X_WW = a (Y^T Y)^{1/2}, X_HH = D^{-1/2} (Y Y^T)^{1/2} D^{-1/2} / a,
    // a = sqrt(lH / lW); in group form D is sqrt(n_g) on group g's block.
    const int G = static_cast<int>(s.groups.size());
    Eigen::VectorXd root(G), inv(G);
    for (int g = 0; g < G; ++g) {
      root(g) = std::sqrt(s.problem.classSize[s.groups[g].members.front()]);
      inv(g) = root(g) > 0 ? 1 / root(g) : 0.0;  // an empty class has no feature to speak of
    }
    const double a = std::sqrt(s.problem.penalty.lambdaH / s.problem.penalty.lambdaW);
    const Svd svd = svdOf(root.asDiagonal() * s.Z.mean, true);
    s.XWW.mean = a * svd.V * svd.S.asDiagonal() * svd.V.transpose();
    s.XHH.mean = (1 / a) * inv.asDiagonal() * (svd.U * svd.S.asDiagonal() * svd.U.transpose()) * inv.asDiagonal();
    const Eigen::VectorXd yc = root.cwiseProduct(s.Z.contrast).cwiseAbs();
    s.XWW.contrast = a * yc;
    s.XHH.contrast = (1 / a) * yc.cwiseProduct(inv).cwiseProduct(inv);
    return;
  }
  if (s.problem.fixedEtfClassifier) {
    // W = sqrt(EW) M with M M^T = K/(K-1) P (P: centring), H = sqrt((K-1)/K) Z P / sqrt(EW), in group form.
    const int K = s.problem.K(), G = static_cast<int>(s.groups.size());
    Eigen::VectorXd root(G);
    for (int g = 0; g < G; ++g) root(g) = std::sqrt(double(s.groups[g].count()));
    const Eigen::MatrixXd P = Eigen::MatrixXd::Identity(G, G) - root * root.transpose() / K;
    const Eigen::MatrixXd ZP = s.Z.mean * P;
    const double k = double(K) / (K - 1);
    s.XWW.mean = s.problem.EW * k * P;
    s.XWW.contrast = Eigen::VectorXd::Constant(G, s.problem.EW * k);
    s.XHH.mean = ZP * ZP.transpose() / (k * s.problem.EW);
    s.XHH.contrast = s.Z.contrast.cwiseAbs2() / (k * s.problem.EW);
    return;
  }
  const double scaleW = std::sqrt(s.problem.EW / s.problem.EH);
  const auto& Zbar = s.Z.mean;
  const Svd svd = known ? *known : svdOf(Zbar, true);
  const Eigen::MatrixXd &P = svd.U, &Q = svd.V;
  const Eigen::VectorXd& S = svd.S;
  // Lemma 1 / minimal-trace completion: X_WW = sqrt(EW/EH) (Z^T Z)^{1/2}, X_HH = sqrt(EH/EW) (Z Z^T)^{1/2}.
  s.XWW.mean = scaleW * Q * S.asDiagonal() * Q.transpose();
  s.XHH.mean = (1 / scaleW) * P * S.asDiagonal() * P.transpose();
  s.XWW.contrast = scaleW * s.Z.contrast.cwiseAbs();
  s.XHH.contrast = (1 / scaleW) * s.Z.contrast.cwiseAbs();
}

Solution closedForm(const Problem& p) {
  Solution s;
  s.problem = p;
  s.solver = SolverKind::ClosedForm;
  s.groups = {ClassGroup{{}, 1.0 / p.K()}};
  for (int k = 0; k < p.K(); ++k) s.groups[0].members.push_back(k);
  const int K = p.K();
  const double root = std::sqrt(p.EH * p.EW);
  // Theorem 1: h_k = sqrt(EH) m_k, w_k = sqrt(EW) m_k with m a simplex ETF.
  s.Z.mean = Eigen::MatrixXd::Zero(1, 1);
  s.Z.contrast = Eigen::VectorXd::Constant(1, root * K / (K - 1.0));
  fillGrams(s);
  s.objective = balancedObjective(K, p.EW, p.EH);
  {
    // log K - f = -log1p((K-1) expm1(-x) / K), x = (K/(K-1)) sqrt(EH EW): exact at small budgets too.
    const double x = (K / (K - 1.0)) * root;
    s.gain = -std::log1p((K - 1) * std::expm1(-x) / K);
  }
  // The certificate of the closed form, evaluated like any other solution.
  // 1 - p_self = (K-1) r / (1 + (K-1) r), r = exp(f - e): no cancellation when r is tiny.
  const double e = s.Z.contrast(0) * (1 - 1.0 / K), f = -s.Z.contrast(0) / K;
  const double r = std::exp(f - e);
  const double notSelf = (K - 1) * r / (1 + (K - 1) * r), pSame = r / (1 + (K - 1) * r);
  const double delta = -(1.0 / K) * (notSelf + pSame);
  const double dbar = (1.0 / K) * ((K - 1) * pSame - notSelf);
  const double tau = K * root;
  s.gap = (K - 1) * delta * s.Z.contrast(0) + tau * std::max(std::abs(delta), std::abs(dbar));
  s.gap = std::max(s.gap, 0.0);
  s.attempts = 1;
  s.nuclearNorm = s.radius = tau;
  s.certified = s.gap <= certificateTarget(s.objective, s.gain);
  return s;
}

}  // namespace

SolverKind solverKindFromString(const std::string& s) {
  if (s == "auto") return SolverKind::Auto;
  if (s == "reduced") return SolverKind::Reduced;
  if (s == "general") return SolverKind::General;
  if (s == "closed-form" || s == "closed") return SolverKind::ClosedForm;
  throw InvalidInput("unknown solver '" + s + "' (expected auto, reduced, general or closed-form)");
}

std::string toString(SolverKind k) {
  switch (k) {
    case SolverKind::Auto: return "auto";
    case SolverKind::Reduced: return "reduced";
    case SolverKind::General: return "general";
    case SolverKind::ClosedForm: return "closed-form";
  }
  return "?";
}

double GroupMatrix::entry(const std::vector<ClassGroup>& groups, int g, int gp, bool sameClass) const {
  const double ng = groups[g].count(), ngp = groups[gp].count();
  double v = mean(g, gp) / std::sqrt(ng * ngp);
  if (g == gp && contrast.size() > g) v += contrast(g) * ((sameClass ? 1.0 : 0.0) - 1.0 / ng);
  return v;
}

Eigen::MatrixXd GroupMatrix::expand(const std::vector<ClassGroup>& groups, int K) const {
  Eigen::MatrixXd M(K, K);
  for (size_t g = 0; g < groups.size(); ++g)
    for (size_t gp = 0; gp < groups.size(); ++gp) {
      const double off = entry(groups, g, gp, false), on = entry(groups, g, gp, true);
      for (int k : groups[g].members)
        for (int j : groups[gp].members) M(k, j) = (k == j) ? on : off;
    }
  return M;
}

ClassVectors Solution::vectors() const {
  ClassVectors v;
  Eigen::MatrixXd &H = v.H, &W = v.W;
  const int K = problem.K();
  if (problem.supcon()) {
    // Features only: H = V diag(sqrt(lambda)) from Q = H H^T; no classifiers (W = 0).
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(XHH.expand(groups, K));
    H = eig.eigenvectors() * eig.eigenvalues().cwiseMax(0).cwiseSqrt().asDiagonal();
    W = Eigen::MatrixXd::Zero(K, K);
    return v;
  }
  const Eigen::MatrixXd Zfull = Z.expand(groups, K);
  if (problem.fixedEtfClassifier) {
    // The fixed simplex ETF M = sqrt(K/(K-1)) P, and the features that give these logits.
    const Eigen::MatrixXd P = Eigen::MatrixXd::Identity(K, K) - Eigen::MatrixXd::Constant(K, K, 1.0 / K);
    W = std::sqrt(problem.EW * K / (K - 1.0)) * P;
    H = std::sqrt((K - 1.0) / K / problem.EW) * Zfull * P;
    return v;
  }
  if (problem.penalized()) {
    // Minimal energy of the penalized form (lpm-models.md §1), from Y = D^{1/2} Z.
    Eigen::VectorXd d(K), inv(K);
    for (int k = 0; k < K; ++k) d(k) = std::sqrt(problem.classSize[k]), inv(k) = d(k) > 0 ? 1 / d(k) : 0.0;
    const Svd svd = svdOf(d.asDiagonal() * Zfull, true);
    const Eigen::VectorXd root = svd.S.cwiseMax(0).cwiseSqrt();
    const double a = std::pow(problem.penalty.lambdaW / problem.penalty.lambdaH, 0.25);
    H = a * inv.asDiagonal() * svd.U.leftCols(root.size()) * root.asDiagonal();
    W = (1 / a) * svd.V.leftCols(root.size()) * root.asDiagonal();
    return v;
  }
  const Svd svd = svdOf(Zfull, true);
  const Eigen::VectorXd root = svd.S.cwiseMax(0).cwiseSqrt();
  const double a = std::pow(problem.EH / problem.EW, 0.25);
  H = a * svd.U.leftCols(root.size()) * root.asDiagonal();
  W = (1 / a) * svd.V.leftCols(root.size()) * root.asDiagonal();
  return v;
}

double balancedObjective(int K, double EW, double EH) {
  if (K < 2) throw InvalidInput("K must be >= 2, got " + std::to_string(K));
  return std::log1p((K - 1) * std::exp(-(K / (K - 1.0)) * std::sqrt(EH * EW)));
}

namespace {
// max over the logits' ball of -<D, Z'>: rho sigma_max(D) (nuclear), rho_F ||D||_F (fixed ETF).
double ballSupport(const Problem& problem, const Eigen::MatrixXd& D) {
  const int K = problem.K();
  if (problem.fixedEtfClassifier) {
    const Eigen::MatrixXd P = Eigen::MatrixXd::Identity(K, K) - Eigen::MatrixXd::Constant(K, K, 1.0 / K);
    return K * std::sqrt(problem.EH * problem.EW / (K - 1)) * (D * P).norm();  // within the centred logits
  }
  return K * std::sqrt(problem.EH * problem.EW) * maxSingularValue(D);
}
}  // namespace

Certificate certify(const Problem& problem, const Eigen::MatrixXd& Z) {
  validate(problem);
  const int K = problem.K();
  if (Z.rows() != K || Z.cols() != K) throw InvalidInput("logit matrix must be K x K");
  const auto pi = problem.weights();
  Eigen::MatrixXd D(K, K);
  double f = 0;
  if (problem.loss.kind != LossKind::CE) {
    // Class by class on full rows, straight from lpm-models.md §2 (no group form: a check of it).
    const Loss& l = problem.loss;
    const auto prior = problem.priors();
    const auto& n = problem.priorSize.empty() ? problem.classSize : problem.priorSize;
    const double nMax = *std::max_element(n.begin(), n.end());
    double nMin = nMax;
    for (double v : n)
      if (v > 0) nMin = std::min(nMin, v);
    for (int k = 0; k < K; ++k) {
      const Eigen::ArrayXd z = Z.row(k).array();
      Eigen::ArrayXd grad(K);
      double lk = 0;
      if (l.kind == LossKind::MSE) {
        Eigen::ArrayXd d = z;
        d(k) -= 1;
        lk = 0.5 * d.square().sum();
        grad = d;
      } else {
        Eigen::ArrayXd g = Eigen::ArrayXd::Ones(K), b = Eigen::ArrayXd::Zero(K);
        for (int j = 0; j < K; ++j) {
          const double logPi = prior[j] > 0 ? std::log(prior[j]) : 0.0;
          if (l.kind == LossKind::LogitAdjusted) b(j) = l.tau * logPi;
          if (l.kind == LossKind::VS) g(j) = n[j] > 0 ? std::pow(n[j] / nMax, l.gamma) : 1.0, b(j) = l.tau * logPi;
        }
        if (l.kind == LossKind::LDAM && n[k] > 0) b(k) -= l.margin * std::pow(nMin / n[k], 0.25);
        const Eigen::ArrayXd a = g * z + b;
        const double top = a.maxCoeff();
        const Eigen::ArrayXd e = (a - top).exp();
        const double lse = top + std::log(e.sum());
        const Eigen::ArrayXd p = e / e.sum();
        if (l.kind == LossKind::LabelSmoothing) {
          lk = lse - (1 - l.alpha) * z(k) - (l.alpha / K) * z.sum();
          grad = p - l.alpha / K;
          grad(k) -= 1 - l.alpha;
        } else {
          lk = lse - a(k);
          grad = g * p;
          grad(k) -= g(k);
        }
      }
      f += pi[k] * lk;
      D.row(k) = pi[k] * grad.matrix().transpose();
    }
    return {f, D.cwiseProduct(Z).sum() + ballSupport(problem, D)};
  }
  for (int k = 0; k < K; ++k) {
    // Relative to the own logit, as in the solvers: log1p of the others, 1 - p_self without cancellation.
    Eigen::ArrayXd a = Z.row(k).array() - Z(k, k);
    a(k) = -std::numeric_limits<double>::infinity();
    const double m = std::max(a.maxCoeff(), 0.0);
    const Eigen::ArrayXd E = (a - m).exp();
    const double others = E.sum(), S = others + std::exp(-m);
    f += pi[k] * (m == 0 ? std::log1p(others) : m + std::log(S));
    D.row(k) = pi[k] * (E / S).matrix().transpose();
    D(k, k) = -pi[k] * others / S;
  }
  return {f, D.cwiseProduct(Z).sum() + ballSupport(problem, D)};
}

namespace {

// Vanishing, made exact. In factored form a classifier that should vanish decays slowly (its
// gradient is bilinear in the factors) and lingers at ||w|| ~ 1e-5..1e-3 with a direction that is
// noise. When the minority classifiers are small, try the candidate with every minority row and
// column of Z set to 0 (minority features and classifiers zero) and the rest rescaled to the full
// budget: if it passes the certificate it is an optimum with the minority exactly vanished, and it
// is published instead. The warm-start state stays the solver's (a zero factor cannot regrow).
// The published point's nuclear norm, and its Grams when `grams`; with `factors` (the adaptive
// many-group solve) both from Zbar's SVD through the factors (svdOfProduct), else from Zbar.
void publishNormAndGrams(Solution& s, const GroupedObjective& objective, const Eigen::VectorXd* factors, bool grams) {
  if (factors && grams) {
    const Svd svd = objective.factorSvd(*factors);
    s.nuclearNorm = objective.nuclearNorm(svd, s.Z.contrast);
    fillGrams(s, &svd);
    return;
  }
  s.nuclearNorm = objective.nuclearNorm(s.Z.mean, s.Z.contrast);
  if (grams) fillGrams(s);
}

// A polish runs L-BFGS from y until the gap is below `relative` times the certificate's scale, or
// until `abandon` (asked after every step) says there is no point: then it returns true.
using Polish = std::function<bool(Eigen::VectorXd& y, double relative, const std::function<bool()>& abandon)>;

// `inFactors` (many groups): the candidates are the factor variables themselves with the minority's
// rows zeroed (GroupedObjective::zeroGroups), on the sphere of `radius`: no SVD (two of K x K at
// K = 1000, 3 s), and the polish keeps the solve's L-BFGS pairs (LbfgsOptions::keep), which hold
// for this point. Their Zbar is within the budget, on it when the factors are balanced (as at a
// solution), and the gap certifies any point within it.
void vanishMinorityIfOptimal(Solution& s, GroupedObjective& objective, double tau, const Polish& polish, double finalRelative,
                             bool inFactors, double radius) {
  const auto& p = s.problem;
  const int G = static_cast<int>(s.groups.size());
  std::vector<bool> minor(G, false);
  bool any = false;
  for (int g = 0; g < G; ++g) {
    minor[g] = std::find(p.minority.begin(), p.minority.end(), s.groups[g].members.front()) != p.minority.end();
    any = any || minor[g];
  }
  if (!any) return;
  auto largestMinorityNorm = [&](const GroupMatrix& XWW) {
    double largest = 0;
    for (int g = 0; g < G; ++g)
      if (minor[g]) largest = std::max(largest, std::sqrt(std::max(0.0, XWW.entry(s.groups, g, g, true))));
    return largest;
  };
  if (largestMinorityNorm(s.XWW) > 0.05 * std::sqrt(p.EW)) return;
  // The candidate: minority rows and columns of Z zeroed, the rest rescaled to the full budget.
  auto candidate = [&](Eigen::MatrixXd Zbar, Eigen::VectorXd c, Eigen::VectorXd& x) {
    for (int g = 0; g < G; ++g)
      if (minor[g]) {
        Zbar.row(g).setZero();
        Zbar.col(g).setZero();
        c(g) = 0;
      }
    const double norm = objective.nuclearNorm(Zbar, c);
    if (!(norm > 0)) return false;
    x = objective.pack(Zbar * (tau / norm), c * (tau / norm));
    Eigen::VectorXd grad;
    const double f = objective(x, grad);
    const double gap = objective.gap(tau);
    return std::isfinite(f) && std::isfinite(gap) && gap <= certificateTarget(f, objective.gain(), objective.floor());
  };
  auto factorCandidate = [&](const Eigen::VectorXd& state, Eigen::VectorXd& x) {
    x = objective.zeroGroups(state, minor);
    const double n = x.norm();
    if (!(n > 0)) {
      x.resize(0);  // nothing left to polish
      return false;
    }
    x *= radius / n;
    Eigen::VectorXd grad;
    const double f = objective(x, grad);
    const double gap = objective.gap(tau);
    return std::isfinite(f) && std::isfinite(gap) && gap <= certificateTarget(f, objective.gain(), objective.floor());
  };
  auto adopt = [&](const Eigen::VectorXd& point) {
    s.objective = objective.objective();
    s.gain = objective.gain();
    s.gap = objective.gap(tau);
    s.Z.mean = objective.Zbar();
    s.Z.contrast = objective.contrast();
    publishNormAndGrams(s, objective, inFactors ? &point : nullptr, true);
  };
  Eigen::VectorXd x;
  if (inFactors ? factorCandidate(s.state, x) : candidate(s.Z.mean, s.Z.contrast, x)) return adopt(x);
  if (x.size() == 0) return;
  // Not yet: converge the majority from the candidate (the minority may regrow if it should),
  // then try once more. A class that is alive regrows from zero to where it was in s within a few
  // dozen steps; once it has, at a gap as small as s's, the second candidate would be the first one
  // again: refused there, without the rest of the polish (at K = 1000 300 steps, a third of the
  // solve). A class that should vanish lingers in s at a norm that falls like the square root of
  // the gap (doc/dev/04-SOLVER.md), and from zero it does not regrow to that. (lastGap may be the
  // lower estimate: this only decides when to stop trying, never what is certified.)
  auto size = [&](const Eigen::MatrixXd& Zbar, const Eigen::VectorXd& c, int g) {
    return Zbar.row(g).squaredNorm() + Zbar.col(g).squaredNorm() + (s.groups[g].count() - 1) * c(g) * c(g);
  };
  auto regrown = [&]() {
    bool grown = false;
    for (int g = 0; g < G && !grown; ++g)
      grown = minor[g] && size(s.Z.mean, s.Z.contrast, g) > 0 &&
              size(objective.Zbar(), objective.contrast(), g) >= 0.25 * size(s.Z.mean, s.Z.contrast, g);
    if (!grown) return false;
    if (objective.lastGap() <= s.gap) return true;
    // Many groups: lastGap can be many steps old (the exact test backs off up to 16 steps after a
    // miss); the estimate is this point's.
    return inFactors && objective.gapEstimate(tau) <= s.gap;
  };
  if (polish(x, finalRelative, regrown)) return;
  if (inFactors) {
    const Eigen::VectorXd polished = x;
    if (factorCandidate(polished, x)) adopt(x);
    return;
  }
  Eigen::VectorXd grad;
  objective(x, grad);
  if (!(objective.gap(tau) <= certificateTarget(objective.objective(), objective.gain(), objective.floor()))) return;
  Solution t = s;
  t.Z.mean = objective.Zbar();
  t.Z.contrast = objective.contrast();
  fillGrams(t);
  if (largestMinorityNorm(t.XWW) > 0.05 * std::sqrt(p.EW)) return;
  if (candidate(t.Z.mean, t.Z.contrast, x)) adopt(x);
}

// Exact zeros in the penalized form. Weight decay makes classes vanish exactly (Y's row and column
// zero: h_k = w_k = 0), all of them once mu >= sigma_max(grad_Y L(0, b)) (lpm-models.md §4); the
// factored iterates only approach them. Candidates with those classes set to zero are tried, and
// adopted when they pass the certificate. The warm-start state stays the solver's.
void vanishPenalizedIfOptimal(Solution& s, GroupedObjective& objective, const Polish& polish, double finalRelative) {
  const int G = static_cast<int>(s.groups.size());
  std::vector<double> norm(G);
  double largest = 0;
  for (int g = 0; g < G; ++g) {
    norm[g] = std::sqrt(std::max(0.0, s.XWW.entry(s.groups, g, g, true)));
    largest = std::max(largest, norm[g]);
  }
  auto tryZeros = [&](const std::vector<bool>& zero) {
    Eigen::VectorXd x, grad;
    auto zeroed = [&](Eigen::MatrixXd Zbar, Eigen::VectorXd c) {
      for (int g = 0; g < G; ++g)
        if (zero[g]) Zbar.row(g).setZero(), Zbar.col(g).setZero(), c(g) = 0;
      x = objective.pack(Zbar, c);
      objective(x, grad);
      const double gap = objective.gap(0);
      return std::isfinite(gap) && gap <= certificateTarget(objective.objective(), objective.gain(), objective.floor());
    };
    if (!zeroed(s.Z.mean, s.Z.contrast)) {
      polish(x, finalRelative, {});  // the survivors (and the bias) settle; a zero class regrows only if it should
      objective(x, grad);
      if (!zeroed(objective.Zbar(), objective.contrast())) return false;
    }
    s.objective = objective.objective();
    s.gain = objective.gain();
    s.gap = objective.gap(0);
    s.Z.mean = objective.Zbar();
    s.Z.contrast = objective.contrast();
    s.nuclearNorm = objective.nuclearNorm(s.Z.mean, s.Z.contrast);
    s.certified = true;
    fillGrams(s);
    return true;
  };
  // Everything zero: optimal exactly when the gradient at Y = 0 is within mu.
  {
    Eigen::VectorXd x = objective.pack(Eigen::MatrixXd::Zero(G, G), Eigen::VectorXd::Zero(G)), grad;
    objective(x, grad);
    if (objective.gradientNormY() <= objective.mu() * (1 + 1e-9) && tryZeros(std::vector<bool>(G, true))) return;
  }
  if (!(largest > 0)) return;
  std::vector<bool> zero(G, false);
  bool any = false;
  for (int g = 0; g < G; ++g) zero[g] = norm[g] < 1e-2 * largest, any = any || zero[g];
  if (any) tryZeros(zero);
}

// The penalized form: unconstrained L-BFGS on loss + (mu / 2)||factors||^2 (+ the bias's penalty),
// stopped on the gap of lpm-models.md §1.
void solvePenalized(Solution& s, GroupedObjective& objective, Eigen::VectorXd& y, const SolveOptions& options,
                    int maxIterations) {
  detail::LbfgsOptions lo;
  lo.memory = std::min(objective.dimension(), 30);
  lo.maxIterations = maxIterations;
  const bool cheapGap = objective.groups() <= 16;
  int sinceGap = 0;
  double gradAtGap = std::numeric_limits<double>::infinity();
  auto stop = [&](double, double gradNorm) {
    if (options.cancel.cancelled()) return s.cancelled = true;
    if (!cheapGap && ++sinceGap < 50 && gradNorm > 0.3 * gradAtGap) return false;
    sinceGap = 0;
    gradAtGap = gradNorm;
    return objective.gap(0) <= options.gapTarget * objective.objective();
  };
  auto fg = [&](const Eigen::VectorXd& x, Eigen::VectorXd& grad) { return objective(x, grad); };
  const auto res = detail::minimize(fg, y, lo, stop);
  s.iterations = res.iterations;
  Eigen::VectorXd grad;
  objective(y, grad);
  s.objective = objective.objective();
  s.gap = objective.gap(0);
  s.Z.mean = objective.Zbar();
  s.Z.contrast = objective.contrast();
  s.state = y;
  s.attempts = 1;
  s.gain = objective.gain();
  s.certificateFloor = objective.floor();
  s.nuclearNorm = objective.nuclearNorm(s.Z.mean, s.Z.contrast);
  s.radius = 0;  // no ball: never "not unique"
  const bool finite = std::isfinite(s.objective) && std::isfinite(s.gap) && s.state.allFinite();
  s.certified = finite && !s.cancelled && s.gap <= certificateTarget(s.objective, s.gain, s.certificateFloor);
  if (!finite) return;
  fillGrams(s);
  if (s.cancelled) return;
  auto polish = [&](Eigen::VectorXd& y0, double relative, const std::function<bool()>&) {
    detail::LbfgsOptions po = lo;
    po.maxIterations = 500;
    auto tighter = [&](double, double) { return objective.gap(0) <= relative * objective.objective(); };
    detail::minimize(fg, y0, po, tighter);
    return false;
  };
  vanishPenalizedIfOptimal(s, objective, polish, 1e-3 * options.gapTarget);
  s.certificateFloor = s.objective;
}

// What L-BFGS minimises on the sphere: log f, which has the same minimisers: at large EW EH the
// loss is a sum of exponentially small terms, f spans hundreds of orders of magnitude on the way,
// and log f is a smooth soft-max of margins instead (doc/dev/04-SOLVER.md). The certificate is f's.
// At small EW EH the loss stays near log K and all the geometry is in its small gain: L-BFGS then
// minimises f - log K = -gain (accurate, and its line-search allowance is relative to it).
std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)> phaseFunction(const Problem& problem,
                                                                              GroupedObjective& objective) {
  const bool smallBudget = balancedObjective(problem.K(), problem.EW, problem.EH) > 0.5 * std::log(problem.K());
  const bool mse = problem.loss.kind == LossKind::MSE;  // its optimum can be 0: no log
  return [&objective, smallBudget, mse](const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    const double f = objective(x, grad);
    if (mse) return f;
    if (smallBudget) return -objective.gain();
    if (!(f > 0)) return f;
    grad /= f;
    return std::log(f);
  };
}

// L-BFGS's initial inverse Hessian for many groups (doc/dev/04-SOLVER.md): a row of either
// factor belongs to one group, and the loss's curvature in it grows with the group's weight
// pi_g (its row of D is scaled by pi_g), so the row is scaled by (pi_g / max pi)^(-1/2); the
// contrast factors by 1. Only the path the iterations take depends on it.
Eigen::VectorXd classWeightScaling(const std::vector<ClassGroup>& groups, int rank, int dimension) {
  const int G = static_cast<int>(groups.size());
  double top = 0;
  for (const auto& g : groups) top = std::max(top, g.weight);
  Eigen::VectorXd h = Eigen::VectorXd::Ones(dimension);
  if (!(top > 0)) return h;
  for (int side = 0; side < 2; ++side)
    for (int col = 0; col < rank; ++col)
      for (int g = 0; g < G; ++g)
        if (groups[g].weight > 0) h(side * G * rank + col * G + g) = std::sqrt(top / groups[g].weight);
  return h;
}

int lbfgsMemory(int dimension) {
  // Long vectors: a short memory. The two-loop recursion streams every stored pair twice per
  // step; 30 pairs of 20k doubles (K = 100) leave the cache and cost more than the objective
  // (measured: 1.23 s with 30 pairs, 0.64 s with 10, at K = 100 long-tailed).
  return dimension > 4000 ? 10 : std::min(dimension, 30);
}

// Rank adaptivity for many groups (doc/dev/04-SOLVER.md). The optimum's Zbar often has far lower
// rank than G: collapsed minority classes share directions (rank 45 of 100 on a 100x long tail).
// Factors of rank r cost G r per product instead of G (G + 1), and the certificate does not care
// how the point was found. The start and the first rank come from the binned problem (16 groups,
// a few milliseconds) or from a warm start, which carries its rank; a run whose factors use all of
// their rank (the r-th singular value of Zbar above 5% of the first) may sit at the best point of
// too low a rank, and the rank grows along D's top singular pair (the steepest rank-one descent)
// until G + 1, where the factored problem has no spurious optimum. Returns the rank; `y` is the
// point reached.
// Columns [from, to) of both factors (G x rank each, column-major, at the front of y) set to small
// random numbers: a column zero in both factors has zero gradient and would never grow.
void seedColumns(Eigen::VectorXd& y, int G, int rank, int from, int to, double size, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  for (int side = 0; side < 2; ++side)
    for (int col = from; col < to; ++col)
      for (int g = 0; g < G; ++g) y(side * G * rank + col * G + g) = size * normal(rng);
}

int adaptRank(const Problem& problem, const std::vector<ClassGroup>& groups, double tau, const Eigen::VectorXd* start,
              unsigned seed, const SolveOptions& options, int maxIterations, Eigen::VectorXd& y, int& iterations, Solution& s,
              const std::shared_ptr<detail::LbfgsPairs>& pairs) {
  const int G = static_cast<int>(groups.size());
  int nc = 0;
  for (const auto& g : groups) nc += g.count() > 1;
  int rank = 0;
  if (start && start->allFinite() && start->norm() > 0) {
    const Eigen::Index rest = start->size() - 4 * nc;
    if (rest > 0 && rest % (2 * G) == 0 && rest / (2 * G) <= G + 1) {
      rank = static_cast<int>(rest / (2 * G));
      y = *start;
      s.warmStarted = true;
    }
  }
  // The binned problem, when binning reduces it (a binned problem's own solve does not recurse).
  const Problem coarse = rank == 0 ? binSizes(problem, 16) : Problem();
  if (rank == 0 && static_cast<int>(reducedGroups(coarse).size()) < G) {
    SolveOptions bo;
    bo.kind = SolverKind::Reduced;
    bo.cancel = options.cancel;
    bo.retry = false;
    const Solution b = solve(coarse, bo);
    // The binned logits in this problem's group form: block sums over sqrt(n_g n_h), and each
    // group's contrast (mean diagonal minus mean off-diagonal entry of its block).
    const Eigen::MatrixXd Z = b.Z.expand(b.groups, problem.K());
    Eigen::MatrixXd Zbar(G, G);
    Eigen::VectorXd c = Eigen::VectorXd::Zero(G);
    for (int g = 0; g < G; ++g) {
      const auto& mg = groups[g].members;
      for (int h = 0; h < G; ++h) {
        const auto& mh = groups[h].members;
        double sum = 0;
        for (int i : mg)
          for (int j : mh) sum += Z(i, j);
        Zbar(g, h) = sum / std::sqrt(double(mg.size()) * double(mh.size()));
      }
      if (mg.size() > 1) {
        double diag = 0, all = 0;
        for (int i : mg)
          for (int j : mg) all += Z(i, j), diag += i == j ? Z(i, j) : 0.0;
        const double n = static_cast<double>(mg.size());
        c(g) = diag / n - (all - diag) / (n * (n - 1));
      }
    }
    const Eigen::VectorXd S = svdOf(Zbar, false).S;
    int r = 0;
    for (Eigen::Index i = 0; i < S.size(); ++i) r += S(i) > 1e-6 * S(0);
    rank = std::min(G + 1, r + std::max(12, r / 16));  // the margin: K = 1000 670 -> 633 steps at rank 397, not 467
    y = GroupedObjective(problem, groups, rank).packFactors(Zbar, c);
    // Columns beyond the binned rank start small, not zero.
    seedColumns(y, G, rank, std::min(r, rank), rank, 1e-3 * y.head(2 * G * rank).norm() / std::sqrt(2.0 * G * std::max(r, 1)),
                seed);
  }
  if (rank == 0 || !y.allFinite() || !(y.norm() > 0)) {
    rank = G + 1;
    y = detail::startingPoint(nullptr, GroupedObjective(problem, groups, rank).dimension(), seed, s.warmStarted);
  }
  const double radius = std::sqrt(2 * tau);
  while (rank < G + 1) {
    GroupedObjective objective(problem, groups, rank);
    const auto fg = phaseFunction(problem, objective);
    detail::LbfgsOptions lo;
    lo.memory = lbfgsMemory(objective.dimension());
    lo.maxIterations = maxIterations;
    lo.h0 = classWeightScaling(groups, rank, objective.dimension());
    lo.fused = true;
    lo.keep = pairs;
    int step = 0;
    bool certified = false, stalled = false;
    // Too low a rank shows as factors that use all of it: a rank-deficient stationary point is
    // a global optimum, so while Zbar's r-th singular value stays small the rank suffices.
    auto stop = [&](double, double) {
      if (options.cancel.cancelled()) return true;
      const double target = options.gapTarget * certificateScale(objective.objective(), objective.gain(), objective.floor());
      if (objective.gapBelow(tau, target)) return certified = true;
      if (options.progress && (step + 1) % 25 == 0) options.progress(iterations + step + 1, objective.lastGap(), objective.lastGapAtLeast());
      if (++step % 100 == 0 && step >= 200) {
        const Eigen::VectorXd S = svdOf(objective.Zbar(), false).S;
        stalled = S(rank - 1) > 0.05 * S(0);
      }
      return stalled;
    };
    const auto res = detail::minimizeOnSphere(fg, y, radius, lo, stop);
    iterations += res.iterations;
    if (certified || options.cancel.cancelled()) break;
    // Grow along the steepest rank-one descent, at a tenth of a column's typical size.
    Eigen::VectorXd grad, u, v;
    objective((radius / y.norm()) * y, grad);
    objective.descentPair(u, v);
    const int next = std::min(G + 1, rank + std::max(8, rank / 2));
    Eigen::VectorXd grown = Eigen::VectorXd::Zero(2 * G * next + 4 * nc);
    const double scale = 0.1 * y.head(2 * G * rank).norm() / std::sqrt(2.0 * rank);
    Eigen::Map<Eigen::MatrixXd>(grown.data(), G, rank) = Eigen::Map<const Eigen::MatrixXd>(y.data(), G, rank);
    Eigen::Map<Eigen::MatrixXd>(grown.data() + G * next, G, rank) = Eigen::Map<const Eigen::MatrixXd>(y.data() + G * rank, G, rank);
    grown.segment(rank * G, G) = scale * u;
    grown.segment(G * next + rank * G, G) = scale * v;
    // The other new columns start small and random.
    seedColumns(grown, G, next, rank + 1, next, 1e-2 * scale, seed + static_cast<unsigned>(rank));
    grown.tail(4 * nc) = y.tail(4 * nc);
    y = std::move(grown);
    rank = next;
  }
  return rank;
}

// One run of L-BFGS from `start` (a warm state) or from a random point of `seed`.
Solution solveOnce(const Problem& problem, SolverKind kind, const SolveOptions& options, const Eigen::VectorXd* start,
                   unsigned seed, int maxIterations) {
  if (problem.supcon()) {
    SolveOptions o = options;
    o.kind = kind;
    return detail::solveSupConOnce(problem, kind == SolverKind::Reduced ? reducedGroups(problem) : singletonGroups(problem),
                                   o, start, seed, maxIterations);
  }
  Solution s;
  s.problem = problem;
  s.solver = kind;
  s.groups = kind == SolverKind::Reduced ? reducedGroups(problem) : singletonGroups(problem);
  const int G = static_cast<int>(s.groups.size());
  // With one more column than the largest possible rank of Zbar, a rank-deficient
  // second-order point of the factored problem is a global optimum (and the gap proves it).
  const bool fixedEtf = problem.fixedEtfClassifier;
  const double tau = fixedEtf ? problem.K() * std::sqrt(problem.EH * problem.EW / (problem.K() - 1))
                              : problem.K() * std::sqrt(problem.EH * problem.EW);
  // Many groups: a lower rank first (adaptRank), grown until the certificate holds.
  int rank = G + 1, adaptIterations = 0;
  Eigen::VectorXd y;
  const bool adaptive = !problem.penalized() && !fixedEtf && G > kAdaptiveRankGroups && problem.K() <= kAdaptiveRankMaxK;
  // Many groups: the L-BFGS pairs go on from the rank's solve to the vanishing polish.
  const std::shared_ptr<detail::LbfgsPairs> pairs = adaptive ? detail::newLbfgsPairs() : nullptr;
  if (adaptive) rank = adaptRank(problem, s.groups, tau, start, seed, options, maxIterations, y, adaptIterations, s, pairs);
  GroupedObjective objective(problem, s.groups, rank);
  if (!adaptive) y = detail::startingPoint(start, objective.dimension(), seed, s.warmStarted);
  if (problem.penalized()) {
    solvePenalized(s, objective, y, options, maxIterations);
    return s;
  }
  detail::LbfgsOptions lo;
  lo.memory = lbfgsMemory(objective.dimension());
  lo.maxIterations = maxIterations;
  if (adaptive) lo.h0 = classWeightScaling(s.groups, rank, objective.dimension());
  lo.keep = pairs;
  lo.fused = G > 16;  // GroupedObjective's kernels too (kExactGapGroups)
  // The gap needs sigma_max(Dbar): exact for a few groups, estimated first for many (gapBelow).
  int steps = 0;
  auto stop = [&](double, double) {
    const double f = objective.objective();
    if (options.cancel.cancelled()) {
      s.cancelled = true;
      return true;
    }
    const bool done = objective.gapBelow(tau, options.gapTarget * certificateScale(f, objective.gain(), objective.floor()));
    if (options.progress && ++steps % 25 == 0) options.progress(adaptIterations + steps, objective.lastGap(), objective.lastGapAtLeast());
    return done;
  };
  const auto fg = phaseFunction(problem, objective);  // log f (or -gain): phaseFunction says why
  const double radius = fixedEtf ? tau : std::sqrt(2 * tau);  // of the variables' sphere
  const auto res = detail::minimizeOnSphere(fg, y, radius, lo, stop);
  s.iterations = adaptIterations + res.iterations;
  // Evaluate once more at the returned point so every reported number belongs to it.
  Eigen::VectorXd x = (radius / y.norm()) * y, grad;
  s.objective = objective(x, grad);
  s.gap = objective.gap(tau);
  s.Z.mean = objective.Zbar();
  s.Z.contrast = objective.contrast();
  s.state = y;
  s.attempts = 1;
  const bool finite = std::isfinite(s.objective) && std::isfinite(s.gap) && s.state.allFinite();
  s.gain = objective.gain();
  s.certificateFloor = objective.floor();
  s.radius = tau;
  s.certified = finite && !s.cancelled && s.gap <= certificateTarget(s.objective, s.gain, s.certificateFloor);
  publishNormAndGrams(s, objective, adaptive ? &x : nullptr, finite);
  if (s.certified && fixedEtf) {
    // The minority features shrink like 1/R while the objective barely feels their direction:
    // converge further so that their cosines are pinned too (the certificate stays f's).
    detail::LbfgsOptions po = lo;
    po.maxIterations = 2000;
    Eigen::VectorXd y0 = y;
    auto tighter = [&](double, double) {
      return objective.gap(tau) <= 1e-6 * options.gapTarget * certificateScale(objective.objective(), objective.gain());
    };
    detail::minimizeOnSphere(fg, y0, radius, po, tighter);
    Eigen::VectorXd x0 = (radius / y0.norm()) * y0, g0;
    const double f0 = objective(x0, g0);
    if (std::isfinite(f0) && objective.gap(tau) <= s.gap) {
      s.objective = f0;
      s.gap = objective.gap(tau);
      s.gain = objective.gain();
      s.Z.mean = objective.Zbar();
      s.Z.contrast = objective.contrast();
      s.nuclearNorm = objective.nuclearNorm(s.Z.mean, s.Z.contrast);
      s.state = y0;
      fillGrams(s);
    }
  }
  if (s.certified && !fixedEtf) {  // fixed classifiers cannot vanish
    auto polish = [&](Eigen::VectorXd& y0, double relative, const std::function<bool()>& abandon) {
      detail::LbfgsOptions po = lo;
      po.maxIterations = 300;
      int polishSteps = 0;
      bool abandoned = false;
      auto tighter = [&](double, double) {
        const bool done =
            objective.gapBelow(tau, relative * certificateScale(objective.objective(), objective.gain(), objective.floor()));
        if (++polishSteps % 25 == 0 && options.progress) options.progress(s.iterations + polishSteps, objective.lastGap(), objective.lastGapAtLeast());
        if (!done && abandon && abandon()) abandoned = true;
        return done || abandoned || options.cancel.cancelled();
      };
      detail::minimizeOnSphere(fg, y0, radius, po, tighter);
      y0 *= radius / y0.norm();
      return abandoned;
    };
    vanishMinorityIfOptimal(s, objective, tau, polish, 1e-3 * options.gapTarget, adaptive, radius);
  }
  return s;
}

bool better(const Solution& a, const Solution& b) {
  if (a.certified != b.certified) return a.certified;
  const double ra = a.relativeGap(), rb = b.relativeGap();
  if (std::isnan(rb)) return true;
  return ra < rb;
}

}  // namespace

double certificateTarget(double objective, double gain, double floor) {
  return kCertifyTol * certificateScale(objective, gain, floor);
}

double certificateFloor(const Loss& loss) { return loss.kind == LossKind::MSE ? 1.0 : kTinyObjective; }

double Solution::relativeGap() const { return gap / certificateScale(objective, gain, certificateFloor); }

Solution solve(const Problem& problem, const SolveOptions& options) {
  validate(problem);
  if (options.maxIterations < 1) throw InvalidInput("maxIterations must be >= 1");
  const auto start = std::chrono::steady_clock::now();
  SolverKind kind = options.kind;
  if (kind == SolverKind::ClosedForm && !isBalanced(problem))
    throw InvalidInput("the closed form (Theorem 1) applies only when all classes have the same size");
  const bool ce = problem.loss.kind == LossKind::CE;
  if (kind == SolverKind::ClosedForm && !ce)
    throw InvalidInput("the closed form (Theorem 1) is for cross-entropy; " + toString(problem.loss.kind) +
                       " is solved by the reduced or general solver");
  if (kind == SolverKind::ClosedForm && problem.fixedEtfClassifier)
    throw InvalidInput("the closed form (Theorem 1) is for learned classifiers");
  if (kind == SolverKind::ClosedForm && (problem.penalized() || problem.supcon()))
    throw InvalidInput("the closed form (Theorem 1) is for the constrained layer-peeled model");
  if (kind == SolverKind::Auto)
    kind = isBalanced(problem) && ce && !problem.fixedEtfClassifier && !problem.penalized() && !problem.supcon()
               ? SolverKind::ClosedForm
               : SolverKind::Reduced;

  Solution s;
  if (kind == SolverKind::ClosedForm) {
    s = closedForm(problem);
  } else {
    // Attempts: as asked (warm or cold); then cold; then cold from another seed, 4x as long.
    s = solveOnce(problem, kind, options, options.warmStart.get(), options.seed, options.maxIterations);
    int attempts = 1;
    if (options.retry && !s.certified && !s.cancelled) {
      const bool wasWarm = s.warmStarted;
      const int schedule[][2] = {{0, 1}, {1, 4}};  // seed offset, iteration factor
      for (const auto& step : schedule) {
        if (step[0] == 0 && !wasWarm) continue;  // the first attempt already was this one
        const long long iters = static_cast<long long>(options.maxIterations) * step[1];
        Solution t = solveOnce(problem, kind, options, nullptr, options.seed + 1000u * step[0],
                               static_cast<int>(std::min<long long>(iters, 1 << 30)));
        ++attempts;
        const bool cancelled = t.cancelled;
        if (better(t, s)) s = std::move(t);
        if (s.certified || cancelled) {
          s.cancelled = s.cancelled || cancelled;
          break;
        }
      }
    }
    s.attempts = attempts;
  }
  s.solveMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return s;
}

SolveChain::SolveChain(SolveOptions base) : base_(base) {
  base_.warmStart.reset();  // the chain owns its warm state
  // Auto would take the closed form at balanced points, whose state cannot warm the next solve.
  if (base_.kind == SolverKind::Auto) base_.kind = SolverKind::Reduced;
}

Solution SolveChain::solve(const Problem& problem, const CancelToken& cancel) {
  SolveOptions o = base_;
  o.warmStart = warm_;
  if (cancel.cancellable()) o.cancel = cancel;
  Solution s = lpm::solve(problem, o);
  if (s.certified && s.state.size())
    warm_ = std::make_shared<const Eigen::VectorXd>(s.state);
  else if (!s.cancelled)
    warm_.reset();  // never carry an uncertified state into the next problem
  return s;
}

}  // namespace lpm
