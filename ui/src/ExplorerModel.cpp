#include "lpm/ui/ExplorerModel.h"

#include <atomic>
#include <chrono>

#include <QElapsedTimer>

#include <QPointer>
#include <QThreadPool>
#include <QUndoStack>

#include <cmath>

#include "lpm/Parameters.h"

namespace lpm::ui {
namespace {

class ParamsCommand : public QUndoCommand {
public:
  ParamsCommand(ExplorerModel* model, const TwoSizeParams& before, const TwoSizeParams& after, const QString& field,
                int id)
      : QUndoCommand(QObject::tr("Change %1").arg(field)), model_(model), before_(before), after_(after), id_(id) {}
  void undo() override { model_->applyParams(before_); }
  void redo() override {
    if (!first_) model_->applyParams(after_);
    first_ = false;
  }
  int id() const override { return id_; }
  bool mergeWith(const QUndoCommand* other) override {
    if (other->id() != id()) return false;
    after_ = static_cast<const ParamsCommand*>(other)->after_;
    return true;
  }

private:
  ExplorerModel* model_;
  TwoSizeParams before_, after_;
  int id_;
  bool first_ = true;
};

}  // namespace

ExplorerModel::ExplorerModel(QObject* parent)
    : QObject(parent), undo_(new QUndoStack(this)), solvePool_(new QThreadPool(this)), sweepPool_(new QThreadPool(this)) {
  qRegisterMetaType<lpm::TwoSizeParams>();
  solveOptions_.kind = SolverKind::Reduced;  // exact for the two-size case at any K (doc/dev/04-SOLVER.md)
  solveOptions_.progress = progressReporter();
  chain_ = SolveChain(solveOptions_);
  solvePool_->setMaxThreadCount(1);
  sweepPool_->setMaxThreadCount(1);
  if (auto p = findPreset("fig3a")) params_ = p->params;
  startSolve();
  startSweep();
}

ExplorerModel::~ExplorerModel() {
  sweepCancel_.cancel();
  solvePool_->waitForDone();
  sweepPool_->waitForDone();
}

bool ExplorerModel::idle() const { return !solveRunning_ && !solvePending_ && !sweepRunning_ && !sweepPending_; }

bool ExplorerModel::sameCurve(const TwoSizeParams& a, const TwoSizeParams& b) {
  return sameParameters(a, b, "R");
}

bool ExplorerModel::setParams(const TwoSizeParams& p, const QString& field, QString* error) {
  try {
    validate(p);
  } catch (const InvalidInput& e) {
    if (error) *error = QString::fromStdString(e.what());
    emit failed(QString::fromStdString(e.what()));
    return false;
  }
  if (sameCurve(p, params_) && p.R == params_.R)
    return true;
  // One undo step per interaction: a drag of one field merges until endInteraction().
  if (!(mergeable_ && field == lastField_ && !field.isEmpty())) {
    ++interaction_;
    if (!field.startsWith("R")) freshAxes_.store(true);  // R drags and Play keep their axes
  }
  auto* cmd = new ParamsCommand(this, params_, p, field.isEmpty() ? tr("parameters") : field,
                                static_cast<int>(interaction_ % 0x7fffffff) + 1);
  applyParams(p);
  undo_->push(cmd);
  mergeable_ = true;
  lastField_ = field;
  return true;
}

void ExplorerModel::applyParams(const TwoSizeParams& p) {
  params_ = p;
  ++requestId_;
  emit paramsChanged(params_);
  startSolve();
  if (!haveCurve_ || !sameCurve(curveParams_, params_)) startSweep();
}

void ExplorerModel::setProjectionFocus(GeometryTracker::Focus f) {
  focus_.store(static_cast<int>(f));
  ++requestId_;
  startSolve();
}

void ExplorerModel::setCurveRange(double Rmin, double Rmax, int points) {
  curveMin_ = Rmin;
  curveMax_ = Rmax;
  curvePoints_ = points;
  haveCurve_ = false;
  startSweep();
}

std::function<void(int, double, bool)> ExplorerModel::progressReporter() {
  // Called on whichever thread solves (the pool's, or this one for inline solves), through every
  // SolveChain made from solveOptions_: it owns its state (the time of the last report) and posts
  // at most ten reports a second to this object's thread.
  auto last = std::make_shared<std::atomic<int64_t>>(0);
  QPointer<ExplorerModel> self(this);
  return [last, self](int iterations, double gap, bool atLeast) {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    int64_t before = last->load();
    if (now - before < 100 || !last->compare_exchange_strong(before, now)) return;
    QMetaObject::invokeMethod(
        self.data(),
        [self, iterations, gap, atLeast] {
          if (self) emit self->solveProgress(iterations, gap, atLeast);
        },
        Qt::QueuedConnection);
  };
}

void ExplorerModel::setSolveOptions(const SolveOptions& o) {
  solveOptions_ = o;
  solveOptions_.cancel = CancelToken::none();  // each job brings its own (SolveChain also drops warm starts and Auto)
  solveOptions_.progress = progressReporter();
  freshAxes_.store(true);  // the job picks the new options up with a cold start
  ++requestId_;
  startSolve();
  haveCurve_ = false;
  startSweep();
}

void ExplorerModel::resetView() {
  freshAxes_.store(true);
  ++requestId_;
  startSolve();
}

void ExplorerModel::drawLike(const Eigen::MatrixXd& picture) {
  {
    std::lock_guard<std::mutex> lock(pictureMutex_);
    pendingPicture_ = picture;
  }
  resetView();
}

void ExplorerModel::cancelSolve() {
  solveCancel_.cancel();
  solvePending_ = false;
}

std::shared_ptr<SolvedFrame> ExplorerModel::runSolveJob(const TwoSizeParams& p, const SolveOptions& options,
                                                        quint64 id, const CancelToken& cancel, QString& error) {
  QElapsedTimer timer;
  timer.start();
  auto frame = std::make_shared<SolvedFrame>();
  frame->id = id;
  frame->params = p;
  try {
    // A fresh view: cold start and no alignment history, so a state always draws the same way.
    const bool fresh = freshAxes_.exchange(false);
    if (fresh) {
      chain_ = SolveChain(options);
      tracker_.reset();
      std::lock_guard<std::mutex> lock(pictureMutex_);
      if (pendingPicture_) tracker_.drawLike(*pendingPicture_);
      pendingPicture_.reset();
    }
    frame->solution = chain_.solve(makeTwoSize(p), cancel);
    if (frame->solution.cancelled) throw std::runtime_error("solve cancelled");
    frame->metrics = computeMetrics(frame->solution);
    const auto focus = static_cast<GeometryTracker::Focus>(focus_.load());
    if (focus != tracker_.focus()) tracker_.setFocus(focus);
    if (p.K() <= 400) frame->geometry = tracker_.update(frame->solution);
  } catch (const std::exception& e) {
    error = QString::fromUtf8(e.what());
  }
  lastJobMs_ = timer.nsecsElapsed() / 1e6;
  lastJobShape_ = jobShape(p);
  return frame;
}

void ExplorerModel::deliver(std::shared_ptr<SolvedFrame> frame, const QString& error) {
  solveRunning_ = false;
  if (!solvePending_) emit solvingChanged(false);
  if (error.isEmpty()) {
    latest_ = frame;
    emit solved(frame);
  } else {
    emit failed(error);
  }
  if (solvePending_) startSolve();
}

void ExplorerModel::startSolve() {
  if (solveRunning_) {
    solvePending_ = true;  // newest wins: the running job's result is shown, then this one
    return;
  }
  solveRunning_ = true;
  solvePending_ = false;
  const TwoSizeParams p = params_;
  const SolveOptions options = solveOptions_;
  const quint64 id = requestId_;
  const CancelToken cancel = CancelToken::make();
  solveCancel_ = cancel;
  if (lastJobShape_ == jobShape(p) && lastJobMs_ < kInlineJobMs) {
    // Solves of this shape take well under a millisecond: solve here, so that the views redraw
    // in the same pass of the window as the control that changed (one composition per step
    // instead of two; doc/dev/02-ARCHITECTURE.md).
    QString error;
    auto frame = runSolveJob(p, options, id, cancel, error);
    deliver(frame, error);
    return;
  }
  emit solvingChanged(true);
  QPointer<ExplorerModel> self(this);
  solvePool_->start([this, self, p, options, id, cancel] {
    QString error;
    auto frame = runSolveJob(p, options, id, cancel, error);
    QMetaObject::invokeMethod(
        self.data(), [this, frame, error] { deliver(frame, error); }, Qt::QueuedConnection);
  });
}

void ExplorerModel::startSweep() {
  sweepCancel_.cancel();
  if (sweepRunning_) {
    sweepPending_ = true;
    return;
  }
  sweepRunning_ = true;
  sweepPending_ = false;
  haveCurve_ = true;
  curveParams_ = params_;
  curve_.clear();
  curveComplete_ = false;
  curveError_.clear();
  transition_.reset();
  emit curveChanged();
  emit transitionChanged();
  const quint64 generation = ++sweepGeneration_;
  const CancelToken cancel = CancelToken::make();
  sweepCancel_ = cancel;
  const TwoSizeParams p = params_;
  const auto Rs = logGrid(curveMin_, curveMax_, curvePoints_);
  QPointer<ExplorerModel> self(this);
  SolveOptions solveOptions = solveOptions_;
  solveOptions.progress = nullptr;  // the status bar's progress is the current solve's, not the sweep's
  sweepPool_->start([this, self, p, Rs, cancel, generation, solveOptions] {
    SweepOptions so;
    so.cancel = cancel;
    so.solve = solveOptions;
    // Grid points are published in small batches so the curve fills progressively; then R0 and
    // R_vanish; then the refined curve (points near R0, R_vanish and where it is steep) at once.
    std::vector<SweepPoint> batch;
    so.progress = [&](const SweepPoint& pt, int index) {
      batch.push_back(pt);
      if (batch.size() >= 8 || index + 1 == static_cast<int>(Rs.size())) {
        auto chunk = batch;
        batch.clear();
        QMetaObject::invokeMethod(
            self.data(),
            [this, chunk, generation] {
              if (generation != sweepGeneration_) return;
              curve_.insert(curve_.end(), chunk.begin(), chunk.end());
              emit curveChanged();
            },
            Qt::QueuedConnection);
      }
      return !cancel.cancelled();
    };
    std::optional<TransitionResult> R0;
    std::vector<SweepPoint> refined;
    QString failure;
    try {
      const Curve c = computeCurve(p, Rs.front(), Rs.back(), static_cast<int>(Rs.size()), true, so);
      if (!cancel.cancelled()) refined = c.points, R0 = c.transition;
    } catch (const std::exception& e) {
      failure = QString::fromUtf8(e.what());  // shown as such, never as "R0 not reached"
    }
    QMetaObject::invokeMethod(
        self.data(),
        [this, R0, refined, generation, cancel, failure] {
          sweepRunning_ = false;
          if (generation == sweepGeneration_ && !cancel.cancelled()) {
            curveError_ = failure;
            if (!failure.isEmpty()) emit failed(tr("The cosine-vs-R curve could not be computed: %1").arg(failure));
            if (!refined.empty()) curve_ = refined;
            curveComplete_ = true;
            transition_ = R0;
            emit curveChanged();
            emit transitionChanged();
          }
          if (sweepPending_) startSweep();
        },
        Qt::QueuedConnection);
  });
}

}  // namespace lpm::ui
