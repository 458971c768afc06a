// `lpm solve`, `lpm sweep`, `lpm transition`: the model, one setting, a curve, the transition.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>

#include <chrono>
#include <cmath>
#include "Cli.h"
#include "lpm/Commands.h"
#include "lpm/Files.h"
#include "lpm/Design.h"
#include "lpm/Metrics.h"
#include "lpm/Report.h"
#include "lpm/Solver.h"
#include "lpm/Sweep.h"

namespace lpm::cli {
namespace {

void printTable(const Solution& s, const Metrics& m) {
  auto opt = [](const std::optional<double>& v) { return v ? formatNumber(*v) : std::string("null"); };
  std::cout << std::left;
  auto row = [](const std::string& k, const std::string& v) { std::cout << "  " << std::setw(20) << k << v << "\n"; };
  row("objective", formatNumber(s.objective));
  const char* target = s.problem.penalized() ? "  (certified: <= 1e-9 x f)" : "  (certified: <= 1e-9 x min(f, log K - f))";
  row("gap", formatNumber(s.gap) + (s.certified ? target : "  (NOT certified)"));
  row("minority state", describe(m.minorityState, s.gap));
  if (!s.certified) {
    row("", "the solve did not reach its certificate: no geometry is reported");
    row("iterations", std::to_string(s.iterations) + " (" + std::to_string(s.attempts) + " attempts)");
    return;
  }
  row("minority cosine", opt(m.minorityCos()));
  row("majority cosine", opt(m.majorityW.meanCos));
  row("between cosine", opt(m.betweenCos));
  row("minority |w|", formatNumber(m.minorityW.normMean));
  row("majority |w|", formatNumber(m.majorityW.normMean));
  row("minority |w| cv", formatNumber(m.minorityW.normCV));
  row("ETF deviation", formatNumber(m.etfDeviation));
  row("solver", toString(s.solver));
  row("iterations", std::to_string(s.iterations) + (s.attempts > 1 ? " (" + std::to_string(s.attempts) + " attempts)" : ""));
  row("solve time (ms)", formatNumber(s.solveMs));
}

struct SolveArgs {
  ParamTexts params;
  std::string sizes, counts, minority, solver = "auto";
  int maxIterations = SolveOptions{}.maxIterations;
  bool matrix = false, json = false;
};

int runSolve(const SolveArgs& a) {
  if (!a.sizes.empty() && !a.counts.empty()) throw InvalidInput("give --sizes or --counts, not both");
  const bool sized = !a.sizes.empty() || !a.counts.empty();
  SolveRequest r;
  r.params = paramsFrom(a.params, sized);
  if (sized) {
    if (!a.minority.empty()) r.minority = parseList<int>("--minority", a.minority);
    r.sizes = a.counts.empty() ? parseList<double>("--sizes", a.sizes) : io::readCountsFile(a.counts);
  } else if (!a.minority.empty()) {
    r.minority = parseList<int>("--minority", a.minority);  // refused by runSolve: no --sizes/--counts
  }
  SolveOptions& o = r.options;
  o.kind = solverKindFromString(a.solver);
  o.maxIterations = a.maxIterations;  // runSolve refuses < 1
  r.matrices = a.matrix;
  // A solve that takes more than a second says how it goes on stderr, once a second (stdout
  // keeps only the result, so --json stays machine-readable).
  const auto started = std::chrono::steady_clock::now();
  auto lastLine = started;
  bool printed = false;
  const double gapTarget = o.gapTarget;
  const size_t K = r.sizes ? r.sizes->size() : static_cast<size_t>(r.params.K());
  o.progress = [&, gapTarget, K](int iterations, double gap, bool atLeast) {
    const auto now = std::chrono::steady_clock::now();
    if (now - started < std::chrono::seconds(1) || now - lastLine < std::chrono::seconds(1)) return;
    lastLine = now;
    printed = true;
    std::cerr << "lpm: solving K = " << K << ": step " << iterations << ", gap " << (atLeast ? "> " : "")
              << std::setprecision(3) << gap
              << " (target " << gapTarget << " relative), "
              << std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count() / 1000.0 << " s" << std::endl;
  };
  const SolveOutcome out = runSolve(r);
  const Solution& s = out.solution;
  if (printed) std::cerr << "lpm: done in " << s.solveMs / 1000 << " s (" << (s.certified ? "certified" : "not certified") << ")" << std::endl;
  if (a.json) {
    std::cout << out.json.dump(2) << "\n";
  } else {
    printTable(s, out.metrics);
    for (const auto& n : out.notes) std::cout << "  note: " << n << "\n";
  }
  return certifiedExit(!s.certified, "the solution is");
}

struct SweepArgs {
  ParamTexts params;
  const CLI::Option *KAoption = nullptr, *KBoption = nullptr, *Koption = nullptr;
  int K = 0, KB = 0;
  std::string KA = "3,5,7", Rmin = "1", Rmax = "1e4";
  int points = 41;
  bool refine = false;
  std::string csv;
};

int runSweep(const SweepArgs& args) {
  // --set KA=, KB=, K= are sweep's own --KA (a list), --KB, --K.
  SweepArgs a = args;
  const auto setKA = takeSet(a.params, "KA", a.KAoption), setKB = takeSet(a.params, "KB", a.KBoption),
             setK = takeSet(a.params, "K", a.Koption);
  auto count = [](const char* name, const std::string& text, int lo) {
    const double v = parseNumber(name, text);
    if (!(v >= lo && v <= kMaxClasses) || v != std::floor(v))
      throw InvalidInput(std::string(name) + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(kMaxClasses) + ", got " + text);
    return static_cast<int>(v);
  };
  if (setKA) a.KA = *setKA;
  if (setKB) a.KB = count("KB", *setKB, 1);
  if (setK) a.K = count("K", *setK, 2);
  SweepRequest r;
  r.base = paramsFrom(a.params);
  r.fromPreset = !a.params.preset.empty();  // then runSweep takes the preset's K and KA where none is given
  r.K = a.K;
  r.KB = a.KB;
  r.Rmin = parseNumber("R-min", a.Rmin);
  r.Rmax = parseNumber("R-max", a.Rmax);
  r.points = a.points;
  r.refine = a.refine;
  if (!r.fromPreset || a.KAoption->count() > 0 || setKA) r.KA = parseList<int>("--KA", a.KA);
  std::ofstream file;
  if (!a.csv.empty()) {  // before the solves: a wrong path is said at once
    checkWritableFile(a.csv);
    file.open(a.csv);
    if (!file) throw IoError("cannot write " + a.csv);
  }
  std::ostream& sink = a.csv.empty() ? std::cout : file;
  r.write = [&sink](const std::string& text) { sink << text << std::flush; };  // each curve as it is done
  const auto out = runSweep(r);
  if (!a.csv.empty() && !writeSidecar(a.csv, out.sidecar)) throw IoError("cannot write " + a.csv + ".json");
  return certifiedExit(out.uncertified, std::to_string(out.uncertified) + " sweep point(s)");
}

struct TransitionArgs {
  ParamTexts params;
  std::string tol = "1e-3", Rmax = "1e100";
  bool json = false;
};

int runTransition(const TransitionArgs& a) {
  const TwoSizeParams tp = paramsFrom(a.params);
  TransitionOptions to;
  to.tol = parseNumber("tol", a.tol);
  to.Rmax = parseNumber("R-max", a.Rmax);
  const auto r = phaseTransitionRatio(tp, to);
  if (a.json) {
    std::cout << transitionReport(tp, r).dump(2) << "\n";
  } else {
    const char* vanish = r.features ? "mean minority |h| < 1e-3 sqrt(EH)"
                         : tp.budget == Budget::Penalized ? "mean minority |w| < 1e-3 of the largest |w|"
                                                          : "mean minority |w| < 1e-3 sqrt(EW)";
    std::cout << r.summary() << "\n  (collapse: minority cosine >= 1 - " << r.tol << "; vanished: " << vanish
              << "; R searched up to " << formatNumber(r.Rmax) << "; "
              << r.solves << " solves, " << r.ms << " ms)\n";
  }
  return certifiedExit(r.collapse.status == Bracket::NotCertified ? 1 : 0, "a solve on the way to R0 was");
}

struct DesignArgs {
  ParamTexts params;
  std::string vary = "wr", target = "0.5", lo, hi;
  bool json = false;
};

int runDesign(const DesignArgs& a) {
  const TwoSizeParams tp = paramsFrom(a.params);
  DesignQuery q;
  q.parameter = a.vary;
  q.targetCos = parseNumber("target-cos", a.target);
  q.R = tp.R;
  if (!a.lo.empty()) q.lo = parseNumber("lo", a.lo);
  if (!a.hi.empty()) q.hi = parseNumber("hi", a.hi);
  const DesignResult r = designValue(tp, q);
  if (a.json) {
    std::cout << designReport(tp, q, r).dump(2) << "\n";
  } else {
    std::cout << r.summary(q) << "  (" << r.solves << " certified solves)\n";
  }
  return certifiedExit(r.status == Bracket::NotCertified ? 1 : 0, "a solve on the way was");
}

}  // namespace

Command addDesign(CLI::App& app) {
  auto a = std::make_shared<DesignArgs>();
  auto* sub = app.add_subcommand("design", "The value of one parameter that keeps the minority cosine <= a target at R");
  addParameterOptions(sub, a->params, parameterNamesExcept({}));
  sub->add_option("--vary", a->vary, "the parameter to choose: wr, alpha, tau, margin or gamma")->capture_default_str();
  sub->add_option("--target-cos", a->target, "keep the minority cosine at or below this")->capture_default_str();
  sub->add_option("--lo", a->lo, "smallest value searched (default: the explorer's range)");
  sub->add_option("--hi", a->hi, "largest value searched (default: the explorer's range)");
  sub->add_flag("--json", a->json, "JSON on stdout");
  return {sub, [a] { return runDesign(*a); }};
}

Command addSolve(CLI::App& app) {
  auto a = std::make_shared<SolveArgs>();
  auto* sub = app.add_subcommand("solve", "Solve the convex relaxation Eq. (15) for one setting");
  addParameterOptions(sub, a->params, parameterNamesExcept({}));
  sub->add_option("--sizes", a->sizes, "every class size, comma separated (overrides KA, KB, R; absolute sample counts in the penalized form)")
      ->check(CLI::Validator([](std::string& v) { return v.empty() ? std::string("must not be empty") : std::string(); }, "LIST"));
  sub->add_option("--counts", a->counts, "every class size from a file: a 1-D .npy, or numbers in a .txt/.csv "
                                         "(e.g. token frequencies; absolute counts in the penalized form)");
  sub->add_option("--minority", a->minority, "0-based minority classes for --sizes/--counts (default: the smallest, "
                                             "after binning the smallest bin)");
  sub->add_option("--solver", a->solver, "auto | reduced | general | closed-form")->capture_default_str();
  sub->add_option("--max-iterations", a->maxIterations, "L-BFGS iterations of a first attempt; retries get up to 4x (exit 3 if not certified)")
      ->capture_default_str();
  sub->add_flag("--matrix", a->matrix, "also output X, W, H and the classifier cosines");
  sub->add_flag("--json", a->json, "JSON on stdout");
  return {sub, [a] { return runSolve(*a); }};
}

Command addSweep(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  auto* sub = app.add_subcommand("sweep", "Minority cosine versus R on a log grid (CSV)");
  a->Koption = sub->add_option("--K", a->K, "total number of classes")->check(CLI::Range(2, kMaxClasses));
  a->KBoption = sub->add_option("--KB", a->KB, "number of minority classes (instead of --K)")->check(CLI::Range(1, kMaxClasses));
  a->KAoption = sub->add_option("--KA", a->KA, "majority counts, comma separated (with --preset: the preset's KA)")
                    ->capture_default_str();
  addParameterOptions(sub, a->params, parameterNamesExcept({"KA", "KB", "R"}));
  a->params.notTaken["R"] = "sweep runs R over its grid (--R-min, --R-max, --points)";
  sub->add_option("--R-min", a->Rmin, "smallest R of the grid")->capture_default_str();
  sub->add_option("--R-max", a->Rmax, "largest R of the grid")->capture_default_str();
  sub->add_option("--points", a->points, "grid points, log-spaced")->capture_default_str();
  sub->add_option("--csv", a->csv, "write the CSV to this file (and its provenance to FILE.csv.json) instead of stdout");
  sub->add_flag("--refine", a->refine, "add points at R0, R_vanish and where the cosine changes fast (as figures do)");
  return {sub, [a] { return runSweep(*a); }};
}

Command addTransition(CLI::App& app) {
  auto a = std::make_shared<TransitionArgs>();
  auto* sub = app.add_subcommand("transition", "The phase transition R0 of Minority Collapse, and R_vanish");
  addParameterOptions(sub, a->params, parameterNamesExcept({"R"}));
  a->params.notTaken["R"] = "transition searches R itself (bound it with --R-max)";
  sub->add_option("--tol", a->tol, "collapse when the minority cosine >= 1 - tol")->capture_default_str();
  sub->add_option("--R-max", a->Rmax, "search R up to this (finite)")->capture_default_str();
  sub->add_flag("--json", a->json, "JSON on stdout");
  return {sub, [a] { return runTransition(*a); }};
}

}  // namespace lpm::cli
