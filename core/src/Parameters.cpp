#include "lpm/Parameters.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <sstream>

namespace lpm {
namespace {

std::string fmt(double v) { return formatValue(v); }

std::vector<ParameterSpec> makeRegistry() {
  std::vector<ParameterSpec> r;
  auto budget = [](const char* name, const char* label, const char* help, double TwoSizeParams::*field) {
    ParameterSpec s;
    s.name = name, s.label = label, s.help = help;
    s.min = 0, s.minExclusive = true, s.max = kMaxBudget;
    s.representableMin = kMinBudget, s.representableMax = kMaxBudget;
    s.explorerMin = 0.05, s.explorerMax = 100, s.entryMin = kMinBudget, s.entryMax = kMaxBudget, s.logScale = true;
    s.decimals = 3;
    s.get = [field](const TwoSizeParams& p) { return p.*field; };
    s.set = [field](TwoSizeParams& p, double v) { p.*field = v; };
    return s;
  };
  const auto layerPeeled = [](const TwoSizeParams& p) { return p.model == ModelKind::LayerPeeled; };
  const auto constrained = [](const TwoSizeParams& p) {
    return p.model == ModelKind::LayerPeeled && p.budget == Budget::Constrained;
  };
  const auto penalized = [](const TwoSizeParams& p) {
    return p.model == ModelKind::LayerPeeled && p.budget == Budget::Penalized;
  };
  // A choice: its words (the value is the index), default, and whether it enters the model.
  auto choice = [](const char* name, const char* label, const char* help, std::vector<std::string> words,
                   std::function<double(const TwoSizeParams&)> get, std::function<void(TwoSizeParams&, double)> set,
                   std::function<bool(const TwoSizeParams&)> applies = {}) {
    ParameterSpec s;
    s.name = name, s.label = label, s.help = help, s.type = ParameterType::Choice;
    s.choices = std::move(words);
    s.min = 0, s.max = static_cast<double>(s.choices.size() - 1);
    s.defaultText = s.choices.front();
    s.sessionOptional = true;
    s.get = std::move(get), s.set = std::move(set), s.applies = std::move(applies);
    return s;
  };
  // A positive real on a log slider, stored in a TwoSizeParams field (wr, nA, temperature).
  auto positive = [](const char* name, const char* label, const char* help, double TwoSizeParams::*field, double max,
                     std::array<double, 4> explorerAndEntry, int decimals, const char* def) {
    ParameterSpec s;
    s.name = name, s.label = label, s.help = help;
    s.min = 0, s.minExclusive = true, s.max = max;
    s.explorerMin = explorerAndEntry[0], s.explorerMax = explorerAndEntry[1];
    s.entryMin = explorerAndEntry[2], s.entryMax = explorerAndEntry[3];
    s.logScale = true, s.decimals = decimals;
    s.defaultText = def;
    s.sessionOptional = true;
    s.get = [field](const TwoSizeParams& p) { return p.*field; };
    s.set = [field](TwoSizeParams& p, double v) { p.*field = v; };
    return s;
  };
  r.push_back(budget("EW", "E<sub>W</sub>", "Classifier energy budget: (1/K) sum ||w_k||^2 <= EW (Eq. 7)", &TwoSizeParams::EW));
  r.back().defaultText = "1";
  r.back().applies = constrained;
  r.push_back(budget("EH", "E<sub>H</sub>", "Feature energy budget: (1/K) sum ||h_k||^2 <= EH (Eq. 7)", &TwoSizeParams::EH));
  r.back().defaultText = "5";
  r.back().applies = [](const TwoSizeParams& p) { return p.budget == Budget::Constrained || p.model == ModelKind::SupCon; };
  auto count = [](const char* name, const char* label, const char* help, int TwoSizeParams::*field) {
    ParameterSpec s;
    s.name = name, s.label = label, s.help = help, s.type = ParameterType::Integer;
    s.min = 1, s.max = kMaxClasses;
    s.explorerMin = 1, s.explorerMax = 50, s.entryMin = 1, s.entryMax = kMaxClasses, s.decimals = 0;
    s.defaultText = "5";
    s.get = [field](const TwoSizeParams& p) { return static_cast<double>(p.*field); };
    s.set = [field](TwoSizeParams& p, double v) { p.*field = static_cast<int>(v); };
    return s;
  };
  r.push_back(count("KA", "K<sub>A</sub>", "Number of majority classes", &TwoSizeParams::KA));
  r.push_back(count("KB", "K<sub>B</sub>", "Number of minority classes", &TwoSizeParams::KB));
  {
    ParameterSpec s;
    s.name = "R", s.label = "R", s.help = "Imbalance ratio n_A / n_B (>= 1, or inf)";
    s.min = 1, s.max = kInfinity, s.allowInfinity = true;
    s.explorerMin = 1, s.explorerMax = 1e5, s.entryMin = 1, s.entryMax = 1e300, s.logScale = true, s.decimals = 3;
    s.defaultText = "1";
    s.get = [](const TwoSizeParams& p) { return p.R; };
    s.set = [](TwoSizeParams& p, double v) { p.R = v; };
    r.push_back(s);
  }
  r.push_back(positive("wr", "w<sub>r</sub>", "Oversampling rate of the minority classes: n_B -> wr n_B (Eq. 18)",
                      &TwoSizeParams::wr, 1e300, {1, 1e4, 1e-6, 1e6}, 2, "1"));
  r.push_back(choice("profile", "Sizes",
                      "Class sizes: step (KA classes of n_A, KB of n_B = n_A wr / R), exponential (long tail n_k = "
                      "R^(-k/(K-1))) or pareto (long tail shaped like a Pareto law of shape 6 from 1 to 1/R, as ImageNet-LT)",
                      {"step", "exponential", "pareto"},
                      [](const TwoSizeParams& p) { return static_cast<double>(p.profile); },
                      [](TwoSizeParams& p, double v) { p.profile = static_cast<SizeProfile>(static_cast<int>(v)); }));
  {
    ParameterSpec s;
    s.name = "bins", s.label = "Bins", s.type = ParameterType::Integer;
    s.help = "Long tail: solve with the K sizes binned into this many groups (quantiles of log n_k; exact and certified "
             "for the binned sizes); 0: every class its own size";
    s.min = 0, s.max = kMaxClasses;
    s.explorerMin = 0, s.explorerMax = 64, s.entryMin = 0, s.entryMax = 100000, s.decimals = 0;
    s.defaultText = "0";
    s.sessionOptional = true;
    s.get = [](const TwoSizeParams& p) { return static_cast<double>(p.bins); };
    s.set = [](TwoSizeParams& p, double v) { p.bins = static_cast<int>(v); };
    s.applies = [](const TwoSizeParams& p) { return longTail(p.profile); };
    r.push_back(s);
  }
  r.push_back(choice("loss", "Loss",
                      "The loss in the logits (lpm-models.md §2): ce (the paper), label-smoothing, logit-adjusted, ldam, vs, mse",
                      lossNames(), [](const TwoSizeParams& p) { return static_cast<double>(p.loss.kind); },
                      [](TwoSizeParams& p, double v) { p.loss.kind = static_cast<LossKind>(static_cast<int>(v)); },
                      layerPeeled));
  r.push_back(choice("classifier", "Classifier",
                      "learned (the paper) or fixed-etf: classifiers fixed to a simplex ETF, only the features move "
                      "(Yang et al. 2022)",
                      {"learned", "fixed-etf"}, [](const TwoSizeParams& p) { return p.fixedEtf ? 1.0 : 0.0; },
                      [](TwoSizeParams& p, double v) { p.fixedEtf = v == 1; }, constrained));
  // A loss's parameters: shown (and entering the model) only with that loss.
  auto lossParameter = [](const char* name, const char* label, const char* help, double Loss::*field, double max,
                          double explorerMax) {
    ParameterSpec s;
    s.name = name, s.label = label, s.help = help;
    s.min = 0, s.max = max;
    s.explorerMin = 0, s.explorerMax = explorerMax, s.entryMin = 0, s.entryMax = max, s.decimals = 3;
    s.defaultText = "0";
    s.sessionOptional = true;
    s.get = [field](const TwoSizeParams& p) { return p.loss.*field; };
    s.set = [field](TwoSizeParams& p, double v) { p.loss.*field = v; };
    const std::string n = name;
    s.applies = [n](const TwoSizeParams& p) { return p.model == ModelKind::LayerPeeled && lossUses(p.loss.kind, n); };
    return s;
  };
  r.push_back(lossParameter("alpha", "α", "Label smoothing: the weight a in [0, 1) spread over all classes",
                            &Loss::alpha, 1, 0.95));
  r.back().maxExclusive = true;
  r.back().entryMax = 0.999999;
  r.push_back(lossParameter("tau", "τ", "Logit adjustment (and VS): tau log pi_j added to every logit j",
                            &Loss::tau, 100, 3));
  r.push_back(lossParameter("margin", "m", "LDAM: the own logit lowered by m (n_min / n_k)^(1/4)", &Loss::margin, 100, 5));
  r.push_back(lossParameter("gamma", "γ", "VS: logit j scaled by (n_j / n_max)^gamma", &Loss::gamma, 10, 2));
  r.push_back(choice("budget", "Budget",
                      "constrained (the paper: energies EW, EH) or penalized (weight decay lambda-W, lambda-H on the training "
                      "loss, the feature penalty summed over samples: absolute sizes matter)",
                      {"constrained", "penalized"},
                      [](const TwoSizeParams& p) { return p.budget == Budget::Penalized ? 1.0 : 0.0; },
                      [](TwoSizeParams& p, double v) { p.budget = v == 1 ? Budget::Penalized : Budget::Constrained; },
                      layerPeeled));
  auto decay = [&](const char* name, const char* label, const char* help, double Penalty::*field, const char* def) {
    ParameterSpec s;
    s.name = name, s.label = label, s.help = help;
    s.min = 0, s.minExclusive = true, s.max = 1e3;
    s.explorerMin = 1e-5, s.explorerMax = 1e-1, s.entryMin = 1e-12, s.entryMax = 1e3, s.logScale = true, s.decimals = 6;
    s.defaultText = def;
    s.sessionOptional = true;
    s.get = [field](const TwoSizeParams& p) { return p.penalty.*field; };
    s.set = [field](TwoSizeParams& p, double v) { p.penalty.*field = v; };
    s.applies = penalized;
    return s;
  };
  r.push_back(decay("lambda-W", "λ<sub>W</sub>", "Penalized: weight decay on the classifiers, (lambda_W / 2) ||W||^2",
                    &Penalty::lambdaW, "0.001"));
  r.push_back(decay("lambda-H", "λ<sub>H</sub>",
                    "Penalized: weight decay on the features, (lambda_H / 2) sum over samples ||h_i||^2", &Penalty::lambdaH,
                    "0.001"));
  r.push_back(decay("lambda-b", "λ<sub>b</sub>", "Penalized: weight decay on a bias, (lambda_b / 2) ||b||^2; inf: no bias",
                    &Penalty::lambdaB, "inf"));
  r.back().allowInfinity = true;
  r.back().max = r.back().entryMax = kInfinity;
  r.push_back(positive("nA", "n<sub>A</sub>", "Penalized: samples per majority class (n_B = nA / R): absolute sizes matter there",
                      &TwoSizeParams::nA, 1e12, {1, 1e5, 1e-6, 1e12}, 1, "500"));
  r.back().applies = penalized;
  r.push_back(choice("model", "Model",
                      "lpm (the layer-peeled model: classifiers and features) or supcon (supervised contrastive, Eq. 11-12: "
                      "features only, temperature t)",
                      {"lpm", "supcon"}, [](const TwoSizeParams& p) { return p.model == ModelKind::SupCon ? 1.0 : 0.0; },
                      [](TwoSizeParams& p, double v) { p.model = v == 1 ? ModelKind::SupCon : ModelKind::LayerPeeled; }));
  r.push_back(positive("temperature", "t", "Supervised contrastive: the temperature t of Eq. (11)", &TwoSizeParams::temperature,
                      1e6, {0.05, 10, 1e-6, 1e6}, 3, "1"));
  r.back().applies = [](const TwoSizeParams& p) { return p.model == ModelKind::SupCon; };
  return r;
}

}  // namespace

std::string formatValue(double v) {
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

const std::vector<ParameterSpec>& parameterRegistry() {
  static const std::vector<ParameterSpec> registry = makeRegistry();
  return registry;
}

const ParameterSpec* findParameter(const std::string& name) {
  for (const auto& s : parameterRegistry())
    if (s.name == name) return &s;
  return nullptr;
}

std::string parameterNames() {
  std::string out;
  for (const auto& s : parameterRegistry()) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

const ParameterSpec& parameter(const std::string& name) {
  if (const auto* s = findParameter(name)) return *s;
  throw InvalidInput("unknown parameter '" + name + "' (expected " + parameterNames() + ")");
}

double parseNumber(const std::string& name, const std::string& text) {
  std::string t = text;
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "inf" || t == "infinity" || t == "+inf") return kInfinity;
  size_t used = 0;
  double v = 0;
  if (t.find_first_of("xp") != std::string::npos || t.find("nan") != std::string::npos)  // no hex floats, no nan
    throw InvalidInput(name + " must be a number, got '" + text + "'");
  try {
    v = std::stod(text, &used);
  } catch (const std::out_of_range&) {
    throw InvalidInput(name + " = " + text + " is outside the range of double-precision numbers");
  } catch (const std::exception&) {
    throw InvalidInput(name + " must be a number, got '" + text + "'");
  }
  if (used != text.size()) throw InvalidInput(name + " must be a number, got '" + text + "'");
  return v;
}

void checkValue(const ParameterSpec& s, double v) {
  const std::string& n = s.name;
  if (s.type == ParameterType::Choice) {
    if (!(v >= 0 && v < static_cast<double>(s.choices.size()) && v == std::floor(v)))
      throw InvalidInput(n + " takes one of its choices");
    return;
  }
  if (std::isnan(v)) {
    if (s.allowInfinity) throw InvalidInput(n + " must be a number >= " + fmt(s.min) + " (or inf), got nan");
    throw InvalidInput(n + " must be a finite number, got nan");
  }
  if (std::isinf(v) && !(s.allowInfinity && v > 0)) throw InvalidInput(n + " must be a finite number, got " + fmt(v));
  if (s.type == ParameterType::Integer && v != std::floor(v))
    throw InvalidInput(n + " must be an integer, got " + fmt(v));
  if (s.minExclusive ? !(v > s.min) : !(v >= s.min))
    throw InvalidInput(n + " must be " + (s.minExclusive ? "> " : ">= ") + fmt(s.min) + ", got " + fmt(v));
  if (s.representableMax > 0 && (v < s.representableMin || v > s.representableMax))
    throw InvalidInput(n + " = " + fmt(v) + " is outside the representable range [" + fmt(s.representableMin) + ", " +
                       fmt(s.representableMax) + "]");
  if (s.maxExclusive ? !(v < s.max) : !(v <= s.max))
    throw InvalidInput(n + " must be " + (s.maxExclusive ? "< " : "<= ") + fmt(s.max) + ", got " + fmt(v));
}

double getParameter(const TwoSizeParams& p, const std::string& name) { return parameter(name).get(p); }

std::string notAppliesReason(const ParameterSpec& spec, const TwoSizeParams& p, const std::string& flag) {
  const std::string& n = spec.name;
  if (n == "temperature") return "unless " + flag + "model supcon";
  if (p.model == ModelKind::SupCon) return "with " + flag + "model supcon (features only)";
  if (n == "alpha" || n == "tau" || n == "margin" || n == "gamma")
    return "with " + flag + "loss " + parameterText(p, "loss");
  if (p.budget == Budget::Penalized && n == "classifier")
    return "in the penalized form (a fixed ETF classifier is modelled with the constrained budget only)";
  if (p.budget == Budget::Penalized) return "in the penalized form (weight decay replaces the energies EW, EH)";
  return "with the constrained budget (" + flag + "lambda-W and " + flag + "lambda-H choose the penalized form)";
}

std::string describeModel(const TwoSizeParams& p) {
  if (p.model == ModelKind::SupCon) return "supervised contrastive (t = " + parameterText(p, "temperature") + ")";
  std::string d = describe(p.loss);
  if (fixedEtfInModel(p)) d += ", fixed ETF classifier";
  if (p.budget == Budget::Penalized)
    d += ", weight decay (lambda-W = " + parameterText(p, "lambda-W") + ", lambda-H = " + parameterText(p, "lambda-H") +
         (p.penalty.bias() ? ", lambda-b = " + parameterText(p, "lambda-b") : std::string(", no bias")) +
         ", nA = " + parameterText(p, "nA") + ")";
  return d;
}

std::vector<std::string> parameterNamesExcept(const std::vector<std::string>& except) {
  std::vector<std::string> out;
  for (const auto& s : parameterRegistry())
    if (std::find(except.begin(), except.end(), s.name) == except.end()) out.push_back(s.name);
  return out;
}

void setParameter(TwoSizeParams& p, const std::string& name, double value) {
  const auto& s = parameter(name);
  checkValue(s, value);
  s.set(p, value);
}

void setParameter(TwoSizeParams& p, const std::string& name, const std::string& text) {
  const auto& s = parameter(name);
  if (s.type == ParameterType::Choice) {
    const auto it = std::find(s.choices.begin(), s.choices.end(), text);
    if (it == s.choices.end()) {
      std::string list;
      for (const auto& c : s.choices) list += (list.empty() ? "" : " or ") + c;
      throw InvalidInput(name + " takes " + list + ", got '" + text + "'");
    }
    s.set(p, static_cast<double>(it - s.choices.begin()));
    return;
  }
  setParameter(p, name, parseNumber(name, text));
}

std::string parameterText(const TwoSizeParams& p, const std::string& name) {
  const auto& s = parameter(name);
  const double v = s.get(p);
  if (s.type == ParameterType::Choice) return s.choices.at(static_cast<size_t>(v));
  if (std::isinf(v)) return "inf";
  return fmt(v);
}

std::pair<std::string, std::string> splitAssignment(const std::string& assignment) {
  const auto eq = assignment.find('=');
  auto trim = [](std::string t) {
    const auto a = t.find_first_not_of(" \t"), b = t.find_last_not_of(" \t");
    return a == std::string::npos ? std::string() : t.substr(a, b - a + 1);
  };
  const std::string name = eq == std::string::npos ? std::string() : trim(assignment.substr(0, eq));
  if (name.empty()) throw InvalidInput("--set expects NAME=VALUE, got '" + assignment + "'");
  return {name, trim(assignment.substr(eq + 1))};
}

void applyAssignment(TwoSizeParams& p, const std::string& assignment) {
  const auto parts = splitAssignment(assignment);
  const std::string &name = parts.first, &text = parts.second;
  if (name == "K") {  // total classes: the minority takes the rest
    TwoSizeParams q = p;
    const double K = parseNumber("K", text);
    // Said in the user's terms: K = 4 with KA = 5, not "KB must be >= 1, got -1".
    if (K < p.KA + 1)
      throw InvalidInput("K = " + text + " leaves no minority class with KA = " + std::to_string(p.KA) + ": K must be at least " +
                         std::to_string(p.KA + 1) + " (give KA first: --set KA=2 --set K=4)");
    setParameter(q, "KB", K - p.KA);
    p = q;
    return;
  }
  setParameter(p, name, text);
}

bool sameParameters(const TwoSizeParams& a, const TwoSizeParams& b, const std::string& except) {
  for (const auto& s : parameterRegistry())
    if (s.name != except && s.get(a) != s.get(b)) return false;
  return true;
}

double clampToExplorer(const std::string& name, double value) {
  const auto& s = parameter(name);
  return std::clamp(value, s.explorerMin, s.explorerMax);
}

}  // namespace lpm
