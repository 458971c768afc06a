// Solver speed. Compare with CVXOPT on the same problems through bench/compare_cvxopt.sh.
#include <benchmark/benchmark.h>

#include "lpm/Metrics.h"
#include "lpm/Phase.h"
#include "lpm/Sweep.h"

using namespace lpm;

namespace {
Problem twoSize(int KA, int KB, double R) {
  TwoSizeParams p;
  p.KA = KA, p.KB = KB, p.EW = 1, p.EH = 5, p.R = R;
  return makeTwoSize(p);
}
}  // namespace

// One cold two-size solve at K = 10 (no warm start), certificate included.
static void TwoSizeK10(benchmark::State& state) {
  const Problem p = twoSize(5, 5, 100);
  for (auto _ : state) benchmark::DoNotOptimize(solve(p).objective);
}
BENCHMARK(TwoSizeK10)->Unit(benchmark::kMicrosecond);

// The same with 100000 classes: the reduced problem does not grow with K.
static void TwoSizeK100000(benchmark::State& state) {
  const Problem p = twoSize(50000, 50000, 100);
  SolveOptions o;
  o.kind = SolverKind::Reduced;
  for (auto _ : state) benchmark::DoNotOptimize(solve(p, o).objective);
}
BENCHMARK(TwoSizeK100000)->Unit(benchmark::kMicrosecond);

// Every loss of the family: one cold two-size solve at K = 10 (R = 100), certificate included,
// and a 41-point R sweep with warm starts. Arguments: the loss index in lossNames().
static Problem lossProblem(int index, int KA, int KB) {
  TwoSizeParams p;
  p.KA = KA, p.KB = KB, p.EW = 1, p.EH = index == static_cast<int>(LossKind::MSE) ? 0.5 : 5, p.R = 100;
  p.loss.kind = static_cast<LossKind>(index);
  p.loss.alpha = 0.1, p.loss.tau = 1, p.loss.margin = 0.5, p.loss.gamma = 0.2;
  return makeTwoSize(p);
}
static void LossK10(benchmark::State& state) {
  const Problem p = lossProblem(static_cast<int>(state.range(0)), 5, 5);
  state.SetLabel(toString(p.loss.kind));
  for (auto _ : state) benchmark::DoNotOptimize(solve(p).objective);
}
BENCHMARK(LossK10)->DenseRange(0, 5)->Unit(benchmark::kMicrosecond);

static void LossK100000(benchmark::State& state) {
  const Problem p = lossProblem(static_cast<int>(state.range(0)), 50000, 50000);
  state.SetLabel(toString(p.loss.kind));
  for (auto _ : state) benchmark::DoNotOptimize(solve(p).objective);
}
BENCHMARK(LossK100000)->DenseRange(0, 5)->Unit(benchmark::kMicrosecond);

static void LossSweep41(benchmark::State& state) {
  TwoSizeParams p;
  p.KA = 5, p.KB = 5, p.EW = 1, p.EH = state.range(0) == static_cast<int>(LossKind::MSE) ? 0.5 : 5;
  p.loss.kind = static_cast<LossKind>(state.range(0));
  p.loss.alpha = 0.1, p.loss.tau = 1, p.loss.margin = 0.5, p.loss.gamma = 0.2;
  state.SetLabel(toString(p.loss.kind));
  const auto Rs = logGrid(1, 1e4, 41);
  for (auto _ : state) benchmark::DoNotOptimize(sweepR(p, Rs).size());
}
BENCHMARK(LossSweep41)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

// The penalized form (weight decay, n_A = 500, mu = 1e-3, R = 20; no bias and lambda_b = 1e-2) and
// the supervised contrastive model (EH = 1, t = 0.5, R = 20): one cold solve at K = 10 per loss.
static void PenalizedK10(benchmark::State& state) {
  TwoSizeParams p;
  p.KA = 5, p.KB = 5, p.R = 20, p.nA = 500, p.budget = Budget::Penalized;
  p.loss.kind = static_cast<LossKind>(state.range(0) % 6);
  p.loss.alpha = 0.1, p.loss.tau = 1, p.loss.margin = 0.5, p.loss.gamma = 0.2;
  if (state.range(0) >= 6) p.penalty.lambdaB = 1e-2;
  const Problem q = makeTwoSize(p);
  state.SetLabel(toString(q.loss.kind) + (state.range(0) >= 6 ? " + bias" : ""));
  for (auto _ : state) benchmark::DoNotOptimize(solve(q).objective);
}
BENCHMARK(PenalizedK10)->DenseRange(0, 11)->Unit(benchmark::kMicrosecond);

static void SupConK10(benchmark::State& state) {
  TwoSizeParams p;
  p.KA = 5, p.KB = 5, p.R = static_cast<double>(state.range(0)), p.EH = 1, p.model = ModelKind::SupCon, p.temperature = 0.5;
  const Problem q = makeTwoSize(p);
  for (auto _ : state) benchmark::DoNotOptimize(solve(q).objective);
}
BENCHMARK(SupConK10)->Arg(1)->Arg(20)->Arg(1000)->Unit(benchmark::kMicrosecond);

static void PenalizedK100000(benchmark::State& state) {
  TwoSizeParams p;
  p.KA = 50000, p.KB = 50000, p.R = 20, p.nA = 500, p.budget = Budget::Penalized;
  p.penalty.lambdaW = p.penalty.lambdaH = 1e-6;
  const Problem q = makeTwoSize(p);
  for (auto _ : state) benchmark::DoNotOptimize(solve(q).objective);
}
BENCHMARK(PenalizedK100000)->Unit(benchmark::kMicrosecond);

// Figure 3: 41 values of R x KA in {3, 5, 7} x EH in {5, 10} = 246 solves, with warm starts.
static void Figure3Sweep(benchmark::State& state) {
  const auto Rs = logGrid(1, 1e4, 41);
  for (auto _ : state) {
    for (double EH : {5.0, 10.0})
      for (int KA : {3, 5, 7}) {
        TwoSizeParams p;
        p.KA = KA, p.KB = 10 - KA, p.EW = 1, p.EH = EH;
        benchmark::DoNotOptimize(sweepR(p, Rs).size());
      }
  }
}
BENCHMARK(Figure3Sweep)->Unit(benchmark::kMillisecond);

static void TransitionR0(benchmark::State& state) {
  TwoSizeParams p;
  p.KA = 5, p.KB = 5, p.EW = 1, p.EH = 5;
  for (auto _ : state) benchmark::DoNotOptimize(phaseTransitionRatio(p).solves);
}
BENCHMARK(TransitionR0)->Unit(benchmark::kMillisecond);

// The phase diagram's target (issue: 120 x 80 cells, two sizes, K = 10, under 1 s on one core):
// EW·EH 1..100 against R 1..1e6, every cell and every row's R0 and R_vanish.
static void PhaseDiagram120x80(benchmark::State& state) {
  PhaseRequest r;
  r.base.KA = 5, r.base.KB = 5, r.base.EW = 1, r.base.EH = 5;
  r.axis = "EWEH", r.yMin = 1, r.yMax = 100, r.ny = 80, r.Rmin = 1, r.Rmax = 1e6, r.nx = 120;
  int uncertified = 0;
  for (auto _ : state) uncertified = computePhaseDiagram(r).uncertified();
  state.counters["uncertified"] = uncertified;
}
BENCHMARK(PhaseDiagram120x80)->Unit(benchmark::kMillisecond);

// General solver, long-tailed sizes n_k = 100^(-k/(K-1)) (every class its own size).
static void GeneralLongTail(benchmark::State& state) {
  const int K = static_cast<int>(state.range(0));
  const Problem p = makeFromSizes(1, 5, exponentialProfile(K, 100));
  SolveOptions o;
  o.kind = SolverKind::General;
  double gap = 0, iterations = 0, certified = 0;
  for (auto _ : state) {
    const Solution s = solve(p, o);
    gap = s.gap, iterations = s.iterations, certified = s.certified;
  }
  state.counters["gap"] = gap;
  state.counters["iters"] = iterations;
  state.counters["certified"] = certified;
}
BENCHMARK(GeneralLongTail)->Arg(10)->Arg(20)->Arg(30)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(GeneralLongTail)->Arg(200)->Arg(500)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
