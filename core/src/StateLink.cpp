#include "lpm/StateLink.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "lpm/Geometry.h"
#include "lpm/Parameters.h"
#include "lpm/Presets.h"
#include "lpm/Report.h"

namespace lpm {
namespace {

[[noreturn]] void bad(const std::string& why) { throw InvalidInput("state link: " + why); }

bool unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

std::string encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c)) out += char(c);
    else out += '%', out += hex[c >> 4], out += hex[c & 15];
  }
  return out;
}

std::string decode(const std::string& s, const std::string& where) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
        bad(where + " has a broken %-escape");
      out += char(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

// Numbers are written with formatNumber: the shortest text that reads back as the same double
// ("0.1", "1e+100", "inf").

std::string trimmed(const std::string& t) {
  const auto a = t.find_first_not_of(" \t\r\n"), b = t.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? std::string() : t.substr(a, b - a + 1);
}

const std::string& schemePrefix() {
  static const std::string prefix = std::string(kStateLinkScheme) + ":";
  return prefix;
}

double readNumber(const std::string& key, const std::string& text) {
  try {
    return parseNumber(key, text);
  } catch (const InvalidInput& e) {
    bad(e.what());
  }
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::stringstream ss(s);
  while (std::getline(ss, item, sep)) out.push_back(item);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

// The parameters that differ from the defaults, as NAME=VALUE pairs (`sep` between them).
std::vector<std::pair<std::string, std::string>> changedParams(const TwoSizeParams& p) {
  const TwoSizeParams d;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& spec : parameterRegistry()) {
    if (spec.get(p) == spec.get(d)) continue;
    const double v = spec.get(p);
    out.emplace_back(spec.name, spec.type == ParameterType::Choice ? parameterText(p, spec.name) : formatNumber(v));
  }
  return out;
}

TwoSizeParams applyParams(TwoSizeParams p, const std::vector<std::pair<std::string, std::string>>& kv,
                          const std::string& where) {
  for (const auto& [name, text] : kv) {
    if (!findParameter(name)) bad(where + "unknown key '" + name + "'");
    try {
      setParameter(p, name, text);
    } catch (const InvalidInput& e) {
      bad(where + e.what());
    }
  }
  try {
    validate(p);
  } catch (const InvalidInput& e) {
    bad(where + e.what());
  }
  return p;
}

const std::vector<std::pair<std::string, bool ViewOptions::*>>& viewFlags() {
  static const std::vector<std::pair<std::string, bool ViewOptions::*>> flags = {
      {"sphere", &ViewOptions::unitSphere}, {"means", &ViewOptions::means},         {"labels", &ViewOptions::labels},
      {"etf", &ViewOptions::etf},           {"unit", &ViewOptions::unitArrows},     {"dark", &ViewOptions::dark},
      {"overlay", &ViewOptions::networkOverlay}, {"axes", &ViewOptions::axes}};
  return flags;
}

}  // namespace

bool isStateLink(const std::string& text) { return trimmed(text).compare(0, schemePrefix().size(), schemePrefix()) == 0;
}

std::string stateLink(const Session& s) {
  std::vector<std::string> parts{"v=" + std::to_string(kStateLinkVersion)};
  for (const auto& [k, v] : changedParams(s.params)) parts.push_back(encode(k) + "=" + encode(v));
  if (s.preset) parts.push_back("preset=" + encode(*s.preset));
  // The view: the toggles that are on, and what the plot shows when not automatic.
  const ViewOptions dv;
  bool viewDefault = true;
  for (const auto& [name, member] : viewFlags()) viewDefault = viewDefault && s.view.*member == dv.*member;
  if (!viewDefault) {
    std::string on;
    for (const auto& [name, member] : viewFlags())
      if (s.view.*member) on += (on.empty() ? "" : ",") + name;
    parts.push_back("view=" + (on.empty() ? std::string("none") : encode(on)));
  }
  if (s.view.plot != dv.plot) parts.push_back("plot=" + encode(s.view.plot));
  if (s.view.axesFrom != dv.axesFrom) parts.push_back("axes=" + encode(s.view.axesFrom));
  if (s.plotRmax) parts.push_back("rmax=" + encode(formatNumber(*s.plotRmax)));
  if (!s.view.presentationHidden.empty()) {
    std::string h;
    for (const auto& n : s.view.presentationHidden) h += (h.empty() ? "" : ",") + n;
    parts.push_back("hide=" + encode(h));
  }
  if (s.camera) {
    std::string c;
    for (const auto* a : {&s.camera->position, &s.camera->focalPoint, &s.camera->viewUp})
      for (double v : *a) c += (c.empty() ? "" : ",") + formatNumber(v);
    c += "," + formatNumber(s.camera->viewAngle);
    parts.push_back("camera=" + encode(c));
  }
  if (s.checkpoint) parts.push_back("checkpoint=" + encode(*s.checkpoint));
  if (s.features) parts.push_back("features=" + encode(*s.features));
  if (s.labels) parts.push_back("labels=" + encode(*s.labels));
  if (s.minority) {
    std::string m;
    for (int k : *s.minority) m += (m.empty() ? "" : ",") + std::to_string(k);
    parts.push_back("minority=" + encode(m));
  }
  auto changed = [](const TwoSizeParams& q) {
    std::string c;
    for (const auto& [k, v] : changedParams(q)) c += (c.empty() ? "" : ",") + k + ":" + v;
    return c.empty() ? std::string("default") : c;
  };
  for (size_t i = 0; i < s.pinned.size(); ++i) {
    const auto& n = s.pinned[i];
    parts.push_back("pin=" + encode(n.name + "," + formatNumber(n.R) + "," + formatNumber(n.minorityCos)));
    // The pin's own model setting (its model curve), by the pin's place in the list.
    if (n.model) parts.push_back("pinmodel=" + encode(std::to_string(i) + "," + changed(*n.model)));
  }
  for (const auto& q : s.compared) parts.push_back("compare=" + encode(changed(q)));
  std::string out = std::string(kStateLinkScheme) + ":?";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "&" : "") + parts[i];
  return out;
}

Session sessionFromStateLink(const std::string& text) {
  if (text.size() > kMaxStateLinkBytes) bad("longer than " + std::to_string(kMaxStateLinkBytes) + " bytes");
  const std::string link = trimmed(text), &scheme = schemePrefix();
  if (!isStateLink(link)) bad("it must start with '" + scheme + "?'");
  std::string rest = link.substr(scheme.size());
  while (!rest.empty() && rest[0] == '/') rest.erase(0, 1);  // lpm-studio://?... from URL handlers
  if (rest.empty() || rest[0] != '?') bad("it must start with '" + scheme + "?'");
  rest.erase(0, 1);
  std::map<std::string, std::string> single;
  std::vector<std::string> pins, pinModels, compares;
  std::vector<std::pair<std::string, std::string>> params;
  std::set<std::string> seen;
  for (const auto& item : split(rest, '&')) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos) bad("'" + item + "' is not NAME=VALUE");
    const std::string key = decode(item.substr(0, eq), "a key"), value = decode(item.substr(eq + 1), key);
    if (key == "pin") pins.push_back(value);
    else if (key == "pinmodel") pinModels.push_back(value);
    else if (key == "compare") compares.push_back(value);
    else {
      if (!seen.insert(key).second) bad(key + " is given twice");
      if (findParameter(key)) params.emplace_back(key, value);
      else single[key] = value;
    }
  }
  if (!single.count("v")) bad("the version (v=1) is missing");
  if (single["v"] != std::to_string(kStateLinkVersion))
    bad("version " + single["v"] + " is not supported (this build reads version " + std::to_string(kStateLinkVersion) + ")");
  Session s;
  s.params = applyParams(TwoSizeParams{}, params, "");
  static const std::set<std::string> known = {"v",      "preset",     "view",     "plot",   "axes",    "rmax",
                                              "hide",   "camera",     "checkpoint", "features", "labels", "minority"};
  for (const auto& [k, v] : single)
    if (!known.count(k)) bad("unknown key '" + k + "'; the keys are the parameters (" + parameterNames() +
                             "), v, preset, view, plot, axes, rmax, hide, camera, checkpoint, features, labels, minority, pin, pinmodel, compare");
  if (single.count("preset")) {
    if (!findPreset(single["preset"])) bad("unknown preset '" + single["preset"] + "'; the presets are " + presetNames());
    s.preset = single["preset"];
  }
  if (single.count("view")) {
    for (const auto& [name, member] : viewFlags()) s.view.*member = false;
    if (single["view"] != "none")
      for (const auto& f : split(single["view"], ',')) {
        const auto it = std::find_if(viewFlags().begin(), viewFlags().end(), [&](const auto& x) { return x.first == f; });
        if (it == viewFlags().end()) bad("view has no toggle '" + f + "' (sphere, means, labels, etf, unit, dark, overlay, axes)");
        s.view.*(it->second) = true;
      }
  }
  if (single.count("plot")) {
    if (single["plot"] != "auto") {
      try {
        curveQuantityFromString(single["plot"]);
      } catch (const InvalidInput& e) {
        bad(std::string("plot: ") + e.what());
      }
    }
    s.view.plot = single["plot"];
  }
  if (single.count("axes")) {
    try {
      focusFromName(single["axes"]);
    } catch (const InvalidInput& e) {
      bad(std::string("axes: ") + e.what());
    }
    s.view.axesFrom = single["axes"];
  }
  if (single.count("rmax")) {
    const double Rmax = readNumber("rmax", single["rmax"]);
    if (!validPlotRmax(Rmax)) bad("rmax (the plot's R range) must be in [10, 1e12]");
    s.plotRmax = Rmax;
  }
  if (single.count("hide")) {
    std::set<std::string> names;
    for (const auto& n : split(single["hide"], ',')) {
      if (!findParameter(n)) bad("hide: '" + n + "' is not a parameter (" + parameterNames() + ")");
      names.insert(n);
    }
    s.view.presentationHidden.assign(names.begin(), names.end());
  }
  if (single.count("camera")) {
    const auto c = split(single["camera"], ',');
    if (c.size() != 10) bad("camera takes 10 numbers (position, focal point, view up, view angle), got " + std::to_string(c.size()));
    CameraState cam;
    std::vector<double> v;
    for (const auto& x : c) {
      const double d = readNumber("camera", x);
      if (!std::isfinite(d)) bad("camera numbers must be finite");
      v.push_back(d);
    }
    for (int i = 0; i < 3; ++i) cam.position[i] = v[i], cam.focalPoint[i] = v[3 + i], cam.viewUp[i] = v[6 + i];
    cam.viewAngle = v[9];
    if (!(cam.viewAngle > 0 && cam.viewAngle < 180)) bad("the camera's view angle must be in (0, 180) degrees");
    s.camera = cam;
  }
  for (const char* k : {"checkpoint", "features", "labels"})
    if (single.count(k)) {
      if (single[k].empty()) bad(std::string(k) + " is empty");
      (k == std::string("checkpoint") ? s.checkpoint : k == std::string("features") ? s.features : s.labels) = single[k];
    }
  if ((s.features || s.labels) && !s.checkpoint) bad("features and labels come with a checkpoint");
  if (single.count("minority")) {
    if (!s.checkpoint) bad("minority comes with a checkpoint");
    std::vector<int> m;
    for (const auto& x : split(single["minority"], ',')) {
      const double d = readNumber("minority", x);
      if (d != std::floor(d) || d < 0 || d > 1e9) bad("minority takes 0-based class indices, got '" + x + "'");
      m.push_back(static_cast<int>(d));
    }
    s.minority = m;
  }
  for (const auto& pin : pins) {
    const auto f = split(pin, ',');
    if (f.size() < 3) bad("pin takes NAME,R,COSINE, got '" + pin + "'");
    PinnedNetwork n;
    for (size_t i = 0; i + 2 < f.size(); ++i) n.name += (i ? "," : "") + f[i];  // a name may hold commas
    n.R = readNumber("pin R", f[f.size() - 2]);
    n.minorityCos = readNumber("pin cosine", f.back());
    if (!(n.R >= 1) || !(std::abs(n.minorityCos) <= 1)) bad("pin '" + n.name + "' needs R >= 1 and a cosine in [-1, 1]");
    s.pinned.push_back(n);
  }
  // NAME:VALUE,... (or "default"): a model setting as the changes from the defaults.
  auto setting = [](const std::vector<std::string>& items, const std::string& what) {
    std::vector<std::pair<std::string, std::string>> kv;
    if (!(items.size() == 1 && items[0] == "default"))
      for (const auto& x : items) {
        const auto colon = x.find(':');
        if (colon == std::string::npos) bad(what + " takes NAME:VALUE,..., got '" + x + "'");
        kv.emplace_back(x.substr(0, colon), x.substr(colon + 1));
      }
    return applyParams(TwoSizeParams{}, kv, what + ": ");
  };
  for (const auto& c : compares) s.compared.push_back(setting(split(c, ','), "compare"));
  for (const auto& m : pinModels) {
    auto f = split(m, ',');
    const double at = f.size() >= 2 ? readNumber("pinmodel's pin", f[0]) : -1;
    if (!(at >= 0 && at == std::floor(at))) bad("pinmodel takes PIN,NAME:VALUE,... (PIN: 0-based), got '" + m + "'");
    const size_t i = static_cast<size_t>(at);
    if (i >= s.pinned.size()) bad("pinmodel names pin " + f[0] + ", but there are " + std::to_string(s.pinned.size()) + " pins");
    if (s.pinned[i].model) bad("pin " + f[0] + " has two pinmodels");
    f.erase(f.begin());
    s.pinned[i].model = setting(f, "pinmodel");
  }
  return s;
}

}  // namespace lpm
