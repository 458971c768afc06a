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
  /// Paper figures (fig3a, fig3b, fig8a, fig8b) draw the family KA = 3, 5, 7 at K = 10.
  bool paperFigure = false;
  /// Other names that find this preset: the paper's Figure 8(c, d) are Figure 3(a, b)'s settings,
  /// so fig8c and fig8d are names of fig3a and fig3b, not presets of their own.
  std::vector<std::string> aliases;
};

/// The built-in presets (parsed once from the embedded resources/presets.json).
const std::vector<Preset>& presets();
/// Presets from a JSON text of the same form ({"presets": [{"name", "title", registry names...}]}).
/// Throws InvalidInput naming the preset and the problem; nothing else escapes.
std::vector<Preset> parsePresets(const std::string& json);
/// By name or alias.
std::optional<Preset> findPreset(const std::string& name);
/// A paper figure's family (Figures 3 and 8): `p` with KA = 3, 5, 7 and KB = 10 - KA.
std::vector<TwoSizeParams> paperFamily(const TwoSizeParams& p);
/// "fig3a, fig3b, ...": every preset's name, for help texts and refusals.
std::string presetNames();

}  // namespace lpm
