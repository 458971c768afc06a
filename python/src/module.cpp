// lpm._lpm: the core library for Python (pybind11). The wrapper in python/lpm/__init__.py gives
// it keyword arguments and result objects; here only the bridge: the same core calls as the `lpm`
// command line (lpm/Commands.h), their JSON as text, matrices and tensors as NumPy arrays, the
// GIL released while the core works, Ctrl+C turned into a cancel request.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cstring>
#include <mutex>
#include <future>
#include <thread>

#include "lpm/Commands.h"
#include "lpm/Error.h"
#include "lpm/Presets.h"
#include "lpm/Report.h"
#include "lpm/Version.h"
#include "lpm/io/Checkpoint.h"
#include "lpm/io/Network.h"

namespace py = pybind11;
using namespace std::chrono_literals;

namespace {

PyObject* gError = nullptr;         // lpm.Error
PyObject* gInvalidInput = nullptr;  // lpm.InvalidInputError(lpm.Error, ValueError)
PyObject* gRefusedFile = nullptr;   // lpm.RefusedFileError(lpm.Error)
PyObject* gIoError = nullptr;       // lpm.IoError(lpm.Error, OSError)

/// Runs `work` on a thread of its own with the GIL released; every 50 ms the calling thread takes
/// the GIL back to let Python see signals: Ctrl+C cancels `token` (the core stops at its next
/// check) and raises KeyboardInterrupt once the work has stopped. Errors of the work are rethrown.
template <class F>
auto interruptible(F work, const lpm::CancelToken& token) -> decltype(work()) {
  auto future = std::async(std::launch::async, std::move(work));
  bool interrupted = false;
  {
    py::gil_scoped_release release;
    while (future.wait_for(50ms) != std::future_status::ready) {
      if (interrupted) continue;
      // The interpreter is shutting down (a daemon thread at exit): taking the GIL back would end
      // this thread inside C++ (std::terminate). Stop the work and never return to Python.
      if (_Py_IsFinalizing()) {
        token.cancel();
        future.wait();
        for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
      }
      py::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) {
        interrupted = true;  // the Python error (KeyboardInterrupt) stays set
        token.cancel();
      }
    }
  }
  if (interrupted) {
    try {
      (void)future.get();
    } catch (...) {
    }
    throw py::error_already_set();
  }
  return future.get();
}

lpm::ParamInput paramInput(const std::map<std::string, std::string>& given, const std::string& preset,
                           const std::vector<std::string>& except, bool sizesGiven = false) {
  lpm::ParamInput in;
  in.given = given;
  in.preset = preset;
  in.offered = lpm::parameterNamesExcept(except);
  in.sizesGiven = sizesGiven;
  in.flag = "";
  return in;
}

/// A vector's elements as a NumPy array of `shape` (C order) without copying them again: the
/// array owns the vector.
py::array_t<double> ownedArray(std::vector<double>&& v, std::vector<py::ssize_t> shape) {
  auto* owner = new std::vector<double>(std::move(v));
  py::capsule free(owner, [](void* p) { delete static_cast<std::vector<double>*>(p); });
  return py::array_t<double>(shape, owner->data(), free);
}

/// A checkpoint for Python: reads of its tensors are serialised (threads may share one).
struct CheckpointHandle {
  explicit CheckpointHandle(lpm::io::Checkpoint&& checkpoint) : c(std::move(checkpoint)) {}
  lpm::io::Checkpoint c;
  std::mutex read;
};

py::dict matricesOf(const lpm::Solution& s) {
  py::dict out;
  if (!s.certified) return out;
  auto m = lpm::solutionMatrices(s);
  out["X"] = py::cast(std::move(m.X));
  out["W"] = py::cast(std::move(m.W));
  out["H"] = py::cast(std::move(m.H));
  out["cos"] = py::cast(std::move(m.cos));
  return out;
}

}  // namespace

PYBIND11_MODULE(_lpm, m) {
  m.doc() = "The Layer-Peeled Model's certified solver and safe checkpoint reader (LPM Studio core).";
  m.attr("__version__") = LPM_VERSION_STRING;

  gError = PyErr_NewExceptionWithDoc("lpm.Error", "Anything LPM Studio refuses: bad input, a refused file, I/O.",
                                     PyExc_Exception, nullptr);
  py::tuple invalidBases = py::make_tuple(py::handle(gError), py::handle(PyExc_ValueError));
  gInvalidInput = PyErr_NewExceptionWithDoc("lpm.InvalidInputError",
                                            "A value, name or combination the caller can correct (a ValueError).",
                                            invalidBases.ptr(), nullptr);
  gRefusedFile = PyErr_NewExceptionWithDoc(
      "lpm.RefusedFileError", "A file that is corrupt, hostile, unsupported or too large: refused, nothing in it was run.",
      gError, nullptr);
  py::tuple ioBases = py::make_tuple(py::handle(gError), py::handle(PyExc_OSError));
  gIoError = PyErr_NewExceptionWithDoc("lpm.IoError", "A file that cannot be read or written (an OSError).",
                                       ioBases.ptr(), nullptr);
  m.attr("Error") = py::handle(gError);
  m.attr("InvalidInputError") = py::handle(gInvalidInput);
  m.attr("RefusedFileError") = py::handle(gRefusedFile);
  m.attr("IoError") = py::handle(gIoError);
  py::register_exception_translator([](std::exception_ptr p) {
    // The message as text even where it quotes bytes of a file that are not UTF-8.
    auto raise = [](PyObject* type, const char* what) {
      PyObject* text = PyUnicode_DecodeUTF8(what, static_cast<Py_ssize_t>(std::strlen(what)), "replace");
      PyErr_SetObject(type, text);
      Py_XDECREF(text);
    };
    try {
      if (p) std::rethrow_exception(p);
    } catch (const lpm::Error& e) {
      switch (e.kind()) {
        case lpm::ErrorKind::InvalidInput: raise(gInvalidInput, e.what()); return;
        case lpm::ErrorKind::RefusedFile: raise(gRefusedFile, e.what()); return;
        case lpm::ErrorKind::Io: raise(gIoError, e.what()); return;
        case lpm::ErrorKind::Cancelled: raise(PyExc_KeyboardInterrupt, e.what()); return;
      }
    } catch (const std::bad_alloc& e) {
      PyErr_SetString(PyExc_MemoryError, lpm::describeUnexpected(e).c_str());
    }
  });

  m.def("parameter_names", [] { return lpm::parameterNamesExcept({}); }, "The registry's parameter names.");
  m.def("preset_names", [] {
    std::vector<std::string> out;
    for (const auto& p : lpm::presets()) out.push_back(p.name);
    return out;
  });
  m.def("parameter_help", [](const std::string& name) { return lpm::parameter(name).help; });

  m.def(
      "solve",
      [](const std::map<std::string, std::string>& given, const std::string& preset,
         const std::optional<std::vector<double>>& sizes, const std::string& counts, const std::vector<int>& minority,
         const std::string& solver, int maxIterations, bool matrices) {
        if (sizes && !counts.empty()) throw lpm::InvalidInput("give sizes or counts, not both");
        lpm::SolveRequest r;
        const bool sized = sizes || !counts.empty();
        r.params = lpm::paramsFromInput(paramInput(given, preset, {}, sized));
        if (sizes) r.sizes = *sizes;
        r.minority = minority;
        r.options.kind = lpm::solverKindFromString(solver);
        r.options.maxIterations = maxIterations;
        r.options.cancel = lpm::CancelToken::make();
        r.matrices = matrices;
        r.flag = "";
        auto out = interruptible(
            [r, counts]() mutable {
              if (!counts.empty()) r.sizes = lpm::io::readCountsFile(counts);  // a file read without the GIL too
              return lpm::runSolve(r);
            },
            r.options.cancel);
        return py::make_tuple(out.json.dump(), matricesOf(out.solution));
      },
      py::arg("given"), py::arg("preset"), py::arg("sizes"), py::arg("counts"), py::arg("minority"),
      py::arg("solver"), py::arg("max_iterations"), py::arg("matrices"));

  m.def(
      "sweep",
      [](const std::map<std::string, std::string>& given, const std::string& preset, int K, int KB,
         const std::vector<int>& KA, double Rmin, double Rmax, int points, bool refine) {
        lpm::SweepRequest r;
        r.base = lpm::paramsFromInput(paramInput(given, preset, {"KA", "KB", "R"}));
        r.fromPreset = !preset.empty();
        r.K = K;
        r.KB = KB;
        r.KA = KA;
        r.Rmin = Rmin;
        r.Rmax = Rmax;
        r.points = points;
        r.refine = refine;
        r.flag = "";
        r.cancel = lpm::CancelToken::make();
        auto out = interruptible([r] { return lpm::runSweep(r); }, r.cancel);
        return py::make_tuple(out.csv, out.sidecar.dump(), out.uncertified);
      },
      py::arg("given"), py::arg("preset"), py::arg("K"), py::arg("KB"), py::arg("KA"), py::arg("R_min"),
      py::arg("R_max"), py::arg("points"), py::arg("refine"));

  m.def(
      "transition",
      [](const std::map<std::string, std::string>& given, const std::string& preset, double tol, double Rmax) {
        const lpm::TwoSizeParams tp = lpm::paramsFromInput(paramInput(given, preset, {"R"}));
        lpm::TransitionOptions to;
        to.tol = tol;
        to.Rmax = Rmax;
        to.cancel = lpm::CancelToken::make();
        to.solve.cancel = to.cancel;
        auto r = interruptible([tp, to] { return lpm::phaseTransitionRatio(tp, to); }, to.cancel);
        if (r.collapse.status == lpm::Bracket::Cancelled) throw lpm::Cancelled();
        return lpm::transitionReport(tp, r).dump();
      },
      py::arg("given"), py::arg("preset"), py::arg("tol"), py::arg("R_max"));

  m.def(
      "design",
      [](const std::map<std::string, std::string>& given, const std::string& preset, const std::string& vary,
         double targetCos, std::optional<double> lo, std::optional<double> hi) {
        const lpm::TwoSizeParams tp = lpm::paramsFromInput(paramInput(given, preset, {}));
        lpm::DesignQuery q;
        q.parameter = vary;
        q.targetCos = targetCos;
        q.R = tp.R;
        q.lo = lo;
        q.hi = hi;
        q.cancel = lpm::CancelToken::make();
        q.solve.cancel = q.cancel;
        auto r = interruptible([tp, q] { return lpm::designValue(tp, q); }, q.cancel);
        if (r.status == lpm::Bracket::Cancelled) throw lpm::Cancelled();
        return lpm::designReport(tp, q, r).dump();
      },
      py::arg("given"), py::arg("preset"), py::arg("vary"), py::arg("target_cos"), py::arg("lo"), py::arg("hi"));

  m.def(
      "inspect",
      [](const std::string& path, const std::string& tensor, int KA, const std::vector<int>& minority,
         const std::string& features, const std::string& labels, bool allowUnsafe) {
        lpm::InspectRequest r;
        r.path = path;
        r.tensor = tensor;
        r.KA = KA;
        r.minority = minority;
        r.features = features;
        r.labels = labels;
        r.allowUnsafeGlobals = allowUnsafe;
        r.flag = "";
        lpm::InspectOutcome out;
        {
          py::gil_scoped_release release;
          out = lpm::runInspect(r);
        }
        py::object W = py::none();
        if (out.network && !out.network->streamed()) W = py::cast(out.network->W());  // None: read in blocks
        return py::make_tuple(out.json.dump(), W);
      },
      py::arg("path"), py::arg("tensor"), py::arg("KA"), py::arg("minority"), py::arg("features"), py::arg("labels"),
      py::arg("allow_unsafe_globals"));

  py::class_<CheckpointHandle, std::shared_ptr<CheckpointHandle>>(m, "Checkpoint",
                                                                  "A checkpoint read safely (nothing in it is run).")
      .def_property_readonly("format", [](const CheckpointHandle& h) { return lpm::io::formatName(h.c.format()); })
      .def_property_readonly("globals", [](const CheckpointHandle& h) { return h.c.globals(); })
      .def_property_readonly("warnings", [](const CheckpointHandle& h) { return h.c.warnings(); })
      .def_property_readonly("shard_files", [](const CheckpointHandle& h) { return h.c.shardFiles(); })
      .def("tensor_table",
           [](const CheckpointHandle& h) {
             const lpm::io::Checkpoint& c = h.c;
             py::list out;
             for (const auto& t : c.tensors())
               out.append(py::make_tuple(t.name, lpm::io::dtypeName(t.dtype), py::cast(t.shape)));
             return out;
           })
      .def(
          "tensor",
          [](CheckpointHandle& h, const std::string& name) {
            const auto* t = h.c.find(name);
            if (!t) throw lpm::io::CheckpointError("no tensor named '" + name + "'");
            std::vector<py::ssize_t> shape(t->shape.begin(), t->shape.end());
            std::vector<double> v;
            {
              py::gil_scoped_release release;
              // One reader at a time: the file position and zip handle inside are shared.
              std::lock_guard<std::mutex> lock(h.read);
              v = h.c.values(name);
            }
            return ownedArray(std::move(v), shape);
          },
          py::arg("name"), "The tensor's values as float64, in its shape (one copy, owned by the array).");
  m.def(
      "load",
      [](const std::string& path, bool allowUnsafe) {
        lpm::io::OpenLimits limits;
        limits.allowUnsafeGlobals = allowUnsafe;
        py::gil_scoped_release release;
        return std::make_shared<CheckpointHandle>(lpm::io::Checkpoint::open(path, limits));
      },
      py::arg("path"), py::arg("allow_unsafe_globals") = false);
}
