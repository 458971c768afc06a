#include "Cli.h"

#include <algorithm>
#include <iostream>

#include "lpm/Commands.h"
#include "lpm/Presets.h"
#include "lpm/io/Network.h"

namespace lpm::cli {

void addParameterOptions(CLI::App* sub, ParamTexts& texts, const std::vector<std::string>& names) {
  texts.presetOption = sub->add_option("--preset", texts.preset,
                                       "start from a preset's parameters (" + presetNames() + "); options given change them");
  const bool counts = std::find(names.begin(), names.end(), "KB") != names.end();
  sub->add_option("--set", texts.sets,
                  std::string("NAME=VALUE, the same as --NAME VALUE (as lpm figure and lpm-studio take it") +
                      (counts ? "; K=N: all classes, the minority the rest" : "") + "); repeatable");
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
  ParamInput in;  // the rule itself is core's (lpm/Commands.h), shared with the Python module
  in.preset = texts.preset;
  in.sizesGiven = sizesGiven;
  for (const auto& [name, text] : texts.text) {
    in.offered.push_back(name);
    if (texts.given(name)) in.given[name] = text;
  }
  // --set NAME=VALUE is --NAME VALUE: the same checks (paramsFromInput), not applyAssignment's.
  // K (all classes, the minority the rest) where KB is an input: after the rest, as lpm figure.
  std::optional<std::string> K;
  for (const auto& set : texts.sets) {
    const auto [name, value] = splitAssignment(set);
    if (in.given.count(name) || (name == "K" && K)) throw InvalidInput(name + " is given twice (--" + name + " or --set " + name + "=)");
    if (const auto why = texts.notTaken.find(name); why != texts.notTaken.end())
      throw InvalidInput("--set " + name + "=" + value + ": " + why->second);
    if (name == "K" && texts.text.count("KB")) {
      K = value;
      continue;
    }
    if (findParameter(name) && !texts.text.count(name))
      throw InvalidInput("--set " + name + "=" + value + ": " + name + " is not an input of this command");
    in.given[name] = value;
  }
  if (K && in.given.count("KB")) throw InvalidInput("give K or KB, not both");
  TwoSizeParams p = paramsFromInput(in);
  if (K) applyAssignment(p, "K=" + *K);
  return p;
}

std::optional<std::string> takeSet(ParamTexts& texts, const std::string& name, const CLI::Option* own) {
  std::optional<std::string> value;
  for (auto it = texts.sets.begin(); it != texts.sets.end();) {
    const auto [n, v] = splitAssignment(*it);
    if (n != name) {
      ++it;
      continue;
    }
    if (value || (own && own->count() > 0)) throw InvalidInput(name + " is given twice (--" + name + " or --set " + name + "=)");
    value = v;
    it = texts.sets.erase(it);
  }
  return value;
}

int certifiedExit(int uncertified, const std::string& what) {
  if (uncertified == 0) return 0;
  std::cerr << "lpm: " << what << " not certified: its duality gap stayed above 1e-9 x min(f, log K - f)"
            << " after retries; no state is reported\n";
  return kNotCertified;
}

void applyRoles(lpm::io::NetworkComparison& net, const std::string& minorityList, int KA) {
  lpm::applyRoles(net, minorityList.empty() ? std::vector<int>{} : parseList<int>("--minority", minorityList), KA);
}

namespace {
// Text for roff: backslashes doubled, hyphens as \- (so they stay hyphens), no line starting
// with a control character.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}
}  // namespace

void writeRoffCommands(std::ostream& out, const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    out << ".SS \"" << sub->get_name() << "\"\n" << roff(sub->get_description()) << "\n";
    std::string usage = "lpm " + sub->get_name();
    for (const CLI::Option* o : sub->get_options())
      if (o->get_positional()) usage += " " + o->get_name();
    out << ".PP\n.B " << roff(usage) << "\n.RI [ options ]\n";
    for (const CLI::Option* o : sub->get_options()) {
      if (o->get_name() == "--help" || o->get_name() == "-h,--help") continue;
      std::string names = o->get_name(false, true);
      if (names.rfind("-h,", 0) == 0) continue;
      if (o->get_type_size() != 0 && !o->get_type_name().empty() && !o->get_positional())
        out << ".TP\n.BI \"" << roff(names) << " \" \"" << roff(o->get_type_name() == "TEXT" ? "VALUE" : o->get_type_name()) << "\"";
      else
        out << ".TP\n.B \"" << roff(names) << "\"";
      out << "\n" << roff(o->get_description());
      if (!o->get_default_str().empty()) out << " (default: " << roff(o->get_default_str()) << ")";
      out << "\n";
    }
  }
}

}  // namespace lpm::cli
