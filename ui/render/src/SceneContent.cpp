#include "lpm/render/SceneContent.h"
#include "lpm/Geometry.h"

#include <vtkActor.h>
#include <vtkActor2D.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty2D.h>
#include <vtkArrowSource.h>
#include <vtkAxesActor.h>
#include <vtkCellArray.h>
#include <vtkCamera.h>
#include <vtkCoordinate.h>
#include <vtkDepthSortPolyData.h>

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vtkDoubleArray.h>
#include <vtkGlyph3DMapper.h>
#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkSphereSource.h>
#include <vtkTextActor.h>

#include <sstream>
#include <tuple>
#include <vtkTextProperty.h>
#include <vtkTextRenderer.h>
#include <vtkUnsignedCharArray.h>

namespace lpm::render {

namespace {

// The legend and the note sit this far (normalized) from the view's corners.
constexpr double kCornerInset = 0.006;
void hsv(double hue, double s, double v, double rgb[3]) {
  const double h = std::fmod(hue, 1.0) * 6;
  const int i = static_cast<int>(h) % 6;
  const double f = h - std::floor(h), p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  const double table[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
  for (int c = 0; c < 3; ++c) rgb[c] = table[i][c];
}
} // namespace

std::vector<std::array<double, 3>> Palette::classColours(int K, const std::vector<bool>& minority) {
  std::vector<std::array<double, 3>> out(static_cast<size_t>(std::max(K, 0)));
  const bool grouped = static_cast<int>(minority.size()) >= K && std::find(minority.begin(), minority.end(), true) != minority.end();
  if (grouped) {
    // Each class by its rank in its group. Hue ranges in turns: majority 195°..260° (round blue
    // 205°), minority 0°..36° (round vermillion 26°; beyond it amber turned olive).
    int sizes[2] = {0, 0};
    for (int k = 0; k < K; ++k) ++sizes[minority[k] ? 1 : 0];
    int ranks[2] = {0, 0};
    for (int k = 0; k < K; ++k) {
      const bool minor = minority[k];
      const int rank = ranks[minor ? 1 : 0]++, size = sizes[minor ? 1 : 0];
      const double lo = minor ? 0.0 : 195.0 / 360, hi = minor ? 36.0 / 360 : 260.0 / 360;
      const double t = size > 1 ? double(rank) / (size - 1) : 0.5;
      hsv(lo + t * (hi - lo), rank % 2 ? 0.55 : 0.9, rank % 2 ? 0.95 : 0.72, out[size_t(k)].data());
    }
    return out;
  }
  static constexpr double ten[10][3] = {{0.122, 0.467, 0.706}, {1.0, 0.498, 0.055}, {0.173, 0.627, 0.173},
                                        {0.839, 0.153, 0.157}, {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294},
                                        {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498}, {0.737, 0.741, 0.133},
                                        {0.090, 0.745, 0.812}};
  for (int k = 0; k < K; ++k) {
    if (k < 10)
      for (int c = 0; c < 3; ++c) out[size_t(k)][size_t(c)] = ten[k][c];
    else
      hsv(std::fmod(k * 0.381966, 1.0), 0.65, 0.85, out[size_t(k)].data());  // golden-angle hues
  }
  return out;
}

namespace {
// The inset's mean angle to the minority's mean direction, radians: of its true angles, or (none
// given) of a flat fan's rows (sin, cos of each).
double meanAngleToMean(const MinorityInset& inset) {
  const auto& plane = inset.plane;
  if (inset.angles.size() == plane.rows() && plane.rows() > 0) return inset.angles.mean();
  double angle = 0;
  for (int i = 0; i < plane.rows(); ++i) angle += std::acos(std::clamp(plane(i, 1), -1.0, 1.0)) / plane.rows();
  return angle;
}

// A class label's colour: darker than its arrow on a light background, lighter on a dark one.
void setLabelColour(vtkTextActor* t, const double c[3], bool dark) {
  if (dark) t->GetTextProperty()->SetColor(0.45 + 0.55 * c[0], 0.45 + 0.55 * c[1], 0.45 + 0.55 * c[2]);
  else t->GetTextProperty()->SetColor(c[0] * 0.8, c[1] * 0.8, c[2] * 0.8);
}

// A text's drawn size in pixels with its property as set (VTK's text renderer at 72 dpi).
std::optional<std::pair<int, int>> textExtent(vtkTextProperty* property, const std::string& text) {
  vtkTextRenderer* renderer = vtkTextRenderer::GetInstance();
  int box[4] = {0, 0, 0, 0};
  if (!renderer || !renderer->GetBoundingBox(property, text, box, 72)) return std::nullopt;
  return std::pair{box[1] - box[0], box[3] - box[2]};
}
}  // namespace

std::optional<MinorityCone> minorityCone(const Eigen::MatrixX3d& W, const std::vector<bool>& minority, const MinorityInset& inset) {
  const auto& plane = inset.plane;
  Eigen::Vector3d mean = Eigen::Vector3d::Zero();
  for (int k = 0; k < W.rows(); ++k)
    if (k < static_cast<int>(minority.size()) && minority[k] && W.row(k).norm() > 1e-12) mean += W.row(k).transpose().normalized();
  const double angle = meanAngleToMean(inset);
  // Collapsed by the metrics' criterion (cosine >= 1 - 1e-3, the inset's "collapsed"): no cone,
  // whatever angle is left (at R = 12.19 a 1-degree cone stood beside "collapsed, cos 0.999").
  if (plane.rows() < 2 || inset.collapsed || !(mean.norm() > 1e-9) || angle * 180 / M_PI < 0.5) return std::nullopt;
  return MinorityCone{mean.normalized(), angle};
}

std::vector<Eigen::Vector3d> MinorityCone::rim(int n) const {
  const Eigen::Vector3d e1 = (std::abs(axis.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY()).cross(axis).normalized();
  const Eigen::Vector3d e2 = axis.cross(e1);
  std::vector<Eigen::Vector3d> out;
  for (int j = 0; j <= n; ++j) {
    const double phi = 2 * M_PI * (j % n) / n;
    out.push_back(std::cos(angle) * axis + std::sin(angle) * (std::cos(phi) * e1 + std::sin(phi) * e2));
  }
  return out;
}

bool LabelBox::overlaps(const LabelBox& o) const {
  return std::abs(x - o.x) < (w + o.w) / 2 && std::abs(y - o.y) < (h + o.h) / 2;
}

void separateLabels(std::vector<LabelBox>& boxes, double left, double right) {
  // Along the row: each overlapping pair moves apart by half the overlap each, a few rounds, the
  // boxes kept between left and right (where they fit). What is still overlapping then (a row too
  // narrow) goes up by a line, above the one it met.
  auto clampX = [&](LabelBox& b) {
    if (right - left >= b.w) b.x = std::clamp(b.x, left + b.w / 2, right - b.w / 2);
  };
  for (int round = 0; round < 40; ++round) {
    bool moved = false;
    for (size_t i = 0; i < boxes.size(); ++i)
      for (size_t j = i + 1; j < boxes.size(); ++j) {
        LabelBox &a = boxes[i], &b = boxes[j];
        if (!a.overlaps(b)) continue;
        const double need = (a.w + b.w) / 2 - std::abs(a.x - b.x) + 0.5;
        const double dir = a.x < b.x || (a.x == b.x && i < j) ? -1 : 1;
        a.x += dir * need / 2, b.x -= dir * need / 2;
        clampX(a), clampX(b);
        moved = true;
      }
    if (!moved) return;
  }
  for (size_t j = 1; j < boxes.size(); ++j)
    for (size_t i = 0; i < j; ++i)
      if (boxes[i].overlaps(boxes[j])) boxes[j].y = boxes[i].y + (boxes[i].h + boxes[j].h) / 2 + 1, i = size_t(-1);
}

bool DrawnMark::covers(const LabelBox& box) const {
  const double x0 = box.x - box.w / 2, x1 = box.x + box.w / 2, y0 = box.y - box.h / 2, y1 = box.y + box.h / 2;
  auto toBox = [&](const Eigen::Vector2d& q) {
    return std::hypot(std::max({x0 - q.x(), 0.0, q.x() - x1}), std::max({y0 - q.y(), 0.0, q.y() - y1}));
  };
  const Eigen::Vector2d d = b - a;
  // Does the segment pass through the box (Liang-Barsky)?
  double t0 = 0, t1 = 1;
  bool through = true;
  for (const auto& [q, lo, hi] : {std::tuple{d.x(), x0 - a.x(), x1 - a.x()}, std::tuple{d.y(), y0 - a.y(), y1 - a.y()}}) {
    if (std::abs(q) < 1e-12) {
      if (lo > 0 || hi < 0) through = false;
      continue;
    }
    const double ta = lo / q, tb = hi / q;
    t0 = std::max(t0, std::min(ta, tb)), t1 = std::min(t1, std::max(ta, tb));
  }
  if (through && t0 <= t1) return true;
  // Otherwise the nearest of: the ends to the box, the box's corners to the segment.
  double nearest = std::min(toBox(a), toBox(b));
  const double len2 = d.squaredNorm();
  for (const Eigen::Vector2d& c : {Eigen::Vector2d(x0, y0), Eigen::Vector2d(x0, y1), Eigen::Vector2d(x1, y0), Eigen::Vector2d(x1, y1)}) {
    const double t = len2 > 0 ? std::clamp((c - a).dot(d) / len2, 0.0, 1.0) : 0.0;
    nearest = std::min(nearest, (a + t * d - c).norm());
  }
  return nearest < radius;
}

void clearLabelsOfMarks(std::vector<LabelBox>& boxes, const std::vector<std::vector<size_t>>& groups,
                        const std::vector<Eigen::Vector2d>& directions, const std::vector<DrawnMark>& marks,
                        double step, int steps) {
  // A move must also not put a label onto another (sideways, "7" went past "8": "5 6 8 7 9").
  // How many marks the group covers moved by `shift`; -1 where it would meet another label.
  auto coverCount = [&](const std::vector<size_t>& g, const Eigen::Vector2d& shift) {
    const bool moving = shift.squaredNorm() > 0;
    int n = 0;
    for (size_t i : g) {
      LabelBox moved = boxes[i];
      moved.x += shift.x(), moved.y += shift.y();
      for (size_t j = 0; moving && j < boxes.size(); ++j)
        if (std::find(g.begin(), g.end(), j) == g.end() && moved.overlaps(boxes[j])) return -1;
      for (const auto& m : marks) n += m.covers(moved);
    }
    return n;
  };
  // Outwards first, then turned 45 degrees either way: the least move that clears.
  const double turns[] = {0, M_PI / 4, -M_PI / 4};
  // A label with another beside it (a fan's row) moves half as far: "8" dropped 20 px below
  // "5 6 7 9" at R = 10.5 and read as apart from them.
  auto crowded = [&](const std::vector<size_t>& g) {
    for (size_t i : g)
      for (size_t j = 0; j < boxes.size(); ++j)
        if (std::find(g.begin(), g.end(), j) == g.end() &&
            std::abs(boxes[i].x - boxes[j].x) < (boxes[i].w + boxes[j].w) / 2 + step &&
            std::abs(boxes[i].y - boxes[j].y) < (boxes[i].h + boxes[j].h) / 4)
          return true;
    return false;
  };
  for (size_t gi = 0; gi < groups.size() && gi < directions.size(); ++gi) {
    const auto& g = groups[gi];
    if (coverCount(g, Eigen::Vector2d::Zero()) == 0) continue;
    bool cleared = false;
    const int limit = crowded(g) ? (steps + 1) / 2 : steps;
    // Where nothing within reach is clear (a short arrow's label among others' shafts near the
    // centre), the place within reach that covers fewest marks, if fewer than where it is.
    int fewest = coverCount(g, Eigen::Vector2d::Zero());
    Eigen::Vector2d best = Eigen::Vector2d::Zero();
    for (int s = 1; s <= limit && !cleared; ++s)
      for (const double t : turns) {
        const Eigen::Vector2d d = Eigen::Rotation2Dd(t) * directions[gi];
        const Eigen::Vector2d shift = d * (step * s);
        const int n = coverCount(g, shift);
        if (n > 0 && n < fewest) fewest = n, best = shift;
        if (n != 0) continue;
        for (size_t i : g) boxes[i].x += shift.x(), boxes[i].y += shift.y();
        cleared = true;
        break;
      }
    if (!cleared)
      for (size_t i : g) boxes[i].x += best.x(), boxes[i].y += best.y();
  }
}

namespace {

// "5–9" for 5,6,7,8,9; "5,7" otherwise (classes numbered from 0, as everywhere).
std::string classList(std::vector<int> ks) {
  // Runs as ranges ("6–10"), at most three pieces, the rest counted ("12,14 +52"): a label that
  // lists 27 classes runs over its neighbours.
  std::sort(ks.begin(), ks.end());
  std::vector<std::pair<int, int>> runs;
  for (int k : ks)
    if (!runs.empty() && k == runs.back().second + 1) runs.back().second = k;
    else runs.push_back({k, k});
  auto piece = [](const std::pair<int, int>& r) {
    if (r.first == r.second) return std::to_string(r.first);
    return std::to_string(r.first) + (r.second == r.first + 1 ? "," : "\u2013") + std::to_string(r.second);
  };
  std::string out;
  size_t shown = 0, covered = 0;
  for (const auto& r : runs) {
    if (shown == 3 && runs.size() > 3) break;
    out += (out.empty() ? "" : ",") + piece(r);
    covered += static_cast<size_t>(r.second - r.first + 1);
    ++shown;
  }
  if (covered < ks.size()) out += " +" + std::to_string(ks.size() - covered);
  return out;
}

// Groups of rows whose points lie within `tol` of each other (single linkage, in order).
std::vector<std::vector<int>> coincident(const std::vector<Eigen::Vector3d>& pts, double tol) {
  std::vector<int> group(pts.size(), -1);
  std::vector<std::vector<int>> groups;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (group[i] >= 0) continue;
    group[i] = int(groups.size());
    groups.push_back({int(i)});
    for (size_t q = 0; q < groups.back().size(); ++q)
      for (size_t j = i + 1; j < pts.size(); ++j)
        if (group[j] < 0 && (pts[groups.back()[q]] - pts[j]).norm() < tol) {
          group[j] = group[i];
          groups.back().push_back(int(j));
        }
  }
  return groups;
}

constexpr const char* kModelLegend = "classifiers w_k / sqrt(EW): arrows\nclass means h_k / sqrt(EH): spheres";

// One glyph mapper draws every arrow (or sphere): far cheaper than an actor each.
struct GlyphLayer {
  vtkNew<vtkPolyData> data;
  vtkNew<vtkPoints> points;
  vtkNew<vtkDoubleArray> vectors;
  vtkNew<vtkUnsignedCharArray> colors;
  vtkNew<vtkGlyph3DMapper> mapper;
  vtkNew<vtkActor> actor;

  GlyphLayer() {
    vectors->SetNumberOfComponents(3);
    vectors->SetName("dir");
    colors->SetNumberOfComponents(3);
    colors->SetName("rgb");
    data->SetPoints(points);
    data->GetPointData()->AddArray(vectors);
    data->GetPointData()->SetScalars(colors);
    mapper->SetInputData(data);
    mapper->SetScalarModeToUsePointData();
    mapper->SetColorModeToDirectScalars();
    actor->SetMapper(mapper);
  }
  void clear() {
    points->Reset();
    vectors->Reset();
    colors->Reset();
  }
  void add(const Eigen::Vector3d& at, const Eigen::Vector3d& dir, const double rgb[3]) {
    points->InsertNextPoint(at.data());
    vectors->InsertNextTuple(dir.data());
    const unsigned char c[3] = {static_cast<unsigned char>(rgb[0] * 255), static_cast<unsigned char>(rgb[1] * 255),
                                static_cast<unsigned char>(rgb[2] * 255)};
    colors->InsertNextTypedTuple(c);
  }
  void commit() {
    points->Modified();
    vectors->Modified();
    colors->Modified();
    data->Modified();
  }
};

}  // namespace

struct SceneContent::Private {
  vtkNew<vtkRenderer> renderer;
  GlyphLayer arrows, spheres, reference, overlay;
  vtkNew<vtkArrowSource> arrowSource, thinArrowSource;
  vtkNew<vtkPolyData> samples;
  vtkNew<vtkPolyDataMapper> samplesMapper;
  vtkNew<vtkActor> samplesActor;
  std::vector<int> sampleLabels;
  vtkNew<vtkSphereSource> sphereSource, unitSphere;
  vtkNew<vtkPolyDataMapper> unitSphereMapper;
  vtkNew<vtkActor> unitSphereActor;
  vtkNew<vtkAxesActor> axes;
  // The minority cone (rebuildCone): from the origin round the minority's mean direction, its rim
  // on the unit sphere at their angle to that mean.
  vtkNew<vtkPolyData> cone, coneRim;
  vtkNew<vtkDepthSortPolyData> coneSort;
  vtkNew<vtkPolyDataMapper> coneMapper, coneRimMapper;
  vtkNew<vtkActor> coneActor, coneRimActor;
  double coneDegrees = 0;
  bool spreadOffAxes = false;  ///< the minority's arrows as drawn hide their spread (rebuildCone)
  double reach = 1.5;  ///< how far from the origin the drawing goes (rebuild): what placeScene keeps clear
  double standardDistance = 6;  ///< the camera's distance in the standard views (standardView)
  Eigen::MatrixX3d etf;          ///< the reference drawn (setReference), none: empty
  int standardWhich = 3;
  double standardPosition[3] = {0, 0, 0}, standardUp[3] = {0, 0, 0};  ///< the last standard view's camera
  // The legend (upper left) and the note (lower left): plain text, sized once per change of text
  // or view (fitCornerText), not fitted again on every frame as vtkCornerAnnotation does.
  vtkNew<vtkTextActor> legendText, noteText;
  std::string legend, note;
  bool cornerShown = true;
  std::vector<vtkSmartPointer<vtkTextActor>> labels;
  // Where each label belongs (world, beside its tip) and its text's size in pixels (rebuild);
  // placeLabels turns them into pixels on every frame, whatever the rotation, and the boxes it drew.
  std::vector<Eigen::Vector3d> labelAnchors;
  std::vector<DrawnMark> marks;  // the last frame's arrows and spheres in pixels (placeLabels)
  std::vector<bool> labelWanted;  // labels the data shows; placeLabels hides those out of view
  std::vector<std::pair<double, double>> labelSizes;
  std::vector<LabelBox> labelBoxes;
  vtkNew<vtkCallbackCommand> placeLabelsCommand;
  double fontScale = 1;
  // The minority inset (upper right): a frame, the unit circle, the arrows and their texts. Its
  // panel is a renderer of its own in layer 1, cleared to a plain colour in the inset's box, so the
  // 3D scene never draws into it; what it shows is in `insetLayer` above (layer 2, the whole view,
  // nothing cleared). A filled 2D polygon in one renderer does not work: VTK 9.1 draws it over
  // the lines and texts, whatever their layer numbers.
  vtkNew<vtkRenderer> insetPanel, insetLayer;
  vtkNew<vtkPolyData> insetLines, insetArrows;
  vtkNew<vtkPolyDataMapper2D> insetLinesMapper, insetArrowsMapper;
  vtkNew<vtkActor2D> insetLinesActor, insetArrowsActor;
  vtkNew<vtkCoordinate> normalized;
  vtkNew<vtkTextActor> insetTitle, insetValue;
  std::vector<vtkSmartPointer<vtkTextActor>> insetLabels;
  std::vector<LabelBox> insetLabelBoxes;  ///< the shown ones, pixels (rebuildInset)
  InsetLayout insetLayout;
  MinorityInset inset;
  double aspect = 1;
  int legendWidth = 0, legendHeight = 0;  ///< pixels, the upper-left text as drawn (fitCornerText)
  bool legendBesideInset = false;         ///< the legend was fitted beside a drawn inset
  std::vector<double> insetBox;           ///< normalized x0, y0, x1, y1 of the inset; empty: hidden
  int viewHeight = 0;  ///< pixels, when known (setViewSize)
  int viewWidth = 0;
  bool dark = false;
};

namespace {
// The minority inset's panel (normalized view units): whether it is drawn, its width and height.
// A panel in the upper right, 30% of the view's height and 1.25 times as wide (in pixels); in a
// narrow view at most 55% of the width (it shrinks to stay in shape). A tall narrow view (the
// Trained Network dock beside it) has room above the sphere, which fits the width: there the panel
// spans the width (0.94 of it, as tall as 0.75 of it). Too small to read (a narrow view, large
// text): no panel rather than an illegible one.
struct InsetPanel {
  bool on;
  double bw, bh;
};
InsetPanel insetPanel(double aspectIn, int viewHeight, double fontScale, bool wanted, int legendHeight) {
  const double aspect = std::max(aspectIn, 0.2);
  double S = std::min(0.30, 0.55 * aspect / 1.25), bw = 1.25 * S / aspect;
  const double readable = 120 * fontScale;  // presentation's 1280 x 800 portrait view has 194 px: shown
  // The wide panel only where it fits between the legend and the sphere, whose top is about a
  // third of the width above the middle (the sphere fits the width in a portrait view).
  const double width = aspect * viewHeight, wideHeight = 0.94 * width / 1.25;
  if (viewHeight > 0 && S * viewHeight < readable && aspect < 0.75 &&
      wideHeight + legendHeight + 12 <= viewHeight / 2.0 - width / 3)
    bw = 0.94, S = 0.94 * aspect / 1.25;
  return {wanted && !(viewHeight > 0 && S * viewHeight < readable), bw, S};
}
}  // namespace

SceneContent::SceneContent() : p(new Private) {
  auto* r = p->renderer.Get();
  r->GradientBackgroundOn();
  p->insetPanel->SetLayer(1);
  p->insetPanel->PreserveColorBufferOff();  // opaque: cleared to its background in its viewport
  p->insetPanel->InteractiveOff();
  p->insetPanel->DrawOff();
  p->insetLayer->SetLayer(2);
  p->insetLayer->InteractiveOff();
  setDarkBackground(false);
  p->placeLabelsCommand->SetClientData(this);
  p->placeLabelsCommand->SetCallback([](vtkObject*, unsigned long, void* self, void*) { static_cast<SceneContent*>(self)->placeLabels(); });
  r->AddObserver(vtkCommand::StartEvent, p->placeLabelsCommand);

  p->arrowSource->SetTipResolution(12);
  p->arrowSource->SetShaftResolution(8);
  p->arrowSource->SetTipLength(0.18);
  p->arrowSource->SetTipRadius(0.05);
  p->arrowSource->SetShaftRadius(0.015);
  p->thinArrowSource->SetTipResolution(10);
  p->thinArrowSource->SetShaftResolution(6);
  p->thinArrowSource->SetTipLength(0.14);
  p->thinArrowSource->SetTipRadius(0.035);
  p->thinArrowSource->SetShaftRadius(0.008);
  for (GlyphLayer* layer : {&p->arrows, &p->reference, &p->overlay}) {
    layer->mapper->SetSourceConnection(layer == &p->overlay ? p->thinArrowSource->GetOutputPort()
                                                            : p->arrowSource->GetOutputPort());
    layer->mapper->SetOrientationArray("dir");
    layer->mapper->SetScaleArray("dir");
    layer->mapper->SetScaleModeToScaleByMagnitude();
    layer->mapper->OrientOn();
  }
  p->reference.actor->GetProperty()->SetOpacity(0.5);
  p->reference.actor->VisibilityOff();
  p->overlay.actor->VisibilityOff();
  p->samplesMapper->SetInputData(p->samples);
  p->samplesMapper->SetScalarModeToUsePointData();
  p->samplesMapper->SetColorModeToDirectScalars();
  p->samplesActor->SetMapper(p->samplesMapper);
  p->samplesActor->GetProperty()->SetPointSize(3);
  p->samplesActor->GetProperty()->LightingOff();
  p->samplesActor->VisibilityOff();
  p->sphereSource->SetThetaResolution(12);
  p->sphereSource->SetPhiResolution(12);
  p->sphereSource->SetRadius(0.045);
  p->spheres.mapper->SetSourceConnection(p->sphereSource->GetOutputPort());
  p->spheres.mapper->ScalingOff();
  p->spheres.mapper->OrientOff();

  p->unitSphere->SetRadius(1.0);
  p->unitSphere->SetThetaResolution(24);
  p->unitSphere->SetPhiResolution(12);
  p->unitSphereMapper->SetInputConnection(p->unitSphere->GetOutputPort());
  p->unitSphereActor->SetMapper(p->unitSphereMapper);
  p->unitSphereActor->GetProperty()->SetRepresentationToWireframe();
  // Opaque, light lines: a translucent sphere costs a translucent pass (~20 ms a frame in software GL).
  p->unitSphereActor->GetProperty()->SetColor(0.78, 0.78, 0.82);
  p->unitSphereActor->GetProperty()->LightingOff();

  p->axes->SetTotalLength(1.2, 1.2, 1.2);
  p->axes->SetShaftTypeToLine();
  p->axes->SetNormalizedTipLength(0.05, 0.05, 0.05);
  p->axes->AxisLabelsOff();
  p->axes->VisibilityOff();

  r->AddActor(p->arrows.actor);
  r->AddActor(p->spheres.actor);
  r->AddActor(p->reference.actor);
  r->AddActor(p->overlay.actor);
  r->AddActor(p->samplesActor);
  r->AddActor(p->unitSphereActor);
  r->AddActor(p->axes);
  // The translucent cone is drawn in the opaque pass, after everything it may cover, its
  // triangles sorted back to front: VTK 9.1's translucent pass is order-independent transparency,
  // full-viewport float passes that doubled the frame in software GL (13 ms, 7 without the cone,
  // at K = 10). Blending in order is exact for one colour; the rim goes first, so the cone tints
  // its far half as it tints the arrows behind it. Only beside another translucent prop (the ETF
  // reference) does the cone go back to that pass (setReference).
  p->coneSort->SetInputData(p->cone);
  p->coneSort->SetCamera(r->GetActiveCamera());
  p->coneSort->SetDirectionToBackToFront();
  p->coneSort->SetDepthSortModeToParametricCenter();
  p->coneMapper->SetInputConnection(p->coneSort->GetOutputPort());
  p->coneActor->SetMapper(p->coneMapper);
  p->coneActor->SetForceOpaque(true);
  p->coneRimMapper->SetInputData(p->coneRim);
  p->coneRimActor->SetMapper(p->coneRimMapper);
  for (vtkActor* a : {p->coneRimActor.Get(), p->coneActor.Get()}) {
    a->GetProperty()->SetColor(Palette::minorityW[0], Palette::minorityW[1], Palette::minorityW[2]);
    a->GetProperty()->LightingOff();
    a->SetVisibility(false);
    a->SetPickable(false);
    r->AddActor(a);
  }
  p->coneActor->GetProperty()->SetOpacity(0.16);
  p->coneRimActor->GetProperty()->SetLineWidth(2.0f);
  for (vtkTextActor* t : {p->legendText.Get(), p->noteText.Get()}) {
    t->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    t->GetTextProperty()->SetJustificationToLeft();
    t->SetLayerNumber(5);
    r->AddActor2D(t);
  }
  p->legendText->GetTextProperty()->SetVerticalJustificationToTop();
  p->noteText->GetTextProperty()->SetVerticalJustificationToBottom();
  p->legend = kModelLegend;
  setFontScale(1);
  p->normalized->SetCoordinateSystemToNormalizedViewport();
  const std::pair<vtkPolyData*, std::pair<vtkPolyDataMapper2D*, vtkActor2D*>> layers[] = {
      {p->insetLines, {p->insetLinesMapper, p->insetLinesActor}},
      {p->insetArrows, {p->insetArrowsMapper, p->insetArrowsActor}}};
  for (const auto& [data, ma] : layers) {
    ma.first->SetInputData(data);
    ma.first->SetTransformCoordinate(p->normalized);
    ma.second->SetMapper(ma.first);
    ma.second->SetVisibility(false);
    p->insetLayer->AddActor2D(ma.second);
  }
  // Drawn in layer order: the frame and circle, the arrows, the texts.
  p->insetLinesActor->SetLayerNumber(2);
  p->insetArrowsActor->SetLayerNumber(3);
  p->insetTitle->SetLayerNumber(4);
  p->insetValue->SetLayerNumber(4);
  p->insetLinesActor->GetProperty()->SetLineWidth(1.2f);
  p->insetArrowsActor->GetProperty()->SetLineWidth(2.5f);
  p->insetArrowsActor->GetProperty()->SetColor(Palette::minorityW[0], Palette::minorityW[1], Palette::minorityW[2]);
  for (vtkTextActor* t : {p->insetTitle.Get(), p->insetValue.Get()}) {
    t->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    t->GetTextProperty()->SetJustificationToCentered();
    t->SetVisibility(false);
    p->insetLayer->AddActor2D(t);
  }
  resetCamera();
}

SceneContent::~SceneContent() = default;

vtkRenderer* SceneContent::renderer() const { return p->renderer; }

void SceneContent::addTo(vtkRenderWindow* window) {
  window->SetNumberOfLayers(std::max(window->GetNumberOfLayers(), 3));
  for (vtkRenderer* r : {p->renderer.Get(), p->insetPanel.Get(), p->insetLayer.Get()}) window->AddRenderer(r);
}

void SceneContent::setFontScale(double s) {
  p->fontScale = s;
  fitCornerText();
  rebuild();  // the labels' sizes
  rebuildInset();
}

void SceneContent::setSameClassifier(const std::vector<int>& sameAs) {
  if (sameAs == sameClassifier_) return;
  sameClassifier_ = sameAs;
  rebuild();
}

void SceneContent::setUnitArrows(bool on) {
  unitArrows_ = on;
  rebuild();
}

void SceneContent::setConfiguration(const Eigen::MatrixX3d& W, const Eigen::MatrixX3d& H, const std::vector<bool>& minority) {
  W_ = W;
  H_ = H;
  minority_ = minority;
  rebuild();
}

void SceneContent::rebuild() {
  p->arrows.clear();
  p->spheres.clear();
  const int K = static_cast<int>(W_.rows());
  const auto own = classColours_ ? Palette::classColours(K, minority_) : std::vector<std::array<double, 3>>{};
  for (int k = 0; k < K; ++k) {
    const bool minor = k < static_cast<int>(minority_.size()) && minority_[k];
    Eigen::Vector3d w = W_.row(k).transpose();
    if (unitArrows_ && w.norm() > 1e-12) w.normalize();
    p->arrows.add(Eigen::Vector3d::Zero(), w, minor ? Palette::minorityW : Palette::majorityW);
    if (k < H_.rows())
      p->spheres.add(H_.row(k).transpose(), Eigen::Vector3d::UnitX(),
                     classColours_ ? own[size_t(k)].data() : minor ? Palette::minorityH : Palette::majorityH);
  }
  p->arrows.commit();
  p->spheres.commit();
  rebuildCone();

  while (static_cast<int>(p->labels.size()) < K) {
    // 2D text placed in pixels on every frame (placeLabels): billboard text swaps colour channels
    // on some GL stacks, and text anchored in the world overprints when the view turns.
    auto label = vtkSmartPointer<vtkTextActor>::New();
    label->GetPositionCoordinate()->SetCoordinateSystemToDisplay();
    label->GetTextProperty()->SetVerticalJustificationToCentered();
    label->GetTextProperty()->BoldOn();
    label->GetTextProperty()->SetJustificationToCentered();
    p->renderer->AddActor(label);
    p->labels.push_back(label);
  }
  // Labels of arrows that end at the same place are one label, "6–10", not a smudge of digits.
  std::vector<Eigen::Vector3d> tips;
  for (int k = 0; k < K; ++k) {
    Eigen::Vector3d tip = W_.row(k).transpose();
    if (unitArrows_ && tip.norm() > 1e-12) tip.normalize();
    // No arrow (supcon, a vanished classifier): the label goes beyond the class mean's sphere.
    if (tip.norm() <= 1e-12 && k < H_.rows() && p->spheres.actor->GetVisibility()) {
      const Eigen::Vector3d h = H_.row(k).transpose();
      if (h.norm() > 1e-12) tip = h.normalized() * (h.norm() + 0.045);
    }
    // Beyond the arrow's tip and beyond its class mean's sphere where that lies further along
    // (h_k and w_k align as they collapse: the label was printed on the sphere, blue on blue).
    double reach = tip.norm();
    if (k < H_.rows() && reach > 1e-12 && p->spheres.actor->GetVisibility()) {
      const Eigen::Vector3d h = H_.row(k).transpose(), u = tip / reach;
      if ((h - h.dot(u) * u).norm() < 0.1) reach = std::max(reach, h.dot(u) + 0.045);
    }
    Eigen::Vector3d at = reach > 1e-12 ? Eigen::Vector3d(tip / tip.norm() * (reach + 0.12 * std::max(tip.norm(), 0.5))) : tip;
    // Still on a sphere (another class's mean, or its own off the arrow's line): further out, a
    // little at a time, up to 0.3.
    if (reach > 1e-12 && p->spheres.actor->GetVisibility())
      for (int step = 0; step < 6; ++step) {
        bool onSphere = false;
        for (int j = 0; j < H_.rows() && !onSphere; ++j) onSphere = (H_.row(j).transpose() - at).norm() < 0.1;
        if (!onSphere) break;
        at += tip / tip.norm() * 0.05;
      }
    tips.push_back(at);
  }
  std::vector<std::string> text(K);
  std::vector<Eigen::Vector3d> at(K);
  std::vector<bool> shown(K, false);
  const bool labelled = showLabels_ && K <= 30;  // beyond 30 classes no label is drawn
  for (const auto& g : labelled ? coincident(tips, 0.06) : std::vector<std::vector<int>>{}) {
    // Drawn at one place, one label only for those that are the same classifier (sameClassifier_);
    // the others' labels share the place's anchor, and placeLabels sets them in a row.
    Eigen::Vector3d mean = Eigen::Vector3d::Zero();
    for (int i : g) mean += tips[i];
    std::vector<std::vector<int>> split;
    std::vector<int> keys;
    for (int i : g) {
      const int key = static_cast<int>(sameClassifier_.size()) == K ? sameClassifier_[i] : 0;
      const auto it = std::find(keys.begin(), keys.end(), key);
      if (it == keys.end()) keys.push_back(key), split.push_back({i});
      else split[size_t(it - keys.begin())].push_back(i);
    }
    for (const auto& part : split) {
      text[part.front()] = classList(part);
      at[part.front()] = mean / double(g.size());
      shown[part.front()] = true;
    }
  }
  // A group of more than ten labels reads as a ruler: every step-th in class order and its last
  // (at K = 30 the 25 minority labels were scattered over the cone, far from their short arrows).
  for (const bool minorGroup : {false, true}) {
    std::vector<int> members;
    for (int k = 0; k < K; ++k)
      if (shown[k] && (k < static_cast<int>(minority_.size()) && minority_[k]) == minorGroup) members.push_back(k);
    if (members.size() <= 10) continue;
    const size_t step = (members.size() + 5) / 6;
    for (size_t i = 0; i < members.size(); ++i)
      if (i % step != 0 && i + 1 != members.size()) shown[members[i]] = false;
  }
  p->labelAnchors.assign(p->labels.size(), Eigen::Vector3d::Zero());
  p->labelSizes.assign(p->labels.size(), {0.0, 0.0});
  p->labelWanted.assign(p->labels.size(), false);
  for (size_t k = 0; k < p->labels.size(); ++k) {
    auto& label = p->labels[k];
    const bool live = static_cast<int>(k) < K;
    p->labelWanted[k] = live && labelled && shown[k];
    label->SetVisibility(p->labelWanted[k]);
    if (!live) continue;
    const bool minor = k < minority_.size() && minority_[k];
    p->labelAnchors[k] = at[k];
    label->SetInput(text[k].c_str());
    label->GetTextProperty()->SetFontSize(static_cast<int>(15 * p->fontScale));
    setLabelColour(label, minor ? Palette::minorityW : Palette::majorityW, p->dark);
    // Over a cloud of sample dots a label is unreadable without a backing of the view's colour;
    // so is a light label on the light minority cone of the dark theme.
    const double back = p->dark ? 0.12 : 0.97;
    label->GetTextProperty()->SetBackgroundColor(back, back, back);
    label->GetTextProperty()->SetBackgroundOpacity(sampleCount_ > 0 ? 0.8 : p->dark ? 0.6 : 0.0);
    if (label->GetVisibility()) {
      const auto extent = textExtent(label->GetTextProperty(), text[k]);
      p->labelSizes[k] = extent ? std::pair<double, double>(extent->first, extent->second)
                                : std::pair<double, double>(8.0 * text[k].size() * p->fontScale, 15.0 * p->fontScale);
    }
  }
  // What the drawing reaches, whatever the rotation: the unit sphere, the arrows, the spheres and
  // the labels (with room for their text). At R = 100 a majority arrow and its label reach 1.7:
  // with a fixed 1.5 the label of class 4 went under the inset.
  double reach = 1.0;
  for (int k = 0; k < K; ++k) {
    reach = std::max(reach, W_.row(k).norm() * (unitArrows_ ? 0 : 1));
    if (k < H_.rows() && p->spheres.actor->GetVisibility()) reach = std::max(reach, H_.row(k).norm() + 0.045);
    if (labelled && shown[k]) reach = std::max(reach, at[k].norm() + 0.08);
  }
  if (std::abs(reach - p->reach) > 1e-3) {
    // A standard view nobody has turned or zoomed follows the reach (standardView's distance).
    const bool standard = atStandardView();
    p->reach = reach;
    if (standard && std::abs(6.0 * std::max(1.0, reach / 1.6) - p->standardDistance) > 1e-9) standardView(p->standardWhich);
    else placeScene();
  }
}

bool SceneContent::atStandardView() const {
  auto* cam = p->renderer->GetActiveCamera();
  const double* at = cam->GetPosition();
  const double* up = cam->GetViewUp();
  const double* focal = cam->GetFocalPoint();
  double d = 0;
  for (int i = 0; i < 3; ++i)
    d += std::abs(at[i] - p->standardPosition[i]) + std::abs(up[i] - p->standardUp[i]) + std::abs(focal[i]);
  return d < 1e-9 && cam->GetViewAngle() == 30;
}

void SceneContent::placeLabels() {
  // Each shown label at its anchor as this frame projects it; labels that would print into each
  // other are moved apart (separateLabels), and all are kept inside the view (at R = 100 in a
  // square export the label of class 4 touched the top edge).
  vtkRenderer* r = p->renderer;
  const int* size = r->GetSize();
  const int* origin = r->GetOrigin();
  if (size[0] <= 0 || size[1] <= 0) return;
  const double margin = 3 * p->fontScale;
  const double left = origin[0] + margin, right = origin[0] + size[0] - margin, bottom = origin[1] + margin,
               top = origin[1] + size[1] - margin;
  auto project = [&](const Eigen::Vector3d& v) {
    r->SetWorldPoint(v.x(), v.y(), v.z(), 1.0);
    r->WorldToDisplay();
    const double* d = r->GetDisplayPoint();
    return Eigen::Vector2d(d[0], d[1]);
  };
  std::vector<size_t> which;
  std::vector<LabelBox> boxes;
  for (size_t k = 0; k < p->labels.size(); ++k) {
    if (k >= p->labelWanted.size() || !p->labelWanted[k] || k >= p->labelAnchors.size()) continue;
    const Eigen::Vector2d d = project(p->labelAnchors[k]);
    // Zoomed in, a label whose place has left the view goes with it (it was held at the edge,
    // naming nothing there).
    const bool inView = d.x() >= origin[0] && d.x() <= origin[0] + size[0] && d.y() >= origin[1] && d.y() <= origin[1] + size[1];
    p->labels[k]->SetVisibility(inView);
    if (!inView) continue;
    which.push_back(k);
    boxes.push_back({d.x(), d.y(), p->labelSizes[k].first + 4 * p->fontScale, p->labelSizes[k].second + 2 * p->fontScale});
  }
  // Labels of one place (classes drawn there that are not the same classifier) make one row, in
  // class order, centred on it: "5 6 7 8 9", then apart from the others as any labels.
  const Eigen::Vector2d centre = project(Eigen::Vector3d::Zero());
  std::vector<std::vector<size_t>> groups;
  std::vector<Eigen::Vector2d> outward;
  std::vector<bool> placed(boxes.size(), false);
  for (size_t i = 0; i < boxes.size(); ++i) {
    if (placed[i]) continue;
    std::vector<size_t> row{i};
    for (size_t j = i + 1; j < boxes.size(); ++j)
      if (!placed[j] && std::abs(boxes[j].x - boxes[i].x) < 2 && std::abs(boxes[j].y - boxes[i].y) < 2) row.push_back(j);
    // Away from the drawn centre through the place (straight up where the place is the centre).
    const Eigen::Vector2d away = Eigen::Vector2d(boxes[i].x, boxes[i].y) - centre;
    outward.push_back(away.norm() > 1 ? Eigen::Vector2d(away.normalized()) : Eigen::Vector2d(0, 1));
    groups.push_back(row);
    placed[i] = true;
    if (row.size() < 2) continue;
    // With a gap a digit wide: "2 3" must not read as class 23.
    const double gap = 7 * p->fontScale;
    double width = gap * double(row.size() - 1);
    for (size_t j : row) width += boxes[j].w, placed[j] = true;
    double x = boxes[i].x - width / 2;
    for (size_t j : row) boxes[j].x = x + boxes[j].w / 2, x += boxes[j].w + gap;  // `which` is in class order
  }
  // Off the arrows and the class means' spheres as this frame draws them (a label printed over
  // the sphere or the shaft of another class, "1" on class 1's mean): outwards a little at a time.
  p->marks.clear();
  if (!which.empty()) {
    double up[3];
    r->GetActiveCamera()->GetViewUp(up);
    const Eigen::Vector3d viewUp(up[0], up[1], up[2]);
    const double shaft = 2.5 * p->fontScale;
    for (int k = 0; k < W_.rows(); ++k) {
      Eigen::Vector3d tip = W_.row(k).transpose();
      if (unitArrows_ && tip.norm() > 1e-12) tip.normalize();
      if (tip.norm() > 1e-12) p->marks.push_back({centre, project(tip), shaft});
    }
    if (p->spheres.actor->GetVisibility())
      for (int k = 0; k < H_.rows(); ++k) {
        const Eigen::Vector3d h = H_.row(k).transpose();
        const Eigen::Vector2d c = project(h);
        p->marks.push_back({c, c, (project(h + 0.045 * viewUp) - c).norm() + 1});
      }
    // Apart first (a fan's labels in a row, in class order), then each moves only where it meets
    // no other label: cleared first, separateLabels scattered a fan's labels over two lines.
    separateLabels(boxes, left, right);
    clearLabelsOfMarks(boxes, groups, outward, p->marks, 2 * p->fontScale, 10);
  }
  // Below the legend and the inset where a label would print over them (zoomed in, a majority's
  // label reached the legend's lines).
  std::vector<LabelBox> corners;
  if (p->legendWidth > 0 && p->legendHeight > 0) {
    const double x0 = origin[0] + kCornerInset * size[0], y1 = origin[1] + (1 - kCornerInset) * size[1];
    corners.push_back({x0 + p->legendWidth / 2.0, y1 - p->legendHeight / 2.0, double(p->legendWidth), double(p->legendHeight)});
  }
  if (p->insetBox.size() == 4) {
    const double x0 = origin[0] + p->insetBox[0] * size[0], x1 = origin[0] + p->insetBox[2] * size[0];
    const double y0 = origin[1] + p->insetBox[1] * size[1], y1 = origin[1] + p->insetBox[3] * size[1];
    corners.push_back({(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0});
  }
  for (const auto& g : groups) {
    double down = 0;
    for (size_t i : g)
      for (const auto& c : corners)
        if (boxes[i].overlaps(c)) down = std::max(down, boxes[i].y + boxes[i].h / 2 - (c.y - c.h / 2) + 2);
    for (size_t i : g) boxes[i].y -= down;
  }
  separateLabels(boxes, left, right);
  for (size_t i = 0; i < which.size(); ++i) {
    LabelBox& b = boxes[i];
    if (right - left >= b.w) b.x = std::clamp(b.x, left + b.w / 2, right - b.w / 2);
    if (top - bottom >= b.h) b.y = std::clamp(b.y, bottom + b.h / 2, top - b.h / 2);
    p->labels[which[i]]->GetPositionCoordinate()->SetValue(b.x, b.y);
  }
  p->labelBoxes = boxes;
}

std::vector<LabelBox> SceneContent::labelBoxes() const { return p->labelBoxes; }
std::vector<DrawnMark> SceneContent::drawnMarks() const { return p->marks; }

void SceneContent::setReference(const Eigen::MatrixX3d& etf) {
  p->etf = etf;
  p->reference.clear();
  // Grey on either background (the dark grey vanished on the dark theme), named in the legend.
  const double light[3] = {0.35, 0.35, 0.38}, dark[3] = {0.72, 0.72, 0.76};
  const double* grey = p->dark ? dark : light;
  for (int k = 0; k < etf.rows(); ++k) p->reference.add(Eigen::Vector3d::Zero(), etf.row(k).transpose(), grey);
  p->reference.commit();
  p->reference.actor->SetVisibility(etf.rows() > 0);
  p->coneActor->SetForceOpaque(etf.rows() == 0);  // two translucent props: the translucent pass orders them
  updateLegend();
}

void SceneContent::setOverlay(const Eigen::MatrixX3d& W) {
  p->overlay.clear();
  for (int k = 0; k < W.rows(); ++k) p->overlay.add(Eigen::Vector3d::Zero(), W.row(k).transpose(), Palette::network);
  p->overlay.commit();
  overlayCount_ = static_cast<int>(W.rows());
  p->overlay.actor->SetVisibility(W.rows() > 0);
  updateLegend();
}

void SceneContent::updateLegend() {
  // The base text (the model's, or one a view set whole with setLegend: the network's), then a line
  // for each layer drawn. One place composes it, so a rebuild cannot put the model's text back
  // over the network view's own (it did, after a change of theme).
  std::string text = ownLegend_ ? modelLegend_ : (modelLegend_.empty() ? std::string(kModelLegend) : modelLegend_);
  auto add = [&](const char* line) { text += (text.empty() ? "" : "\n") + std::string(line); };
  if (overlayCount_) add("trained network (aligned): thin green arrows");
  if (p->etf.rows() > 0) add("simplex ETF (reference): grey arrows");
  if (p->coneDegrees > 0)
    add(p->spreadOffAxes ? "cone: minority angle to their mean\n(they spread in directions not drawn: see the inset)" : "cone: minority angle to their mean");
  drawLegend(text);
}

double SceneContent::minorityConeDegrees() const { return p->coneDegrees; }

void SceneContent::rebuildCone() {
  // The main view's axes are those of all classes: the minority's own spread lies in directions
  // they do not show, so below R0 its arrows are drawn on top of each other as if collapsed. The
  // cone says what the projection cannot (minorityCone). Wide below R0, it closes as they collapse.
  const std::optional<MinorityCone> cone = minorityCone(W_, minority_, p->inset);
  p->coneDegrees = cone ? cone->angle * 180 / M_PI : 0;
  // Whether the drawing itself hides the spread (the arrows as drawn within a third of the true
  // angle of their mean direction): the legend then says where it went.
  p->spreadOffAxes = false;
  if (cone) {
    double drawn = 0;
    int n = 0;
    for (int k = 0; k < W_.rows(); ++k)
      if (k < static_cast<int>(minority_.size()) && minority_[k] && W_.row(k).norm() > 1e-12)
        drawn += std::acos(std::clamp(W_.row(k).normalized().dot(cone->axis.transpose()), -1.0, 1.0)), ++n;
    p->spreadOffAxes = n > 0 && drawn / n < cone->angle / 3;
  }
  p->coneActor->SetVisibility(bool(cone));
  p->coneRimActor->SetVisibility(bool(cone));
  if (cone) {
    vtkNew<vtkPoints> pts, rimPts;
    vtkNew<vtkCellArray> tris, rim;
    const std::vector<Eigen::Vector3d> ring = cone->rim(64);
    pts->InsertNextPoint(0, 0, 0);
    std::vector<vtkIdType> ids;
    for (size_t j = 0; j < ring.size(); ++j) {
      pts->InsertNextPoint(ring[j].data());
      ids.push_back(rimPts->InsertNextPoint(ring[j].data()));
      if (j > 0) {
        const vtkIdType tri[3] = {0, vtkIdType(j), vtkIdType(j + 1)};
        tris->InsertNextCell(3, tri);
      }
    }
    rim->InsertNextCell(vtkIdType(ids.size()), ids.data());
    p->cone->SetPoints(pts);
    p->cone->SetPolys(tris);
    p->cone->Modified();
    p->coneRim->SetPoints(rimPts);
    p->coneRim->SetLines(rim);
    p->coneRim->Modified();
  }
  updateLegend();
}

void SceneContent::setModelLegend(const std::string& text) {
  modelLegend_ = text;
  ownLegend_ = false;
  updateLegend();
}

void SceneContent::setLegend(const std::string& text) {
  modelLegend_ = text;
  ownLegend_ = true;
  updateLegend();
}

void SceneContent::setSamples(const Eigen::MatrixX3d& points, const std::vector<int>& labels, const std::vector<bool>& minority) {
  vtkNew<vtkPoints> pts;
  vtkNew<vtkCellArray> verts;
  vtkNew<vtkUnsignedCharArray> colours;
  colours->SetNumberOfComponents(3);
  pts->SetNumberOfPoints(points.rows());
  int K = static_cast<int>(minority.size());
  for (int y : labels) K = std::max(K, y + 1);
  const auto colour = Palette::classColours(K, minority);
  for (vtkIdType i = 0; i < points.rows(); ++i) {
    pts->SetPoint(i, points(i, 0), points(i, 1), points(i, 2));
    verts->InsertNextCell(1, &i);
    const int y = i < static_cast<vtkIdType>(labels.size()) ? std::max(labels[size_t(i)], 0) : 0;
    const double* rgb = y < K ? colour[size_t(y)].data() : Palette::majorityH;
    const unsigned char c[3] = {static_cast<unsigned char>(rgb[0] * 255), static_cast<unsigned char>(rgb[1] * 255),
                                static_cast<unsigned char>(rgb[2] * 255)};
    colours->InsertNextTypedTuple(c);
  }
  p->samples->SetPoints(pts);
  p->samples->SetVerts(verts);
  p->samples->GetPointData()->SetScalars(colours);
  p->samples->Modified();
  sampleCount_ = static_cast<int>(points.rows());
  p->samplesActor->SetVisibility(points.rows() > 0);
  classColours_ = points.rows() > 0;
  rebuild();
}

void SceneContent::drawLegend(const std::string& text) {
  if (text == p->legend) return;
  p->legend = text;
  fitCornerText();
}

void SceneContent::fitCornerText() {
  // 11 px (times the font scale); where a line would not fit the view's width, smaller down to
  // 9 px, and below that wrapped at spaces (in a view narrowed by the Trained Network dock the
  // legend shrank to an unreadable 7 px and still ran out of the view).
  const std::pair<vtkTextActor*, const std::string*> corners[] = {{p->legendText, &p->legend}, {p->noteText, &p->note}};
  bool legendMoved = false;
  for (const auto& [actor, text] : corners) {
    std::string drawn = *text;
    int size = static_cast<int>(11 * p->fontScale);
    const bool measurable = vtkTextRenderer::GetInstance() != nullptr;
    auto width = [&](const std::string& t, int px) {
      actor->GetTextProperty()->SetFontSize(px);
      const auto extent = textExtent(actor->GetTextProperty(), t);
      return extent ? extent->first : 0;
    };
    if (p->viewWidth > 0 && !text->empty() && measurable) {
      // The legend beside the inset (upper right) where that leaves it 120 px or more; else the
      // whole width, and the inset goes below it (rebuildInset).
      double room = 0.98 * p->viewWidth;
      const InsetPanel panel = insetPanel(p->aspect, p->viewHeight, p->fontScale, p->inset.plane.rows() >= 2, p->legendHeight);
      const double beside = (1 - 0.012 - panel.bw - kCornerInset) * p->viewWidth - 8;
      if (actor == p->legendText.Get() && panel.on && beside >= 120) room = beside;
      const int wide = width(drawn, size), smallest = static_cast<int>(9 * p->fontScale);
      if (wide > room) size = std::max(smallest, static_cast<int>(size * room / wide));
      if (width(drawn, size) > room) {  // wrap each line at spaces, greedily
        std::string wrapped, line, word;
        std::istringstream lines(*text);
        std::string original;
        bool firstLine = true;
        while (std::getline(lines, original)) {
          std::istringstream words(original);
          line.clear();
          std::string out;
          while (words >> word) {
            const std::string candidate = line.empty() ? word : line + " " + word;
            if (!line.empty() && width(candidate, size) > room) {
              out += line + "\n";
              line = word;
            } else {
              line = candidate;
            }
          }
          out += line;
          wrapped += (firstLine ? "" : "\n") + out;
          firstLine = false;
        }
        drawn = wrapped;
      }
    }
    actor->SetInput(drawn.c_str());
    actor->SetVisibility(p->cornerShown && !text->empty());
    actor->GetTextProperty()->SetFontSize(size);
    if (actor == p->legendText.Get()) {
      const auto extent = text->empty() ? std::nullopt : textExtent(actor->GetTextProperty(), drawn);
      const int w = extent ? extent->first : 0, h = extent ? extent->second : 0;
      if (w != p->legendWidth || h != p->legendHeight) {
        p->legendWidth = w, p->legendHeight = h;
        legendMoved = true;
      }
    }
  }
  p->legendText->SetPosition(kCornerInset, 1 - kCornerInset);
  p->noteText->SetPosition(kCornerInset, kCornerInset);
  if (legendMoved) rebuildInset();  // it sits below the legend where they would meet
}

std::vector<double> SceneContent::insetBox() const { return p->insetBox; }

std::vector<LabelBox> SceneContent::insetLabelBoxes() const { return p->insetLabelBoxes; }
InsetLayout SceneContent::insetLayout() const { return p->insetBox.empty() ? InsetLayout{} : p->insetLayout; }
std::pair<int, int> SceneContent::legendSize() const { return {p->legendWidth, p->legendHeight}; }

SceneContent::CornerText SceneContent::drawnCornerText(bool note) const {
  vtkTextActor* a = note ? p->noteText.Get() : p->legendText.Get();
  return {a->GetInput() ? a->GetInput() : "", a->GetTextProperty()->GetFontSize()};
}

void SceneContent::setShowMeans(bool on) {
  if (bool(p->spheres.actor->GetVisibility()) == on) return;
  p->spheres.actor->SetVisibility(on);
  rebuild();  // the labels clear the spheres only while they are drawn
}

void SceneContent::setShowLabels(bool on) {
  showLabels_ = on;
  rebuild();
  rebuildInset();
}

void SceneContent::setShowUnitSphere(bool on) { p->unitSphereActor->SetVisibility(on); }
void SceneContent::setShowAxes(bool on) { p->axes->SetVisibility(on); }

void SceneContent::setNote(const std::string& text) {
  if (text == p->note) return;
  p->note = text;
  fitCornerText();
}
std::string SceneContent::legend() const { return p->legend; }
std::vector<std::string> SceneContent::shownLabels() const {
  std::vector<std::string> out;
  for (const auto* list : {&p->labels, &p->insetLabels})
    for (const auto& l : *list)
      if (l->GetVisibility() && l->GetInput()) out.emplace_back(l->GetInput());
  return out;
}
void SceneContent::setShowCornerText(bool on) {
  p->cornerShown = on;
  fitCornerText();
}
std::string SceneContent::note() const { return p->note; }

void SceneContent::setDarkBackground(bool dark) {
  if (p->dark != dark) {
    p->dark = dark;
    rebuildInset();
    rebuild();  // label colours
    setReference(Eigen::MatrixX3d(p->etf));  // its grey
  }
  // The wireframe is a guide, not the subject: quiet on both backgrounds.
  if (dark) p->unitSphereActor->GetProperty()->SetColor(0.30, 0.32, 0.37);
  else p->unitSphereActor->GetProperty()->SetColor(0.78, 0.78, 0.82);
  const double fg = dark ? 0.85 : 0.25;
  for (vtkTextActor* t : {p->legendText.Get(), p->noteText.Get()}) t->GetTextProperty()->SetColor(fg, fg, fg + 0.05);
  if (dark) {
    p->renderer->SetBackground(0.13, 0.14, 0.16);
    p->renderer->SetBackground2(0.22, 0.24, 0.28);
    p->insetPanel->SetBackground(0.17, 0.18, 0.21);
  } else {
    p->renderer->SetBackground(0.97, 0.97, 0.98);
    p->renderer->SetBackground2(0.86, 0.88, 0.92);
    p->insetPanel->SetBackground(0.99, 0.99, 1.0);
  }
}

void SceneContent::setMinorityInset(const MinorityInset& inset) {
  p->inset = inset;
  rebuildCone();
  rebuildInset();
}


void SceneContent::rebuildInset() {
  const double aspect = std::max(p->aspect, 0.2);
  const InsetPanel panel = insetPanel(p->aspect, p->viewHeight, p->fontScale, p->inset.plane.rows() >= 2, p->legendHeight);
  const double bw = panel.bw, bh = panel.bh;
  const bool on = panel.on;
  // The legend wraps beside the panel where it can (fitCornerText): once the panel comes or goes.
  if (on != p->legendBesideInset) {
    p->legendBesideInset = on;
    fitCornerText();
  }
  for (vtkProp* a : {static_cast<vtkProp*>(p->insetLinesActor.Get()), static_cast<vtkProp*>(p->insetArrowsActor.Get()),
                     static_cast<vtkProp*>(p->insetTitle.Get()), static_cast<vtkProp*>(p->insetValue.Get())})
    a->SetVisibility(on);
  for (auto& l : p->insetLabels) l->SetVisibility(false);
  p->insetBox.clear();
  p->insetLabelBoxes.clear();
  p->insetPanel->SetDraw(on);
  if (!on) return placeScene();
  // Below the legend where the legend reaches into the panel's columns (its text was drawn over).
  double top = 1 - 0.012;
  if (p->viewWidth > 0 && p->viewHeight > 0 && kCornerInset * p->viewWidth + p->legendWidth > (1 - 0.012 - bw) * p->viewWidth)
    top = 1 - kCornerInset - (p->legendHeight + 6.0) / p->viewHeight;
  const double x0 = 1 - 0.012 - bw, y0 = top - bh;
  p->insetBox = {x0, y0, x0 + bw, y0 + bh};
  p->insetPanel->SetViewport(x0, y0, x0 + bw, y0 + bh);
  placeScene();
  // The angle each makes with the mean direction (all equal when the spread is symmetric), so the
  // picture's angles are not read as pairwise ones: those the cosine below gives.
  const double angle = meanAngleToMean(p->inset) * 180 / M_PI;
  char title[96];
  const int count = static_cast<int>(p->inset.plane.rows());
  if (count > 6)  // their labels are not drawn: the title counts them
    std::snprintf(title, sizeof title, "%d minority classifiers,\n%.0f\u00b0 to their mean", count, angle);
  else
    std::snprintf(title, sizeof title, "minority classifiers,\n%.0f\u00b0 to their mean", angle);
  p->insetTitle->SetInput(title);
  p->insetTitle->GetTextProperty()->SetVerticalJustificationToTop();
  char value[96];
  std::snprintf(value, sizeof value, p->inset.collapsed ? "collapsed, cos %.3f" : "pairwise cos %.3f", p->inset.cos);
  p->insetValue->SetInput(value);
  p->insetValue->GetTextProperty()->SetVerticalJustificationToBottom();
  const double ink = p->dark ? 0.88 : 0.2;
  for (vtkTextActor* t : {p->insetTitle.Get(), p->insetValue.Get()}) {
    t->GetTextProperty()->SetFontSize(static_cast<int>(12 * p->fontScale));
    t->GetTextProperty()->SetColor(ink, ink, ink + 0.02);
  }
  // Measured once: for the layout here and the boxes reported at the end.
  const auto titleExtent = textExtent(p->insetTitle->GetTextProperty(), p->insetTitle->GetInput()),
             valueExtent = textExtent(p->insetValue->GetTextProperty(), p->insetValue->GetInput());
  auto textHeight = [&](const std::optional<std::pair<int, int>>& e, double lines) {
    return e ? double(e->second) : lines * 15 * p->fontScale;
  };
  double cy = y0 + bh * 0.37, ry = bh * 0.26;
  if (p->viewHeight > 0) {
    // In pixels: the title (two lines, from the margin down) and a row for the labels beyond the
    // fan's tips above, the value's line (up from the margin) below; the circle fits between
    // them, at most 0.26 of the panel's height, its centre at 0.37 of it where that leaves both
    // clear. (As fractions of the panel alone, the circle's foot ran into the value's text in a
    // small panel: the narrow view beside the Trained Network dock, large text.)
    const double H = p->viewHeight, fs = p->fontScale, margin = 0.012 * H, box = bh * H;
    const double title = margin + textHeight(titleExtent, 2) + 16 * fs, value = margin + textHeight(valueExtent, 1) + 3;
    const double r = std::min(0.26 * box, std::max(0.0, (box - title - value) / 2));
    ry = r / H;
    cy = y0 + std::clamp(0.37 * box, value + r, std::max(value + r, box - title - r)) / H;
  }
  const double cx = x0 + bw / 2, rx = ry / aspect;
  auto P = [&](double x, double y) { return Eigen::Vector2d(cx + x * rx, cy + y * ry); };
  const double line = p->dark ? 0.55 : 0.72;
  // Frame, unit circle, the mean direction.
  vtkNew<vtkPoints> lp;
  vtkNew<vtkCellArray> lines;
  auto polyline = [&](const std::vector<Eigen::Vector2d>& pts, vtkPoints* points, vtkCellArray* cells) {
    std::vector<vtkIdType> ids;
    for (const auto& q : pts) ids.push_back(points->InsertNextPoint(q.x(), q.y(), 0));
    cells->InsertNextCell(vtkIdType(ids.size()), ids.data());
  };
  polyline({{x0, y0}, {x0 + bw, y0}, {x0 + bw, y0 + bh}, {x0, y0 + bh}, {x0, y0}}, lp, lines);
  std::vector<Eigen::Vector2d> circle;
  for (int i = 0; i <= 64; ++i) circle.push_back(P(std::cos(2 * M_PI * i / 64), std::sin(2 * M_PI * i / 64)));
  polyline(circle, lp, lines);
  // The mean direction, inside the circle only (beyond it ran into the value's text), and only
  // while they spread: collapsed, the arrow is the mean, and the line was drawn over it.
  if (!p->inset.collapsed) polyline({P(0, -1), P(0, 1)}, lp, lines);
  // The cone's rim at their mean angle (coneView, as the arrows), while they spread.
  if (!p->inset.collapsed && p->inset.angles.size() == p->inset.plane.rows()) {
    std::vector<Eigen::Vector2d> rim;
    const double theta = meanAngleToMean(p->inset);
    for (int i = 0; i <= 48; ++i) {
      const Eigen::Vector2d q = coneView(theta, 2 * M_PI * i / 48);
      rim.push_back(P(q.x(), q.y()));
    }
    polyline(rim, lp, lines);
  }
  p->insetLines->SetPoints(lp);
  p->insetLines->SetLines(lines);
  p->insetLines->Modified();
  p->insetLinesActor->GetProperty()->SetColor(line, line, line + 0.03);
  // The arrows, each with a head, and their labels grouped where they coincide.
  vtkNew<vtkPoints> ap;
  vtkNew<vtkCellArray> arrows;
  std::vector<Eigen::Vector3d> tips;
  for (int i = 0; i < p->inset.plane.rows(); ++i) {
    const Eigen::Vector2d u = p->inset.plane.row(i).transpose();
    polyline({P(0, 0), P(u.x(), u.y())}, ap, arrows);
    const double n = std::max(u.norm(), 1e-9);
    const Eigen::Vector2d d = u / n, side(-d.y(), d.x());
    const Eigen::Vector2d a = u - 0.14 * d + 0.07 * side, b = u - 0.14 * d - 0.07 * side;
    polyline({P(a.x(), a.y()), P(u.x(), u.y()), P(b.x(), b.y())}, ap, arrows);
    tips.emplace_back(u.x(), u.y(), 0);
  }
  p->insetArrows->SetPoints(ap);
  p->insetArrows->SetLines(arrows);
  p->insetArrows->Modified();
  const auto groups = coincident(tips, 0.06);
  while (p->insetLabels.size() < groups.size()) {
    auto t = vtkSmartPointer<vtkTextActor>::New();
    t->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    t->GetTextProperty()->SetJustificationToCentered();
    t->GetTextProperty()->SetVerticalJustificationToCentered();
    t->GetTextProperty()->BoldOn();
    t->SetLayerNumber(4);
    p->insetLayer->AddActor2D(t);
    p->insetLabels.push_back(t);
  }
  // Each group's label just beyond its tip; then, in pixels, labels that would print into each
  // other ("7,9" beside "6,8,10" just below R0) are pushed apart along the row and kept inside the
  // panel (separateLabels).
  std::vector<LabelBox> boxes;
  const double W = std::max(p->viewWidth, 1), Hgt = std::max(p->viewHeight, 1);
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<int> ks;
    Eigen::Vector3d at = Eigen::Vector3d::Zero();
    for (int i : groups[g]) ks.push_back(p->inset.classes[i]), at += tips[i];
    at /= double(groups[g].size());
    // A fifth of the radius beyond the tip, at least 9 px (half a label and a gap) in a small panel.
    const double n = std::max(at.head<2>().norm(), 1e-9), beyond = std::max(0.2, 9 * p->fontScale / std::max(ry * Hgt, 1.0));
    const Eigen::Vector2d q = P(at.x() * (1 + beyond / n), at.y() * (1 + beyond / n));
    auto& t = p->insetLabels[g];
    t->SetInput(classList(ks).c_str());
    t->GetTextProperty()->SetFontSize(static_cast<int>(13 * p->fontScale));
    setLabelColour(t, Palette::minorityW, p->dark);  // as the main view's labels
    const auto extent = textExtent(t->GetTextProperty(), t->GetInput());
    const double w = extent ? extent->first : 8.0 * std::strlen(t->GetInput()) * p->fontScale,
                 h = extent ? extent->second : 15.0 * p->fontScale;
    boxes.push_back({q.x() * W, q.y() * Hgt, w + 6 * p->fontScale, h});
  }
  separateLabels(boxes, x0 * W, (x0 + bw) * W);
  for (size_t g = 0; g < groups.size(); ++g) {
    auto& t = p->insetLabels[g];
    t->GetPositionCoordinate()->SetValue(boxes[g].x / W, boxes[g].y / Hgt);
    // More than six directions in a panel this small: the labels would overprint; the fan and the
    // title say enough.
    t->SetVisibility(showLabels_ && groups.size() <= 6);
    if (t->GetVisibility()) p->insetLabelBoxes.push_back(boxes[g]);
  }
  p->insetTitle->GetPositionCoordinate()->SetValue(cx, y0 + bh - 0.012);
  p->insetValue->GetPositionCoordinate()->SetValue(cx, y0 + 0.012);
  // As drawn, in pixels: the circle's box, the title's and the value's (their rendered extents).
  auto textBox = [&](const std::optional<std::pair<int, int>>& e, double top, double bottom) {
    const double w = e ? e->first : 0, h = e ? e->second : 0;
    return LabelBox{cx * W, top > 0 ? top * Hgt - h / 2 : bottom * Hgt + h / 2, w, h};
  };
  p->insetLayout = {LabelBox{cx * W, cy * Hgt, 2 * rx * W, 2 * ry * Hgt}, textBox(titleExtent, y0 + bh - 0.012, 0),
                    textBox(valueExtent, 0, y0 + 0.012)};
}

void SceneContent::resetCamera() { standardView(3); }

void SceneContent::setViewSize(int width, int height) {
  const bool taller = height != p->viewHeight, wider = std::abs(p->aspect - (height > 0 ? double(width) / height : 1.0)) > 1e-9;
  p->viewHeight = height;
  const bool widthChanged = width != p->viewWidth;
  p->viewWidth = width;
  fitAspect(height > 0 ? double(width) / height : 1.0);  // rebuilds the inset when the shape changed
  if (taller && !wider) rebuildInset();
  if (widthChanged || taller) fitCornerText();  // beside the inset as it now is (rebuilds it if the legend moved)
}

std::pair<double, double> SceneContent::sceneCentre() const {
  const double* c = p->renderer->GetActiveCamera()->GetWindowCenter();  // drawn at -c
  return {(1 - c[0]) / 2 * p->viewWidth, (1 - c[1]) / 2 * p->viewHeight};
}

double SceneContent::drawnReach() const { return p->reach; }

void SceneContent::placeScene() {
  // The panel is opaque (a renderer above the scene): what lies under it is hidden. So the picture
  // moves, by the least shift, until the disc the scene reaches (p->reach at the standard distance:
  // majority arrows up to sqrt(2), spheres and labels) is clear of the panel and inside the view;
  // where no shift clears it, the one that hides least. The camera itself is not moved:
  // rotation, saved views and exports keep their meaning; this is the projection's centre.
  auto* cam = p->renderer->GetActiveCamera();
  const double W = p->viewWidth, H = p->viewHeight;
  if (p->insetBox.size() != 4 || W <= 0 || H <= 0) {
    cam->SetWindowCenter(0, 0);
    return;
  }
  const double half = (W < H ? W : H) / 2;  // the view angle is horizontal in a portrait view
  const double r = half * p->reach / (p->standardDistance * std::tan(15 * M_PI / 180));
  const double bx0 = p->insetBox[0] * W, by0 = p->insetBox[1] * H, bx1 = p->insetBox[2] * W, by1 = p->insetBox[3] * H;
  auto clearance = [&](double cx, double cy) {
    const double dx = std::max({bx0 - cx, 0.0, cx - bx1}), dy = std::max({by0 - cy, 0.0, cy - by1});
    return std::hypot(dx, dy) - r;  // >= 0: clear
  };
  // Each candidate shift is judged by how deep the disc runs under the panel and out of the view
  // (both hide something); among those that hide nothing, the least shift. In a square view no
  // shift hides nothing: the least hidden, rather than all of it pushed out at the bottom.
  auto hidden = [&](double cx, double cy) {
    return std::max(0.0, -clearance(cx, cy)) + std::max(0.0, r - cx) + std::max(0.0, r - cy) + std::max(0.0, cx + r - W) +
           std::max(0.0, cy + r - H);
  };
  double bestX = 0, bestY = 0, bestCost = 1e300;
  const int n = 48;
  for (int i = 0; i <= n; ++i)
    for (int j = 0; j <= n; ++j) {
      const double sx = W / 2 * i / n, sy = H / 2 * j / n;
      const double cost = 1e3 * hidden(W / 2 - sx, H / 2 - sy) + std::hypot(sx, sy);
      if (cost < bestCost) bestCost = cost, bestX = sx, bestY = sy;
    }
  // The window centre (in [-1, 1] of the view) that draws the origin bestX, bestY left and down.
  cam->SetWindowCenter(2 * bestX / W, 2 * bestY / H);
}

void SceneContent::fitAspect(double aspect) {
  p->renderer->GetActiveCamera()->SetUseHorizontalViewAngle(aspect > 0 && aspect < 1);
  if (aspect > 0 && std::abs(aspect - p->aspect) > 1e-9) {
    p->aspect = aspect;
    rebuildInset();  // the panel stays square in pixels
  }
}

void SceneContent::standardView(int which) {
  // A fixed distance, not ResetCamera(bounds): the picture must not depend on the window's shape
  // at the moment the first solution arrived.
  auto* cam = p->renderer->GetActiveCamera();
  cam->SetFocalPoint(0, 0, 0);
  cam->SetViewAngle(30);
  // Distance 6: the view holds radius ~1.6, room for majority arrows up to sqrt(2) (a collapsed
  // minority leaves the majority longer than 1) and their labels. Farther where the drawing
  // reaches beyond (one majority class at large R: |w_A| up to sqrt(K EW), 2.1 at KA = 1, K = 6,
  // ran through the legend and out of the view): the state chooses it, never the window.
  const double f = std::max(1.0, p->reach / 1.6);
  p->standardDistance = 6.0 * f;
  switch (which) {
    case 0: cam->SetPosition(6.0 * f, 0, 0), cam->SetViewUp(0, 0, 1); break;
    case 1: cam->SetPosition(0, 6.0 * f, 0), cam->SetViewUp(0, 0, 1); break;
    case 2: cam->SetPosition(0, 0, 6.0 * f), cam->SetViewUp(0, 1, 0); break;
    default: cam->SetPosition(3.24 * f, -4.24 * f, 2.74 * f), cam->SetViewUp(0, 0, 1); break;
  }
  cam->OrthogonalizeViewUp();
  p->standardWhich = which;
  std::copy_n(cam->GetPosition(), 3, p->standardPosition);
  std::copy_n(cam->GetViewUp(), 3, p->standardUp);
  const double b = 1.8 * f;
  p->renderer->ResetCameraClippingRange(-b, b, -b, b, -b, b);
  placeScene();
}

}  // namespace lpm::render
