#include "lpm/ui/Document.h"
#include "lpm/ui/PhaseModel.h"

#include <algorithm>

#include <QFileInfo>
#include <QFutureWatcher>
#include <QPromise>
#include <QSettings>
#include <QUndoStack>
#include <QtConcurrent>

#include <cmath>

#include "lpm/Parameters.h"
#include "lpm/Sweep.h"
#include "lpm/Presets.h"

namespace lpm::ui {
namespace {

QString fileName(const std::string& path) { return QFileInfo(QString::fromStdString(path)).fileName(); }


}  // namespace

Document::Document(QObject* parent)
    : QObject(parent), model_(new ExplorerModel(this)), phase_(new PhaseModel(this)) {
  connect(model_, &ExplorerModel::paramsChanged, this, &Document::onParamsChanged);
  connect(model_, &ExplorerModel::paramsChanged, phase_, &PhaseModel::setParams);
  phase_->setParams(model_->params());
  connect(model_, &ExplorerModel::solved, this, [this] { updateOverlay(); });
  connect(model_, &ExplorerModel::transitionChanged, this, [this] {
    if (plotRangeAuto_) fitPlotRange();
  });
}

Document::~Document() { loadCancel_.cancel(); }

void Document::setView(const ViewOptions& v) {
  const bool overlay = v.networkOverlay != view_.networkOverlay;
  const bool axes = v.axesFrom != view_.axesFrom;
  view_ = v;
  if (axes) model_->setProjectionFocus(focusFromName(v.axesFrom));  // names checked by the session and the menu
  emit viewChanged(view_);
  if (overlay) emit overlayChanged();
}

bool Document::applyPreset(const QString& name) {
  const auto p = findPreset(name.toStdString());
  if (!p) return false;
  model_->endInteraction();
  const bool ok = model_->setParams(p->params, "preset " + QString::fromStdString(p->name));
  model_->endInteraction();
  if (!ok) return false;
  preset_ = QString::fromStdString(p->name);  // an alias (fig8c) shows as the preset it names
  // A paper figure is a family (KA = 3, 5, 7): the other two join the plot as compared models,
  // so the window and its exports draw what the paper and `lpm figure --preset` draw. The models
  // a preset put there go when another preset is chosen; those the user added stay.
  const size_t before = compared_.size();
  dropPresetFamily();
  bool changed = compared_.size() != before;
  if (p->paperFigure)
    for (const TwoSizeParams& q : paperFamily(p->params)) {
      if (render::alreadyPlotted(q, p->params, compared_) || static_cast<int>(compared_.size()) + 1 >= render::kMaxCompared)
        continue;
      compared_.push_back(q);
      presetFamily_.push_back(q);
      changed = true;
    }
  if (changed) {
    if (compared_.empty()) clearComparison();
    else computeComparison();
  }
  return true;
}

std::string Document::plotTitle() const {
  const QString name = preset();
  const auto p = name.isEmpty() ? std::nullopt : findPreset(name.toStdString());
  return p && p->paperFigure ? p->title : std::string();
}

QString Document::preset() const {
  if (preset_.isEmpty()) return {};
  const auto p = findPreset(preset_.toStdString());
  return p && sameParameters(p->params, model_->params()) ? preset_ : QString();
}

// --- The network ------------------------------------------------------------------------------

void Document::runNetworkJob(const QString& what, Job job, const QString& failure, bool opening, const QString& done) {
  struct Outcome {
    std::optional<io::NetworkComparison> net;
    QString error, unsafeGlobal;
  };
  loadCancel_.cancel();  // a newer request replaces an older one
  loadCancel_ = CancelToken::make();
  const quint64 generation = ++loadGeneration_;
  loading_ = true;
  emit networkLoading(true, what);
  auto* watcher = new QFutureWatcher<Outcome>(this);
  connect(watcher, &QFutureWatcher<Outcome>::progressValueChanged, this,
          [this, watcher](int v) { emit networkProgress(v, watcher->progressText()); });
  connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, generation, what, failure, opening, done] {
    watcher->deleteLater();
    if (generation != loadGeneration_) return;  // superseded
    loading_ = false;
    emit networkLoading(false, what);
    Outcome out = watcher->result();
    if (out.net) {
      if (opening) openedIntoClean_ = model_->undoStack()->isClean();
      install(std::move(*out.net));
      if (opening) emit networkOpened(true, QString(), QString());
      else emit networkChanged();
      if (!done.isEmpty()) emit message(done.arg(what), 6000);  // after "Opened ...", which names the checkpoint
      return;
    }
    if (!opening) {  // the open network stays as it was
      emit message((failure.isEmpty() ? tr("%1: %2") : failure).arg(what, out.error), 10000);
      emit networkChanged();
      return;
    }
    pendingMinority_.reset();
    emit networkOpened(false, (failure.isEmpty() ? tr("%1 was not opened: %2") : failure).arg(what, out.error),
                       out.unsafeGlobal);
  });
  // The reason travels as text: QtConcurrent would turn a std::exception into one without a message.
  watcher->setFuture(QtConcurrent::run(
      [job = std::move(job), cancel = loadCancel_](QPromise<Outcome>& promise) {
        promise.setProgressRange(0, io::NetworkComparison::kStages);
        Outcome out;
        try {
          out.net = job(cancel, [&](int i, const std::string& text) {
            promise.setProgressValueAndText(i, QString::fromStdString(text) + "…");
          });
        } catch (const io::UnsafeGlobalsError& e) {
          out.error = QString::fromUtf8(e.what());
          out.unsafeGlobal = QString::fromStdString(e.global());
        } catch (const std::exception& e) {
          out.error = QString::fromUtf8(e.what());
        }
        promise.addResult(std::move(out));
      }));
}

void Document::openNetwork(const io::NetworkRequest& request) {
  lastRequest_ = request;
  runNetworkJob(fileName(request.path), [request](const CancelToken& cancel, const io::NetworkComparison::Progress& p) {
    return io::NetworkComparison::open(request, p, cancel);
  });
}

bool Document::openNetworkNow(const io::NetworkRequest& request, QString* error) {
  lastRequest_ = request;
  try {
    auto net = io::NetworkComparison::open(request);
    openedIntoClean_ = model_->undoStack()->isClean();
    install(std::move(net));
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
  emit networkOpened(true, QString(), QString());
  return true;
}

void Document::addLabels(const QString& path) {
  if (!net_) return;
  const std::string file = path.toStdString();
  runNetworkJob(fileName(file), [net = *net_, file](const CancelToken&, const io::NetworkComparison::Progress& p) mutable {
    p(3, "Reading the labels");
    net.setLabels(io::readLabelsFile(file, net.K()));
    return net;
  }, {}, true, tr("Read %1 into the open checkpoint"));
}

void Document::addFeatures(const QString& path) {
  if (!net_) return;
  const std::string file = path.toStdString();
  runNetworkJob(fileName(file), [net = *net_, file](const CancelToken&, const io::NetworkComparison::Progress& p) mutable {
    p(2, "Reading the features");
    const io::SideArrays a = io::readFeaturesFile(file, net.K());
    p(4, "Measuring neural collapse");
    net.setFeatures(a);
    return net;
  }, {}, true, tr("Read %1 into the open checkpoint"));
}

void Document::openDropped(const QString& path) {
  const std::string file = path.toStdString();
  if (!net_ || loading_) {
    openNetwork({file, "", "", "", false});
    return;
  }
  // The file is opened off the UI thread: its arrays say what it is.
  lastRequest_ = {file, "", "", "", false};
  runNetworkJob(fileName(file), [net = *net_, file](const CancelToken& cancel,
                                                    const io::NetworkComparison::Progress& p) mutable {
    p(0, "Reading the file");
    const io::SideArrays a = io::readDroppedFile(file, net.K(), net.p());
    switch (a.role) {
      case io::ArrayFileRole::Labels: net.setLabels(a); return net;
      case io::ArrayFileRole::FeaturesWithLabels: net.setFeatures(a); return net;
      case io::ArrayFileRole::Features:
        if (net.labels()) {
          net.setFeatures(a);
          return net;
        }
        throw io::CheckpointError("it looks like features: drop the labels first (or an .npz with both)");
      case io::ArrayFileRole::Checkpoint: break;
    }
    return io::NetworkComparison::open({file, "", "", "", false}, p, cancel);
  });
}

void Document::install(io::NetworkComparison net) {
  // Another checkpoint (not labels, features or roles for this one): what the last one set
  // (its EH from features, its R from labels) goes with it.
  const bool another = net_ && net_->sharedCheckpoint() != net.sharedCheckpoint();
  if (!net_) beforeNetwork_ = model_->params();
  net_ = std::move(net);
  TwoSizeParams base = model_->params();
  if (another && beforeNetwork_) base.EH = beforeNetwork_->EH, base.R = beforeNetwork_->R;
  if (pendingMinority_) {
    try {
      net_->setMinority(*pendingMinority_);
    } catch (const Error&) {
      emit message(tr("The session's minority classes do not fit this network: its own are used"), 8000);
    }
    pendingMinority_.reset();
  }
  networkEdited(base);
}

void Document::closeNetwork() {
  if (loading_) {  // a load still running (of labels, features, or another file) is dropped
    loadCancel_.cancel();
    ++loadGeneration_;
    loading_ = false;
    emit networkLoading(false, QString());
  }
  if (!net_) return;
  net_.reset();
  beforeNetwork_.reset();
  pendingMinority_.reset();
  updateOverlay();
  emit networkChanged();
  emit message(tr("Checkpoint closed: the model keeps its parameters"), 5000);
}

void Document::networkEdited(std::optional<TwoSizeParams> base) {
  // The model at the network's setting (one rule for the window and `lpm figure --checkpoint`).
  if (const auto p = net_->modelParams(base.value_or(model_->params()))) {
    model_->endInteraction();
    model_->setParams(*p, "network");
    model_->endInteraction();
  }
  updateOverlay();
  emit networkChanged();
}

void Document::onParamsChanged(const TwoSizeParams& p) {
  // The model's KB moved (an undo, a slider): the network's roles follow when the K matches.
  if (!net_ || p.K() != net_->K() || p.KB == static_cast<int>(net_->minority().size())) return;
  if (p.KB < 1 || p.KB >= net_->K()) return;
  if (net_->streamed()) {
    // Read again in the background; the model keeps its KB (installing sets the network's setting).
    const int KB = p.KB;
    editNetwork(tr("The roles"), [KB](io::NetworkComparison& n) { n.setMinorityCount(KB); }, nullptr);
    return;
  }
  try {
    net_->setMinorityCount(p.KB);
  } catch (const Error&) {
    return;
  }
  updateOverlay();
  emit networkChanged();
}

namespace {
template <typename Edit>
bool tryEdit(std::optional<io::NetworkComparison>& net, QString* error, Edit edit) {
  if (!net) {
    if (error) *error = QObject::tr("no network is loaded");
    return false;
  }
  try {
    edit(*net);
    return true;
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
}
}  // namespace

bool Document::setClassifier(const QString& tensor, QString* error) {
  if (!tryEdit(net_, error, [&](io::NetworkComparison& n) { n.setClassifier(tensor.toStdString()); })) return false;
  networkEdited();
  return true;
}

void Document::runEdit(const QString& what, const std::function<void(io::NetworkComparison&)>& edit, int stage,
                       const char* stageText, const QString& failure) {
  runNetworkJob(
      what,
      [net = *net_, edit, stage, stageText](const CancelToken& cancel, const io::NetworkComparison::Progress& p) mutable {
        p(stage, stageText);
        net.setCancel(cancel);
        edit(net);
        net.setCancel({});
        return net;
      },
      failure, false);
}

void Document::chooseClassifier(const QString& tensor) {
  if (!net_) return;
  runEdit(tensor, [t = tensor.toStdString()](io::NetworkComparison& n) { n.setClassifier(t); }, 1,
          "Reading the classifier", tr("%1 cannot be the classifier: %2"));
}

bool Document::editNetwork(const QString& what, const std::function<void(io::NetworkComparison&)>& edit, QString* error) {
  if (!net_) {
    if (error) *error = tr("no network is loaded");
    return false;
  }
  if (net_->streamed()) {
    // The head is read from its file again (seconds for a 1 GB one): off the UI thread, the newest
    // edit replacing an older one still reading.
    runEdit(what, edit, 4, "Measuring the classifier again", tr("%1 was not changed: %2"));
    return true;
  }
  if (!tryEdit(net_, error, edit)) return false;
  networkEdited();
  return true;
}

bool Document::setMajorityCount(int KA, QString* error) {
  return editNetwork(tr("The roles"), [KA](io::NetworkComparison& n) { n.setMajorityCount(KA); }, error);
}

bool Document::setMinority(const std::vector<int>& minority, QString* error) {
  return editNetwork(tr("The roles"), [minority](io::NetworkComparison& n) { n.setMinority(minority); }, error);
}

bool Document::setClassCountsFromFile(const QString& path, QString* error) {
  // The file is read here (a bad one is refused at once); the head, when streamed, in the background.
  std::vector<int> counts;
  try {
    if (!net_) throw io::CheckpointError("no network is loaded");
    counts = io::readClassCountsFile(path.toStdString(), net_->K());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
  return setClassCounts(counts, error);
}

bool Document::setClassCounts(const std::vector<int>& counts, QString* error) {
  return editNetwork(tr("The class counts"), [counts](io::NetworkComparison& n) { n.setClassCounts(counts); }, error);
}

void Document::updateOverlay() {
  std::optional<NetworkOverlay> o;
  const auto f = model_->latest();
  if (net_ && f && f->geometry.W.rows() == f->params.K()) o = net_->overlay(f->solution, f->geometry);
  const bool same = o.has_value() == overlay_.has_value() && (!o || (o->distance == overlay_->distance && o->W == overlay_->W));
  overlay_ = std::move(o);
  if (!same) emit overlayChanged();
}

std::optional<double> Document::networkR() const {
  // Only a known R (labels or class counts): a point at the model's R would be a claim the network
  // does not make. The panel says that R is unknown.
  if (!net_) return std::nullopt;
  return net_->imbalanceRatio();
}

std::optional<double> Document::networkCos() const { return net_ ? net_->analysis().minorityCos : std::nullopt; }

bool Document::pinCurrent() {
  if (!net_) return false;
  // A pin is a point (R, cosine): without labels or class counts the network's R is unknown, and
  // the model's R would be a claim the network does not make.
  const auto R = networkR();
  if (!R) {
    emit message(tr("This network's R is unknown: load its labels or class counts to pin it"), 8000);
    return false;
  }
  const auto pin = net_->pin();
  if (!pin) return false;
  auto pins = pinned_;
  pins.push_back(*pin);
  pins.back().model = net_->modelParams(model_->params());
  setPinned(pins);
  return true;
}

void Document::setPinned(const std::vector<PinnedNetwork>& pins) {
  pinned_ = pins;
  emit pinnedChanged();
}

// --- Comparison ---------------------------------------------------------------------------------

bool Document::comparePinnedModels(QString* error) {
  // Each pin's own model (its fitted EW, EH and roles) beside the current one; those already
  // compared are left as they are.
  int added = 0, without = 0;
  for (const auto& pin : pinned_) {
    if (!pin.model) {
      ++without;
      continue;
    }
    if (render::alreadyPlotted(*pin.model, model_->params(), compared_)) continue;
    if (static_cast<int>(compared_.size()) + 1 >= render::kMaxCompared) {
      if (error) *error = tr("The plot compares up to %1 models: clear the comparison first").arg(render::kMaxCompared);
      if (added) computeComparison();
      return false;
    }
    compared_.push_back(*pin.model);
    ++added;
  }
  if (added) computeComparison();
  if (!added && error)
    *error = without ? tr("These pins were saved without their model (an older session): pin the networks again")
                     : tr("Every pinned network's model is already on the plot");
  return added > 0;
}

bool Document::compareCurrent(QString* error) {
  const TwoSizeParams p = model_->params();
  if (static_cast<int>(compared_.size()) + 1 >= render::kMaxCompared) {
    if (error) *error = tr("The plot compares up to %1 models: clear the comparison first").arg(render::kMaxCompared);
    return false;
  }
  for (const auto& q : compared_)
    if (sameParameters(q, p, "R")) {
      if (error) *error = tr("This model is already compared");
      return false;
    }
  compared_.push_back(p);
  computeComparison();
  return true;
}

void Document::dropPresetFamily() {
  for (const TwoSizeParams& q : presetFamily_) {
    const auto it = std::find_if(compared_.begin(), compared_.end(),
                                 [&](const TwoSizeParams& c) { return sameParameters(c, q, "R"); });
    if (it == compared_.end()) continue;
    const auto index = it - compared_.begin();
    compared_.erase(it);
    if (index < static_cast<std::ptrdiff_t>(comparedCurves_.size())) comparedCurves_.erase(comparedCurves_.begin() + index);
  }
  if (!presetFamily_.empty()) ++compareGeneration_;  // a curve still being computed belongs to the old list
  presetFamily_.clear();
}

void Document::clearComparison() {
  presetFamily_.clear();
  compared_.clear();
  comparedCurves_.clear();
  ++compareGeneration_;
  comparing_ = false;
  emit comparisonChanged();
}

bool Document::removeCompared(int index) {
  if (index < 0 || index >= static_cast<int>(compared_.size())) return false;
  const TwoSizeParams gone = compared_[static_cast<size_t>(index)];
  presetFamily_.erase(std::remove_if(presetFamily_.begin(), presetFamily_.end(),
                                     [&](const TwoSizeParams& q) { return sameParameters(q, gone, "R"); }),
                      presetFamily_.end());
  compared_.erase(compared_.begin() + index);
  if (index < static_cast<int>(comparedCurves_.size())) comparedCurves_.erase(comparedCurves_.begin() + index);
  ++compareGeneration_;  // a curve still being computed belongs to the old list
  // A computation in flight is for the old list (its result is dropped): the curves are computed
  // again, also when the stale ones happen to have the new length.
  if (comparing_ || comparedCurves_.size() != compared_.size()) computeComparison();
  emit comparisonChanged();
  return true;
}

void Document::computeComparison() {
  // Off the UI thread, like the model's own curve: the same grid and refinement.
  const quint64 generation = ++compareGeneration_;
  comparing_ = true;
  const auto models = compared_;
  const double Rmax = plotRmax_;
  auto* watcher = new QFutureWatcher<std::vector<std::pair<TwoSizeParams, Curve>>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    if (generation != compareGeneration_) return;
    comparing_ = false;
    comparedCurves_ = watcher->result();
    emit comparisonChanged();
  });
  watcher->setFuture(QtConcurrent::run([models, Rmax] {
    std::vector<std::pair<TwoSizeParams, Curve>> out;
    for (const auto& q : models) {
      try {
        out.emplace_back(q, computeCurve(q, 1, Rmax, 61));
      } catch (const std::exception&) {
        out.emplace_back(q, Curve{});  // shown with an empty curve; its label says nothing computed
      }
    }
    return out;
  }));
}

void Document::setPlotRange(std::optional<double> Rmax) {
  plotRangeAuto_ = !Rmax;
  if (Rmax) setPlotRmax(*Rmax);
  else fitPlotRange();
  emit plotRangeChanged(plotRmax_);  // the choice may change without the range
}

void Document::fitPlotRange() {
  // Automatic (automaticPlotRmax). Only once R0 is known (a new curve starts without one: acting
  // then would undo the extension and loop), and for two sizes, whose curves cost microseconds a
  // point (a long tail's do not).
  const auto t = model_->transition();
  if (!t || t->collapse.status == Bracket::Cancelled || longTail(model_->curveParams().profile)) return;
  setPlotRmax(automaticPlotRmax(t->R0()));
}

void Document::setPlotRmax(double Rmax) {
  Rmax = std::clamp(Rmax, kMinPlotRmax, kMaxPlotRmax);
  if (Rmax == plotRmax_) return;
  plotRmax_ = Rmax;
  model_->setCurveRange(1, Rmax, 61);
  if (!compared_.empty()) computeComparison();
  emit plotRangeChanged(Rmax);
}

std::vector<NamedCurve> Document::family() const {
  if (compared_.empty()) return {};
  Curve own;
  own.points = model_->curve();
  own.transition = model_->transition();
  std::vector<std::string> prefixes;
  for (const auto& [q, c] : comparedCurves_) {
    // A pinned network's own model is named by the network.
    std::string name;
    for (const auto& pin : pinned_)
      if (name.empty() && pin.model && sameParameters(*pin.model, q, "R")) name = pin.name + "'s model: ";
    prefixes.push_back(name);
  }
  // A paper figure's family alone (KA = 3, 5, 7): in the paper's order, as `lpm figure --preset`.
  const bool paper = !presetFamily_.empty() && presetFamily_.size() == compared_.size() &&
                     comparedCurves_.size() == compared_.size();
  return render::familyCurves(model_->curveParams(), own, comparedCurves_, prefixes, paper);
}

// --- Sessions and settings ----------------------------------------------------------------------

Session Document::toSession(const std::optional<CameraState>& camera) const {
  Session s;
  s.params = model_->params();
  if (const QString p = preset(); !p.isEmpty()) s.preset = p.toStdString();
  s.camera = camera;
  s.view = view_;
  if (net_) {
    const auto& r = net_->request();
    s.checkpoint = r.path;
    if (!r.features.empty()) s.features = r.features;
    if (!r.labels.empty()) s.labels = r.labels;
    s.minority = net_->minority();
  }
  s.pinned = pinned_;
  s.compared = compared_;
  if (!plotRangeAuto_) s.plotRmax = plotRmax_;
  // The 3D picture as drawn now, so that reopening draws it again (its axes depend on the path
  // that led here, not on the state alone).
  if (const auto f = model_->latest(); f && sameParameters(f->params, s.params) && f->geometry.W.rows() == s.params.K()) {
    const Eigen::MatrixX3d& H = f->geometry.H;
    const Eigen::MatrixX3d& W = f->geometry.W;
    for (const Eigen::MatrixX3d* M : {&H, &W})
      for (Eigen::Index k = 0; k < M->rows(); ++k) s.picture.push_back({(*M)(k, 0), (*M)(k, 1), (*M)(k, 2)});
  }
  return s;
}

bool Document::applySession(const Session& s, QString* error) {
  model_->endInteraction();
  if (!model_->setParams(s.params, "session", error)) return false;
  model_->endInteraction();
  const auto known = s.preset ? findPreset(*s.preset) : std::nullopt;
  preset_ = known ? QString::fromStdString(known->name) : QString();
  if (!s.warnings.empty()) emit message(QString::fromStdString(s.warnings.front()), 10000);
  setView(s.view);
  setPlotRange(s.plotRmax);
  if (!s.picture.empty()) {
    Eigen::MatrixXd picture(static_cast<Eigen::Index>(s.picture.size()), 3);
    for (size_t i = 0; i < s.picture.size(); ++i)
      for (int c = 0; c < 3; ++c) picture(static_cast<Eigen::Index>(i), c) = s.picture[i][c];
    model_->drawLike(picture);
  }
  setPinned(s.pinned);
  compared_ = s.compared;
  presetFamily_.clear();  // a session's comparison is the user's
  if (static_cast<int>(compared_.size()) + 1 > render::kMaxCompared) compared_.resize(render::kMaxCompared - 1);
  if (compared_.empty()) clearComparison();
  else computeComparison();
  if (s.checkpoint) {
    const io::NetworkRequest want{*s.checkpoint, s.features.value_or(""), s.labels.value_or(""), "", false};
    const bool same = net_ && net_->request().path == want.path && net_->request().features == want.features &&
                      net_->request().labels == want.labels;
    if (!same) {
      // What the session's checkpoint does not set (EH without features, R without labels) is
      // the session's, not what held before an earlier checkpoint was opened.
      beforeNetwork_ = s.params;
      pendingMinority_ = s.minority;
      openNetwork(want);  // in the background; a missing file says so
    } else if (s.minority) {
      setMinority(*s.minority);
    }
  }
  if (s.camera) emit cameraRequested(*s.camera);
  return true;
}

void Document::newSession() {
  closeNetwork();
  setPinned({});
  clearComparison();
  ViewOptions v;
  v.dark = view_.dark;  // the theme is the user's, not the session's
  setView(v);
  setPlotRange(std::nullopt);
  model_->endInteraction();
  model_->setParams(TwoSizeParams{}, "new session");
  model_->endInteraction();
  model_->resetView();
  preset_.clear();
}

bool Document::openSession(const QString& path, QString* error) {
  try {
    return applySession(lpm::loadSession(path.toStdString()), error);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
}

bool Document::saveSession(const QString& path, const std::optional<CameraState>& camera, QString* error) const {
  try {
    lpm::saveSession(toSession(camera), path.toStdString());
    return true;
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
}

void Document::saveSettings() const {
  // The registry's names and text forms: what `--set NAME=VALUE` reads back.
  QSettings settings;
  for (const auto& spec : parameterRegistry())
    settings.setValue(QString::fromStdString("params/" + spec.name),
                      QString::fromStdString(parameterText(model_->params(), spec.name)));
  settings.setValue("view/dark", view_.dark);
}

void Document::restoreSettings() {
  QSettings settings;
  ViewOptions v = view_;
  v.dark = settings.value("view/dark", false).toBool();
  setView(v);
  TwoSizeParams p = model_->params();
  bool any = false;
  for (const auto& spec : parameterRegistry()) {
    const QString key = QString::fromStdString("params/" + spec.name);
    if (!settings.contains(key)) continue;
    try {
      setParameter(p, spec.name, settings.value(key).toString().toStdString());
      any = true;
    } catch (const Error&) {
      return;  // a corrupt entry: start from the defaults
    }
  }
  QString error;
  if (any && model_->setParams(p, "restore", &error)) model_->undoStack()->clear();
}

// --- Exports ------------------------------------------------------------------------------------

render::ChartData Document::chartData(double Rmin, double Rmax) const {
  render::ChartData d;
  d.curve = model_->curve();
  d.K = model_->curveParams().K();
  d.Rmin = Rmin;
  d.Rmax = Rmax;
  d.currentR = model_->params().R;  // R = ∞ is marked at the plot's edge
  d.transition = model_->transition();
  d.networkR = networkR();
  d.networkCos = networkCos();
  if (net_) d.networkName = net_->fileName();
  for (const auto& n : pinned_) d.pinned.push_back({n.R, n.minorityCos, n.name});
  d.family = family();
  if (!d.family.empty()) d.showMajority = false;
  d.title = plotTitle();
  d.quantity = plotQuantity();
  return d;
}

render::SceneData Document::sceneData(const std::optional<CameraState>& camera) const {
  render::SceneData d;
  if (const auto f = model_->latest()) {
    // As the window draws it: nothing for too many classes or a geometry that is not unique.
    const bool drawn = f->geometry.W.rows() == f->params.K() && !nonUnique(f->solution);
    if (drawn) {
      d.W = f->geometry.W;
      d.H = f->geometry.H;
      d.legend = f->geometry.legend;
      d.etf = f->geometry.etf;
      d.minority.assign(f->params.K(), false);
      for (int k : f->solution.problem.minority) d.minority[k] = true;
      d.sameClassifier = f->geometry.sameClassifier;
      d.minorityInset = render::minorityInset(f->geometry, f->metrics);
    }
    d.note = render::sceneNote(f->solution, f->geometry.captured, drawn);
  }
  d.view = view_;
  d.camera = camera;
  if (overlayShown()) d.overlay = overlay_->W;
  return d;
}

std::string Document::caption() const {
  const auto f = model_->latest();
  if (!f) return {};
  const auto t = model_->curveMatches(f->params) ? model_->transition() : std::nullopt;
  std::string caption = render::captionFor(f->params, f->solution, f->metrics, t);
  if (net_) {
    // As the command line's figure says it (render::networkCaption).
    caption += render::networkCaption(net_->fileName(), networkCos(), networkR().value_or(f->params.R),
                                      overlayShown() ? std::optional<double>(overlay_->distance) : std::nullopt,
                                      net_->figureWarning());
  }
  return caption;
}

}  // namespace lpm::ui
