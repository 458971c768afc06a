// `lpm`: the headless command line of LPM Studio.
#include <CLI/CLI.hpp>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "lpm/Metrics.h"
#include "lpm/Report.h"
#include "lpm/Solver.h"
#include "lpm/Sweep.h"
#include "lpm/Version.h"

namespace {

// Exit codes: 0 ok, 1 refused file / runtime failure, 2 bad input.
constexpr int kBadInput = 2;

double parseNumber(const std::string& name, const std::string& text) {
  std::string t = text;
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "inf" || t == "infinity" || t == "+inf") return lpm::kInfinity;
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    throw lpm::InvalidInput(name + " must be a number, got '" + text + "'");
  }
  if (used != text.size()) throw lpm::InvalidInput(name + " must be a number, got '" + text + "'");
  return v;
}

template <class T>
std::vector<T> parseList(const std::string& name, const std::string& text) {
  std::vector<T> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) throw lpm::InvalidInput(name + " has an empty entry: '" + text + "'");
    const double v = parseNumber(name, item);
    if constexpr (std::is_integral_v<T>) {
      if (v != std::floor(v) || std::abs(v) > 1e9) throw lpm::InvalidInput(name + " entries must be integers, got '" + item + "'");
    }
    out.push_back(static_cast<T>(v));
  }
  if (out.empty()) throw lpm::InvalidInput(name + " must not be empty");
  return out;
}

struct SolveArgs {
  int KA = 5, KB = 5;
  std::string EW = "1", EH = "5", R = "1", wr = "1";
  std::string sizes, minority, solver = "auto";
  bool matrix = false, json = false;
};

void printTable(const lpm::Solution& s, const lpm::Metrics& m) {
  auto opt = [](const std::optional<double>& v) { return v ? lpm::formatNumber(*v) : std::string("null"); };
  std::cout << std::left;
  auto row = [](const std::string& k, const std::string& v) { std::cout << "  " << std::setw(20) << k << v << "\n"; };
  row("objective", lpm::formatNumber(s.objective));
  row("gap (certified)", lpm::formatNumber(s.gap));
  row("minority state", lpm::toString(m.minorityState));
  row("minority cosine", opt(m.minorityCos()));
  row("majority cosine", opt(m.majorityW.meanCos));
  row("between cosine", opt(m.betweenCos));
  row("minority |w|", lpm::formatNumber(m.minorityW.normMean));
  row("majority |w|", lpm::formatNumber(m.majorityW.normMean));
  row("minority |w| cv", lpm::formatNumber(m.minorityW.normCV));
  row("ETF deviation", lpm::formatNumber(m.etfDeviation));
  row("solver", lpm::toString(s.solver));
  row("iterations", std::to_string(s.iterations));
  row("solve time (ms)", lpm::formatNumber(s.solveMs));
}

int runSolve(const SolveArgs& a) {
  lpm::Problem p;
  const double EW = parseNumber("EW", a.EW), EH = parseNumber("EH", a.EH);
  if (!a.sizes.empty()) {
    std::vector<int> minority;
    if (!a.minority.empty()) minority = parseList<int>("--minority", a.minority);
    p = lpm::makeFromSizes(EW, EH, parseList<double>("--sizes", a.sizes), minority);
  } else {
    lpm::TwoSizeParams tp;
    tp.KA = a.KA, tp.KB = a.KB, tp.EW = EW, tp.EH = EH;
    tp.R = parseNumber("R", a.R);
    tp.wr = parseNumber("wr", a.wr);
    p = lpm::makeTwoSize(tp);
  }
  lpm::SolveOptions o;
  o.kind = lpm::solverKindFromString(a.solver);
  const lpm::Solution s = lpm::solve(p, o);
  const lpm::Metrics m = lpm::computeMetrics(s);
  if (a.json)
    std::cout << lpm::solutionJson(s, m, a.matrix).dump(2) << "\n";
  else
    printTable(s, m);
  return 0;
}

struct SweepArgs {
  int K = 0, KB = 0;
  std::string KA = "3,5,7", EW = "1", EH = "5", Rmin = "1", Rmax = "1e4", wr = "1";
  int points = 41;
  std::string csv;
};

int runSweep(const SweepArgs& a) {
  if ((a.K > 0) == (a.KB > 0)) throw lpm::InvalidInput("give exactly one of --K and --KB");
  const auto Rs = lpm::logGrid(parseNumber("R-min", a.Rmin), parseNumber("R-max", a.Rmax), a.points);
  std::ofstream file;
  if (!a.csv.empty()) {
    file.open(a.csv);
    if (!file) {
      std::cerr << "lpm: cannot write " << a.csv << "\n";
      return 1;
    }
  }
  std::ostream& out = a.csv.empty() ? std::cout : file;
  lpm::writeSweepCsvHeader(out);
  for (int KA : parseList<int>("--KA", a.KA)) {
    lpm::TwoSizeParams tp;
    tp.KA = KA;
    tp.KB = a.K > 0 ? a.K - KA : a.KB;
    tp.EW = parseNumber("EW", a.EW), tp.EH = parseNumber("EH", a.EH), tp.wr = parseNumber("wr", a.wr);
    lpm::validate(tp);
    for (const auto& pt : lpm::sweepR(tp, Rs)) lpm::writeSweepCsvRow(out, tp, pt);
  }
  return 0;
}

int runTransition(int KA, int KB, const std::string& EW, const std::string& EH, const std::string& wr,
                  const std::string& tol, bool json) {
  lpm::TwoSizeParams tp;
  tp.KA = KA, tp.KB = KB, tp.EW = parseNumber("EW", EW), tp.EH = parseNumber("EH", EH), tp.wr = parseNumber("wr", wr);
  const auto r = lpm::phaseTransitionRatio(tp, parseNumber("tol", tol));
  if (json) {
    nlohmann::json j;
    j["R0"] = std::isinf(r.R0) ? nlohmann::json("inf") : nlohmann::json(r.R0);
    j["tol"] = r.tol;
    j["solves"] = r.solves;
    j["ms"] = r.ms;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "R0 = " << lpm::formatNumber(r.R0) << "  (minority cosine >= 1 - " << r.tol << "; " << r.solves
              << " solves, " << r.ms << " ms)\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lpm: the Layer-Peeled Model from the command line (LPM Studio " LPM_VERSION_STRING ")"};
  app.set_version_flag("--version", std::string("lpm ") + LPM_VERSION_STRING);
  app.require_subcommand(1);

  SolveArgs sa;
  auto* solve = app.add_subcommand("solve", "Solve the convex relaxation Eq. (15) for one setting");
  solve->add_option("--KA", sa.KA, "number of majority classes")->capture_default_str();
  solve->add_option("--KB", sa.KB, "number of minority classes")->capture_default_str();
  solve->add_option("--EW", sa.EW, "classifier energy budget")->capture_default_str();
  solve->add_option("--EH", sa.EH, "feature energy budget")->capture_default_str();
  solve->add_option("--R", sa.R, "imbalance ratio n_A / n_B (>= 1, or inf)")->capture_default_str();
  solve->add_option("--wr", sa.wr, "minority oversampling rate (Eq. 18)")->capture_default_str();
  solve->add_option("--sizes", sa.sizes, "every class size, comma separated (overrides KA, KB, R)");
  solve->add_option("--minority", sa.minority, "0-based minority classes for --sizes (default: the smallest)");
  solve->add_option("--solver", sa.solver, "auto | reduced | general | closed-form")->capture_default_str();
  solve->add_flag("--matrix", sa.matrix, "also output X, W, H and the classifier cosines");
  solve->add_flag("--json", sa.json, "JSON on stdout");

  SweepArgs wa;
  auto* sweep = app.add_subcommand("sweep", "Minority cosine versus R on a log grid (CSV)");
  sweep->add_option("--K", wa.K, "total number of classes");
  sweep->add_option("--KB", wa.KB, "number of minority classes (instead of --K)");
  sweep->add_option("--KA", wa.KA, "majority counts, comma separated")->capture_default_str();
  sweep->add_option("--EW", wa.EW)->capture_default_str();
  sweep->add_option("--EH", wa.EH)->capture_default_str();
  sweep->add_option("--wr", wa.wr)->capture_default_str();
  sweep->add_option("--R-min", wa.Rmin)->capture_default_str();
  sweep->add_option("--R-max", wa.Rmax)->capture_default_str();
  sweep->add_option("--points", wa.points)->capture_default_str();
  sweep->add_option("--csv", wa.csv, "write the CSV to this file instead of stdout");

  int tKA = 5, tKB = 5;
  std::string tEW = "1", tEH = "5", tWr = "1", tTol = "1e-3";
  bool tJson = false;
  auto* transition = app.add_subcommand("transition", "The phase transition R0 of Minority Collapse");
  transition->add_option("--KA", tKA)->capture_default_str();
  transition->add_option("--KB", tKB)->capture_default_str();
  transition->add_option("--EW", tEW)->capture_default_str();
  transition->add_option("--EH", tEH)->capture_default_str();
  transition->add_option("--wr", tWr)->capture_default_str();
  transition->add_option("--tol", tTol, "collapse when the minority cosine >= 1 - tol")->capture_default_str();
  transition->add_flag("--json", tJson);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kBadInput;
  }
  try {
    if (*solve) return runSolve(sa);
    if (*sweep) return runSweep(wa);
    if (*transition) return runTransition(tKA, tKB, tEW, tEH, tWr, tTol, tJson);
  } catch (const lpm::InvalidInput& e) {
    std::cerr << "lpm: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "lpm: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
