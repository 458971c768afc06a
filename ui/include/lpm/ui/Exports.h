#pragma once
// File > Export: each kind of export once, with its action id, menu text, file filter and
// default name, and the one function that writes it from the document.
#include <QString>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lpm/Session.h"
#include "lpm/render/Figure.h"

namespace lpm::ui {

class Document;

enum class ExportKind { Plot, Scene, Figure, Curve, Solution, Animation, Phase };

struct ExportInfo {
  ExportKind kind;
  const char* id;           ///< the action's object name: export.plot, ...
  const char* menuText;     ///< translated with QObject::tr
  const char* filter;       ///< file dialog filter
  const char* defaultName;  ///< suggested file name
};
const std::vector<ExportInfo>& exportKinds();

/// How the views are drawn now: the plot's R range and size, the scene's camera and size.
struct ExportViews {
  double Rmin = 1, Rmax = 1e4;
  std::optional<CameraState> camera;
  render::ExportSize plot, scene;
};

/// A saved file's name with the extension of the chosen filter ("PDF (*.pdf)") when the user typed
/// none; unchanged when it has one, or the filter names none ("Folder of PNG frames (*)").
QString withFilterExtension(const QString& path, const QString& filter);

/// Writes `kind` to `path` from the document's current state. Throws lpm::Error (or
/// std::exception from the renderers) with the reason. `progress(done, total)` is called by
/// animations after each frame; returning false stops them.
void writeExport(ExportKind kind, const Document& doc, const std::string& path, const ExportViews& views,
                 const std::function<bool(int, int)>& progress = nullptr);

}  // namespace lpm::ui
