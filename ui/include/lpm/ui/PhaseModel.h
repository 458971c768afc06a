#pragma once
// The window's phase diagram (core lpm/Phase.h): computed row by row on a worker thread while the
// Phase tab is shown, for the model's parameters (all but R and the y axis' own parameter, which
// only move the marker); a newer request cancels the older and its rows are dropped.
#include <QFuture>
#include <QObject>

#include <string>

#include "lpm/Phase.h"

namespace lpm::ui {

class PhaseModel : public QObject {
  Q_OBJECT
public:
  explicit PhaseModel(QObject* parent = nullptr);
  ~PhaseModel() override;  ///< cancels and waits for the worker

  /// The model's parameters: a new diagram when they differ from its base beyond R and the axis.
  void setParams(const TwoSizeParams& p);
  /// The y axis and its range; throws InvalidInput (nothing changed) when they do not fit.
  void setAxis(const std::string& axis, double yMin, double yMax);
  /// Computes only while active (the tab shown); becoming active starts what is pending.
  void setActive(bool active);

  const PhaseDiagram& diagram() const { return diagram_; }
  const PhaseRequest& request() const { return request_; }
  /// (R, y) of the current parameters, for the marker.
  std::pair<double, double> current() const;
  bool computing() const { return running_; }
  /// The whole diagram for an export: the one shown when complete, else computed now.
  PhaseDiagram completeDiagram() const;

signals:
  void changed();  ///< a row arrived, or a new diagram started
  void currentChanged();
  void failed(const QString& message);

private:
  void restart();
  bool stale(const TwoSizeParams& p) const;
  TwoSizeParams params_;
  PhaseRequest request_;
  PhaseDiagram diagram_;
  CancelToken cancel_;
  QFuture<void> worker_;
  unsigned generation_ = 0;
  bool active_ = false, pending_ = true, running_ = false, userRange_ = false;
};

}  // namespace lpm::ui
