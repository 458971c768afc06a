#include "lpm/ui/PhaseModel.h"

#include <QtConcurrent>

#include <chrono>
#include <tuple>

#include "lpm/Parameters.h"

namespace lpm::ui {

PhaseModel::PhaseModel(QObject* parent) : QObject(parent) {
  request_.axis = defaultPhaseAxis(params_);
  std::tie(request_.yMin, request_.yMax) = phaseAxisRange(request_.axis, params_);
  request_.base = params_;
}

PhaseModel::~PhaseModel() {
  cancel_.cancel();
  worker_.waitForFinished();
}

std::pair<double, double> PhaseModel::current() const {
  return {params_.R, phaseAxisValue(request_.axis, params_)};
}

bool PhaseModel::stale(const TwoSizeParams& p) const {
  if (!phaseAxisApplies(request_.axis, p)) return true;
  // The same diagram when p differs from its base only in R and in the axis' own parameter.
  try {
    const double y = request_.yMin;
    TwoSizeParams a = withPhaseAxis(request_.base, request_.axis, y), b = withPhaseAxis(p, request_.axis, y);
    a.R = b.R = 1;
    return !sameParameters(a, b);
  } catch (const InvalidInput&) {
    return true;
  }
}

void PhaseModel::setParams(const TwoSizeParams& p) {
  const bool restartNeeded = stale(p);
  params_ = p;
  if (restartNeeded) {
    if (!phaseAxisApplies(request_.axis, p)) {  // e.g. the loss changed: its parameter's axis goes
      request_.axis = defaultPhaseAxis(p);
      userRange_ = false;
    }
    if (!userRange_ || request_.axis == "KA") std::tie(request_.yMin, request_.yMax) = phaseAxisRange(request_.axis, p);
    request_.base = p;
    pending_ = true;
    if (active_) restart();
    else cancel_.cancel();  // hidden: no solves for a diagram nobody sees
  }
  emit currentChanged();
}

void PhaseModel::setAxis(const std::string& axis, double yMin, double yMax) {
  PhaseRequest r = request_;
  r.axis = axis;
  r.yMin = yMin;
  r.yMax = yMax;
  r.base = params_;
  phaseGrid(r);  // throws InvalidInput with the reason
  request_ = r;
  userRange_ = true;
  pending_ = true;
  if (active_) restart();
  emit currentChanged();
}

void PhaseModel::setActive(bool active) {
  active_ = active;
  if (active_ && pending_) restart();
}

void PhaseModel::restart() {
  pending_ = false;
  cancel_.cancel();  // the older worker stops at its next check; its rows carry an old generation
  cancel_ = CancelToken::make();
  PhaseRequest r = request_;
  r.cancel = cancel_;
  diagram_ = PhaseDiagram();
  diagram_.request = r;
  try {
    diagram_.grid = phaseGrid(r);
  } catch (const Error& e) {
    running_ = false;
    emit failed(QString::fromStdString(e.what()));
    emit changed();
    return;
  }
  const unsigned gen = ++generation_;
  running_ = true;
  emit changed();
  const PhaseGrid grid = diagram_.grid;
  worker_ = QtConcurrent::run([this, r, grid, gen] {
    const auto start = std::chrono::steady_clock::now();
    for (size_t j = 0; j < grid.y.size(); ++j) {
      if (r.cancel.cancelled()) return;
      PhaseRow row;
      try {
        row = computePhaseRow(r, grid.y[j], grid.R);
      } catch (const std::exception& e) {
        const QString m = QString::fromStdString(e.what());
        QMetaObject::invokeMethod(this, [this, gen, m] {
          if (gen != generation_) return;
          running_ = false;
          emit failed(m);
        }, Qt::QueuedConnection);
        return;
      }
      if (r.cancel.cancelled() || row.cells.size() != grid.R.size()) return;
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      const bool last = j + 1 == grid.y.size();
      QMetaObject::invokeMethod(this, [this, gen, row = std::move(row), ms, last]() mutable {
        if (gen != generation_) return;  // a newer diagram was asked for
        diagram_.rows.push_back(std::move(row));
        diagram_.ms = ms;
        if (last) running_ = false;
        emit changed();
      }, Qt::QueuedConnection);
    }
  });
}

PhaseDiagram PhaseModel::completeDiagram() const {
  if (diagram_.complete() && !diagram_.rows.empty() && !stale(params_)) return diagram_;
  PhaseRequest r = request_;
  r.base = params_;
  r.cancel = CancelToken();
  return computePhaseDiagram(r);
}

}  // namespace lpm::ui
