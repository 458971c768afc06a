#include "lpm/Presets.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "lpm/Error.h"
#include "lpm/Parameters.h"

#include "PresetsData.h"  // generated: kPresetsJson, the text of resources/presets.json

namespace lpm {

std::vector<Preset> parsePresets(const std::string& json) {
  std::vector<Preset> out;
  std::string where = "presets";
  try {
    const auto doc = nlohmann::json::parse(json);
    if (!doc.is_object() || !doc.contains("presets") || !doc["presets"].is_array())
      throw InvalidInput("presets: expected an object with a \"presets\" array");
    if (doc["presets"].size() > 10000) throw InvalidInput("presets: more than 10000 presets");
    for (const auto& o : doc["presets"]) {
      if (!o.is_object()) throw InvalidInput(where + ": each preset must be an object");
      Preset p;
      p.name = o.at("name").get<std::string>();
      where = "preset '" + p.name + "'";
      p.title = o.at("title").get<std::string>();
      // Keys are the registry's names (lpm/Parameters.h); the rest keep their defaults.
      for (const auto& spec : parameterRegistry()) {
        if (!o.contains(spec.name)) continue;
        const auto& v = o.at(spec.name);
        if (!v.is_string() && !v.is_number()) throw InvalidInput(where + ": " + spec.name + " must be a number or a word");
        setParameter(p.params, spec.name, v.is_string() ? v.get<std::string>() : formatValue(v.get<double>()));
      }
      p.paperFigure = o.value("paper_figure", false);
      if (o.contains("aliases")) {
        if (!o["aliases"].is_array()) throw InvalidInput(where + ": aliases must be a list of names");
        for (const auto& a : o["aliases"]) p.aliases.push_back(a.get<std::string>());
      }
      validate(p.params);
      out.push_back(p);
    }
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(where + ": " + e.what());
  } catch (const InvalidInput& e) {
    if (std::string(e.what()).rfind(where, 0) == 0) throw;
    throw InvalidInput(where + ": " + e.what());
  }
  return out;
}

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = parsePresets(kPresetsJson);
  return all;
}

std::vector<TwoSizeParams> paperFamily(const TwoSizeParams& p) {
  std::vector<TwoSizeParams> family;
  for (int KA : {3, 5, 7}) {
    TwoSizeParams q = p;
    q.KA = KA;
    q.KB = 10 - KA;
    family.push_back(q);
  }
  return family;
}

std::string presetNames() {
  std::string names;
  for (const auto& p : presets()) names += (names.empty() ? "" : ", ") + p.name;
  return names;
}

std::optional<Preset> findPreset(const std::string& name) {
  for (const auto& p : presets())
    if (p.name == name || std::find(p.aliases.begin(), p.aliases.end(), name) != p.aliases.end()) return p;
  return std::nullopt;
}

}  // namespace lpm
