// `lpm phase`: the phase diagram over R and a second parameter (core lpm/Phase.h), as CSV and,
// with the renderer, as a figure.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "Cli.h"
#include "lpm/Files.h"
#include "lpm/Phase.h"
#include "lpm/Report.h"
#ifdef LPM_HAVE_RENDER
#include "lpm/render/Figure.h"
#endif

namespace lpm::cli {
namespace {

struct PhaseArgs {
  ParamTexts params;
  int K = 0, KA = -1;
  std::string y = "EWEH", yMin, yMax, Rmin = "1", Rmax = "1e6", csv, plot;
  int nx = 120, ny = 80;
};

int runPhase(const PhaseArgs& a) {
  PhaseRequest r;
  r.base = paramsFrom(a.params);
  if (a.KA >= 0) setParameter(r.base, "KA", a.KA);
  if (a.K > 0) {
    if (a.params.given("KB")) throw InvalidInput("give one of --K and --KB, not both");
    if (r.base.KA >= a.K) throw InvalidInput("--KA " + std::to_string(r.base.KA) + " leaves no minority class with --K " + std::to_string(a.K));
    setParameter(r.base, "KB", a.K - r.base.KA);
  }
  validate(r.base);
  r.axis = a.y;
  const auto range = phaseAxisRange(r.axis, r.base);
  r.yMin = a.yMin.empty() ? range.first : parseNumber("y-min", a.yMin);
  r.yMax = a.yMax.empty() ? range.second : parseNumber("y-max", a.yMax);
  r.Rmin = parseNumber("R-min", a.Rmin);
  r.Rmax = parseNumber("R-max", a.Rmax);
  r.nx = a.nx;
  r.ny = a.ny;
  phaseGrid(r);  // every refusal before any solve or file
  std::ofstream file;
  if (!a.csv.empty()) {  // as lpm sweep: a folder, or one that does not exist, is said first
    checkWritableFile(a.csv);
    file.open(a.csv);
    if (!file) throw IoError("cannot write " + a.csv);
  }
#ifdef LPM_HAVE_RENDER
  std::unique_ptr<render::PaintContext> painting;
  if (!a.plot.empty()) {
    // A folder, or one that does not exist, is said before the solves, not after them.
    checkWritableFile(a.plot);
    const std::string ext = render::extensionOf(a.plot);
    if (ext != "pdf" && ext != "svg" && ext != "png")
      throw InvalidInput("--plot: use .pdf, .svg or .png, got '" + a.plot + "'");
    painting = std::make_unique<render::PaintContext>();
  }
#else
  if (!a.plot.empty()) throw InvalidInput("--plot needs lpm built with the GUI libraries (LPM_BUILD_GUI)");
#endif
  const PhaseDiagram d = computePhaseDiagram(r);
  writePhaseCsv(a.csv.empty() ? std::cout : file, d);
  if (!a.csv.empty() && !writeSidecar(a.csv, phaseJson(d))) throw IoError("cannot write " + a.csv + ".json");
#ifdef LPM_HAVE_RENDER
  if (!a.plot.empty())
    render::exportPhase(d, std::make_pair(r.base.R, phaseAxisValue(r.axis, r.base)), a.plot, {900, 600, 1});
#endif
  if (!a.csv.empty())
    std::cerr << "lpm: " << d.grid.y.size() << " x " << d.grid.R.size() << " cells in " << d.ms / 1000 << " s\n";
  return certifiedExit(d.uncertified(), std::to_string(d.uncertified()) + " cell(s)");
}

}  // namespace

Command addPhase(CLI::App& app) {
  auto a = std::make_shared<PhaseArgs>();
  auto* sub = app.add_subcommand("phase", "Phase diagram: the minority's state over R and a second parameter (CSV, figure)");
  sub->add_option("--K", a->K, "total number of classes (KB = K - KA)");
  sub->add_option("--KA", a->KA, "number of majority classes");
  addParameterOptions(sub, a->params, parameterNamesExcept({"KA", "R"}));
  a->params.notTaken = {{"KA", "phase takes it as --KA N (with --y KA it is the second axis)"},
                        {"K", "phase takes it as --K N"},
                        {"R", "phase runs R over its grid (--R-min, --R-max)"}};
  std::string axes;
  for (const auto& x : phaseAxes()) axes += (axes.empty() ? "" : " | ") + x;
  sub->add_option("--y", a->y, "the second parameter: " + axes + " (EWEH: EH = y / EW; KA: K fixed)")->capture_default_str();
  sub->add_option("--y-min", a->yMin, "smallest y (default: EWEH 1, KA 1, else the explorer's range)");
  sub->add_option("--y-max", a->yMax, "largest y (default: EWEH 100, KA K - 2, else the explorer's range)");
  sub->add_option("--R-min", a->Rmin, "smallest R")->capture_default_str();
  sub->add_option("--R-max", a->Rmax, "largest R")->capture_default_str();
  sub->add_option("--nx", a->nx, "columns, log-spaced in R")->capture_default_str();
  sub->add_option("--ny", a->ny, "rows in y (log-spaced for EWEH, wr, lambda)")->capture_default_str();
  sub->add_option("--csv", a->csv, "write R,y,minority_cos,minority_state,R0_at_y to this file (and FILE.csv.json) "
                                   "instead of stdout");
  sub->add_option("--plot", a->plot, "the diagram as .pdf (vector), .svg or .png");
  return {sub, [a] { return runPhase(*a); }};
}

}  // namespace lpm::cli
