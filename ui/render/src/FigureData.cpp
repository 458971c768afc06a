#include <cmath>
#include <cstdio>

#include "lpm/Geometry.h"
#include "lpm/render/Figure.h"

namespace lpm::render {

std::string captionFor(const TwoSizeParams& p, const Metrics& m, std::optional<double> R0) {
  char buf[400];
  const std::string R = std::isinf(p.R) ? "inf" : (std::snprintf(buf, sizeof buf, "%.4g", p.R), std::string(buf));
  std::string cos = m.minorityCos() ? (std::snprintf(buf, sizeof buf, "%.4f", *m.minorityCos()), std::string(buf)) : "null";
  std::string r0 = !R0 ? "?" : std::isinf(*R0) ? "inf" : (std::snprintf(buf, sizeof buf, "%.4g", *R0), std::string(buf));
  std::snprintf(buf, sizeof buf,
                "Layer-Peeled Model (Eq. 15): EW = %g, EH = %g, KA = %d, KB = %d, R = %s%s%s | minority cosine %s (%s) | R0 = %s",
                p.EW, p.EH, p.KA, p.KB, R.c_str(), p.wr != 1 ? (", wr = " + std::to_string(p.wr).substr(0, 6)).c_str() : "",
                p.profile == SizeProfile::Exponential ? ", long tail" : "", cos.c_str(), toString(m.minorityState).c_str(),
                r0.c_str());
  return buf;
}

void buildFigure(const FigureInputs& in, ChartData& chart, SceneData& scene, std::string& caption) {
  validate(in.params);
  const auto Rs = logGrid(1, 1e4, in.points);
  chart = ChartData{};
  chart.K = in.params.K();
  chart.curve = sweepR(in.params, Rs);
  std::optional<double> R0;
  if (in.params.KB >= 2) R0 = phaseTransitionRatio(in.params).R0;
  chart.title = in.title;
  if (in.paperFigure) {
    // Figures 3 and 8: minority cosine for KA = 3, 5, 7 with K = 10, no current-R marker.
    for (int KA : {3, 5, 7}) {
      TwoSizeParams q = in.params;
      q.KA = KA;
      q.KB = 10 - KA;
      chart.family.emplace_back("KA = " + std::to_string(KA), sweepR(q, Rs));
    }
    chart.K = 10;
    chart.showMajority = false;
  } else {
    chart.currentR = std::isinf(in.params.R) ? chart.Rmax : in.params.R;
    chart.R0 = R0;
  }
  const Solution s = solve(makeTwoSize(in.params));
  const Metrics m = computeMetrics(s);
  GeometryTracker tracker;
  const Geometry3D g = tracker.update(s);
  scene = SceneData{};
  scene.W = g.W;
  scene.H = g.H;
  scene.etf = g.etf;
  scene.minority.assign(in.params.K(), false);
  for (int k : s.problem.minority) scene.minority[k] = true;
  scene.view = in.view;
  scene.camera = in.camera;
  char note[120];
  std::snprintf(note, sizeof note, "K = %d: 3D projection keeps %.1f%% of the Gram energy", in.params.K(), 100 * g.captured);
  scene.note = note;
  caption = captionFor(in.params, m, R0);
  chart.pinned = in.pinned;
  if (in.network) {
    const auto& n = *in.network;
    chart.networkR = n.R;
    chart.networkCos = n.minorityCos;
    chart.networkName = n.name;
    char buf[200];
    if (const auto o = overlayNetwork(n.W, n.modelOrder, s, g)) {
      scene.overlay = o->W;
      std::snprintf(buf, sizeof buf, " | %s: minority cosine %s at R = %.4g, distance to the model %.3f", n.name.c_str(),
                    n.minorityCos ? std::to_string(*n.minorityCos).substr(0, 6).c_str() : "null", n.R, o->distance);
    } else {
      std::snprintf(buf, sizeof buf, " | %s", n.name.c_str());
    }
    caption += buf;
  }
}

int writeRSweepAnimation(const TwoSizeParams& params, ChartData chart, SceneData scene, const std::string& target,
                         const ExportSize& size, int frames, int fps, const std::function<bool(int)>& progress) {
  if (frames < 2 || frames > 10000) throw InvalidInput("frames must be in 2..10000");
  AnimationWriter writer(target, size, fps);
  GeometryTracker tracker;  // one tracker: the frames stay aligned, no flips
  Eigen::VectorXd warm;
  for (int i = 0; i < frames; ++i) {
    TwoSizeParams p = params;
    p.R = std::pow(10.0, 4.0 * i / (frames - 1));
    SolveOptions o;
    o.kind = SolverKind::Reduced;
    o.warmStart = warm.size() ? &warm : nullptr;
    const Solution s = solve(makeTwoSize(p), o);
    warm = s.state;
    const Geometry3D g = tracker.update(s);
    scene.W = g.W, scene.H = g.H, scene.etf = g.etf;
    chart.currentR = p.R;
    writer.addFrame(scene, chart, captionFor(p, computeMetrics(s), chart.R0));
    if (progress && !progress(i + 1)) break;
  }
  return writer.close();
}

}  // namespace lpm::render
