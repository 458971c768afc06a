#include "Cli.h"

#include <iostream>

#include "lpm/io/Network.h"

namespace lpm::cli {

void addParameterOptions(CLI::App* sub, ParamTexts& texts, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const auto& spec = parameter(name);
    texts[name] = spec.defaultText;
    std::string help = spec.help;
    if (spec.type == ParameterType::Choice) {
      help += " (";
      for (size_t i = 0; i < spec.choices.size(); ++i) help += (i ? " | " : "") + spec.choices[i];
      help += ")";
    }
    sub->add_option("--" + name, texts[name], help)->capture_default_str();
  }
}

TwoSizeParams paramsFrom(const ParamTexts& texts) {
  TwoSizeParams p;
  for (const auto& [name, text] : texts) setParameter(p, name, text);
  return p;
}

int certifiedExit(int uncertified, const std::string& what) {
  if (uncertified == 0) return 0;
  std::cerr << "lpm: " << what << " not certified: its duality gap stayed above 1e-9 x min(f, log K - f)"
            << " after retries; no state is reported\n";
  return kNotCertified;
}

std::vector<int> minorityFrom(const std::string& list, int KA, const std::optional<std::vector<int>>& counts, int K) {
  if (!list.empty()) return parseList<int>("--minority", list);
  if (KA >= 0) {
    if (KA < 1 || KA >= K) throw InvalidInput("--KA must be in 1.." + std::to_string(K - 1));
    std::vector<int> m;
    for (int k = KA; k < K; ++k) m.push_back(k);
    return m;
  }
  if (counts) return lpm::io::defaultMinority(counts, K);
  return {};
}

}  // namespace lpm::cli
