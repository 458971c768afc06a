#include "lpm/Presets.h"

#include <nlohmann/json.hpp>

#include "lpm/Parameters.h"

#include "PresetsData.h"  // generated: kPresetsJson, the text of resources/presets.json

namespace lpm {
namespace {

std::vector<Preset> parse() {
  std::vector<Preset> out;
  const auto doc = nlohmann::json::parse(kPresetsJson);
  for (const auto& o : doc.at("presets")) {
    Preset p;
    p.name = o.at("name").get<std::string>();
    p.title = o.at("title").get<std::string>();
    // Keys are the registry's names (lpm/Parameters.h); the rest keep their defaults.
    for (const auto& spec : parameterRegistry()) {
      if (!o.contains(spec.name)) continue;
      const auto& v = o.at(spec.name);
      setParameter(p.params, spec.name, v.is_string() ? v.get<std::string>() : formatValue(v.get<double>()));
    }
    p.paperFigure = o.value("paper_figure", false);
    validate(p.params);
    out.push_back(p);
  }
  return out;
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = parse();
  return all;
}

std::optional<Preset> findPreset(const std::string& name) {
  for (const auto& p : presets())
    if (p.name == name) return p;
  return std::nullopt;
}

}  // namespace lpm
