// `lpm figure` and `lpm animate`: teaching figures and R-sweep animations, headless.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>

#include "Cli.h"
#include "lpm/Files.h"
#include "lpm/Geometry.h"
#include "lpm/Presets.h"
#include "lpm/Report.h"
#include "lpm/Session.h"
#include "lpm/io/Analysis.h"
#include "lpm/io/Network.h"
#include "lpm/render/Figure.h"

namespace lpm::cli {
namespace {

struct FigureArgs {
  std::string preset, session, plot, scene, combined, title, out, plotShows;
  std::string checkpoint, features, labels, minority;  // a trained network to compare
  std::vector<std::string> pins;                       // more networks: FILE=LABELS_OR_NPZ
  std::vector<std::string> compare;                    // more models: NAME=VALUE,NAME=VALUE
  int KA = -1;
  bool allowUnsafe = false, pinModels = false;
  double plotRmax = 0;  // 0: automatic
  std::vector<std::string> sets;
  int width = 0, height = 0, scale = 1, frames = 60, fps = 24;
};

// A trained network for a figure: its marker and overlay, and the model at its setting.
std::pair<lpm::render::NetworkFigure, std::optional<lpm::TwoSizeParams>> networkFigure(
    const lpm::io::NetworkRequest& r, const std::string& minority, int KA, const lpm::TwoSizeParams& base) {
  auto net = lpm::io::NetworkComparison::open(r);
  applyRoles(net, minority, KA);
  const auto p = net.modelParams(base);
  lpm::render::NetworkFigure nf;
  nf.W = net.embedding().W;
  nf.modelOrder = net.modelOrder();
  nf.R = net.imbalanceRatio().value_or(p ? p->R : base.R);
  nf.minorityCos = net.analysis().minorityCos;
  nf.name = net.fileName();
  // What the window warns of, said here too (on stderr and in the caption).
  nf.warning = net.figureWarning();
  for (const std::string& w : net.checkpoint().warnings()) std::fprintf(stderr, "lpm: warning: %s: %s\n", nf.name.c_str(), w.c_str());
  if (!nf.warning.empty()) std::fprintf(stderr, "lpm: warning: %s: %s\n", nf.name.c_str(), nf.warning.c_str());
  return {nf, p};
}

std::string listText(const std::vector<int>& v) {
  std::string s;
  for (int k : v) s += (s.empty() ? "" : ",") + std::to_string(k);
  return s;
}

lpm::render::FigureInputs figureInputs(const FigureArgs& a) {
  const int sources = !a.preset.empty() + !a.session.empty() + !a.checkpoint.empty();
  if (sources != 1) throw lpm::InvalidInput("give exactly one of --preset, --session and --checkpoint");
  lpm::render::FigureInputs in;
  bool setsApplied = false;
  if (!a.preset.empty()) {
    const auto p = lpm::findPreset(a.preset);
    if (!p) throw lpm::InvalidInput("unknown preset '" + a.preset + "'; the presets are " + lpm::presetNames());
    in.params = p->params;
    in.paperFigure = p->paperFigure;
    if (p->paperFigure) in.title = p->title;
  } else if (!a.session.empty()) {
    const lpm::Session s = lpm::loadSession(a.session);
    in = lpm::render::figureInputs(s);
    if (s.checkpoint) {
      // The session's network, as the window showed it (its parameters stay the session's).
      lpm::io::NetworkRequest r{*s.checkpoint, s.features.value_or(""), s.labels.value_or(""), "", a.allowUnsafe};
      auto nf = networkFigure(r, s.minority ? listText(*s.minority) : "", -1, in.params).first;
      if (!s.view.networkOverlay) nf.W.resize(0, 0);  // marker only
      in.network = nf;
    }
  } else {
    // The network against the model at its setting, as the window shows it.
    const auto [nf, p] = networkFigure({a.checkpoint, a.features, a.labels, "", a.allowUnsafe}, a.minority, a.KA, in.params);
    if (!p) throw lpm::InvalidInput("the network needs at least one majority and one minority class (--KA or --minority)");
    in.params = *p;
    in.network = nf;
    // The user's settings first: each pin's model is the figure's at that pin's own fit (as the
    // window's Compare > Add the Pinned Networks' Models), so it carries them too.
    for (const auto& set : a.sets) lpm::applyAssignment(in.params, set);
    setsApplied = true;
    for (const std::string& pin : a.pins) {
      // FILE=DATA: DATA holds the labels (an .npy of labels, or an .npz with labels and features).
      const auto eq = pin.find('=');
      if (eq == std::string::npos) throw lpm::InvalidInput("--pin expects CHECKPOINT=LABELS (labels give its R), got '" + pin + "'");
      const std::string file = pin.substr(0, eq), data = pin.substr(eq + 1);
      const bool npz = data.size() > 4 && data.compare(data.size() - 4, 4, ".npz") == 0;
      const auto [other, model] =
          networkFigure({file, npz ? data : "", npz ? "" : data, "", a.allowUnsafe}, a.minority, a.KA, in.params);
      if (!other.minorityCos) throw lpm::InvalidInput(file + ": no minority cosine (two or more minority classes needed)");
      in.pinned.push_back({other.R, *other.minorityCos, other.name});
      // Its own model (fitted EW, EH) on the plot, as Compare > Add the Pinned Networks' Models.
      if (a.pinModels && model && !lpm::render::alreadyPlotted(*model, in.params, in.compare))
        in.compare.push_back(*model);
    }
  }
  if (!a.pins.empty() && a.checkpoint.empty()) throw lpm::InvalidInput("--pin needs --checkpoint");
  if (a.pinModels && a.pins.empty()) throw lpm::InvalidInput("--pin-models needs --pin");
  if (a.plotRmax != 0) {
    if (!lpm::validPlotRmax(a.plotRmax))
      throw lpm::InvalidInput("--plot-rmax must be in [10, 1e12], got " + lpm::formatNumber(a.plotRmax));
    in.plotRmax = a.plotRmax;
  }
  if (!setsApplied)
    for (const auto& set : a.sets) lpm::applyAssignment(in.params, set);
  if (!a.plotShows.empty()) {
    if (a.plotShows != "auto") lpm::curveQuantityFromString(a.plotShows);  // refused by name
    in.view.plot = a.plotShows;
  }
  if (!a.sets.empty() && in.paperFigure) {
    // The preset's title named its own values: name the ones drawn.
    char t[160];
    std::snprintf(t, sizeof t, "KA = 3, 5, 7 at K = 10: EW = %g, EH = %g%s", in.params.EW, in.params.EH,
                  in.params.wr != 1 ? (", wr = " + lpm::parameterText(in.params, "wr")).c_str() : "");
    in.title = t;
  }
  lpm::validate(in.params);
  for (const std::string& spec : a.compare) {
    // Another model: the figure's parameters with these assignments (loss=ldam,margin=0.5).
    lpm::TwoSizeParams q = in.params;
    std::string rest = spec;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      lpm::applyAssignment(q, rest.substr(0, comma));
      rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    }
    lpm::validate(q);
    in.compare.push_back(q);
  }
  if (!in.compare.empty() && in.paperFigure)
    throw lpm::InvalidInput("--compare draws one model against others; a paper figure (KA = 3, 5, 7) draws its own family");
  if (!a.title.empty()) in.title = a.title;
  return in;
}

// Checks the display (when the 3D scene is drawn), then solves, sweeps and finds R0 once for the
// figure. False: no display.
bool prepareFigure(const lpm::render::FigureInputs& in, lpm::render::ChartData& chart, lpm::render::SceneData& scene,
                   std::string& caption, bool needsDisplay) {
  std::string why;
  if (needsDisplay && !lpm::render::haveDisplay(&why)) {
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
  // Arguments are checked before anything needs the display.
  if (a.scale < 1 || a.scale > 4) throw lpm::InvalidInput("scale must be 1, 2, 3 or 4");
  auto need = [](const std::string& path, const char* what, std::vector<std::string> exts) {
    if (path.empty()) return;
    lpm::checkWritableFile(path);  // "is a folder" before "use .png" for a folder given as the file
    const std::string e = lpm::render::extensionOf(path);
    if (std::find(exts.begin(), exts.end(), e) != exts.end()) return;
    std::string list;
    for (const auto& x : exts) list += (list.empty() ? "." : ", .") + x;
    throw lpm::InvalidInput(std::string(what) + ": use " + list + ", got '" + path + "'");
  };
  need(a.plot, "plot export", {"png", "pdf", "svg"});
  need(a.scene, "scene export", {"png", "gltf"});
  need(a.combined, "combined figure", {"png", "pdf", "svg"});
  const auto in = figureInputs(a);
  lpm::render::ChartData chart;
  lpm::render::SceneData scene;
  std::string caption;
  if (!prepareFigure(in, chart, scene, caption, !a.scene.empty() || !a.combined.empty())) return 1;
  const lpm::render::PaintContext painting;
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
  const std::string ext = lpm::render::extensionOf(a.out);
  if (lpm::render::isOtherVideo(ext))
    throw lpm::InvalidInput("--out: give a folder (PNG frames) or FILE.ogv (Ogg Theora), got '" + a.out + "'");
  auto in = figureInputs(a);
  in.paperFigure = false;
  if (a.title.empty()) in.title.clear();  // the automatic title names R0
  lpm::render::ChartData chart;
  lpm::render::SceneData scene;
  std::string caption;
  if (!prepareFigure(in, chart, scene, caption, true)) return 1;  // the curve and R0, computed once
  const lpm::render::PaintContext painting;
  const int written = lpm::render::writeRSweepAnimation(in.params, chart, scene, a.out,
                                                        {a.width ? a.width : 1280, a.height ? a.height : 560, 1}, a.frames, a.fps);
  std::cout << "wrote " << written << " frames to " << a.out << "\n";
  return 0;
}
}  // namespace

std::vector<Command> addFigureCommands(CLI::App& app) {
  auto a = std::make_shared<FigureArgs>();
  auto* figure = app.add_subcommand("figure", "Export figures headless, from one of --preset, --session or --checkpoint "
                                               "(the 3D scene needs an X display: use xvfb-run)");
  auto* animate = app.add_subcommand("animate", "Export the R sweep as PNG frames or an Ogg Theora video, from one of "
                                                "--preset, --session or --checkpoint");
  for (auto* sub : {figure, animate}) {
    sub->add_option("--preset", a->preset, lpm::presetNames());
    sub->add_option("--session", a->session, "a session saved by lpm-studio");
    sub->add_option("--set", a->sets, "NAME=VALUE (" + lpm::parameterNames() + ", K); repeatable");
    sub->add_option("--width", a->width, "PNG pixels, PDF/SVG points (default 900 plot, 700 scene, 1600 combined, 1280 animation)")
        ->check(CLI::Range(64, 8192));
    sub->add_option("--height", a->height, "PNG pixels, PDF/SVG points (default 600 plot, 700 scene, 700 combined, 560 animation)")
        ->check(CLI::Range(64, 8192));
  }
  figure->add_option("--plot", a->plot, "cosine-vs-R plot: .pdf (vector, fonts embedded), .svg or .png");
  figure->add_option("--scene", a->scene, "3D scene: .png or .gltf");
  figure->add_option("--combined", a->combined, "scene + plot + caption: .png, .pdf or .svg");
  figure->add_option("--scale", a->scale, "1..4: PNG pixels multiplied (text, lines and markers with them)")->capture_default_str();
  figure->add_option("--title", a->title, "plot title");
  for (auto* sub : {figure, animate})
    sub->add_option("--plot-shows", a->plotShows,
                    "what the curves show: auto (the model's own), classifier-cos, feature-cos, classifier-norm-ratio, "
                    "feature-norm-ratio");
  figure->add_option("--checkpoint", a->checkpoint, "a trained network: the model at its setting, its point on the plot, "
                                                   "its classifiers over the model's");
  figure->add_option("--features", a->features, "with --checkpoint: penultimate features (an .npz may hold labels too)");
  figure->add_option("--labels", a->labels, "with --checkpoint: labels; class counts give R and the minority");
  figure->add_option("--KA", a->KA, "with --checkpoint: the first KA classes are the majority");
  figure->add_option("--minority", a->minority, "with --checkpoint: 0-based minority classes, comma separated");
  figure->add_option("--compare", a->compare, "another model on the plot, as assignments to the figure's parameters, "
                                              "e.g. loss=ldam,margin=0.5 (repeatable, up to 5)");
  figure->add_option("--pin", a->pins, "with --checkpoint: another network on the plot, FILE=LABELS or "
                                       "FILE=FEATURES_AND_LABELS.npz (repeatable: networks trained at several R)");
  figure->add_flag("--pin-models", a->pinModels, "with --pin: each pinned network's own model curve (its fitted EW "
                                                 "and EH) beside the figure's");
  figure->add_option("--plot-rmax", a->plotRmax, "the plot runs from R = 1 to this (10 to 1e12; default: automatic, "
                                                 "beyond R0 when R0 lies past 10^4)");
  figure->add_flag("--allow-unsafe-globals", a->allowUnsafe, "with --checkpoint: read a file whose pickle names "
                                                             "code-running globals (nothing is run)");
  animate->add_option("--out", a->out, "a folder for PNG frames, or FILE.ogv");
  animate->add_option("--frames", a->frames, "frames from R = 1 to the plot's end (10^4, or beyond R0)")->capture_default_str();
  animate->add_option("--fps", a->fps, "frames per second of the video")->capture_default_str();
  return {{figure, [a] { return runFigure(*a); }}, {animate, [a] { return runAnimate(*a); }}};
}

}  // namespace lpm::cli
