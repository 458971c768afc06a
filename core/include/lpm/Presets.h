#pragma once
// The teaching presets (resources/presets.json, embedded at build time).
#include <optional>
#include <string>
#include <vector>

#include "lpm/Problem.h"

namespace lpm {

struct Preset {
  std::string name, title;
  TwoSizeParams params;
  /// Paper figures (fig3a, fig3b, fig8a..d) draw the family KA = 3, 5, 7 at K = 10.
  bool paperFigure = false;
};

const std::vector<Preset>& presets();
std::optional<Preset> findPreset(const std::string& name);

}  // namespace lpm
