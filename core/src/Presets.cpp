#include "lpm/Presets.h"

#include <nlohmann/json.hpp>

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
    p.params.EW = o.at("EW").get<double>();
    p.params.EH = o.at("EH").get<double>();
    p.params.KA = o.at("KA").get<int>();
    p.params.KB = o.at("KB").get<int>();
    p.params.R = o.at("R").get<double>();
    p.params.wr = o.value("wr", 1.0);
    p.params.profile = o.value("profile", std::string("step")) == "exponential" ? SizeProfile::Exponential : SizeProfile::Step;
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
