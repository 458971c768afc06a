// `lpm inspect`: a checkpoint read safely (nothing in it is ever run), its classifier analysed.
#include <cstdio>
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>

#include "Cli.h"
#include "lpm/Commands.h"
#include "lpm/Report.h"
#include "lpm/io/Analysis.h"
#include "lpm/io/Checkpoint.h"
#include "lpm/io/Network.h"

namespace lpm::cli {
namespace {

// Four significant digits for people (the JSON keeps every digit); "-" where there is no number.
std::string short4(const nlohmann::json& v) {
  if (!v.is_number()) return v.is_null() ? "-" : v.dump();
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v.get<double>());
  return b;
}

struct InspectArgs {
  std::string file, tensor, minority, features, labels;
  int KA = -1;
  bool json = false, allowUnsafe = false, all = false;
};

int runInspect(const InspectArgs& a) {
  InspectRequest req;
  req.path = a.file;
  req.tensor = a.tensor;
  req.features = a.features;
  req.labels = a.labels;
  if (!a.minority.empty()) req.minority = parseList<int>("--minority", a.minority);
  req.KA = a.KA;
  req.allowUnsafeGlobals = a.allowUnsafe;
  const InspectOutcome out = runInspect(req);
  const io::Checkpoint& c = *out.checkpoint;
  const nlohmann::json& j = out.json;
  const std::string name = out.network ? out.network->classifier() : std::string();
  if (a.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    // The summary first, then the tensors (a name column as wide as the longest name).
    std::cout << "format: " << io::formatName(c.format()) << ", " << c.tensors().size() << " tensors";
    if (!c.shardFiles().empty()) std::cout << " in " << c.shardFiles().size() << " shards";
    std::cout << "\n";
    for (const auto& w : c.warnings()) std::cout << "WARNING: " << w << "\n";
    if (!name.empty()) {
      const auto& k = j["classifier"];
      std::cout << "classifier: " << name << "  K x p = " << k["shape"][0] << " x " << k["shape"][1] << "  EW_fit "
                << short4(k["EW_fit"]) << "  minority cos " << short4(k["minority_cos"]) << "  majority cos "
                << short4(k["majority_cos"]) << "\n";
      for (const auto& w : k["warnings"]) std::cout << "WARNING: " << w.get<std::string>() << "\n";
      if (k.contains("cos_omitted")) std::cout << "note: " << k["cos_omitted"].get<std::string>() << "\n";
      if (j.contains("imbalance_ratio")) std::cout << "imbalance ratio R = " << j["imbalance_ratio"] << "\n";
      if (j.contains("features")) {
        // Papyan, Han and Donoho's neural-collapse measures, each with what "collapsed" reads as.
        const auto& f = j["features"];
        std::cout << "features: " << (f.contains("N") ? f["N"].get<int>() : 0) << " samples, fitted EH "
                  << short4(f.value("EH_fit", nlohmann::json())) << " (mean squared feature norm)\n";
        const char* rows[][3] = {{"NC1 within-class variability, tr(Sw Sb^+)/K", "nc1", "0 when collapsed"},
                                 {"NC2 equinorm, std/mean of |mu_k - mu_G|", "nc2_equinorm", "0: equal norms"},
                                 {"NC2 equiangular, mean |cos + 1/(K-1)|", "nc2_equiangular", "0: simplex ETF"},
                                 {"NC3 self-duality, |W/|W| - M/|M||_F", "nc3", "0: classifiers = means"},
                                 {"NC4 nearest class mean = classifier's class", "nc4", "1: always"},
                                 {"accuracy, argmax W h (+ b) = label", "accuracy", "the head on these features"}};
        for (const auto& r : rows)
          std::cout << "  " << std::left << std::setw(46) << r[0] << std::setw(9) << short4(f.value(r[1], nlohmann::json()))
                    << " (" << r[2] << ")\n";
        if (f.contains("warning")) std::cout << "WARNING: " << f["warning"].get<std::string>() << "\n";
      }
      if (j.contains("note")) std::cout << "note: " << j["note"].get<std::string>() << "\n";
    } else {
      std::cout << "classifier: none found (name one with --tensor)\n";
    }
    size_t width = 4;
    for (const auto& t : c.tensors()) width = std::max(width, t.name.size());
    const size_t shown = a.all ? c.tensors().size() : std::min<size_t>(c.tensors().size(), 40);
    std::cout << "tensors:\n";
    for (size_t i = 0; i < shown; ++i) {
      const auto& t = c.tensors()[i];
      std::cout << "  " << std::left << std::setw(static_cast<int>(width) + 2) << t.name << std::setw(10)
                << io::dtypeName(t.dtype) << "[";
      for (size_t d = 0; d < t.shape.size(); ++d) std::cout << (d ? ", " : "") << t.shape[d];
      std::cout << "]\n";
    }
    if (shown < c.tensors().size())
      std::cout << "  ... " << c.tensors().size() - shown << " more (--all lists every tensor)\n";
  }
  return 0;
}

}  // namespace

Command addInspect(CLI::App& app) {
  auto a = std::make_shared<InspectArgs>();
  auto* sub = app.add_subcommand("inspect", "Read a checkpoint (PyTorch, TorchScript, safetensors, NumPy) safely");
  sub->add_option("FILE", a->file, "the checkpoint")->required();
  sub->add_option("--tensor", a->tensor, "the classifier weight (default: detected)");
  sub->add_option("--KA", a->KA, "the first KA classes are the majority");
  sub->add_option("--minority", a->minority, "0-based minority classes, comma separated");
  sub->add_option("--features", a->features, "penultimate features, N x p (.npy/.npz; an .npz may hold 'labels' too)");
  sub->add_option("--labels", a->labels, "labels, N (.npy/.npz); class counts give R and, without --KA/--minority, the minority");
  sub->add_flag("--json", a->json, "JSON on stdout");
  sub->add_flag("--all,--tensors", a->all, "list every tensor (by default the first 40 of a large model)");
  sub->add_flag("--allow-unsafe-globals", a->allowUnsafe,
                "list a file whose pickle would run code (it is never run; by default it is refused)");
  return {sub, [a] { return runInspect(*a); }};
}

}  // namespace lpm::cli
