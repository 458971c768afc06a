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

/// The built-in presets (parsed once from the embedded resources/presets.json).
const std::vector<Preset>& presets();
/// Presets from a JSON text of the same form ({"presets": [{"name", "title", registry names...}]}).
/// Throws InvalidInput naming the preset and the problem; nothing else escapes.
std::vector<Preset> parsePresets(const std::string& json);
std::optional<Preset> findPreset(const std::string& name);
/// "fig3a, fig3b, ...": every preset's name, for help texts and refusals.
std::string presetNames();

}  // namespace lpm
