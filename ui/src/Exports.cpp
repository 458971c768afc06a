#include "lpm/ui/Exports.h"

#include <QFileInfo>
#include <QObject>
#include <QRegularExpression>

#include <fstream>

#include "lpm/Error.h"
#include "lpm/Report.h"
#include "lpm/ui/Document.h"
#include "lpm/ui/PhaseModel.h"

namespace lpm::ui {

const std::vector<ExportInfo>& exportKinds() {
  static const std::vector<ExportInfo> kinds = {
      {ExportKind::Plot, "export.plot", QT_TR_NOOP("&Plot (PDF, SVG, PNG)…"), "PDF (*.pdf);;SVG (*.svg);;PNG (*.png)",
       "lpm-plot.pdf"},
      {ExportKind::Scene, "export.scene", QT_TR_NOOP("&Scene (PNG, glTF)…"), "PNG (*.png);;glTF (*.gltf)", "lpm-scene.png"},
      {ExportKind::Figure, "export.figure", QT_TR_NOOP("&Figure: Scene + Plot (PNG, PDF, SVG)…"),
       "PNG (*.png);;PDF (*.pdf);;SVG (*.svg)",
       "lpm-figure.png"},
      {ExportKind::Curve, "export.curve", QT_TR_NOOP("&Curve Data (CSV)…"), "CSV (*.csv)", "lpm-curve.csv"},
      {ExportKind::Solution, "export.solution", QT_TR_NOOP("Solution (&JSON)…"), "JSON (*.json)", "lpm-solution.json"},
      {ExportKind::Animation, "export.animation", QT_TR_NOOP("&Animation of the R Sweep (OGV or PNG frames)…"),
       "Ogg Theora video (*.ogv);;Folder of PNG frames (*)", "lpm-sweep.ogv"},
      {ExportKind::Phase, "export.phase", QT_TR_NOOP("P&hase Diagram (PDF, SVG, PNG, CSV)…"),
       "PDF (*.pdf);;SVG (*.svg);;PNG (*.png);;CSV (*.csv)", "lpm-phase.pdf"},
  };
  return kinds;
}

QString withFilterExtension(const QString& path, const QString& filter) {
  if (path.isEmpty() || !QFileInfo(path).suffix().isEmpty()) return path;
  const QRegularExpressionMatch m = QRegularExpression(R"(\*\.([A-Za-z0-9]+))").match(filter);
  return m.hasMatch() ? path + "." + m.captured(1) : path;
}

void writeExport(ExportKind kind, const Document& doc, const std::string& path, const ExportViews& views,
                 const std::function<bool(int, int)>& progress) {
  const ExplorerModel& model = *doc.model();
  const auto f = model.latest();
  switch (kind) {
    case ExportKind::Plot: render::exportChart(doc.chartData(views.Rmin, views.Rmax), path, views.plot); return;
    case ExportKind::Scene: render::exportScene(doc.sceneData(views.camera), path, views.scene); return;
    case ExportKind::Figure:
      render::exportCombined(doc.sceneData(views.camera), doc.chartData(views.Rmin, views.Rmax), doc.caption(), path,
                             {1600, 700, 1});
      return;
    case ExportKind::Curve: {
      std::ofstream out(path);
      if (!out) throw IoError("cannot write " + path);
      writeSweepCsvHeader(out);
      const TwoSizeParams cp = model.curveParams();
      for (const auto& pt : model.curve()) writeSweepCsvRow(out, cp, pt);
      nlohmann::json side = provenanceJson(model.solveOptions());
      side["curves"] = nlohmann::json::array({curveJson(cp, model.curve(), model.transition())});
      side["complete"] = model.curveComplete();
      if (!writeSidecar(path, side)) throw IoError("cannot write " + path + ".json");
      return;
    }
    case ExportKind::Solution: {
      if (!f) throw InvalidInput("nothing solved yet");
      std::ofstream out(path);
      if (!out) throw IoError("cannot write " + path);
      out << solutionJson(f->solution, f->metrics, f->params.K() <= 200, provenanceJson(model.solveOptions(), f->params))
                 .dump(2)
          << "\n";
      return;
    }
    case ExportKind::Phase: {
      // The diagram of the current parameters, complete (computed now when the tab has not).
      const PhaseDiagram d = doc.phase()->completeDiagram();
      if (render::extensionOf(path) == "csv") {
        std::ofstream out(path);
        if (!out) throw IoError("cannot write " + path);
        writePhaseCsv(out, d);
        if (!writeSidecar(path, phaseJson(d))) throw IoError("cannot write " + path + ".json");
      } else {
        render::exportPhase(d, doc.phase()->current(), path, {900, 600, 1});
      }
      return;
    }
    case ExportKind::Animation: {
      const int frames = 120;
      render::writeRSweepAnimation(model.params(), doc.chartData(views.Rmin, views.Rmax), doc.sceneData(views.camera), path,
                                   {1280, 560, 1}, frames, 24,
                                   [&](int done) { return !progress || progress(done, frames); });
      return;
    }
  }
}

}  // namespace lpm::ui
