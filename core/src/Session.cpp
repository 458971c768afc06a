#include "lpm/Session.h"

#include <set>

#include <cctype>

#include "lpm/io/Checkpoint.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "lpm/Files.h"
#include "lpm/Geometry.h"
#include "lpm/Parameters.h"
#include "lpm/Presets.h"
#include "lpm/Report.h"
#include "lpm/Sweep.h"

namespace lpm {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& what) { throw InvalidInput("session: " + what); }

double number(const json& o, const char* key, const std::string& where) {
  if (!o.contains(key)) bad(where + "." + key + " is missing");
  const auto& v = o.at(key);
  if (v.is_string() && (v == "inf" || v == "Infinity")) return kInfinity;
  if (!v.is_number()) bad(where + "." + key + " must be a number");
  return v.get<double>();
}

int integer(const json& o, const char* key, const std::string& where) {
  const double v = number(o, key, where);
  if (v != std::floor(v) || std::abs(v) > 1e7) bad(where + "." + key + " must be an integer");
  return static_cast<int>(v);
}

std::array<double, 3> vec3(const json& o, const char* key) {
  if (!o.contains(key) || !o.at(key).is_array() || o.at(key).size() != 3) bad(std::string("camera.") + key + " must be 3 numbers");
  std::array<double, 3> a{};
  for (int i = 0; i < 3; ++i) {
    if (!o.at(key)[i].is_number()) bad(std::string("camera.") + key + " must be 3 numbers");
    a[i] = o.at(key)[i].get<double>();
    if (!std::isfinite(a[i])) bad(std::string("camera.") + key + " must be finite");
  }
  return a;
}

}  // namespace

std::string sessionToJson(const Session& s) {
  json j;
  j["format"] = "lpm-studio-session";
  j["version"] = Session::kVersion;
  // Provenance (read back by nobody, there for people): the build and how it solves.
  j["provenance"] = provenanceJson(SolveOptions{});
  const auto& p = s.params;
  // Session keys are the registry's names (lpm/Parameters.h).
  j["params"] = paramsJson(p, true);
  j["preset"] = s.preset ? json(*s.preset) : json(nullptr);
  j["checkpoint"] = s.checkpoint ? json(*s.checkpoint) : json(nullptr);
  if (s.features) j["features"] = *s.features;
  if (s.labels) j["labels"] = *s.labels;
  if (s.minority) j["minority"] = *s.minority;
  if (!s.compared.empty()) {
    j["compare"] = json::array();
    for (const auto& q : s.compared) j["compare"].push_back(paramsJson(q, true));
  }
  if (!s.pinned.empty()) {
    j["pinned"] = json::array();
    for (const auto& n : s.pinned) {
      json pin = {{"name", n.name}, {"R", n.R}, {"minority_cos", n.minorityCos}};
      if (n.model) pin["model"] = paramsJson(*n.model, true);
      j["pinned"].push_back(pin);
    }
  }
  if (s.camera)
    j["camera"] = {{"position", s.camera->position}, {"focal_point", s.camera->focalPoint},
                   {"view_up", s.camera->viewUp}, {"view_angle", s.camera->viewAngle}};
  else
    j["camera"] = nullptr;
  j["view"] = {{"unit_sphere", s.view.unitSphere}, {"means", s.view.means}, {"labels", s.view.labels},
               {"etf", s.view.etf}, {"unit_arrows", s.view.unitArrows}, {"dark", s.view.dark},
               {"network_overlay", s.view.networkOverlay}, {"axes", s.view.axes}, {"plot", s.view.plot},
               {"axes_from", s.view.axesFrom}};
  j["plot_rmax"] = s.plotRmax ? json(*s.plotRmax) : json(nullptr);
  if (!s.picture.empty()) j["picture"] = s.picture;
  if (!s.view.presentationHidden.empty()) j["view"]["presentation_hidden"] = s.view.presentationHidden;
  return j.dump(2) + "\n";
}

namespace {
Session readSession(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    bad(std::string("not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) bad("the file must hold a JSON object");
  if (j.value("format", std::string()) != "lpm-studio-session") bad("not an LPM Studio session (format must be \"lpm-studio-session\")");
  if (!j.contains("version") || !j["version"].is_number_integer()) bad("version is missing");
  if (j["version"].get<int>() != Session::kVersion)
    bad("version " + std::to_string(j["version"].get<int>()) + " is not supported (this build reads version " +
        std::to_string(Session::kVersion) + ")");
  if (!j.contains("params") || !j["params"].is_object()) bad("params is missing");
  // One model's parameters under the registry's names (params, and each compared model).
  auto readParams = [&](const json& o, const std::string& where) {
    TwoSizeParams p;
    for (const auto& spec : parameterRegistry()) {
      if (!o.contains(spec.name) && spec.sessionOptional) continue;  // the default applies
      if (spec.type == ParameterType::Choice) {
        const auto& v = o.contains(spec.name) ? o.at(spec.name) : json();
        std::string words;
        for (const auto& c : spec.choices) words += (words.empty() ? "\"" : " or \"") + c + "\"";
        if (!v.is_string() || std::find(spec.choices.begin(), spec.choices.end(), v.get<std::string>()) == spec.choices.end())
          bad(where + "." + spec.name + " must be " + words);
        setParameter(p, spec.name, v.get<std::string>());
      } else {
        const double v = spec.type == ParameterType::Integer ? integer(o, spec.name.c_str(), where.c_str())
                                                             : number(o, spec.name.c_str(), where.c_str());
        spec.set(p, v);  // checked with the rest below
      }
    }
    try {
      validate(p);
    } catch (const InvalidInput& e) {
      bad(where + ": " + e.what());
    }
    return p;
  };
  Session s;
  s.params = readParams(j["params"], "params");
  if (j.contains("preset") && !j["preset"].is_null()) {
    if (!j["preset"].is_string()) bad("preset must be a name or null");
    s.preset = j["preset"].get<std::string>();
    if (!findPreset(*s.preset)) {  // its parameters are in the file; the unknown name is set aside
      s.warnings.push_back("the session names a preset this build does not know ('" + *s.preset + "'); it was ignored");
      s.preset.reset();
    }
  }
  if (j.contains("checkpoint") && !j["checkpoint"].is_null()) {
    if (!j["checkpoint"].is_string()) bad("checkpoint must be a path or null");
    s.checkpoint = j["checkpoint"].get<std::string>();
  }
  for (const char* key : {"features", "labels"}) {
    if (!j.contains(key) || j[key].is_null()) continue;
    if (!j[key].is_string()) bad(std::string(key) + " must be a path or null");
    if (!s.checkpoint) bad(std::string(key) + " needs a checkpoint");
    (std::string(key) == "features" ? s.features : s.labels) = j[key].get<std::string>();
  }
  if (j.contains("minority") && !j["minority"].is_null()) {
    if (!j["minority"].is_array()) bad("minority must be a list of class indices");
    std::vector<int> m;
    for (const auto& v : j["minority"]) {
      if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 1000000)
        bad("minority must hold class indices (integers >= 0)");
      m.push_back(v.get<int>());
    }
    s.minority = m;
  }
  if (j.contains("compare") && !j["compare"].is_null()) {
    if (!j["compare"].is_array()) bad("compare must be a list of parameter sets");
    for (size_t i = 0; i < j["compare"].size(); ++i) {
      if (!j["compare"][i].is_object()) bad("compare must hold parameter objects");
      if (i >= 16) bad("compare holds more than 16 models");
      s.compared.push_back(readParams(j["compare"][i], "compare[" + std::to_string(i) + "]"));
    }
  }
  if (j.contains("pinned") && !j["pinned"].is_null()) {
    if (!j["pinned"].is_array()) bad("pinned must be a list of networks");
    for (const auto& pin : j["pinned"]) {
      if (!pin.is_object()) bad("pinned must hold objects {name, R, minority_cos}");
      PinnedNetwork n;
      n.name = pin.value("name", std::string());
      n.R = number(pin, "R", "pinned");
      n.minorityCos = number(pin, "minority_cos", "pinned");
      if (!(n.R >= 1)) bad("pinned.R must be >= 1");
      if (!(n.minorityCos >= -1 && n.minorityCos <= 1)) bad("pinned.minority_cos must be in [-1, 1]");
      if (pin.contains("model") && !pin["model"].is_null()) {
        if (!pin["model"].is_object()) bad("pinned.model must be a parameter object");
        n.model = readParams(pin["model"], "pinned.model");
      }
      s.pinned.push_back(n);
    }
  }
  if (j.contains("camera") && !j["camera"].is_null()) {
    const auto& c = j["camera"];
    if (!c.is_object()) bad("camera must be an object or null");
    CameraState cam;
    cam.position = vec3(c, "position");
    cam.focalPoint = vec3(c, "focal_point");
    cam.viewUp = vec3(c, "view_up");
    cam.viewAngle = number(c, "view_angle", "camera");
    if (!(cam.viewAngle > 0 && cam.viewAngle < 180)) bad("camera.view_angle must be in (0, 180) degrees");
    s.camera = cam;
  }
  if (j.contains("view") && j["view"].is_object()) {
    const auto& v = j["view"];
    auto flag = [&](const char* key, bool& out) {
      if (!v.contains(key)) return;
      if (!v[key].is_boolean()) bad(std::string("view.") + key + " must be true or false");
      out = v[key].get<bool>();
    };
    flag("unit_sphere", s.view.unitSphere);
    flag("means", s.view.means);
    flag("labels", s.view.labels);
    flag("etf", s.view.etf);
    flag("unit_arrows", s.view.unitArrows);
    flag("dark", s.view.dark);
    flag("network_overlay", s.view.networkOverlay);
    flag("axes", s.view.axes);
    if (v.contains("plot")) {
      if (!v["plot"].is_string()) bad("view.plot must be a string");
      const std::string q = v["plot"].get<std::string>();
      if (q != "auto") {
        try {
          curveQuantityFromString(q);
        } catch (const InvalidInput& e) {
          bad(std::string("view.plot: ") + e.what());
        }
      }
      s.view.plot = q;
    }
    if (v.contains("axes_from")) {
      if (!v["axes_from"].is_string()) bad("view.axes_from must be a string");
      try {
        focusFromName(v["axes_from"].get<std::string>());
      } catch (const InvalidInput& e) {
        bad(std::string("view.axes_from: ") + e.what());
      }
      s.view.axesFrom = v["axes_from"].get<std::string>();
    }
    if (v.contains("presentation_hidden")) {
      const auto& h = v["presentation_hidden"];
      if (!h.is_array()) bad("view.presentation_hidden must be a list of parameter names");
      std::set<std::string> names;
      for (const auto& n : h) {
        if (!n.is_string() || !findParameter(n.get<std::string>()))
          bad("view.presentation_hidden: " + (n.is_string() ? "'" + n.get<std::string>() + "'" : n.dump()) +
              " is not a parameter (" + parameterNames() + ")");
        names.insert(n.get<std::string>());
      }
      s.view.presentationHidden.assign(names.begin(), names.end());
    }
  }
  if (j.contains("plot_rmax") && !j["plot_rmax"].is_null()) {
    if (!j["plot_rmax"].is_number()) bad("plot_rmax must be a number (or null: automatic)");
    const double Rmax = j["plot_rmax"].get<double>();
    if (!validPlotRmax(Rmax)) bad("plot_rmax must be in [10, 1e12] (or null: automatic)");
    s.plotRmax = Rmax;
  }
  if (j.contains("picture") && !j["picture"].is_null()) {
    const auto& pic = j["picture"];
    const size_t rows = 2 * static_cast<size_t>(s.params.K());
    if (!pic.is_array()) bad("picture must be a list of [x, y, z] rows");
    if (pic.size() != rows) {
      // The 3D view's own state: a wrong size costs the saved axes, not the session.
      s.warnings.push_back("the session's 3D picture has " + std::to_string(pic.size()) + " rows, not 2K = " +
                           std::to_string(rows) + "; the view chooses its axes afresh");
    } else {
      for (const auto& row : pic) {
        if (!row.is_array() || row.size() != 3) bad("picture must be a list of [x, y, z] rows");
        std::array<double, 3> r{};
        for (int i = 0; i < 3; ++i) {
          if (!row[i].is_number() || !std::isfinite(row[i].get<double>())) bad("picture must hold finite numbers");
          r[i] = row[i].get<double>();
        }
        s.picture.push_back(r);
      }
    }
  }
  return s;
}
}  // namespace

Session sessionFromJson(const std::string& text) {
  try {
    return readSession(text);
  } catch (const json::exception& e) {  // a value of the wrong JSON type somewhere unchecked
    bad(std::string("malformed session (") + e.what() + ")");
  }
}

bool isSessionPath(const std::string& path) {
  const std::string suffix = ".json";
  if (path.size() < suffix.size()) return false;
  std::string tail = path.substr(path.size() - suffix.size());
  for (char& ch : tail) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return tail == suffix && !io::isShardIndexPath(path);
}

Session loadSession(const std::string& path) {
  checkReadableFile(path, "session");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInput("session: cannot open " + path);
  std::ostringstream ss;
  // Sessions are small; refuse anything that is obviously not one before parsing it.
  constexpr std::streamsize kMax = 1 << 20;
  std::string buf(static_cast<size_t>(kMax) + 1, '\0');
  in.read(buf.data(), kMax + 1);
  if (in.gcount() > kMax) throw InvalidInput("session: " + path + " is larger than 1 MiB; not a session file");
  buf.resize(static_cast<size_t>(in.gcount()));
  return sessionFromJson(buf);
}

void saveSession(const Session& s, const std::string& path) {
  checkWritableFile(path);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw IoError("cannot write " + path);
  out << sessionToJson(s);
  if (!out) throw IoError("cannot write " + path);
}

}  // namespace lpm
