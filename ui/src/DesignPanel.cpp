#include "lpm/ui/DesignPanel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QtConcurrent>

#include "lpm/Parameters.h"
#include "lpm/ui/ExplorerModel.h"

namespace lpm::ui {
DesignPanel::DesignPanel(ExplorerModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  auto* form = new QFormLayout(this);
  parameter_ = new QComboBox(this);
  parameter_->setObjectName("DesignParameter");
  parameter_->setToolTip(tr("The parameter to choose; only those that enter the current model are offered"));
  target_ = new QDoubleSpinBox(this);
  target_->setObjectName("DesignTarget");
  target_->setRange(-0.99, 0.99);
  target_->setDecimals(3);
  target_->setSingleStep(0.05);
  target_->setValue(0.5);
  target_->setToolTip(tr("Keep the average pairwise cosine of the minority classifiers at or below this"));
  find_ = new QPushButton(tr("Find"), this);
  find_->setObjectName("DesignFind");
  apply_ = new QPushButton(tr("Use This Value"), this);
  apply_->setObjectName("DesignApply");
  apply_->setEnabled(false);
  result_ = new QLabel(tr("Which value keeps the minority cosine at or below the target at the current R?"), this);
  result_->setObjectName("DesignResult");
  result_->setWordWrap(true);
  result_->setTextFormat(Qt::PlainText);
  result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(find_);
  buttons->addWidget(apply_);
  form->addRow(tr("Vary"), parameter_);
  form->addRow(tr("Target cosine ≤"), target_);
  form->addRow(buttons);
  form->addRow(result_);
  connect(find_, &QPushButton::clicked, this, &DesignPanel::find);
  connect(apply_, &QPushButton::clicked, this, &DesignPanel::apply);
  connect(model_, &ExplorerModel::paramsChanged, this, [this] {
    refreshChoices();
    // An answer belongs to the setting it was asked for.
    if (last_ && lastQuery_ && (model_->params().R != lastQuery_->R)) apply_->setEnabled(false);
  });
  refreshChoices();
}

DesignPanel::~DesignPanel() { cancel_.cancel(); }

void DesignPanel::refreshChoices() {
  const TwoSizeParams& p = model_->params();
  const QString current = parameter_->currentData().toString();
  QSignalBlocker b(parameter_);
  parameter_->clear();
  for (const auto& name : designParameters())
    if (designApplies(name, p)) {
      const QString label = name == "lambda" ? tr("λ (λ_W = λ_H)") : QString::fromStdString(parameter(name).label);
      parameter_->addItem(QString(label).remove("<sub>").remove("</sub>"), QString::fromStdString(name));
    }
  const int i = parameter_->findData(current);
  parameter_->setCurrentIndex(i >= 0 ? i : 0);
}

void DesignPanel::find() {
  cancel_.cancel();  // the newest request wins
  cancel_ = CancelToken::make();
  const TwoSizeParams p = model_->params();
  DesignQuery q;
  q.parameter = parameter_->currentData().toString().toStdString();
  q.targetCos = target_->value();
  q.R = p.R;
  q.cancel = cancel_;
  if (q.parameter.empty()) {
    result_->setText(tr("No parameter of this model can be varied here."));
    return;
  }
  const quint64 generation = ++generation_;
  result_->setText(tr("Searching (every solve certified)…"));
  apply_->setEnabled(false);
  using Answer = std::pair<std::optional<DesignResult>, QString>;
  auto* watcher = new QFutureWatcher<Answer>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, q] {
    watcher->deleteLater();
    if (generation != generation_) return;
    const auto [r, error] = watcher->result();
    last_ = r;
    lastQuery_ = q;
    if (!r) {
      result_->setText(tr("Refused: %1").arg(error));
    } else {
      result_->setText(tr("%1 (%2 certified solves).")
                           .arg(QString::fromStdString(r->summary(q)))
                           .arg(r->solves));
      apply_->setEnabled(r->status == Bracket::Found && r->value.has_value());
    }
    emit finished();
  });
  watcher->setFuture(QtConcurrent::run([p, q]() -> Answer {
    try {
      return {designValue(p, q), QString()};
    } catch (const std::exception& e) {
      return {std::nullopt, QString::fromUtf8(e.what())};
    }
  }));
}

void DesignPanel::apply() {
  if (!last_ || !last_->value || !lastQuery_) return;
  TwoSizeParams p = model_->params();
  try {
    setDesignParameter(p, lastQuery_->parameter, *last_->value);
  } catch (const std::exception& e) {
    result_->setText(tr("Refused: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  QString error;
  if (!model_->setParams(p, QString::fromStdString(lastQuery_->parameter), &error))
    result_->setText(tr("Refused: %1").arg(error));
  model_->endInteraction();
}

}  // namespace lpm::ui
