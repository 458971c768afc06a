#pragma once
// The pieces every `lpm` subcommand shares: exit codes, lists, model-parameter flags from the
// registry (lpm/Parameters.h), and the Command each file registers.
#include <CLI/CLI.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "lpm/Parameters.h"
#include "lpm/io/Network.h"

namespace lpm::cli {

// Exit codes: 0 ok, 1 refused file / runtime failure, 2 bad input, 3 a result not certified.
constexpr int kRefused = 1;
constexpr int kBadInput = 2;
constexpr int kNotCertified = 3;

template <class T>
std::vector<T> parseList(const std::string& name, const std::string& text) {
  std::vector<T> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) throw InvalidInput(name + " has an empty entry: '" + text + "'");
    const double v = parseNumber(name, item);
    if constexpr (std::is_integral_v<T>) {
      if (v != std::floor(v) || std::abs(v) > 1e9) throw InvalidInput(name + " entries must be integers, got '" + item + "'");
    }
    out.push_back(static_cast<T>(v));
  }
  if (out.empty()) throw InvalidInput(name + " must not be empty");
  return out;
}

/// Model parameters as typed on the command line, by registry name, and which the user gave.
struct ParamTexts {
  std::map<std::string, std::string> text;
  std::map<std::string, const CLI::Option*> option;
  std::string preset;  ///< --preset NAME: its parameters, then the ones given on top
  const CLI::Option* presetOption = nullptr;
  std::vector<std::string> sets;  ///< --set NAME=VALUE, as lpm figure and lpm-studio take them
  /// Why a registry parameter the command does not take is not an input ("transition searches
  /// R"): said when --set names it.
  std::map<std::string, std::string> notTaken;
  bool given(const std::string& name) const {
    const auto it = option.find(name);
    return it != option.end() && it->second->count() > 0;
  }
};
/// Adds --preset, --set NAME=VALUE and --NAME for each registry parameter in `names`, with its
/// help and default.
void addParameterOptions(CLI::App* sub, ParamTexts& texts, const std::vector<std::string>& names);
/// The parameters, each checked by its registry entry (InvalidInput names the bad one). Giving
/// --lambda-W/--lambda-H/--lambda-b chooses the penalized form (then --EW/--EH are refused); a
/// parameter the chosen model does not use is refused by name.
/// The penalized form needs absolute sizes: --nA (or `sizesGiven`, --sizes). With --preset, the
/// preset's parameters are the start and only the options given change them.
TwoSizeParams paramsFrom(const ParamTexts& texts, bool sizesGiven = false);
/// Removes --set NAME=VALUE from `texts` and returns VALUE (none: nullopt): for a command whose
/// own option takes NAME (sweep's --KA list). `own` is that option, given too: said twice.
std::optional<std::string> takeSet(ParamTexts& texts, const std::string& name, const CLI::Option* own = nullptr);

/// 0, or kNotCertified after saying on stderr what was not certified.
int certifiedExit(int uncertified, const std::string& what);

/// The roles from --minority (0-based list) or --KA (first KA classes majority); without either
/// the network keeps its own (the smallest classes by count, else the second half).
void applyRoles(lpm::io::NetworkComparison& net, const std::string& minorityList, int KA);

/// The subcommands and their options as roff (.SS per subcommand, .TP per option), for lpm(1).
void writeRoffCommands(std::ostream& out, const CLI::App& app);

/// A subcommand: registered on the app, run when the user chose it.
struct Command {
  CLI::App* sub = nullptr;
  std::function<int()> run;
};
Command addSolve(CLI::App& app);
Command addSweep(CLI::App& app);
Command addTransition(CLI::App& app);
Command addDesign(CLI::App& app);
Command addInspect(CLI::App& app);
Command addPhase(CLI::App& app);
#ifdef LPM_HAVE_RENDER
std::vector<Command> addFigureCommands(CLI::App& app);  ///< figure and animate
#endif

}  // namespace lpm::cli
