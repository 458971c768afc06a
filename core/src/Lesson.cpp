#include "lpm/Lesson.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "LessonsData.h"
#include "lpm/Parameters.h"
#include "lpm/StateLink.h"

namespace lpm {
namespace {

using json = nlohmann::json;

std::string short4(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

// The one reading of a caption template: {{ and }} are literal braces, {name} is a field, the
// rest is text. A '{' without its '}' is passed on as text, and the result is false.
template <class Text, class Field>
bool scanTemplate(const std::string& t, const Text& text, const Field& field) {
  bool closed = true;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.compare(i, 2, "{{") == 0 || t.compare(i, 2, "}}") == 0) {
      text(t[i++]);
      continue;
    }
    const size_t j = t[i] == '{' ? t.find('}', i) : std::string::npos;
    if (j == std::string::npos) {
      closed = closed && t[i] != '{';
      text(t[i]);
      continue;
    }
    field(t.substr(i + 1, j - i - 1));
    i = j;
  }
  return closed;
}

// Every {name} in a template; throws for an unknown one or an unclosed brace.
std::vector<std::string> fieldsIn(const std::string& t, const std::string& where) {
  std::vector<std::string> out;
  const bool closed = scanTemplate(t, [](char) {}, [&](const std::string& name) {
    if (!captionFields().count(name)) {
      std::string list;
      for (const auto& [k, v] : captionFields()) list += (list.empty() ? "" : ", ") + ("{" + k + "}");
      throw InvalidInput(where + " uses {" + name + "}, which is not a caption field (" + list + ")");
    }
    out.push_back(name);
  });
  if (!closed) throw InvalidInput(where + " has a '{' without its '}'");
  return out;
}

}  // namespace

const std::map<std::string, std::string>& captionFields() {
  static const std::map<std::string, std::string> f = {
      {"minority_cos", "average pairwise cosine of the minority classifiers (or features, where the story is theirs)"},
      {"majority_cos", "average pairwise cosine of the majority classifiers"},
      {"state", "the minority's state: spread, collapsed, vanished, ..."},
      {"R", "the imbalance ratio n_A / n_B"},
      {"R0", "the phase transition of Minority Collapse at these parameters"},
      {"R_vanish", "the ratio where the minority classifiers vanish"},
      {"transition", "R0 and R_vanish in words"},
      {"EWEH", "the product EW·EH"},
      {"K", "number of classes"},
      {"KA", "majority classes"},
      {"KB", "minority classes"},
      {"wr", "oversampling rate"},
      {"objective", "the optimum's value"},
      {"gap", "its certified duality gap"},
      {"model", "the model in words"},
  };
  return f;
}

Lesson parseLesson(const std::string& text, const std::string& origin) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw InvalidInput(origin + ": not valid JSON (" + e.what() + ")");
  }
  auto need = [&](const json& o, const char* key, const std::string& where) -> std::string {
    if (!o.is_object() || !o.contains(key) || !o.at(key).is_string() || o.at(key).get<std::string>().empty())
      throw InvalidInput(where + ": " + key + " must be a non-empty text");
    return o.at(key).get<std::string>();
  };
  if (!j.is_object() || j.value("format", std::string()) != "lpm-studio-lesson")
    throw InvalidInput(origin + ": not an LPM Studio lesson (format must be \"lpm-studio-lesson\")");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() != 1)
    throw InvalidInput(origin + ": version must be 1");
  Lesson l;
  l.name = need(j, "name", origin);
  const std::string where = "lesson '" + l.name + "'";
  l.title = need(j, "title", where);
  if (j.contains("summary") && j["summary"].is_string()) l.summary = j["summary"].get<std::string>();
  if (!j.contains("steps") || !j["steps"].is_array() || j["steps"].empty())
    throw InvalidInput(where + ": steps must be a non-empty list");
  if (j["steps"].size() > 100) throw InvalidInput(where + ": more than 100 steps");
  int n = 0;
  for (const auto& o : j["steps"]) {
    const std::string at = where + ", step " + std::to_string(++n);
    if (!o.is_object()) throw InvalidInput(at + ": must be an object");
    for (const auto& [k, v] : o.items()) {
      (void)v;
      if (k != "title" && k != "state" && k != "highlight" && k != "question" && k != "explain")
        throw InvalidInput(at + ": unknown key '" + k + "' (title, state, highlight, question, explain)");
    }
    LessonStep s;
    s.title = need(o, "title", at);
    s.state = need(o, "state", at);
    s.explain = need(o, "explain", at);
    if (o.contains("question")) {
      if (!o["question"].is_string()) throw InvalidInput(at + ": question must be a text");
      s.question = o["question"].get<std::string>();
    }
    if (o.contains("highlight")) {
      if (!o["highlight"].is_string()) throw InvalidInput(at + ": highlight must be a parameter name");
      s.highlight = o["highlight"].get<std::string>();
      if (!findParameter(s.highlight))
        throw InvalidInput(at + ": highlight '" + s.highlight + "' is not a parameter (" + parameterNames() + ")");
    }
    try {
      s.session = sessionFromStateLink(s.state);
    } catch (const InvalidInput& e) {
      throw InvalidInput(at + ": " + e.what());
    }
    fieldsIn(s.explain, at + ": explain");
    fieldsIn(s.question, at + ": question");
    fieldsIn(s.title, at + ": title");
    l.steps.push_back(std::move(s));
  }
  return l;
}

Lesson loadLesson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().size() > (1u << 20)) throw InvalidInput(path + ": a lesson is at most 1 MB");
  return parseLesson(ss.str(), path);
}

const std::vector<Lesson>& builtinLessons() {
  static const std::vector<Lesson> lessons = [] {
    std::vector<Lesson> out;
    for (const char* text : kLessonsJson) out.push_back(parseLesson(text, "built-in lesson"));
    return out;
  }();
  return lessons;
}

std::optional<Lesson> findLesson(const std::string& name) {
  for (const auto& l : builtinLessons())
    if (l.name == name) return l;
  return std::nullopt;
}

std::string lessonNames() {
  std::string s;
  for (const auto& l : builtinLessons()) s += (s.empty() ? "" : ", ") + l.name;
  return s;
}

std::string renderCaption(const std::string& templ, const CaptionInputs& in) {
  const TwoSizeParams& p = in.params;
  auto value = [&](const std::string& f) -> std::string {
    if (f == "R") return short4(p.R);
    if (f == "EWEH") return p.budget == Budget::Penalized ? std::string("(penalized form)") : short4(p.EW * p.EH);
    if (f == "K") return std::to_string(p.K());
    if (f == "KA") return std::to_string(p.KA);
    if (f == "KB") return std::to_string(p.KB);
    if (f == "wr") return short4(p.wr);
    if (f == "model") return describeModel(p);
    if (f == "R0" || f == "R_vanish" || f == "transition") {
      if (!in.transition) return "(computing)";
      if (f == "transition") return in.transition->summary();
      const auto& e = f == "R0" ? in.transition->collapse : in.transition->vanish;
      if (e.status == Bracket::Found) return short4(e.R);
      if (e.status == Bracket::Beyond) return "> " + short4(in.transition->Rmax);
      return "(none)";
    }
    if (!in.metrics) return "(not certified)";
    const Metrics& m = *in.metrics;
    if (f == "minority_cos") return m.observedCos() ? short4(*m.observedCos()) : std::string("(undefined: ") + toString(m.observedState()) + ")";
    if (f == "majority_cos") return m.majorityW.meanCos ? short4(*m.majorityW.meanCos) : std::string("(undefined)");
    if (f == "state") return describe(m.observedState(), in.gap);
    if (f == "objective") return short4(in.objective);
    if (f == "gap") return short4(in.gap);
    return "{" + f + "}";
  };
  std::string out;
  scanTemplate(templ, [&](char c) { out += c; }, [&](const std::string& f) { out += value(f); });
  return out;
}

}  // namespace lpm
