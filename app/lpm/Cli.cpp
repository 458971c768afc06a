#include "Cli.h"

#include <iostream>

#include "lpm/Presets.h"
#include "lpm/io/Network.h"

namespace lpm::cli {

void addParameterOptions(CLI::App* sub, ParamTexts& texts, const std::vector<std::string>& names) {
  texts.presetOption = sub->add_option("--preset", texts.preset,
                                       "start from a preset's parameters (" + presetNames() + "); options given change them");
  for (const auto& name : names) {
    const auto& spec = parameter(name);
    texts.text[name] = spec.defaultText;
    std::string help = spec.help;
    if (spec.type == ParameterType::Choice) {
      help += " (";
      for (size_t i = 0; i < spec.choices.size(); ++i) help += (i ? " | " : "") + spec.choices[i];
      help += ")";
    }
    texts.option[name] = sub->add_option("--" + name, texts.text[name], help)->capture_default_str();
  }
}

TwoSizeParams paramsFrom(const ParamTexts& texts, bool sizesGiven) {
  TwoSizeParams p;
  if (!texts.preset.empty()) {
    const auto preset = findPreset(texts.preset);
    if (!preset) throw InvalidInput("unknown preset '" + texts.preset + "'; the presets are " + presetNames());
    p = preset->params;
  }
  for (const auto& [name, text] : texts.text)
    if (texts.preset.empty() || texts.given(name)) setParameter(p, name, text);
  const bool decays = texts.given("lambda-W") || texts.given("lambda-H") || texts.given("lambda-b");
  if (decays && !texts.given("budget")) p.budget = Budget::Penalized;
  if (p.budget == Budget::Penalized && (texts.given("EW") || texts.given("EH")))
    throw InvalidInput(!texts.preset.empty() && !decays
                           ? "preset '" + texts.preset + "' uses weight decay (--lambda-W/--lambda-H), not the energies "
                                                          "--EW/--EH: add --budget constrained to use them"
                           : "--EW/--EH are the constrained budget and --lambda-W/--lambda-H the penalized one: give one "
                             "form, not both");
  // A parameter the chosen model does not use is a mistake worth saying (--alpha with --loss ce).
  for (const auto& [name, text] : texts.text) {
    const auto& spec = parameter(name);
    if (name == "bins" && sizesGiven) continue;  // --sizes/--counts are binned as the long tail is
    if (!spec.appliesTo(p) && (texts.given(name) && text != spec.defaultText))
      throw InvalidInput("--" + name + " does not enter the model " + notAppliesReason(spec, p, "--"));
  }
  // A preset in the penalized form brings its own nA.
  const bool presetSizes = !texts.preset.empty() && findPreset(texts.preset)->params.budget == Budget::Penalized;
  if (parameter("nA").appliesTo(p) && !sizesGiven && !presetSizes && !texts.given("nA") && texts.option.count("nA"))
    throw InvalidInput("the penalized form depends on absolute class sizes: give --nA N (n_B = nA / R)" +
                       std::string(texts.option.count("R") ? " or --sizes" : ""));
  return p;
}

int certifiedExit(int uncertified, const std::string& what) {
  if (uncertified == 0) return 0;
  std::cerr << "lpm: " << what << " not certified: its duality gap stayed above 1e-9 x min(f, log K - f)"
            << " after retries; no state is reported\n";
  return kNotCertified;
}

void applyRoles(lpm::io::NetworkComparison& net, const std::string& minorityList, int KA) {
  if (!minorityList.empty()) {
    net.setMinority(parseList<int>("--minority", minorityList));
  } else if (KA >= 0) {
    if (KA < 1 || KA >= net.K()) throw InvalidInput("--KA must be in 1.." + std::to_string(net.K() - 1));
    net.setMajorityCount(KA);
  }
}

}  // namespace lpm::cli
