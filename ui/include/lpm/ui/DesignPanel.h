#pragma once
// The "Design" panel (lpm-models.md; the paper's Table 2 asks how to choose an oversampling rate):
// which value of one parameter keeps the minority cosine at or below a target at the current R,
// answered by core's designValue (bracketing and bisection, every solve certified) off the UI
// thread. The same query as `lpm design`.
#include <QWidget>

#include <optional>

#include "lpm/Cancel.h"
#include "lpm/Design.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;

namespace lpm::ui {

class ExplorerModel;

class DesignPanel : public QWidget {
  Q_OBJECT
public:
  explicit DesignPanel(ExplorerModel* model, QWidget* parent = nullptr);
  ~DesignPanel() override;

  QComboBox* parameterBox() const { return parameter_; }
  QDoubleSpinBox* targetBox() const { return target_; }
  QPushButton* findButton() const { return find_; }
  QPushButton* applyButton() const { return apply_; }
  QLabel* resultLabel() const { return result_; }
  /// The last answer (for tests and Apply).
  const std::optional<DesignResult>& result() const { return last_; }

  /// Starts the query for the model's current setting (a newer one cancels an older one).
  void find();
  /// Sets the parameter to the value found (when one was).
  void apply();

signals:
  void finished();

private:
  void refreshChoices();
  ExplorerModel* model_;
  QComboBox* parameter_;
  QDoubleSpinBox* target_;
  QPushButton *find_, *apply_;
  QLabel* result_;
  std::optional<DesignResult> last_;
  std::optional<DesignQuery> lastQuery_;
  CancelToken cancel_;
  quint64 generation_ = 0;
};

}  // namespace lpm::ui
