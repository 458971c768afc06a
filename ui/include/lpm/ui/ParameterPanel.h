#pragma once
// Sliders with exact numeric entries, one row per parameter of the registry (lpm/Parameters.h).
#include <QWidget>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "lpm/Problem.h"
#include "lpm/Sweep.h"

namespace lpm {
struct ParameterSpec;
}

class QSlider;
class QDoubleSpinBox;
class QSpinBox;
class QCheckBox;
class QAbstractSpinBox;
class QComboBox;

class QLabel;
class QTimer;

namespace lpm::ui {

class ExplorerModel;

class ParameterPanel : public QWidget {
  Q_OBJECT
public:
  explicit ParameterPanel(ExplorerModel* model, QWidget* parent = nullptr);

  /// Names: EW, EH, KA, KB, R, wr, alpha, tau, margin, gamma (the registry's numeric parameters).
  QSlider* slider(const QString& name) const;
  QAbstractSpinBox* entry(const QString& name) const;
  QCheckBox* rInfinity() const { return rInf_; }
  QComboBox* profile() const { return profile_; }
  QComboBox* loss() const { return loss_; }
  QComboBox* classifier() const { return classifier_; }
  /// A registry choice's combo by name (loss, profile, classifier, budget, model).
  QComboBox* choice(const std::string& name) const { return choices_.at(name); }
  /// The "= ∞" box of a parameter that allows infinity (R; lambda-b: no bias).
  QCheckBox* infinityBox(const QString& name) const { return infBoxes_.at(name); }

  /// The widgets of a parameter's row (label, slider, entry, "= ∞" box; a choice's label and combo).
  QList<QWidget*> rowWidgets(const QString& name) const;
  /// A lesson points at one row: it is framed until another (or none, "") is highlighted.
  void setHighlighted(const QString& name);
  QString highlighted() const { return highlighted_; }
  /// Rows a teacher hides in presentation mode (right-click a row: Hide in Presentation). They are
  /// hidden only while presentation mode is on; saved in the session and the state link.
  void setHiddenInPresentation(const std::set<std::string>& names);
  const std::set<std::string>& hiddenInPresentation() const { return hidden_; }
  void setPresentation(bool on);
  /// Whether a row is on screen now (it enters the model, and is not hidden for presentation).
  bool rowShown(const QString& name) const;

  /// Where a value sits on its row's slider: even in log or linear, R's following the curve
  /// (CurveScale).
  int sliderPosition(const QString& name, double value) const;

  /// Why the last value typed or set was refused, as shown under the controls; empty when none is.
  QString problemText() const;

signals:
  void hiddenInPresentationChanged();
  /// The user began to change a value by hand (typed into an entry, pressed a slider): a sweep
  /// that is playing stops, or it would write over what is being typed.
  void userEditing();

protected:
  void contextMenuEvent(QContextMenuEvent* e) override;
  bool eventFilter(QObject* watched, QEvent* e) override;  ///< a count's entry clicked or focused: userEditing

private:
  struct Row {
    QSlider* slider = nullptr;
    QDoubleSpinBox* real = nullptr;
    QSpinBox* integer = nullptr;
    QWidget* label = nullptr;
    QCheckBox* infinity = nullptr;  ///< "= ∞" (R) or "no bias" (lambda-b)
    double lastFinite = 1;          ///< restored when the "= ∞" box is cleared
    double lo = 0, hi = 0;
    std::optional<CurveScale> scale;  ///< log rows; linear without
    double valueAt(int pos) const;
    int positionOf(double v) const;
  };
  void followCurve();
  std::optional<CurveScale> pendingScale_;  ///< R's next scale, waiting for the slider's release
  void addRow(const ParameterSpec& spec);
  void edit(const QString& name, double value);
  void syncFromModel(const TwoSizeParams& p);
  void showProblem(const QString& text);
  QLabel* problem_ = nullptr;
  QTimer* problemTimer_ = nullptr;

  ExplorerModel* model_;
  std::map<QString, Row> rows_;
  QCheckBox* rInf_ = nullptr;
  QComboBox* profile_ = nullptr;
  QComboBox* loss_ = nullptr;
  QComboBox* classifier_ = nullptr;
  std::map<std::string, QComboBox*> choices_;  ///< by registry name
  std::map<std::string, QWidget*> choiceLabels_;
  std::map<QString, QCheckBox*> infBoxes_;
  bool syncing_ = false;
  bool presentation_ = false;
  std::set<std::string> hidden_;
  QString highlighted_;
};

}  // namespace lpm::ui
