#pragma once
// The general solver's heavy kernels (doc/dev/04-SOLVER.md, "Run-time dispatched AVX2 kernels"):
// the products of the factored objective and its gradient, the cross-entropy rows, the power
// iteration and L-BFGS's two-loop recursion. Every kernel is compiled twice from KernelsImpl.h:
// for the x86-64 baseline (packages run anywhere) and, where the compiler can, for x86-64-v3
// (AVX2 + FMA) in a translation unit of its own whose Eigen lives in a namespace of its own (no
// template instantiated with other flags can be merged into baseline code). The choice is made
// once, at run time, from the processor. Plain functions on raw column-major arrays only.

namespace lpm::detail {

/// Inputs of the cross-entropy rows in group form (GroupedObjective): column g of `Zt` holds the
/// logits of a class of group g against every group (Zt = Zbar^T), `sqrtNN` = sqrt(n_g n_h).
/// No default member initialisers: nothing of it may be compiled in the AVX2 unit as an inline
/// function the linker could pick for baseline code.
struct CeRows {
  int G;
  const double* Zt;      ///< G x G, column g: Zbar's row g
  const double* sqrtNN;  ///< G x G, symmetric
  const double* n;       ///< G: classes per group
  const double* sqrtN;   ///< G: sqrt(n)
  const double* pi;      ///< G: the class weight of a class of the group
  const double* c;       ///< G: contrasts
  double K, logK;
  double* Dt;     ///< out, G x G: D^T (column g: D's row g)
  double* delta;  ///< out, G
};

struct Kernels {
  const char* name;
  /// C (m x n) = A (m x k) B^T (B: n x k).
  void (*productNT)(int m, int n, int k, const double* A, const double* B, double* C);
  /// gU = Dt^T V, gV = Dt U (G x r each): the factors' gradients from D^T.
  void (*gradients)(int G, int r, const double* Dt, const double* U, const double* V, double* gU, double* gV);
  /// The rows' loss: returns f, writes D^T and delta; `gain` gets f(0) - f (log K - f, no cancellation).
  double (*ceRows)(const CeRows& in, double& gain);
  /// `steps` steps of power iteration on D^T D with D = Dt^T from the unit vector v (updated in
  /// place): returns the largest Rayleigh quotient seen (sigma_max(D)^2 from below).
  double (*power)(int G, const double* Dt, double* v, int steps);
  /// L-BFGS two-loop recursion: d = -H g for the pairs in columns cols[0..count) of S and Y
  /// (n x * each, oldest first), rho[c] = 1 / s_c . y_c, H0 = gamma diag(h0) (h0 nullptr: gamma I);
  /// `alpha`: count numbers of scratch. Fused passes: each reads d once per pair and direction.
  void (*twoLoop)(long n, int count, const int* cols, const double* S, const double* Y, const double* rho,
                  const double* g, double gamma, const double* h0, double* d, double* alpha);
  /// The eigenvalues (ascending) of the smaller Gram matrix of M (rows x cols): M M^T or M^T M,
  /// min(rows, cols) of them (Solver.cpp's singularValuesOf: the squared singular values).
  void (*gramEigenvalues)(int rows, int cols, const double* M, double* out);
};

/// The baseline kernels (any x86-64, or any other processor).
const Kernels& baselineKernels();
/// The AVX2 + FMA kernels, or nullptr when not built or the processor lacks them.
const Kernels* avx2Kernels();
/// What the solver uses: avx2Kernels() when available, unless LPM_KERNELS=baseline.
const Kernels& kernels();
/// For tests and measurements: use `k` from now on (nullptr: back to the automatic choice).
void setKernels(const Kernels* k);

}  // namespace lpm::detail
