#include "lpm/render/Figure.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <vtkCamera.h>
#include <vtkChartXY.h>
#include <vtkContextActor.h>
#include <vtkContextScene.h>
#include <vtkGL2PSExporter.h>
#include <vtkGLTFExporter.h>
#include <vtkNew.h>
#include <vtkOggTheoraWriter.h>
#include <vtkPNGWriter.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkWindowToImageFilter.h>

#include "lpm/render/CosineChart.h"
#include "lpm/render/SceneContent.h"

namespace lpm::render {
namespace {

void fill(CosineChart& c, const ChartData& d, double fontScale) {
  c.setFontScale(fontScale);
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

void fill(SceneContent& s, const SceneData& d, double fontScale) {
  s.setFontScale(fontScale);
  s.setConfiguration(d.W, d.H, d.minority);
  s.setModelLegend(d.legend);
  s.setShowUnitSphere(d.view.unitSphere);
  s.setShowMeans(d.view.means);
  s.setShowLabels(d.view.labels);
  s.setUnitArrows(d.view.unitArrows);
  s.setReference(d.view.etf ? d.etf : Eigen::MatrixX3d());
  s.setOverlay(d.overlay);
  s.setDarkBackground(false);
  s.setNote(d.note);
  if (d.camera) {
    auto* cam = s.renderer()->GetActiveCamera();
    cam->SetPosition(d.camera->position.data());
    cam->SetFocalPoint(d.camera->focalPoint.data());
    cam->SetViewUp(d.camera->viewUp.data());
    cam->SetViewAngle(d.camera->viewAngle);
    s.renderer()->ResetCameraClippingRange();
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

void writePng(vtkRenderWindow* win, const std::string& path) {
  win->Render();
  vtkNew<vtkWindowToImageFilter> grab;
  grab->SetInput(win);
  grab->ReadFrontBufferOff();
  grab->Update();
  vtkNew<vtkPNGWriter> w;
  w->SetInputConnection(grab->GetOutputPort());
  w->SetFileName(path.c_str());
  w->Write();
  if (w->GetErrorCode() != 0 || !std::filesystem::exists(path)) throw IoError("cannot write " + path);
}

void writeVector(vtkRenderWindow* win, const std::string& path, const std::string& ext) {
  win->Render();
  vtkNew<vtkGL2PSExporter> e;
  e->SetRenderWindow(win);
  const std::filesystem::path p(path);
  e->SetFilePrefix((p.parent_path() / p.stem()).string().c_str());
  if (ext == "pdf") e->SetFileFormatToPDF();
  else if (ext == "svg") e->SetFileFormatToSVG();
  else e->SetFileFormatToEPS();
  e->CompressOff();
  e->TextAsPathOff();  // text stays text
  e->DrawBackgroundOn();
  e->SetSortToBSP();
  e->Write();
  if (!std::filesystem::exists(path)) throw IoError("cannot write " + path);
}

// Scene left, chart right, optional caption band at the bottom, all in one window.
struct Combined {
  vtkSmartPointer<vtkRenderWindow> win;
  SceneContent scene;
  CosineChart chart;
  vtkNew<vtkRenderer> chartRenderer, captionRenderer;
  vtkNew<vtkContextActor> chartActor;
  vtkNew<vtkTextActor> caption;
  double fontScale;

  Combined(int w, int h, double fs) : win(offscreenWindow(w, h)), fontScale(fs) {
    const double band = 0.07;
    scene.renderer()->SetViewport(0, band, 0.5, 1);
    chartRenderer->SetViewport(0.5, band, 1, 1);
    captionRenderer->SetViewport(0, 0, 1, band);
    chartRenderer->SetBackground(1, 1, 1);
    captionRenderer->SetBackground(1, 1, 1);
    chartActor->GetScene()->AddItem(chart.chart());
    chartRenderer->AddActor(chartActor);
    caption->GetTextProperty()->SetFontSize(static_cast<int>(15 * fs));
    caption->GetTextProperty()->SetColor(0.1, 0.1, 0.12);
    caption->GetTextProperty()->SetVerticalJustificationToCentered();
    caption->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    caption->GetPositionCoordinate()->SetValue(0.015, 0.5);
    captionRenderer->AddActor(caption);
    win->AddRenderer(scene.renderer());
    win->AddRenderer(chartRenderer);
    win->AddRenderer(captionRenderer);
  }
  void set(const SceneData& s, const ChartData& c, const std::string& text) {
    fill(scene, s, fontScale);
    fill(chart, c, fontScale);
    caption->SetInput(text.c_str());
  }
};

}  // namespace

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

void exportChart(const ChartData& data, const std::string& path, const ExportSize& size) {
  checkSize(size);
  const std::string ext = extensionOf(path);
  if (ext != "png" && ext != "pdf" && ext != "svg" && ext != "eps")
    throw InvalidInput("plot export: use .png, .pdf, .svg or .eps, got '" + path + "'");
  const int s = ext == "png" ? size.scale : 1;  // vector output has no pixels to multiply
  auto win = offscreenWindow(size.width * s, size.height * s);
  vtkNew<vtkRenderer> ren;
  ren->SetBackground(1, 1, 1);
  win->AddRenderer(ren);
  CosineChart chart;
  fill(chart, data, s);
  vtkNew<vtkContextActor> actor;
  actor->GetScene()->AddItem(chart.chart());
  ren->AddActor(actor);
  if (ext == "png") writePng(win, path);
  else writeVector(win, path, ext);
}

void exportScene(const SceneData& data, const std::string& path, const ExportSize& size) {
  checkSize(size);
  const std::string ext = extensionOf(path);
  if (ext != "png" && ext != "gltf") throw InvalidInput("scene export: use .png or .gltf, got '" + path + "'");
  auto win = offscreenWindow(size.width * size.scale, size.height * size.scale);
  SceneContent scene;
  fill(scene, data, size.scale);
  win->AddRenderer(scene.renderer());
  if (ext == "png") {
    writePng(win, path);
  } else {
    win->Render();
    vtkNew<vtkGLTFExporter> e;
    e->SetRenderWindow(win);
    e->SetFileName(path.c_str());
    e->InlineDataOn();
    e->Write();
    if (!std::filesystem::exists(path)) throw IoError("cannot write " + path);
  }
}

void exportCombined(const SceneData& scene, const ChartData& chart, const std::string& caption,
                    const std::string& path, const ExportSize& size) {
  checkSize(size);
  const std::string ext = extensionOf(path);
  if (ext != "png" && ext != "pdf") throw InvalidInput("combined figure: use .png or .pdf, got '" + path + "'");
  const int s = ext == "png" ? size.scale : 1;
  Combined c(size.width * s, size.height * s, s);
  c.set(scene, chart, caption);
  if (ext == "png") writePng(c.win, path);
  else writeVector(c.win, path, ext);
}

struct AnimationWriter::Private {
  std::string target;
  bool video = false;
  Combined combined;
  vtkNew<vtkWindowToImageFilter> grab;
  vtkNew<vtkOggTheoraWriter> ogg;
  int frames = 0;
  bool open = true;
  Private(const std::string& t, const ExportSize& size) : target(t), combined(size.width, size.height, 1) {}
};

AnimationWriter::AnimationWriter(const std::string& target, const ExportSize& size, int fps) {
  checkSize(size);
  if (fps < 1 || fps > 120) throw InvalidInput("fps must be in 1..120");
  const bool video = extensionOf(target) == "ogv";
  if (!video) {
    std::error_code ec;
    std::filesystem::create_directories(target, ec);
    if (ec) throw IoError("cannot create folder " + target + ": " + ec.message());
  }
  p = std::make_unique<Private>(target, size);
  p->video = video;
  p->grab->SetInput(p->combined.win);
  p->grab->ReadFrontBufferOff();
  if (video) {
    p->ogg->SetInputConnection(p->grab->GetOutputPort());
    p->ogg->SetFileName(target.c_str());
    p->ogg->SetRate(fps);
    p->ogg->SetQuality(2);
  }
}

AnimationWriter::~AnimationWriter() {
  if (p && p->open) close();
}

void AnimationWriter::addFrame(const SceneData& scene, const ChartData& chart, const std::string& caption) {
  p->combined.set(scene, chart, caption);
  p->combined.win->Render();
  p->grab->Modified();
  p->grab->Update();
  if (p->video) {
    if (p->frames == 0) p->ogg->Start();
    p->ogg->Write();
  } else {
    char name[32];
    std::snprintf(name, sizeof name, "frame-%04d.png", p->frames);
    vtkNew<vtkPNGWriter> w;
    w->SetInputConnection(p->grab->GetOutputPort());
    const std::string path = (std::filesystem::path(p->target) / name).string();
    w->SetFileName(path.c_str());
    w->Write();
    if (w->GetErrorCode() != 0) throw IoError("cannot write " + path);
  }
  ++p->frames;
}

int AnimationWriter::close() {
  if (p->open && p->video && p->frames > 0) p->ogg->End();
  p->open = false;
  return p->frames;
}

}  // namespace lpm::render
