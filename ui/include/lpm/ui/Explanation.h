#pragma once
// The words the window shows about the published frame: the "What you see" explanation and the
// status bar's fields. Built from one SolvedFrame (and the curve's R0 when it belongs to it), so
// text, plot and 3D view always describe the same state.
#include <QString>
#include <QStringList>

#include "lpm/ui/ExplorerModel.h"

namespace lpm::ui {

/// Rich text: what the picture shows, the minority state now, and R0 / R_vanish of the setting.
/// Brief (presentation mode, where the panel has room for a few lines of 1.5x text): the state now
/// and R0 only, the state first.
QString explanationHtml(const SolvedFrame& f, const ExplorerModel& model, bool brief = false);

struct StatusTexts {
  QString objective, minority, gap, time;
  bool certified = false;
};
StatusTexts statusTexts(const SolvedFrame& f);

}  // namespace lpm::ui
