#pragma once
// The explorer's state and its one data flow: parameters -> solver (off the UI thread) ->
// solution, metrics, geometry -> views. Views never call the solver; they listen to this.
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "lpm/Geometry.h"
#include "lpm/Metrics.h"
#include "lpm/Presets.h"
#include "lpm/Problem.h"
#include "lpm/Solver.h"
#include "lpm/Sweep.h"

class QUndoStack;
class QThreadPool;

namespace lpm::ui {

/// One solved state, immutable once published.
struct SolvedFrame {
  quint64 id = 0;  ///< increases with every parameter change
  TwoSizeParams params;
  Solution solution;
  Metrics metrics;
  Geometry3D geometry;
};


class ExplorerModel : public QObject {
  Q_OBJECT
public:
  explicit ExplorerModel(QObject* parent = nullptr);
  ~ExplorerModel() override;

  const TwoSizeParams& params() const { return params_; }
  /// Validates, records an undo step (`field` names it; a drag of one field merges into one
  /// step until endInteraction()), and starts solving. Returns false with `error` on bad input.
  bool setParams(const TwoSizeParams& p, const QString& field = QString(), QString* error = nullptr);
  void endInteraction() { mergeable_ = false; }
  QUndoStack* undoStack() const { return undo_; }

  std::shared_ptr<const SolvedFrame> latest() const { return latest_; }
  const std::vector<SweepPoint>& curve() const { return curve_; }
  bool curveComplete() const { return curveComplete_; }
  /// Why the last curve (or its R0) could not be computed; empty when it was.
  const QString& curveError() const { return curveError_; }
  /// R0 and R_vanish of the curve's setting; absent while computing and for KB < 2.
  std::optional<TransitionResult> transition() const { return transition_; }
  /// The setting the curve and transition() belong to (they lag behind params() while computing).
  const TwoSizeParams& curveParams() const { return curveParams_; }
  /// True when the curve and transition() belong to the setting of `p` (all but R equal).
  bool curveMatches(const TwoSizeParams& p) const { return haveCurve_ && sameCurve(curveParams_, p); }
  /// Solver options of every solve the explorer runs (e.g. an iteration limit); re-solves.
  void setSolveOptions(const SolveOptions& o);
  const SolveOptions& solveOptions() const { return solveOptions_; }
  quint64 requestId() const { return requestId_; }
  bool idle() const;
  void setCurveRange(double Rmin, double Rmax, int points);

  /// Chooses the 3D axes afresh (canonical for the current state) and redraws.
  void resetView();
  /// Chooses the 3D axes afresh so that the next solution draws like `picture` (2K x 3: class
  /// means, then classifiers; a saved session's), and redraws (GeometryTracker::drawLike).
  void drawLike(const Eigen::MatrixXd& picture);
  /// Stops the running solve (and forgets pending ones); the last solved frame stays.
  void cancelSolve();
  bool solving() const { return solveRunning_; }

  /// Which vectors choose the 3D axes; re-solves to redraw.
  void setProjectionFocus(GeometryTracker::Focus f);
  GeometryTracker::Focus projectionFocus() const { return static_cast<GeometryTracker::Focus>(focus_.load()); }

  /// Applied by undo/redo: no new undo step.
  void applyParams(const TwoSizeParams& p);

signals:
  void paramsChanged(const lpm::TwoSizeParams& p);
  void solved(std::shared_ptr<const lpm::ui::SolvedFrame> frame);
  void curveChanged();
  void transitionChanged();
  void failed(const QString& message);
  void solvingChanged(bool running);
  /// A solve running in the background: iterations so far and the gap last computed (at most
  /// ten times a second).
  void solveProgress(int iterations, double gap, bool atLeast);  ///< atLeast: the gap is above `gap`

private:
  void startSolve();
  /// Solve, metrics, aligned geometry: on the pool, or inline when this shape of problem is known
  /// to take under kInlineJobMs. Uses warm_ and tracker_, which belong to one job at a time.
  std::shared_ptr<SolvedFrame> runSolveJob(const TwoSizeParams& p, const SolveOptions& options, quint64 id,
                                           const CancelToken& cancel,
                                           QString& error);
  void deliver(std::shared_ptr<SolvedFrame> frame, const QString& error);
  static QString jobShape(const TwoSizeParams& p) {
    return QString("%1/%2/%3").arg(p.KA).arg(p.KB).arg(p.profile == SizeProfile::Exponential ? "exp" : p.profile == SizeProfile::Pareto ? "pareto" : "step");
  }
  static constexpr double kInlineJobMs = 1.0;
  std::atomic<double> lastJobMs_{1e9};
  QString lastJobShape_;  // written by the job; read on the UI thread only while no job runs
  void startSweep();
  static bool sameCurve(const TwoSizeParams& a, const TwoSizeParams& b);

  TwoSizeParams params_;
  QUndoStack* undo_;
  bool mergeable_ = false;
  QString lastField_;
  quint64 interaction_ = 0;
  quint64 requestId_ = 0;

  QThreadPool* solvePool_;
  QThreadPool* sweepPool_;
  bool solveRunning_ = false, solvePending_ = false;
  CancelToken solveCancel_;
  std::shared_ptr<const SolvedFrame> latest_;
  GeometryTracker tracker_;  // used only by the one running solve job
  SolveChain chain_;         // likewise: warm starts only from certified solves
  SolveOptions solveOptions_;
  /// SolveOptions::progress for every solve of the explorer: posts solveProgress, ten times a second at most.
  std::function<void(int, double, bool)> progressReporter();
  std::atomic<int> focus_{static_cast<int>(GeometryTracker::Focus::Groups)};
  std::atomic<bool> freshAxes_{false};  // a new interaction: let the 3D axes be chosen anew
  std::mutex pictureMutex_;
  std::optional<Eigen::MatrixXd> pendingPicture_;  // drawLike's, taken by the next fresh job

  bool sweepRunning_ = false, sweepPending_ = false;
  CancelToken sweepCancel_;
  quint64 sweepGeneration_ = 0;
  TwoSizeParams curveParams_;
  bool haveCurve_ = false;
  std::vector<SweepPoint> curve_;
  bool curveComplete_ = false;
  QString curveError_;
  std::optional<TransitionResult> transition_;
  double curveMin_ = 1, curveMax_ = 1e4;
  int curvePoints_ = 61;
};

}  // namespace lpm::ui

Q_DECLARE_METATYPE(lpm::TwoSizeParams)
