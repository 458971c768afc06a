#include "lpm/render/Figure.h"
#include "lpm/Files.h"

#include <functional>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <QCoreApplication>
#include <QFont>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <vtkCamera.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkOggTheoraWriter.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkWindowToImageFilter.h>

#include "lpm/render/CosineChart.h"
#include "lpm/render/PhaseChart.h"
#include "lpm/render/SceneContent.h"

namespace lpm::render {

void fillChart(CosineChart& c, const ChartData& d) {
  c.setRange(d.Rmin, d.Rmax);
  c.setQuantity(d.quantity);
  std::vector<SweepPoint> curve = d.curve;
  if (!d.showMajority)
    for (auto& pt : curve) pt.clearMajority();
  if (!d.family.empty())
    for (auto& pt : curve) pt.clearMinority();
  c.setCurve(curve, d.K);
  c.setFamily(d.family);
  c.setCurrentR(d.currentR);
  c.setTransition(d.transition);
  c.setNetworkMarker(d.networkR, d.networkCos, d.networkName);
  c.setPinnedMarkers(d.pinned);
  c.setTitle(d.title);
  c.setDarkTheme(false);
}

namespace {

void fill(SceneContent& s, const SceneData& d, double fontScale) {
  s.setFontScale(fontScale);
  s.setConfiguration(d.W, d.H, d.minority);
  s.setSameClassifier(d.sameClassifier);
  s.setMinorityInset(d.minorityInset);
  s.setModelLegend(d.legend);
  s.setShowUnitSphere(d.view.unitSphere);
  s.setShowMeans(d.view.means);
  s.setShowLabels(d.view.labels);
  s.setUnitArrows(d.view.unitArrows);
  s.setReference(d.view.etf ? d.etf : Eigen::MatrixX3d());
  s.setOverlay(d.overlay);
  s.setDarkBackground(false);
  s.renderer()->GradientBackgroundOff();  // print: plain white, as the plot
  s.renderer()->SetBackground(1, 1, 1);
  s.setNote(d.note);
  if (d.camera) {
    auto* cam = s.renderer()->GetActiveCamera();
    cam->SetPosition(d.camera->position.data());
    cam->SetFocalPoint(d.camera->focalPoint.data());
    cam->SetViewUp(d.camera->viewUp.data());
    cam->SetViewAngle(d.camera->viewAngle);
    s.renderer()->ResetCameraClippingRange();
  } else {
    s.resetCamera();  // at the distance this drawing needs (standardView)
  }
}

void checkSize(const ExportSize& size) {
  if (size.width < 64 || size.height < 64 || size.width > 8192 || size.height > 8192)
    throw InvalidInput("figure size must be between 64 and 8192 pixels a side");
  if (size.scale < 1 || size.scale > 4) throw InvalidInput("scale must be 1, 2, 3 or 4");
}

vtkSmartPointer<vtkRenderWindow> offscreenWindow(int w, int h) {
  std::string why;
  if (!haveDisplay(&why)) throw Error(ErrorKind::Io, why);
  auto win = vtkSmartPointer<vtkRenderWindow>::New();
  win->SetOffScreenRendering(1);
  win->SetMultiSamples(8);  // exports are single frames: anti-alias them
  win->SetSize(w, h);
  return win;
}


// The scene rendered offscreen by VTK, as an image of w x h pixels; its corner texts (legend,
// note) are returned for drawing as text, not pixels.
QImage renderScene(const SceneData& data, int w, int h, double fontScale, std::string& legend, std::string& note) {
  auto win = offscreenWindow(w, h);
  SceneContent scene;
  fill(scene, data, fontScale);
  scene.setViewSize(w, h);
  legend = scene.legend();
  note = scene.note();
  scene.setShowCornerText(false);
  scene.addTo(win);
  win->Render();
  vtkNew<vtkWindowToImageFilter> grab;
  grab->SetInput(win);
  grab->ReadFrontBufferOff();
  grab->SetInputBufferTypeToRGB();
  grab->Update();
  vtkImageData* img = grab->GetOutput();
  int dims[3];
  img->GetDimensions(dims);
  QImage out(dims[0], dims[1], QImage::Format_RGB888);
  const auto* src = static_cast<const unsigned char*>(img->GetScalarPointer());
  for (int y = 0; y < dims[1]; ++y)  // VTK's rows run bottom-up
    std::memcpy(out.scanLine(dims[1] - 1 - y), src + size_t(y) * dims[0] * 3, size_t(dims[0]) * 3);
  return out;
}

// The scene in `r`: its VTK picture at `pixelsPerUnit` pixels per unit (crisp in print), and its
// legend (upper left) and note (lower left) as text over it.
void paintScene(QPainter& p, const QRectF& r, const SceneData& data, double pixelsPerUnit) {
  std::string legend, note;
  const QImage img = renderScene(data, std::max(16, int(std::lround(r.width() * pixelsPerUnit))),
                                 std::max(16, int(std::lround(r.height() * pixelsPerUnit))), pixelsPerUnit, legend, note);
  p.drawImage(r, img);
  p.setFont(figureFont(p, 12));
  p.setPen(QColor::fromRgbF(0.25f, 0.25f, 0.3f));
  const QRectF box = r.adjusted(8, 6, -8, -6);
  p.drawText(box, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, QString::fromStdString(legend));
  p.drawText(box, Qt::AlignLeft | Qt::AlignBottom | Qt::TextWordWrap, QString::fromStdString(note));
}

// Scene left, chart right, caption below, drawn into `rect` of `p`. The scene is a picture of
// `pixelsPerUnit` pixels per unit, the chart and caption are vector.
void paintCombined(QPainter& p, const QRectF& rect, const SceneData& scene, const ChartData& chart,
                   const std::string& caption, double pixelsPerUnit) {
  // The caption band is as high as the caption wrapped (never cut).
  const QFont font = figureFont(p, 13);
  const double capH =
      caption.empty() ? 0
                      : QFontMetricsF(font, p.device())
                                .boundingRect(QRectF(0, 0, rect.width() - 24, 1e5), Qt::TextWordWrap,
                                              QString::fromStdString(caption))
                                .height() +
                            16;
  p.fillRect(rect, Qt::white);
  const QRectF sceneRect(rect.left(), rect.top(), rect.width() / 2, rect.height() - capH);
  const QRectF chartRect(rect.left() + rect.width() / 2, rect.top(), rect.width() / 2, rect.height() - capH);
  paintScene(p, sceneRect, scene, pixelsPerUnit);
  CosineChart c;
  fillChart(c, chart);
  c.paint(p, chartRect);
  if (capH > 0) {
    p.setPen(QColor::fromRgbF(0.1f, 0.1f, 0.12f));
    p.setFont(font);
    p.drawText(QRectF(rect.left() + 12, rect.bottom() - capH + 8, rect.width() - 24, capH - 8),
               Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, QString::fromStdString(caption));
  }
}

void savePng(const QImage& img, const std::string& path) {
  if (!img.save(QString::fromStdString(path), "PNG")) throw IoError("cannot write " + path);
}

// A vector page of w x h points (PDF, fonts embedded) or an SVG of w x h units, drawn by `draw`.
void writeVectorPage(const std::string& path, int w, int h, const std::string& title,
                     const std::function<void(QPainter&, const QRectF&)>& draw) {
  const QString file = QString::fromStdString(path);
  const std::string ext = extensionOf(path);
  std::unique_ptr<QPdfWriter> pdf;
  std::unique_ptr<QSvgGenerator> svg;
  QPainter painter;  // after the devices: destroyed first, whatever `draw` throws
  if (ext == "pdf") {
    pdf = std::make_unique<QPdfWriter>(file);
    pdf->setResolution(72);  // one unit = one point
    pdf->setPageSize(QPageSize(QSizeF(w, h), QPageSize::Point, QString(), QPageSize::ExactMatch));
    pdf->setPageMargins(QMarginsF(0, 0, 0, 0));
    pdf->setCreator("LPM Studio");
    pdf->setTitle(QString::fromStdString(title));
    if (!painter.begin(pdf.get())) throw IoError("cannot write " + path);
  } else {
    svg = std::make_unique<QSvgGenerator>();
    svg->setFileName(file);
    svg->setSize(QSize(w, h));
    svg->setViewBox(QRectF(0, 0, w, h));
    svg->setTitle(QString::fromStdString(title));
    svg->setDescription("LPM Studio");
    if (!painter.begin(svg.get())) throw IoError("cannot write " + path);
  }
  // The page's own coordinates may be a little off w x h (PDF rounding): draw into the page.
  const QRectF page = pdf ? QRectF(0, 0, painter.device()->width(), painter.device()->height()) : QRectF(0, 0, w, h);
  draw(painter, page);
  if (!painter.end()) throw IoError("cannot write " + path);
  pdf.reset();
  svg.reset();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) || std::filesystem::file_size(path, ec) == 0) throw IoError("cannot write " + path);
}

}  // namespace

PaintContext::PaintContext() {
  if (qobject_cast<QGuiApplication*>(QCoreApplication::instance())) return;
  if (QCoreApplication::instance())
    throw Error(ErrorKind::Io, "figures need a QGuiApplication; this program made a QCoreApplication");
  // The CLI draws without a window: Qt's offscreen platform (fonts through fontconfig), no X.
  // Qt keeps (and edits) argc/argv: they belong to this object and live as long as the app.
  args_ = {"lpm", "-platform", "offscreen"};
  for (auto& a : args_) argv_.push_back(a.data());
  argv_.push_back(nullptr);
  argc_ = 3;
  // Qt's own notes about the environment (no XDG_RUNTIME_DIR, ...) are not the command's output.
  previousHandler_ = qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& msg) {
    if (type == QtFatalMsg || type == QtCriticalMsg) std::fprintf(stderr, "lpm: %s\n", qPrintable(msg));
  });
  app_ = std::make_unique<QGuiApplication>(argc_, argv_.data());
}

PaintContext::~PaintContext() {
  if (!app_) return;
  app_.reset();
  qInstallMessageHandler(previousHandler_);
}

bool isOtherVideo(const std::string& ext) {
  for (const char* e : {"mp4", "m4v", "mkv", "avi", "mov", "webm", "gif", "mpg", "mpeg", "wmv", "flv", "png", "jpg", "pdf"})
    if (ext == e) return true;
  return false;
}

bool haveDisplay(std::string* message) {
  const char* d = std::getenv("DISPLAY");
  if (d && *d) return true;
  if (message)
    *message =
        "no X display: DISPLAY is not set. VTK renders through X11 here; run headless as "
        "xvfb-run -a -s \"-screen 0 1280x1024x24\" <command>";
  return false;
}

std::string extensionOf(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

namespace {
// A drawing of the print theme as a file: PNG (size x scale pixels, every length scaled), or a
// vector page (PDF, SVG). `what` names it in the refusal of another extension.
void writeDrawing(const std::string& what, const std::string& path, const ExportSize& size, const std::string& title,
                  const std::function<void(QPainter&, const QRectF&)>& draw) {
  checkSize(size);
  const std::string ext = extensionOf(path);
  if (ext != "png" && ext != "pdf" && ext != "svg") throw InvalidInput(what + ": use .png, .pdf or .svg, got '" + path + "'");
  checkWritableFile(path);  // a folder, or one that does not exist: said before anything is drawn
  if (ext == "png") {
    QImage img(size.width * size.scale, size.height * size.scale, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter painter(&img);
    painter.scale(size.scale, size.scale);  // every length, fonts and lines included
    draw(painter, QRectF(0, 0, size.width, size.height));
    painter.end();
    savePng(img, path);
  } else {
    writeVectorPage(path, size.width, size.height, title, draw);
  }
}
}  // namespace

void exportChart(const ChartData& data, const std::string& path, const ExportSize& size) {
  CosineChart chart;
  fillChart(chart, data);
  writeDrawing("plot export", path, size, chart.title(), [&](QPainter& p, const QRectF& r) { chart.paint(p, r); });
}

void exportPhase(const PhaseDiagram& diagram, std::optional<std::pair<double, double>> current,
                 const std::string& path, const ExportSize& size) {
  PhaseChart chart;
  chart.setDiagram(diagram);
  chart.setCurrent(current);
  writeDrawing("phase diagram export", path, size, chart.title(), [&](QPainter& p, const QRectF& r) { chart.paint(p, r); });
}

void exportScene(const SceneData& data, const std::string& path, const ExportSize& size) {
  checkSize(size);
  const std::string ext = extensionOf(path);
  if (ext != "png" && ext != "gltf") throw InvalidInput("scene export: use .png or .gltf, got '" + path + "'");
  checkWritableFile(path);  // a folder, or one that does not exist: said before anything is drawn
  if (ext == "png") {
    QImage img(size.width * size.scale, size.height * size.scale, QImage::Format_RGB32);
    QPainter painter(&img);
    painter.scale(size.scale, size.scale);  // the picture then fills the image pixel for pixel
    paintScene(painter, QRectF(0, 0, size.width, size.height), data, size.scale);
    painter.end();
    savePng(img, path);
  } else {
    writeSceneGltf(data, path);
  }
}

void exportCombined(const SceneData& scene, const ChartData& chart, const std::string& caption,
                    const std::string& path, const ExportSize& size) {
  checkSize(size);
  const std::string ext = extensionOf(path);
  if (ext != "png" && ext != "pdf" && ext != "svg")
    throw InvalidInput("combined figure: use .png, .pdf or .svg, got '" + path + "'");
  checkWritableFile(path);  // a folder, or one that does not exist: said before anything is drawn
  std::string why;
  if (!haveDisplay(&why)) throw Error(ErrorKind::Io, why);
  if (ext == "png") {
    QImage img(size.width * size.scale, size.height * size.scale, QImage::Format_RGB32);
    QPainter painter(&img);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.scale(size.scale, size.scale);
    paintCombined(painter, QRectF(0, 0, size.width, size.height), scene, chart, caption, size.scale);
    painter.end();
    savePng(img, path);
  } else {
    CosineChart c;
    fillChart(c, chart);
    writeVectorPage(path, size.width, size.height, c.title(), [&](QPainter& p, const QRectF& page) {
      p.setRenderHint(QPainter::SmoothPixmapTransform);
      paintCombined(p, page, scene, chart, caption, 2.0);  // the 3D scene at 144 dpi
    });
  }
}

struct AnimationWriter::Private {
  std::string target;
  ExportSize size;
  bool video = false;
  vtkNew<vtkImageData> frame;
  vtkNew<vtkOggTheoraWriter> ogg;
  int frames = 0;
  bool open = true;
};

AnimationWriter::AnimationWriter(const std::string& target, const ExportSize& size, int fps) {
  checkSize(size);
  if (fps < 1 || fps > 120) throw InvalidInput("fps must be in 1..120");
  const std::string ext = extensionOf(target);
  const bool video = ext == "ogv";
  if (isOtherVideo(ext))
    throw InvalidInput("animation: give a folder (PNG frames) or a .ogv file, got '" + target + "'");
  std::string why;
  if (!haveDisplay(&why)) throw Error(ErrorKind::Io, why);
  if (video) {
    checkWritableFile(target);
  } else {
    std::error_code ec;
    std::filesystem::create_directories(target, ec);
    if (ec) throw IoError("cannot create folder " + target + ": " + ec.message());
  }
  p = std::make_unique<Private>();
  p->target = target;
  p->size = size;
  p->video = video;
  if (video) {
    p->frame->SetDimensions(size.width, size.height, 1);
    p->frame->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
    p->ogg->SetInputData(p->frame);
    p->ogg->SetFileName(target.c_str());
    p->ogg->SetRate(fps);
    p->ogg->SetQuality(2);
  }
}

AnimationWriter::~AnimationWriter() {
  if (p && p->open) close();
}

void AnimationWriter::addFrame(const SceneData& scene, const ChartData& chart, const std::string& caption) {
  QImage img(p->size.width, p->size.height, QImage::Format_RGB888);
  {
    QPainter painter(&img);
    paintCombined(painter, QRectF(0, 0, p->size.width, p->size.height), scene, chart, caption, 1.0);
  }
  if (p->video) {
    auto* dst = static_cast<unsigned char*>(p->frame->GetScalarPointer());
    for (int y = 0; y < img.height(); ++y)  // VTK's rows run bottom-up
      std::memcpy(dst + size_t(img.height() - 1 - y) * img.width() * 3, img.constScanLine(y), size_t(img.width()) * 3);
    p->frame->Modified();
    if (p->frames == 0) p->ogg->Start();
    p->ogg->Write();
  } else {
    char name[32];
    std::snprintf(name, sizeof name, "frame-%04d.png", p->frames);
    savePng(img, (std::filesystem::path(p->target) / name).string());
  }
  ++p->frames;
}

int AnimationWriter::close() {
  if (p->open && p->video && p->frames > 0) p->ogg->End();
  p->open = false;
  return p->frames;
}

}  // namespace lpm::render
