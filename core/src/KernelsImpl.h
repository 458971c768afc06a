// The kernels of Kernels.h, compiled once per instruction set: Kernels.cpp (baseline) and
// KernelsAvx2.cpp (x86-64-v3) include this inside their own namespace, with LPM_KERNEL_TABLE the
// name of the table to define, after including <cmath>, <limits> and <Eigen/Dense> at global scope
// (KernelsAvx2.cpp renames Eigen's namespace first), and LPM_KERNEL_VECTOR_BYTES the width of
// its vectors (16: SSE2, 32: AVX2).

namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;
using Vector = Eigen::Matrix<double, Eigen::Dynamic, 1>;
using Array = Eigen::Array<double, Eigen::Dynamic, 1>;
using CMap = Eigen::Map<const Matrix>;
using MMap = Eigen::Map<Matrix>;
using CVMap = Eigen::Map<const Vector>;
using VMap = Eigen::Map<Vector>;
using CAMap = Eigen::Map<const Array>;
using AMap = Eigen::Map<Array>;

// Small products are evaluated coefficient by coefficient, and Eigen peels the destination by its
// address's alignment, the peeled coefficients summed in another order (see ceRows): those are
// computed into the unit's own aligned matrix and copied. Large ones (GEMM) pack their operands
// and round the same wherever they lie.
constexpr int kSmallProduct = 64;  // m + n + k below this (Eigen switches at 20)

// Large products on two cores (doc/dev/04-SOLVER.md): the two halves run at once, one on a thread
// of its own. Only from 2 x 10^7 multiply-adds: below, starting the thread costs more than it
// saves. A thread per call, not a pool and not OpenMP: OpenMP's worker threads, once started,
// stayed in the way of the window's drawing threads (software GL) and its p95 frame time rose
// from 36 to 43-54 ms at K = 100.
constexpr double kParallelWork = 2e7;
inline bool twoCores() {
  static const bool cores = std::thread::hardware_concurrency() >= 2;
  return cores;
}
inline bool parallelWorth(double multiplyAdds) { return twoCores() && multiplyAdds >= kParallelWork; }

void productNT(int m, int n, int k, const double* A, const double* B, double* C) {
  if (n >= 2 && parallelWorth(double(m) * n * k)) {
    // The columns of C in two halves: each half is the product of A with half of B's rows.
    const int half = n / 2;
    auto right = std::async(std::launch::async, [=] {
      MMap(C + static_cast<Eigen::Index>(half) * m, m, n - half).noalias() =
          CMap(A, m, k) * Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>(B + half, n - half, k, Eigen::OuterStride<>(n)).transpose();
    });
    MMap(C, m, half).noalias() =
        CMap(A, m, k) * Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>(B, half, k, Eigen::OuterStride<>(n)).transpose();
    right.get();
    return;
  }
  if (m + n + k < kSmallProduct) {
    const Matrix P = CMap(A, m, k) * CMap(B, n, k).transpose();
    MMap(C, m, n) = P;
    return;
  }
  MMap(C, m, n).noalias() = CMap(A, m, k) * CMap(B, n, k).transpose();
}

void gradients(int G, int r, const double* Dt, const double* U, const double* V, double* gU, double* gV) {
  const CMap D(Dt, G, G);
  if (parallelWorth(double(G) * G * r)) {
    // The two products at once: each exactly as it would be alone.
    auto first = std::async(std::launch::async, [=] { MMap(gU, G, r).noalias() = CMap(Dt, G, G).transpose() * CMap(V, G, r); });
    MMap(gV, G, r).noalias() = D * CMap(U, G, r);
    first.get();
    return;
  }
  if (2 * G + r < kSmallProduct) {
    const Matrix a = D.transpose() * CMap(V, G, r), b = D * CMap(U, G, r);
    MMap(gU, G, r) = a;
    MMap(gV, G, r) = b;
    return;
  }
  MMap(gU, G, r).noalias() = D.transpose() * CMap(V, G, r);
  MMap(gV, G, r).noalias() = D * CMap(U, G, r);
}

// The cross-entropy rows (GroupedObjective::operator(), which documents the form): a class of g
// against each class of g' != g at Zbar/sqrt(n_g n_g') - e, against the other n_g - 1 classes of g
// at fs - e, relative to its own logit e; log1p of the others, 1 - p_self = others / (1 + others).
//
// Reductions run on the unit's own (aligned) copies only: Eigen peels a reduction over a mapped
// array by the address's alignment to its packet (32 bytes here, 16 in the caller's allocations),
// and the sum's rounding would then depend on where the caller's heap put the array: the same
// solve could differ in its last digits between two processes.
double ceRows(const lpm::detail::CeRows& in, double& gainOut) {
  const int G = in.G;
  const Array n = CAMap(in.n, G), sqrtN = CAMap(in.sqrtN, G);
  Array L(G), E(G);
  double f = 0, gain = 0;
  for (int g = 0; g < G; ++g) {
    AMap Dcol(in.Dt + static_cast<Eigen::Index>(g) * G, G);
    if (in.pi[g] == 0) {
      Dcol.setZero();
      in.delta[g] = 0;
      continue;
    }
    const double ng = in.n[g], cg = in.c[g], pig = in.pi[g];
    L = CAMap(in.Zt + static_cast<Eigen::Index>(g) * G, G) / CAMap(in.sqrtNN + static_cast<Eigen::Index>(g) * G, G);
    const double e = L(g) + cg * (1 - 1 / ng);
    const double fs = L(g) - cg / ng;
    const bool hasSame = ng > 1;
    L -= e;
    L(g) = -std::numeric_limits<double>::infinity();
    double m = std::max(L.maxCoeff(), 0.0);
    if (hasSame) m = std::max(m, fs - e);
    E = (L - m).exp();
    E(g) = 0;
    const double Pf = hasSame ? std::exp(fs - e - m) : 0.0, Pe = std::exp(-m);
    const double others = (n * E).sum() + (ng - 1) * Pf;
    const double S = others + Pe;
    const double loss = m == 0 ? std::log1p(others) : m + std::log(S);
    f += ng * pig * loss;
    // log K - loss without cancellation when the loss is near log K:
    // log(S / K) = log1p(sum over the other classes of expm1(logit - e) / K). With m = 0 every
    // L_j <= 0 and E_j = exp(L_j); expm1 is needed only near 0: for L_j <= -1/2, E_j - 1 is in
    // [-1, -0.39] and exact to a few ulps (E_j - 1 is exact by Sterbenz for E_j >= 1/2).
    double lossMinusLogK;
    if (m == 0) {
      double sumExpm1 = 0;
      for (int j = 0; j < G; ++j) {
        if (j == g) continue;
        const double x = L(j);
        sumExpm1 += n(j) * (x > -0.5 ? std::expm1(x) : E(j) - 1);
      }
      if (hasSame) sumExpm1 += (ng - 1) * std::expm1(fs - e);
      lossMinusLogK = std::log1p(sumExpm1 / in.K);
    } else {
      lossMinusLogK = loss - in.logK;
    }
    gain -= ng * pig * lossMinusLogK;
    const double notSelf = others / S, pSame = Pf / S;
    Dcol = (pig * std::sqrt(ng) / S) * (E * sqrtN);
    Dcol(g) = pig * ((ng - 1) * pSame - notSelf);
    in.delta[g] = -pig * (notSelf + pSame);
  }
  gainOut = gain;
  return f;
}

double power(int G, const double* Dt, double* vp, int steps) {
  const Matrix D = CMap(Dt, G, G);  // D^T; a copy: see ceRows on alignment
  VMap v(vp, G);
  Vector w(G), u(G);
  u = v;
  double lambda = 0;
  for (int it = 0; it < steps; ++it) {
    w.noalias() = D.transpose() * u;  // D u
    const double next = w.squaredNorm();  // u^T (D^T D) u, |u| = 1
    u.noalias() = D * w;  // D^T w
    const double norm = u.norm();
    if (!(norm > 0)) break;
    u /= norm;
    const bool settled = std::abs(next - lambda) <= 1e-15 * next;
    lambda = std::max(lambda, next);
    if (settled) break;
  }
  if (u.allFinite() && u.norm() > 0) v = u;
  return lambda;
}

// Vectors of the width the unit is compiled for (GCC/Clang vector extensions; two accumulators).
typedef double Packet __attribute__((vector_size(LPM_KERNEL_VECTOR_BYTES)));
constexpr int kLanes = LPM_KERNEL_VECTOR_BYTES / 8;
inline Packet loadu(const double* p) {
  Packet v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void storeu(double* p, const Packet& v) { std::memcpy(p, &v, sizeof v); }
inline Packet broadcast(double a) {
  Packet v;
  for (int i = 0; i < kLanes; ++i) v[i] = a;
  return v;
}

// d = a d + b x (a == 0: d = b x, whatever d held), and returns y . d, in one pass.
double axpbyDot(long n, double* d, double a, double b, const double* x, const double* y) {
  const Packet va = broadcast(a), vb = broadcast(b);
  Packet acc0 = broadcast(0), acc1 = broadcast(0);
  long k = 0;
  if (a == 0) {
    for (; k + 2 * kLanes <= n; k += 2 * kLanes) {
      const Packet d0 = vb * loadu(x + k), d1 = vb * loadu(x + k + kLanes);
      storeu(d + k, d0), storeu(d + k + kLanes, d1);
      acc0 += loadu(y + k) * d0, acc1 += loadu(y + k + kLanes) * d1;
    }
  } else {
    for (; k + 2 * kLanes <= n; k += 2 * kLanes) {
      const Packet d0 = va * loadu(d + k) + vb * loadu(x + k);
      const Packet d1 = va * loadu(d + k + kLanes) + vb * loadu(x + k + kLanes);
      storeu(d + k, d0), storeu(d + k + kLanes, d1);
      acc0 += loadu(y + k) * d0, acc1 += loadu(y + k + kLanes) * d1;
    }
  }
  acc0 += acc1;
  double acc = 0;
  for (int i = 0; i < kLanes; ++i) acc += acc0[i];
  for (; k < n; ++k) {
    d[k] = (a == 0 ? 0.0 : a * d[k]) + b * x[k];
    acc += y[k] * d[k];
  }
  return acc;
}

// d = gamma h (d - a x), and returns x . d, in one pass.
double scaleDiagDot(long n, double* d, double gamma, const double* h, double a, const double* x) {
  const Packet va = broadcast(a), vg = broadcast(gamma);
  Packet acc0 = broadcast(0);
  long k = 0;
  for (; k + kLanes <= n; k += kLanes) {
    const Packet xk = loadu(x + k);
    const Packet dk = vg * loadu(h + k) * (loadu(d + k) - va * xk);
    storeu(d + k, dk);
    acc0 += xk * dk;
  }
  double acc = 0;
  for (int i = 0; i < kLanes; ++i) acc += acc0[i];
  for (; k < n; ++k) {
    d[k] = gamma * h[k] * (d[k] - a * x[k]);
    acc += x[k] * d[k];
  }
  return acc;
}

void axpy(long n, double* d, double b, const double* x) {
  const Packet vb = broadcast(b);
  long k = 0;
  for (; k + kLanes <= n; k += kLanes) storeu(d + k, loadu(d + k) + vb * loadu(x + k));
  for (; k < n; ++k) d[k] += b * x[k];
}

// The recursion on the range [lo, hi) of the vectors; `total` turns each pass's partial dot
// product into the whole vector's (the identity when the range is the whole vector).
template <class Total>
void twoLoopRange(long n, long lo, long hi, int count, const int* cols, const double* S, const double* Y,
                  const double* rho, const double* g, double gamma, const double* h0, double* d, double* alpha,
                  Total&& total) {
  const long m = hi - lo;
  d += lo, g += lo;
  if (h0) h0 += lo;
  auto s = [&](int i) { return S + static_cast<long>(cols[i]) * n + lo; };
  auto y = [&](int i) { return Y + static_cast<long>(cols[i]) * n + lo; };
  // First loop, newest to oldest: alpha_i = rho_i s_i . d, d -= alpha_i y_i; each pass also takes
  // the next dot product. The last one scales by gamma and takes the second loop's first product.
  alpha[count - 1] = rho[cols[count - 1]] * total(axpbyDot(m, d, 0, -1, g, s(count - 1)));
  double next = 0;
  for (int i = count - 1; i >= 0; --i) {
    if (i > 0) {
      alpha[i - 1] = rho[cols[i - 1]] * total(axpbyDot(m, d, 1, -alpha[i], y(i), s(i - 1)));
    } else {
      next = total(h0 ? scaleDiagDot(m, d, gamma, h0, alpha[0], y(0)) : axpbyDot(m, d, gamma, -gamma * alpha[0], y(0), y(0)));
    }
  }
  // Second loop, oldest to newest: beta_i = rho_i y_i . d, d += (alpha_i - beta_i) s_i.
  for (int i = 0; i < count; ++i) {
    const double beta = rho[cols[i]] * next;
    if (i + 1 < count) {
      next = total(axpbyDot(m, d, 1, alpha[i] - beta, s(i), y(i + 1)));
    } else {
      axpy(m, d, alpha[i] - beta, s(i));
    }
  }
}

// Two threads meeting once per pass of the two-loop recursion: each leaves its half's partial dot
// product and takes the sum, first half + second half (the same digits in both threads).
class PassExchange {
public:
  double total(int side, double mine) {
    const long pass = passes_[side]++;
    part_[pass & 1][side] = mine;
    const long want = 2 * (pass + 1);
    arrived_.fetch_add(1, std::memory_order_acq_rel);
    for (int spins = 0; arrived_.load(std::memory_order_acquire) < want; ++spins)
      if (spins > 64) std::this_thread::yield();
    return part_[pass & 1][0] + part_[pass & 1][1];
  }

private:
  std::atomic<long> arrived_{0};
  long passes_[2] = {0, 0};
  double part_[2][2] = {{0, 0}, {0, 0}};  // by the pass's parity: a side two passes ahead waits for the other
};

// Vectors of at least this many numbers (K = 500's factors: 2.3 x 10^5): the recursion streams
// 4 vectors per pass, 2 m passes, from memory; two cores stream them in about half the time
// (measured here at 934,000 numbers and 10 pairs: 27 against 13 ms).
constexpr long kSplitTwoLoop = 1L << 16;

void twoLoop(long n, int count, const int* cols, const double* S, const double* Y, const double* rho, const double* g,
             double gamma, const double* h0, double* d, double* alpha) {
  if (count == 0) {
    for (long k = 0; k < n; ++k) d[k] = -gamma * (h0 ? h0[k] : 1.0) * g[k];
    return;
  }
  // On one core the recursion runs unsplit: its dot products are summed in one piece, so the last
  // digits can differ from a two-core machine's (the products' halves, above, do not).
  if (n < kSplitTwoLoop || !twoCores()) {
    twoLoopRange(n, 0, n, count, cols, S, Y, rho, g, gamma, h0, d, alpha, [](double x) { return x; });
    return;
  }
  // Long vectors: two halves, each on a core of its own (the split at a multiple of 16, so that
  // neither half's rounding depends on where the vectors lie).
  const long half = (n / 2) & ~15L;
  PassExchange exchange;
  std::vector<double> otherAlpha(static_cast<size_t>(count));
  auto second = std::async(std::launch::async, [&] {
    twoLoopRange(n, half, n, count, cols, S, Y, rho, g, gamma, h0, d, otherAlpha.data(),
                 [&](double x) { return exchange.total(1, x); });
  });
  twoLoopRange(n, 0, half, count, cols, S, Y, rho, g, gamma, h0, d, alpha, [&](double x) { return exchange.total(0, x); });
  second.get();
}

void gramEigenvalues(int rows, int cols, const double* Mp, double* out) {
  const CMap M(Mp, rows, cols);
  // The smaller Gram matrix, as productNT computes it (in halves on two cores when large).
  const int g = std::min(rows, cols);
  Matrix G(g, g);
  if (rows < cols) {
    productNT(rows, rows, cols, Mp, Mp, G.data());
  } else {
    const Matrix Mt = M.transpose();
    productNT(cols, cols, rows, Mt.data(), Mt.data(), G.data());
  }
  VMap(out, G.rows()) = Eigen::SelfAdjointEigenSolver<Matrix>(G, Eigen::EigenvaluesOnly).eigenvalues();
}

}  // namespace

const lpm::detail::Kernels LPM_KERNEL_TABLE = {LPM_KERNEL_NAME, productNT, gradients, ceRows, power, twoLoop, gramEigenvalues};
