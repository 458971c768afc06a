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
#include "lpm/Presets.h"
#include "lpm/io/Analysis.h"
#include "lpm/io/Network.h"
#include "lpm/Geometry.h"
#include "lpm/Session.h"
#ifdef LPM_HAVE_RENDER
#include "lpm/render/Figure.h"
#endif

namespace {

// Exit codes: 0 ok, 1 refused file / runtime failure, 2 bad input, 3 a result not certified.
constexpr int kBadInput = 2;
constexpr int kNotCertified = 3;

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
  int maxIterations = lpm::SolveOptions{}.maxIterations;
  bool matrix = false, json = false;
};

void printTable(const lpm::Solution& s, const lpm::Metrics& m) {
  auto opt = [](const std::optional<double>& v) { return v ? lpm::formatNumber(*v) : std::string("null"); };
  std::cout << std::left;
  auto row = [](const std::string& k, const std::string& v) { std::cout << "  " << std::setw(20) << k << v << "\n"; };
  row("objective", lpm::formatNumber(s.objective));
  row("gap", lpm::formatNumber(s.gap) + (s.certified ? "  (certified: <= 1e-9 x objective)" : "  (NOT certified)"));
  row("minority state", lpm::describe(m.minorityState, s.gap));
  if (!s.certified) {
    row("", "the solve did not reach its certificate: no geometry is reported");
    row("iterations", std::to_string(s.iterations) + " (" + std::to_string(s.attempts) + " attempts)");
    return;
  }
  row("minority cosine", opt(m.minorityCos()));
  row("majority cosine", opt(m.majorityW.meanCos));
  row("between cosine", opt(m.betweenCos));
  row("minority |w|", lpm::formatNumber(m.minorityW.normMean));
  row("majority |w|", lpm::formatNumber(m.majorityW.normMean));
  row("minority |w| cv", lpm::formatNumber(m.minorityW.normCV));
  row("ETF deviation", lpm::formatNumber(m.etfDeviation));
  row("solver", lpm::toString(s.solver));
  row("iterations", std::to_string(s.iterations) + (s.attempts > 1 ? " (" + std::to_string(s.attempts) + " attempts)" : ""));
  row("solve time (ms)", lpm::formatNumber(s.solveMs));
}

lpm::SizeProfile profileFrom(const std::string& text) {
  if (text == "step") return lpm::SizeProfile::Step;
  if (text == "exponential") return lpm::SizeProfile::Exponential;
  throw lpm::InvalidInput("--profile takes step or exponential, got '" + text + "'");
}

// Says on stderr what was not certified; the exit code then is kNotCertified.
int certifiedExit(int uncertified, const std::string& what) {
  if (uncertified == 0) return 0;
  std::cerr << "lpm: " << what << " not certified: the duality gap stayed above 1e-9 x the objective"
            << " after retries; its state is not reported\n";
  return kNotCertified;
}

int runSolve(const SolveArgs& a) {
  lpm::Problem p;
  std::optional<lpm::TwoSizeParams> two;
  std::vector<std::string> notes;
  const double EW = parseNumber("EW", a.EW), EH = parseNumber("EH", a.EH);
  if (!a.sizes.empty()) {
    std::vector<int> minority;
    if (!a.minority.empty()) minority = parseList<int>("--minority", a.minority);
    p = lpm::makeFromSizes(EW, EH, parseList<double>("--sizes", a.sizes), minority);
    for (int k = 0; k < p.K(); ++k)
      if (p.classSize[k] == 0)
        notes.push_back("class " + std::to_string(k) + " has size 0: it carries no loss of its own (as at R = inf)");
  } else {
    lpm::TwoSizeParams tp;
    tp.KA = a.KA, tp.KB = a.KB, tp.EW = EW, tp.EH = EH;
    tp.R = parseNumber("R", a.R);
    tp.wr = parseNumber("wr", a.wr);
    p = lpm::makeTwoSize(tp);
    two = tp;
  }
  if (p.minority.size() < 2) notes.push_back("fewer than two minority classes: no pairwise minority cosine");
  lpm::SolveOptions o;
  o.kind = lpm::solverKindFromString(a.solver);
  if (a.maxIterations < 1) throw lpm::InvalidInput("--max-iterations must be >= 1");
  o.maxIterations = a.maxIterations;
  const lpm::Solution s = lpm::solve(p, o);
  const lpm::Metrics m = lpm::computeMetrics(s);
  if (a.json) {
    auto j = lpm::solutionJson(s, m, a.matrix, lpm::provenanceJson(two ? &*two : nullptr, o));
    j["notes"] = notes;
    std::cout << j.dump(2) << "\n";
  } else {
    printTable(s, m);
    for (const auto& n : notes) std::cout << "  note: " << n << "\n";
  }
  return certifiedExit(!s.certified, "the solution is");
}

struct SweepArgs {
  int K = 0, KB = 0;
  std::string KA = "3,5,7", EW = "1", EH = "5", Rmin = "1", Rmax = "1e4", wr = "1";
  int points = 41;
  bool refine = false;
  std::string profile = "step";
  std::string csv;
};

int runSweep(const SweepArgs& a) {
  if ((a.K > 0) == (a.KB > 0)) throw lpm::InvalidInput("give exactly one of --K and --KB");
  const double Rmin = parseNumber("R-min", a.Rmin), Rmax = parseNumber("R-max", a.Rmax);
  lpm::logGrid(Rmin, Rmax, a.points);  // validates the range
  std::vector<lpm::TwoSizeParams> settings;
  for (int KA : parseList<int>("--KA", a.KA)) {
    lpm::TwoSizeParams tp;
    tp.KA = KA;
    tp.KB = a.K > 0 ? a.K - KA : a.KB;
    tp.EW = parseNumber("EW", a.EW), tp.EH = parseNumber("EH", a.EH), tp.wr = parseNumber("wr", a.wr);
    tp.profile = profileFrom(a.profile);
    lpm::validate(tp);
    settings.push_back(tp);
  }
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
  nlohmann::json side = lpm::provenanceJson(nullptr, lpm::SolveOptions{});
  side["grid"] = {{"R_min", Rmin}, {"R_max", Rmax}, {"points", a.points}, {"refined", a.refine}};
  side["curves"] = nlohmann::json::array();
  int uncertified = 0;
  for (const auto& tp : settings) {
    const auto c = lpm::computeCurve(tp, Rmin, Rmax, a.points, a.refine);
    for (const auto& pt : c.points) lpm::writeSweepCsvRow(out, tp, pt);
    uncertified += c.uncertified();
    nlohmann::json cj{{"inputs", lpm::paramsJson(tp)}, {"rows", c.points.size()}, {"uncertified_rows", c.uncertified()}};
    cj["inputs"].erase("R");
    if (c.transition) cj["transition"] = lpm::transitionJson(*c.transition);
    side["curves"].push_back(cj);
  }
  if (!a.csv.empty() && !lpm::writeSidecar(a.csv, side)) {
    std::cerr << "lpm: cannot write " << a.csv << ".json\n";
    return 1;
  }
  return certifiedExit(uncertified, std::to_string(uncertified) + " sweep point(s)");
}

int runTransition(int KA, int KB, const std::string& EW, const std::string& EH, const std::string& wr,
                  const std::string& tol, const std::string& Rmax, const std::string& profile, bool json) {
  lpm::TwoSizeParams tp;
  tp.profile = profileFrom(profile);
  tp.KA = KA, tp.KB = KB, tp.EW = parseNumber("EW", EW), tp.EH = parseNumber("EH", EH), tp.wr = parseNumber("wr", wr);
  const auto r = lpm::phaseTransitionRatio(tp, parseNumber("tol", tol), 1e-4, nullptr, parseNumber("R-max", Rmax));
  if (json) {
    lpm::TwoSizeParams in = tp;
    auto j = lpm::provenanceJson(&in, lpm::SolveOptions{});
    j["inputs"].erase("R");
    j.update(lpm::transitionJson(r));
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << r.summary() << "\n  (collapse: minority cosine >= 1 - " << r.tol << "; vanished: mean minority |w| < 1e-3 sqrt(EW); "
              << "R searched up to " << lpm::formatNumber(r.Rmax) << "; " << r.solves << " solves, " << r.ms << " ms)\n";
  }
  return certifiedExit(r.collapse.status == lpm::Bracket::NotCertified ? 1 : 0, "a solve on the way to R0 was");
}

struct InspectArgs {
  std::string file, tensor, minority, features, labels;
  int KA = -1;
  bool json = false, allowUnsafe = false;
};

std::vector<int> minorityFrom(const std::string& list, int KA, const std::optional<std::vector<int>>& counts, int K) {
  if (!list.empty()) return parseList<int>("--minority", list);
  if (KA >= 0) {
    if (KA < 1 || KA >= K) throw lpm::InvalidInput("--KA must be in 1.." + std::to_string(K - 1));
    std::vector<int> m;
    for (int k = KA; k < K; ++k) m.push_back(k);
    return m;
  }
  if (counts) return lpm::io::defaultMinority(counts, K);
  return {};
}

int runInspect(const InspectArgs& a) {
  lpm::io::OpenLimits limits;
  limits.allowUnsafeGlobals = a.allowUnsafe;
  const auto c = lpm::io::Checkpoint::open(a.file, limits);
  nlohmann::json j;
  j["format"] = c.format();
  j["tensors"] = nlohmann::json::array();
  for (const auto& t : c.tensors()) j["tensors"].push_back({{"name", t.name}, {"dtype", lpm::io::dtypeName(t.dtype)}, {"shape", t.shape}});
  j["globals"] = c.globals();
  j["warnings"] = c.warnings();
  const bool haveClassifier = !a.tensor.empty() || lpm::io::detectClassifier(c);
  if (!a.tensor.empty() && !c.find(a.tensor)) throw lpm::io::CheckpointError("no tensor named '" + a.tensor + "'");
  std::string name;
  if (haveClassifier) {
    lpm::io::NetworkRequest r{a.file, a.features, a.labels, a.tensor, a.allowUnsafe};
    const auto net = lpm::io::loadNetwork(r);
    name = net.classifier;
    const auto an = lpm::io::analyseClassifier(net.W, name, -1, minorityFrom(a.minority, a.KA, net.counts, net.K()));
    auto& k = j["classifier"];
    k["name"] = an.name;
    k["shape"] = {an.K, an.p};
    k["norms"] = std::vector<double>(an.norms.data(), an.norms.data() + an.norms.size());
    k["cos"] = lpm::matrixJson(an.cos);
    k["minority"] = an.minority;
    k["minority_cos"] = lpm::numberOrNull(an.minorityCos);
    k["majority_cos"] = lpm::numberOrNull(an.majorityCos);
    k["between_cos"] = lpm::numberOrNull(an.betweenCos);
    k["minority_norm_cv"] = an.minorityNormCV;
    k["EW_fit"] = an.EWfit;
    k["etf_deviation"] = an.etfDeviation;
    if (net.counts) {
      j["class_counts"] = *net.counts;
      j["imbalance_ratio"] = lpm::numberOrNull(lpm::io::imbalanceRatio(*net.counts));
    }
    if (const auto& f = net.featureAnalysis)
      j["features"] = {{"N", f->N}, {"EH_fit", f->EHfit}, {"nc1", f->nc1}, {"nc2_equinorm", f->nc2Equinorm},
                       {"nc2_equiangular", f->nc2Equiangular}, {"nc3", f->nc3}, {"nc4", f->nc4}};
  } else {
    j["classifier"] = nullptr;
  }
  if (a.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "format: " << c.format() << ", " << c.tensors().size() << " tensors\n";
    for (const auto& w : c.warnings()) std::cout << "WARNING: " << w << "\n";
    for (const auto& t : c.tensors()) {
      std::cout << "  " << std::left << std::setw(48) << t.name << std::setw(10) << lpm::io::dtypeName(t.dtype) << "[";
      for (size_t i = 0; i < t.shape.size(); ++i) std::cout << (i ? ", " : "") << t.shape[i];
      std::cout << "]\n";
    }
    if (!name.empty()) {
      const auto& k = j["classifier"];
      std::cout << "classifier: " << name << "  EW_fit " << k["EW_fit"] << "  minority cos " << k["minority_cos"]
                << "  majority cos " << k["majority_cos"] << "\n";
      if (j.contains("imbalance_ratio")) std::cout << "imbalance ratio R = " << j["imbalance_ratio"] << "\n";
      if (j.contains("features")) std::cout << "features: " << j["features"].dump() << "\n";
    }
  }
  return 0;
}

#ifdef LPM_HAVE_RENDER
struct FigureArgs {
  std::string preset, session, plot, scene, combined, title, out;
  std::string checkpoint, features, labels, minority;  // a trained network to compare
  std::vector<std::string> pins;                       // more networks: FILE=LABELS_OR_NPZ
  int KA = -1;
  bool allowUnsafe = false;
  std::vector<std::string> sets;
  int width = 0, height = 0, scale = 1, frames = 60, fps = 24;
};

void applySet(lpm::TwoSizeParams& p, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) throw lpm::InvalidInput("--set expects NAME=VALUE, got '" + assignment + "'");
  const std::string name = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  if (name == "profile") {
    if (text != "step" && text != "exponential") throw lpm::InvalidInput("profile takes step or exponential");
    p.profile = text == "step" ? lpm::SizeProfile::Step : lpm::SizeProfile::Exponential;
    return;
  }
  const double v = parseNumber(name, text);
  if (name == "EW") p.EW = v;
  else if (name == "EH") p.EH = v;
  else if (name == "R") p.R = v;
  else if (name == "wr") p.wr = v;
  else if (name == "KA" || name == "KB") {
    if (v != std::floor(v) || std::abs(v) > 1e7) throw lpm::InvalidInput(name + " must be an integer, got '" + text + "'");
    (name == "KA" ? p.KA : p.KB) = static_cast<int>(v);
  } else {
    throw lpm::InvalidInput("unknown parameter '" + name + "' (expected EW, EH, KA, KB, R, wr, profile)");
  }
}

// A trained network for a figure: its marker and overlay, and the model at its setting.
std::pair<lpm::render::NetworkFigure, std::optional<lpm::TwoSizeParams>> networkFigure(
    const lpm::io::NetworkRequest& r, const std::vector<int>& minority, int KA, const lpm::TwoSizeParams& base) {
  const auto net = lpm::io::loadNetwork(r);
  const std::vector<int> roles = minority.empty() ? minorityFrom("", KA, net.counts, net.K()) : minority;
  const auto an = lpm::io::analyseClassifier(net.W, net.classifier, -1, roles);
  const auto R = net.counts ? lpm::io::imbalanceRatio(*net.counts) : std::nullopt;
  const auto p = lpm::io::modelParamsFor(an, net.featureAnalysis ? &*net.featureAnalysis : nullptr, R, base);
  lpm::render::NetworkFigure nf;
  nf.W = lpm::embedNetwork(net.W).W;
  nf.modelOrder = lpm::io::modelOrder(an);
  nf.R = R ? *R : (p ? p->R : base.R);
  nf.minorityCos = an.minorityCos;
  nf.name = r.path.substr(r.path.find_last_of('/') + 1);
  return {nf, p};
}

lpm::render::FigureInputs figureInputs(const FigureArgs& a) {
  const int sources = !a.preset.empty() + !a.session.empty() + !a.checkpoint.empty();
  if (sources != 1) throw lpm::InvalidInput("give exactly one of --preset, --session and --checkpoint");
  lpm::render::FigureInputs in;
  if (!a.preset.empty()) {
    const auto p = lpm::findPreset(a.preset);
    if (!p) throw lpm::InvalidInput("unknown preset '" + a.preset + "'");
    in.params = p->params;
    in.paperFigure = p->paperFigure;
    if (p->paperFigure) in.title = p->title;
  } else if (!a.session.empty()) {
    const lpm::Session s = lpm::loadSession(a.session);
    for (const auto& n : s.pinned) in.pinned.emplace_back(n.R, n.minorityCos);
    in.params = s.params;
    in.view = s.view;
    in.camera = s.camera;
    if (s.checkpoint) {
      // The session's network, as the window showed it (its parameters stay the session's).
      lpm::io::NetworkRequest r{*s.checkpoint, s.features.value_or(""), s.labels.value_or(""), "", a.allowUnsafe};
      auto nf = networkFigure(r, s.minority.value_or(std::vector<int>{}), -1, in.params).first;
      if (!s.view.networkOverlay) nf.W.resize(0, 0);  // marker only
      in.network = nf;
    }
  } else {
    // The network against the model at its setting, as the window shows it.
    const std::vector<int> minority = a.minority.empty() ? std::vector<int>{} : parseList<int>("--minority", a.minority);
    const auto [nf, p] = networkFigure({a.checkpoint, a.features, a.labels, "", a.allowUnsafe}, minority, a.KA, in.params);
    if (!p) throw lpm::InvalidInput("the network needs at least one majority and one minority class (--KA or --minority)");
    in.params = *p;
    in.network = nf;
    for (const std::string& pin : a.pins) {
      // FILE=DATA: DATA holds the labels (an .npy of labels, or an .npz with labels and features).
      const auto eq = pin.find('=');
      if (eq == std::string::npos) throw lpm::InvalidInput("--pin expects CHECKPOINT=LABELS (labels give its R), got '" + pin + "'");
      const std::string file = pin.substr(0, eq), data = pin.substr(eq + 1);
      const bool npz = data.size() > 4 && data.compare(data.size() - 4, 4, ".npz") == 0;
      const auto other = networkFigure({file, npz ? data : "", npz ? "" : data, "", a.allowUnsafe}, minority, a.KA, in.params).first;
      if (!other.minorityCos) throw lpm::InvalidInput(file + ": no minority cosine (two or more minority classes needed)");
      in.pinned.emplace_back(other.R, *other.minorityCos);
    }
  }
  if (!a.pins.empty() && a.checkpoint.empty()) throw lpm::InvalidInput("--pin needs --checkpoint");
  for (const auto& set : a.sets) applySet(in.params, set);
  lpm::validate(in.params);
  if (!a.title.empty()) in.title = a.title;
  return in;
}

// Checks the display, then solves, sweeps and finds R0 once for the figure. False: no display.
bool prepareFigure(const lpm::render::FigureInputs& in, lpm::render::ChartData& chart, lpm::render::SceneData& scene,
                   std::string& caption) {
  std::string why;
  if (!lpm::render::haveDisplay(&why)) {
    std::cerr << "lpm: " << why << "\n";
    return false;
  }
  lpm::render::buildFigure(in, chart, scene, caption);
  return true;
}

int runFigure(const FigureArgs& a) {
  if (a.plot.empty() && a.scene.empty() && a.combined.empty())
    throw lpm::InvalidInput("nothing to write: give --plot, --scene and/or --combined");
  if (a.width < 0 || a.height < 0) throw lpm::InvalidInput("--width and --height must be positive");
  const auto in = figureInputs(a);
  lpm::render::ChartData chart;
  lpm::render::SceneData scene;
  std::string caption;
  if (!prepareFigure(in, chart, scene, caption)) return 1;
  lpm::render::ExportSize size{a.width ? a.width : 900, a.height ? a.height : 600, a.scale};
  if (!a.plot.empty()) lpm::render::exportChart(chart, a.plot, size);
  if (!a.scene.empty()) {
    lpm::render::ExportSize sq{a.width ? a.width : 700, a.height ? a.height : 700, a.scale};
    lpm::render::exportScene(scene, a.scene, sq);
  }
  if (!a.combined.empty()) {
    lpm::render::ExportSize wide{a.width ? a.width : 1600, a.height ? a.height : 700, a.scale};
    lpm::render::exportCombined(scene, chart, caption, a.combined, wide);
  }
  for (const auto* f : {&a.plot, &a.scene, &a.combined})
    if (!f->empty()) std::cout << "wrote " << *f << "\n";
  return 0;
}

int runAnimate(const FigureArgs& a) {
  if (a.out.empty()) throw lpm::InvalidInput("give --out DIR or --out FILE.ogv");
  if (a.frames < 2 || a.frames > 10000) throw lpm::InvalidInput("--frames must be in 2..10000");
  auto in = figureInputs(a);
  in.paperFigure = false;
  if (a.title.empty()) in.title.clear();  // the automatic title names R0
  lpm::render::ChartData chart;
  lpm::render::SceneData scene;
  std::string caption;
  if (!prepareFigure(in, chart, scene, caption)) return 1;  // the curve and R0, computed once
  const int written = lpm::render::writeRSweepAnimation(in.params, chart, scene, a.out,
                                                        {a.width ? a.width : 1280, a.height ? a.height : 560, 1}, a.frames, a.fps);
  std::cout << "wrote " << written << " frames to " << a.out << "\n";
  return 0;
}
#endif

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
  solve->add_option("--max-iterations", sa.maxIterations, "L-BFGS iterations per attempt (exit 3 if not certified)")
      ->capture_default_str();
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
  sweep->add_option("--csv", wa.csv, "write the CSV to this file (and its provenance to FILE.csv.json) instead of stdout");
  sweep->add_option("--profile", wa.profile, "step (two sizes) or exponential (long tail)")->capture_default_str();
  sweep->add_flag("--refine", wa.refine, "add points at R0, R_vanish and where the cosine changes fast (as figures do)");

  int tKA = 5, tKB = 5;
  std::string tEW = "1", tEH = "5", tWr = "1", tTol = "1e-3", tRmax = "1e100", tProfile = "step";
  bool tJson = false;
  auto* transition = app.add_subcommand("transition", "The phase transition R0 of Minority Collapse");
  transition->add_option("--KA", tKA)->capture_default_str();
  transition->add_option("--KB", tKB)->capture_default_str();
  transition->add_option("--EW", tEW)->capture_default_str();
  transition->add_option("--EH", tEH)->capture_default_str();
  transition->add_option("--wr", tWr)->capture_default_str();
  transition->add_option("--tol", tTol, "collapse when the minority cosine >= 1 - tol")->capture_default_str();
  transition->add_option("--R-max", tRmax, "search R up to this (finite)")->capture_default_str();
  transition->add_option("--profile", tProfile, "step (two sizes) or exponential (long tail)")->capture_default_str();
  transition->add_flag("--json", tJson);

  InspectArgs ia;
  auto* inspect = app.add_subcommand("inspect", "Read a checkpoint (PyTorch, TorchScript, safetensors, NumPy) safely");
  inspect->add_option("FILE", ia.file, "the checkpoint")->required();
  inspect->add_option("--tensor", ia.tensor, "the classifier weight (default: detected)");
  inspect->add_option("--KA", ia.KA, "the first KA classes are the majority");
  inspect->add_option("--minority", ia.minority, "0-based minority classes, comma separated");
  inspect->add_option("--features", ia.features, "penultimate features, N x p (.npy/.npz; an .npz may hold 'labels' too)");
  inspect->add_option("--labels", ia.labels, "labels, N (.npy/.npz); class counts give R and, without --KA/--minority, the minority");
  inspect->add_flag("--json", ia.json, "JSON on stdout");
  inspect->add_flag("--allow-unsafe-globals", ia.allowUnsafe,
                    "list a file whose pickle would run code (it is never run; by default it is refused)");

#ifdef LPM_HAVE_RENDER
  FigureArgs fa;
  auto* figure = app.add_subcommand("figure", "Export figures headless (needs an X display: use xvfb-run)");
  auto* animate = app.add_subcommand("animate", "Export the R sweep as PNG frames or an Ogg Theora video");
  for (auto* sub : {figure, animate}) {
    sub->add_option("--preset", fa.preset, "fig3a, fig3b, fig8a..fig8d, etf3, etf4, fig6, longtail");
    sub->add_option("--session", fa.session, "a session saved by lpm-studio");
    sub->add_option("--set", fa.sets, "NAME=VALUE (EW, EH, KA, KB, R, wr, profile); repeatable");
    sub->add_option("--width", fa.width, "pixels");
    sub->add_option("--height", fa.height, "pixels");
  }
  figure->add_option("--plot", fa.plot, "cosine-vs-R plot: .pdf, .svg, .eps (vector) or .png");
  figure->add_option("--scene", fa.scene, "3D scene: .png or .gltf");
  figure->add_option("--combined", fa.combined, "scene + plot + caption: .png or .pdf");
  figure->add_option("--scale", fa.scale, "1..4: PNG pixels and fonts multiplied")->capture_default_str();
  figure->add_option("--title", fa.title, "plot title");
  figure->add_option("--checkpoint", fa.checkpoint, "a trained network: the model at its setting, its point on the plot, "
                                                   "its classifiers over the model's");
  figure->add_option("--features", fa.features, "with --checkpoint: penultimate features (an .npz may hold labels too)");
  figure->add_option("--labels", fa.labels, "with --checkpoint: labels; class counts give R and the minority");
  figure->add_option("--KA", fa.KA, "with --checkpoint: the first KA classes are the majority");
  figure->add_option("--minority", fa.minority, "with --checkpoint: 0-based minority classes, comma separated");
  figure->add_option("--pin", fa.pins, "with --checkpoint: another network on the plot, FILE=LABELS or "
                                       "FILE=FEATURES_AND_LABELS.npz (repeatable: networks trained at several R)");
  figure->add_flag("--allow-unsafe-globals", fa.allowUnsafe, "with --checkpoint: read a file whose pickle names "
                                                             "code-running globals (nothing is run)");
  animate->add_option("--out", fa.out, "a folder for PNG frames, or FILE.ogv");
  animate->add_option("--frames", fa.frames, "frames from R = 1 to 10^4")->capture_default_str();
  animate->add_option("--fps", fa.fps, "frames per second of the video")->capture_default_str();
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kBadInput;
  }
  try {
    if (*solve) return runSolve(sa);
    if (*sweep) return runSweep(wa);
    if (*transition) return runTransition(tKA, tKB, tEW, tEH, tWr, tTol, tRmax, tProfile, tJson);
    if (*inspect) return runInspect(ia);
#ifdef LPM_HAVE_RENDER
    if (*figure) return runFigure(fa);
    if (*animate) return runAnimate(fa);
#endif
  } catch (const lpm::InvalidInput& e) {
    std::cerr << "lpm: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "lpm: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
