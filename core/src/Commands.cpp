#include "lpm/Commands.h"

#include <algorithm>
#include <sstream>

#include "lpm/Presets.h"
#include "lpm/Report.h"

namespace lpm {

TwoSizeParams paramsFromInput(const ParamInput& in) {
  const std::string& f = in.flag;
  for (const auto& [name, text] : in.given) {
    (void)text;
    if (std::find(in.offered.begin(), in.offered.end(), name) == in.offered.end()) {
      if (!findParameter(name)) throw InvalidInput("unknown parameter '" + name + "'; the parameters are " + parameterNames());
      throw InvalidInput(f + name + " is not taken here");
    }
  }
  const auto given = [&](const std::string& name) { return in.given.count(name) > 0; };
  const auto offered = [&](const std::string& name) {
    return std::find(in.offered.begin(), in.offered.end(), name) != in.offered.end();
  };
  TwoSizeParams p;
  std::optional<Preset> preset;
  if (!in.preset.empty()) {
    preset = findPreset(in.preset);
    if (!preset) throw InvalidInput("unknown preset '" + in.preset + "'; the presets are " + presetNames());
    p = preset->params;
  }
  for (const auto& name : in.offered) {
    if (given(name)) setParameter(p, name, in.given.at(name));
    else if (!preset) setParameter(p, name, parameter(name).defaultText);
  }
  const bool decays = given("lambda-W") || given("lambda-H") || given("lambda-b");
  if (decays && !given("budget")) p.budget = Budget::Penalized;
  if (p.budget == Budget::Penalized && (given("EW") || given("EH")))
    throw InvalidInput(preset.has_value() && !decays
                           ? "preset '" + in.preset + "' uses weight decay (" + f + "lambda-W/" + f +
                                 "lambda-H), not the energies " + f + "EW/" + f + "EH: add " + f +
                                 "budget constrained to use them"
                           : f + "EW/" + f + "EH are the constrained budget and " + f + "lambda-W/" + f +
                                 "lambda-H the penalized one: give one form, not both");
  // A parameter the chosen model does not use is a mistake worth saying (--alpha with --loss ce).
  for (const auto& [name, text] : in.given) {
    const auto& spec = parameter(name);
    if (name == "bins" && in.sizesGiven) continue;  // given sizes are binned as the long tail is
    // The default given explicitly (alpha 0 or 0.0) is no mistake: compare values, not texts.
    TwoSizeParams typed, byDefault;
    setParameter(typed, name, text);
    setParameter(byDefault, name, spec.defaultText);
    if (!spec.appliesTo(p) && spec.get(typed) != spec.get(byDefault))
      throw InvalidInput(f + name + " does not enter the model " + notAppliesReason(spec, p, f));
  }
  // A preset in the penalized form brings its own nA.
  const bool presetSizes = preset.has_value() && preset->params.budget == Budget::Penalized;
  if (parameter("nA").appliesTo(p) && !in.sizesGiven && !presetSizes && !given("nA") && offered("nA"))
    throw InvalidInput("the penalized form depends on absolute class sizes: give " + f + "nA N (n_B = nA / R)" +
                       std::string(offered("R") ? " or " + f + "sizes" : ""));
  return p;
}

SolveOutcome runSolve(const SolveRequest& r) {
  SolveOutcome out;
  Problem p;
  std::optional<TwoSizeParams> two;
  const TwoSizeParams& tp = r.params;
  if (r.sizes) {
    if (tp.bins > 0) {
      // Binned sizes first, so that the default minority is the smallest bin.
      const Problem b = binSizes(makeFromSizes(tp, *r.sizes, {0}), tp.bins);
      p = makeFromSizes(tp, b.classSize, r.minority);
      p.binned = b.binned;
    } else {
      p = makeFromSizes(tp, *r.sizes, r.minority);
    }
    for (int k = 0; k < p.K(); ++k)
      if (p.classSize[k] == 0)
        out.notes.push_back("class " + std::to_string(k) + " has size 0: it carries no loss of its own (as at R = inf)");
  } else {
    if (!r.minority.empty())
      throw InvalidInput(r.flag + "minority chooses among " + r.flag + "sizes/" + r.flag + "counts classes");
    p = makeTwoSize(tp);
    two = tp;
  }
  if (p.minority.size() < 2) out.notes.push_back("fewer than two minority classes: no pairwise minority cosine");
  if (r.options.maxIterations < 1) throw InvalidInput(r.flag + "max-iterations must be >= 1");
  out.solution = solve(p, r.options);
  if (out.solution.cancelled) throw Cancelled();
  out.metrics = computeMetrics(out.solution);
  out.json = solutionJson(out.solution, out.metrics, r.matrices, provenanceJson(r.options, two));
  out.json["notes"] = out.notes;
  return out;
}

nlohmann::json transitionReport(const TwoSizeParams& p, const TransitionResult& t) {
  auto j = provenanceJson(SolveOptions{}, p);
  j["inputs"].erase("R");
  j.update(transitionJson(t));
  return j;
}

nlohmann::json designReport(const TwoSizeParams& p, const DesignQuery& q, const DesignResult& r) {
  auto j = provenanceJson(SolveOptions{}, p);
  j["vary"] = q.parameter;
  j["target_cos"] = q.targetCos;
  j["R"] = q.R;
  j["status"] = toString(r.status);
  j["value"] = r.value ? nlohmann::json(*r.value)
                       : (r.status == Bracket::Beyond ? nlohmann::json("inf") : nlohmann::json(nullptr));
  j["side"] = r.smallest ? "smallest" : "largest";
  j["until"] = r.until ? nlohmann::json(*r.until) : nlohmann::json(nullptr);
  j["at_range_end"] = r.atEnd;
  j["range"] = {r.lo, r.hi};
  j["solves"] = r.solves;
  j["summary"] = r.summary(q);
  return j;
}

SweepOutcome runSweep(const SweepRequest& r) {
  SweepOutcome out;
  const std::string& f = r.flag;
  if (r.K > 0 && r.KB > 0) throw InvalidInput("give one of " + f + "K and " + f + "KB, not both");
  const bool presetK = r.fromPreset && r.K <= 0 && r.KB <= 0;  // a preset without K/KB: its own K
  const int K = r.K > 0 ? r.K : (presetK ? r.base.K() : 0);
  if (K <= 0 && r.KB <= 0) throw InvalidInput("give " + f + "K (total classes) or " + f + "KB (minority classes)");
  logGrid(r.Rmin, r.Rmax, r.points);  // validates the range
  const std::vector<int> KAs = r.KA.empty() && r.fromPreset ? std::vector<int>{r.base.KA} : r.KA;
  if (KAs.empty()) throw InvalidInput(f + "KA must not be empty");
  for (int KA : KAs) {
    // Said in the user's own options: "--KA 5 leaves no minority class with --K 3".
    if (K > 0 && (KA < 1 || KA >= K))
      throw InvalidInput(f + "KA " + std::to_string(KA) + " leaves no " + (KA < 1 ? "majority" : "minority") +
                         " class with " + (presetK ? "the preset's K = " : f + "K ") + std::to_string(K) +
                         ": each KA must be in 1.." + std::to_string(K - 1));
    TwoSizeParams tp = r.base;
    setParameter(tp, "KA", KA);
    setParameter(tp, "KB", K > 0 ? K - KA : r.KB);
    validate(tp);
    out.settings.push_back(tp);
  }
  std::ostringstream csv;
  writeSweepCsvHeader(csv);
  if (r.write) r.write(csv.str());
  SolveOptions used;
  used.kind = SolverKind::Reduced;  // what sweeps solve with (exact for two sizes)
  out.sidecar = provenanceJson(used);
  out.sidecar["grid"] = {{"R_min", r.Rmin}, {"R_max", r.Rmax}, {"points", r.points}, {"refined", r.refine}};
  out.sidecar["curves"] = nlohmann::json::array();
  SweepOptions so;
  so.cancel = r.cancel;
  so.solve.cancel = r.cancel;
  for (const auto& tp : out.settings) {
    const auto c = computeCurve(tp, r.Rmin, r.Rmax, r.points, r.refine, so);
    if (r.cancel.cancelled()) throw Cancelled();
    std::ostringstream rows;
    for (const auto& pt : c.points) writeSweepCsvRow(rows, tp, pt);
    csv << rows.str();
    if (r.write) r.write(rows.str());
    out.uncertified += c.uncertified();
    out.sidecar["curves"].push_back(curveJson(tp, c.points, c.transition));
    out.curves.push_back(c.points);
  }
  out.csv = csv.str();
  return out;
}

void applyRoles(io::NetworkComparison& net, const std::vector<int>& minority, int KA, const std::string& flag) {
  if (!minority.empty()) {
    net.setMinority(minority);
  } else if (KA >= 0) {
    if (KA < 1 || KA >= net.K()) throw InvalidInput(flag + "KA must be in 1.." + std::to_string(net.K() - 1));
    net.setMajorityCount(KA);
  }
}

InspectOutcome runInspect(const InspectRequest& r) {
  InspectOutcome out;
  io::OpenLimits limits;
  limits.allowUnsafeGlobals = r.allowUnsafeGlobals;
  auto c = std::make_shared<io::Checkpoint>(io::Checkpoint::open(r.path, limits));
  out.json = checkpointJson(*c);
  out.checkpoint = c;
  if (!r.tensor.empty() && !c->find(r.tensor)) throw io::CheckpointError("no tensor named '" + r.tensor + "'");
  if (r.tensor.empty() && !io::detectClassifier(*c)) {
    out.json["classifier"] = nullptr;
    return out;
  }
  auto net = io::NetworkComparison::open({r.path, r.features, r.labels, r.tensor, r.allowUnsafeGlobals});
  applyRoles(net, r.minority, r.KA, r.flag);
  out.json["classifier"] = classifierJson(net.analysis());
  addNetworkJson(out.json, net);
  out.network = std::move(net);
  return out;
}

}  // namespace lpm
