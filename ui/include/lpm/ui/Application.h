#pragma once
// Process set-up shared by lpm-studio, `lpm figure` and the GUI tests.
#include <QString>

namespace lpm::ui {

/// Before QApplication: default QSurfaceFormat for VTK, and the xcb platform unless the user
/// chose one (VTK 9.1's GLEW init fails on EGL contexts). Returns false, with a message, when
/// no X display is reachable.
bool prepareGuiProcess(QString* message);
/// After QApplication: organisation/application names (QSettings), icon, resources.
void setupApplication();

}  // namespace lpm::ui
