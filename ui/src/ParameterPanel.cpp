#include "lpm/ui/ParameterPanel.h"

#include "lpm/ui/ChoiceCombo.h"

#include <QContextMenuEvent>

#include <QMenu>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QPainter>
#include <QSlider>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QSpinBox>
#include <QRegularExpression>
#include <QValidator>
#include <QLineEdit>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>

#include "lpm/Parameters.h"
#include "lpm/render/SceneContent.h"  // Palette
#include "lpm/ui/ExplorerModel.h"

namespace lpm::ui {

constexpr int kSteps = 10000;

namespace {

/// A slider with fine adjustment: holding Shift while dragging moves the handle a tenth as fast
/// as the mouse. Once Shift has been used, the rest of that drag follows the mouse relatively, so
/// releasing Shift does not make the handle jump back under the pointer. Marks (slider values)
/// are drawn as short ticks across the groove, under the handle; an accent mark taller, in the
/// plot's R0 colour (R: the decades, and R0).
class FineSlider : public QSlider {
public:
  using QSlider::QSlider;
  void setMarks(std::vector<int> marks, std::optional<int> accent) {
    if (marks == marks_ && accent == accent_) return;
    marks_ = std::move(marks), accent_ = accent;
    update();
  }

protected:
  void paintEvent(QPaintEvent* e) override {
    if (marks_.empty() && !accent_) return QSlider::paintEvent(e);
    QPainter painter(this);
    QStyleOptionSlider opt;
    initStyleOption(&opt);
    opt.subControls = QStyle::SC_SliderGroove;
    style()->drawComplexControl(QStyle::CC_Slider, &opt, &painter, this);
    const QRect groove = style()->subControlRect(QStyle::CC_Slider, &opt, QStyle::SC_SliderGroove, this);
    const QRect handle = style()->subControlRect(QStyle::CC_Slider, &opt, QStyle::SC_SliderHandle, this);
    const int span = groove.width() - handle.width();
    auto x = [&](int v) {
      return groove.x() + handle.width() / 2 + QStyle::sliderPositionFromValue(minimum(), maximum(), v, span);
    };
    const int mid = groove.center().y();
    QColor tick = palette().color(QPalette::WindowText);
    tick.setAlphaF(0.45);
    painter.setPen(QPen(tick, 1));
    for (int v : marks_) painter.drawLine(x(v), mid - 4, x(v), mid + 4);
    if (accent_) {
      const auto& c = render::Palette::transition;  // as the plot's R0 line
      painter.setPen(QPen(QColor::fromRgbF(float(c[0]), float(c[1]), float(c[2])), 2));
      painter.drawLine(x(*accent_), groove.top() - 1, x(*accent_), groove.bottom() + 1);
      painter.drawLine(x(*accent_), mid - 7, x(*accent_), mid + 7);
    }
    opt.subControls = QStyle::SC_SliderHandle;
    style()->drawComplexControl(QStyle::CC_Slider, &opt, &painter, this);
  }

  void mousePressEvent(QMouseEvent* e) override {
    lastX_ = e->position().x();
    relative_ = false;
    carry_ = 0;
    QSlider::mousePressEvent(e);
  }
  void mouseMoveEvent(QMouseEvent* e) override {
    const bool fine = e->modifiers() & Qt::ShiftModifier;
    const double x = e->position().x(), dx = x - lastX_;
    lastX_ = x;
    if (!isSliderDown() || (!fine && !relative_)) {
      QSlider::mouseMoveEvent(e);
      return;
    }
    relative_ = true;
    const double perPixel = double(maximum() - minimum()) / std::max(1, width());
    carry_ += dx * perPixel * (fine ? 0.1 : 1.0);
    const int step = static_cast<int>(carry_);
    carry_ -= step;
    if (step) setSliderPosition(std::clamp(sliderPosition() + step, minimum(), maximum()));
    e->accept();
  }
  void mouseReleaseEvent(QMouseEvent* e) override {
    relative_ = false;
    QSlider::mouseReleaseEvent(e);
  }

private:
  double lastX_ = 0, carry_ = 0;
  bool relative_ = false;
  std::vector<int> marks_;
  std::optional<int> accent_;
};

}  // namespace

namespace {

// An entry that shows and takes any value of its range as people write it: 0.05, 12.19, 1e-8,
// 3.2e+05 (QDoubleSpinBox alone rounds to fixed decimals and drops an exponent typed into it).
class NumberEntry : public QDoubleSpinBox {
public:
  using QDoubleSpinBox::QDoubleSpinBox;
  QString textFromValue(double v) const override {
    if (v != 0 && (std::abs(v) >= 1e6 || std::abs(v) < 1e-3)) return QString::number(v, 'g', 6);
    QString t = QString::number(v, 'f', decimalsShown);
    if (t.contains('.')) {  // trailing zeros, and then the point (no regular expression: this runs every frame)
      qsizetype n = t.size();
      while (n > 0 && t[n - 1] == '0') --n;
      if (n > 0 && t[n - 1] == '.') --n;
      t.truncate(n);
    }
    return t;
  }
  /// The number as typed, read by the registry's rule (parseNumber: "1e6", "inf"), or "∞" as shown.
  static std::optional<double> typedNumber(const QString& text) {
    const QString t = text.trimmed();
    if (t == QStringLiteral("∞")) return kInfinity;
    try {
      return parseNumber("value", t.toStdString());
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  static bool isInfinity(const QString& text) {
    const auto v = typedNumber(text);
    return v && std::isinf(*v);
  }
  double valueFromText(const QString& text) const override {
    if (isInfinity(text)) return value();  // infinity is set through `typed`, not clamped to the range
    return text.trimmed().toDouble();
  }
  QValidator::State validate(QString& text, int&) const override {
    const QString t = text.trimmed();
    if (t.isEmpty() || t == "-" || t == "+") return QValidator::Intermediate;
    if (allowInfinity && (QStringLiteral("infinity").startsWith(t.toLower()) || t == QStringLiteral("∞")))
      return isInfinity(t) ? QValidator::Acceptable : QValidator::Intermediate;
    // A sign is kept as typed: Enter on "-3" is refused with the reason, not read as 3.
    static const QRegularExpression partial("^[+-]?(\\d+\\.?\\d*|\\.\\d*)([eE][+-]?\\d*)?$");
    if (!partial.match(t).hasMatch()) return QValidator::Invalid;
    bool ok = false;
    const double v = t.toDouble(&ok);
    if (!ok) return QValidator::Intermediate;  // "1e" on the way to "1e5"
    return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
  }
  int decimalsShown = 3;
  bool allowInfinity = false;
  /// Enter on what the range cannot hold ("inf", or a number outside it): handed over instead of
  /// being reverted in silence, so that the model sets it or says why not.
  std::function<void(double)> typed;

  /// What the entry takes, said (`refused`) when a key is dropped (a letter).
  QString takes;
  std::function<void(const QString&)> refused;
  /// Clicked into or focused (a playing sweep pauses).
  std::function<void()> focused;
  QLineEdit* edit() const { return lineEdit(); }

protected:
  void keyPressEvent(QKeyEvent* e) override {
    const QString before = lineEdit()->text();
    const bool printable = !e->text().isEmpty() && e->text().at(0).isPrint();
    if ((e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter) && typed) {
      const auto v = typedNumber(cleanText());
      const bool atInfinity = !specialValueText().isEmpty();  // showing "∞": any number leaves it
      if (v && ((allowInfinity && std::isinf(*v)) || (std::isfinite(*v) && (*v < minimum() || *v > maximum() || atInfinity)))) {
        typed(*v);
        return;
      }
    }
    QDoubleSpinBox::keyPressEvent(e);
    // A character the entry cannot take was dropped: say what it takes, not nothing.
    if (printable && lineEdit()->text() == before && refused) refused(QObject::tr("%1 (that key is not part of one)").arg(takes));
  }
  // Clicked or tabbed into while a sweep plays: it pauses before the first key (the sweep wrote
  // over the selection, and the digits landed inside its value).
  void focusInEvent(QFocusEvent* e) override {
    if (focused) focused();
    QDoubleSpinBox::focusInEvent(e);
  }
  bool eventFilter(QObject* watched, QEvent* e) override {
    // A click lands on the line edit inside, not on the spin box.
    if (watched == lineEdit() && e->type() == QEvent::MouseButtonPress && focused) focused();
    return QDoubleSpinBox::eventFilter(watched, e);
  }
};

}  // namespace

double ParameterPanel::Row::valueAt(int pos) const {
  const double t = static_cast<double>(pos) / kSteps;
  return scale ? scale->value(t) : lo + (hi - lo) * t;
}

int ParameterPanel::Row::positionOf(double v) const {
  if (integer) return static_cast<int>(v);
  const double t = scale ? scale->position(v) : std::clamp((v - lo) / (hi - lo), 0.0, 1.0);
  return static_cast<int>(std::lround(t * kSteps));
}

int ParameterPanel::sliderPosition(const QString& name, double value) const { return rows_.at(name).positionOf(value); }

void ParameterPanel::followCurve() {
  // The curve of the current setting, complete: R's slider follows it (CurveScale); until then
  // it keeps the scale it has. Never under a dragging hand: a new scale waits for the release.
  Row& r = rows_.at("R");
  const TwoSizeParams& p = model_->params();
  // It reaches as far as the curve does where that is past its own end (one majority class:
  // R0 = 359345, the plot to 10^7; the slider stopped at 10^5 and lost R0's tick).
  if (model_->curveComplete() && model_->curveMatches(p) && model_->curveError().isEmpty()) {
    const auto& curve = model_->curve();
    pendingScale_ = CurveScale(r.lo, std::max(r.hi, curve.empty() ? r.hi : curve.back().R), curve);
  }
  if (r.slider->isSliderDown()) return;
  if (pendingScale_) {
    const bool changed = !(*pendingScale_ == *r.scale);
    r.scale = *pendingScale_;
    pendingScale_.reset();
    if (changed && std::isfinite(p.R)) {
      QSignalBlocker b(r.slider);
      r.slider->setValue(r.positionOf(p.R));
    }
  }
  std::vector<int> decades;
  const double hi = r.scale->hi();
  for (double R = 10; R < hi; R *= 10) decades.push_back(r.positionOf(R));
  std::optional<int> accent;
  if (model_->curveMatches(p))
    if (const auto t = model_->transition(); t && t->R0() && *t->R0() <= hi) accent = r.positionOf(*t->R0());
  static_cast<FineSlider*>(r.slider)->setMarks(decades, accent);
}

ParameterPanel::ParameterPanel(ExplorerModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  auto* grid = new QGridLayout(this);
  grid->setColumnStretch(1, 1);
  // The registry's choices, each a combo whose index is the choice (the spec's get/set): the
  // model's loss (its own parameters appear below when they apply), the class sizes, the classifier.
  auto choice = [&](const char* name, const QString& label, const char* objectName, const QStringList& items,
                    const QString& field, const QString& tip) {
    auto* combo = new ChoiceCombo(this);
    combo->setMinimumContentsLength(12);  // in presentation the long names shorten (setPresentation)
    combo->setObjectName(objectName);
    const auto& words = parameter(name).choices;  // each item carries its word, as typed in --set
    for (int i = 0; i < items.size(); ++i) combo->addItem(items[i], QString::fromStdString(words.at(i)));
    // The tooltip leads with the whole current choice: the field may show only its short name.
    auto tipFor = [combo, tip](const QString& t) {
      combo->setToolTip(QStringLiteral("<b>%1</b><br>%2").arg(t.toHtmlEscaped(), tip.toHtmlEscaped()));
    };
    tipFor(combo->currentText());
    connect(combo, &QComboBox::currentTextChanged, combo, tipFor);
    const int row = grid->rowCount();
    auto* l = new QLabel(label, this);
    grid->addWidget(l, row, 0);
    grid->addWidget(combo, row, 1, 1, 2);
    choiceLabels_[name] = l;
    connect(combo, &QComboBox::currentIndexChanged, this, [this, name, field](int i) {
      if (syncing_) return;
      TwoSizeParams p = model_->params();
      parameter(name).set(p, i);
      if (!model_->setParams(p, field)) syncFromModel(model_->params());
      model_->endInteraction();
    });
    choices_[name] = combo;
    return combo;
  };
  choice("model", tr("Model"), "ModelCombo",
         {tr("Layer-peeled (classifiers and features)"), tr("SupCon: supervised contrastive")}, "model",
         QString::fromStdString(parameter("model").help));
  QStringList losses;
  for (const auto& name : lossNames()) {
    Loss l;
    l.kind = lossFromString(name);
    const QString text = QString::fromStdString(describe(l));
    losses << text.left(text.indexOf(" (") < 0 ? text.size() : text.indexOf(" ("));
  }
  loss_ = choice("loss", tr("Loss"), "LossCombo", losses, "loss", QString::fromStdString(parameter("loss").help));
  choice("budget", tr("Budget"), "BudgetCombo", {tr("Constrained: energies E_W, E_H"), tr("Penalized: weight decay λ_W, λ_H")},
         "budget form", QString::fromStdString(parameter("budget").help));
  profile_ = choice("profile", tr("Sizes"), "ProfileCombo",
                    {tr("Two sizes: n_B = n_A / R"), tr("Long tail: n_k = R^(-k/(K-1))"),
                     tr("Pareto tail (as ImageNet-LT)")},
                    "class sizes",
                    tr("How class sizes follow from R. Two sizes: the paper's KA majority and KB minority "
                       "classes. Long tail: sizes fall exponentially over all K classes; the last KB count as "
                       "minority. Pareto tail: shaped like a Pareto law (as ImageNet-LT). With a tail every "
                       "class has its own size (slower, general solve)."));
  classifier_ = choice("classifier", tr("Classifier"), "ClassifierCombo", {tr("Learned"), tr("Fixed simplex ETF")},
                       "classifier", QString::fromStdString(parameter("classifier").help));
  // One row per numeric parameter of the registry (lpm/Parameters.h); R gets its "= inf" box.
  for (const auto& spec : parameterRegistry()) {
    if (spec.type == ParameterType::Choice) continue;  // the combos above
    addRow(spec);
    if (spec.allowInfinity) {
      // The "= ∞" of R (infinite imbalance) and of lambda-b (no bias).
      const QString name = QString::fromStdString(spec.name);
      const bool isR = spec.name == "R";
      auto* box = new QCheckBox(isR ? tr("%1 = ∞ (minority weight 0)").arg(name) : tr("No bias (λ_b = ∞)"), this);
      box->setObjectName(name + "Infinity");
      box->setToolTip(isR ? tr("The limit of infinite imbalance: the minority classes carry no weight (Lemma 5)")
                          : tr("Without a bias the logits are W h exactly; with one, b is decayed by λ_b"));
      grid->addWidget(box, grid->rowCount(), 0, 1, 3);
      infBoxes_[name] = box;
      rows_[name].infinity = box;
      rows_[name].lastFinite = isR ? 10.0 : 1e-2;  // until a finite value has been shown
      if (isR) rInf_ = box;
      connect(box, &QCheckBox::toggled, this, [this, name, isR](bool on) {
        if (syncing_) return;
        TwoSizeParams p = model_->params();
        parameter(name.toStdString()).set(p, on ? kInfinity : rows_[name].lastFinite);
        if (!model_->setParams(p, name)) syncFromModel(model_->params());
        model_->endInteraction();
      });
    }
  }
  // Why the last value was refused, under the controls until the next good one (or 10 s).
  problem_ = new QLabel(this);
  problem_->setObjectName("ParameterProblem");
  problem_->setWordWrap(true);
  problem_->setStyleSheet("color: #c0392b;");
  problem_->hide();
  grid->addWidget(problem_, grid->rowCount(), 0, 1, 3);
  problemTimer_ = new QTimer(this);
  problemTimer_->setSingleShot(true);
  problemTimer_->setInterval(10000);
  connect(problemTimer_, &QTimer::timeout, problem_, &QWidget::hide);
  grid->setRowStretch(grid->rowCount(), 1);
  connect(model_, &ExplorerModel::paramsChanged, this, &ParameterPanel::syncFromModel);
  connect(model_, &ExplorerModel::curveChanged, this, &ParameterPanel::followCurve);
  connect(model_, &ExplorerModel::transitionChanged, this, &ParameterPanel::followCurve);
  connect(rows_.at("R").slider, &QSlider::sliderReleased, this, &ParameterPanel::followCurve);
  syncFromModel(model_->params());
  followCurve();
}

QSlider* ParameterPanel::slider(const QString& name) const { return rows_.at(name).slider; }

QAbstractSpinBox* ParameterPanel::entry(const QString& name) const {
  const Row& r = rows_.at(name);
  return r.real ? static_cast<QAbstractSpinBox*>(r.real) : static_cast<QAbstractSpinBox*>(r.integer);
}

void ParameterPanel::addRow(const ParameterSpec& spec) {
  auto* grid = static_cast<QGridLayout*>(layout());
  const int row = grid->rowCount();
  const QString name = QString::fromStdString(spec.name);
  QString tip = QString::fromStdString(spec.help);
  if (spec.type == ParameterType::Integer)
    tip += tr(" (the slider covers %1–%2; type larger counts in the box)").arg(spec.explorerMin).arg(spec.explorerMax);
  else if (spec.logScale && spec.name != "R")  // R's scale follows the curve (below)
    tip += tr(" (log scale)");
  Row r;
  r.lo = spec.explorerMin, r.hi = spec.explorerMax;
  if (spec.logScale) r.scale = CurveScale(r.lo, r.hi);
  r.slider = new FineSlider(Qt::Horizontal, this);
  QAbstractSpinBox* entry = nullptr;
  if (spec.type == ParameterType::Integer) {
    // The slider covers the explorer's range; the entry takes any count up to entryMax.
    r.slider->setRange(static_cast<int>(spec.explorerMin), static_cast<int>(spec.explorerMax));
    r.integer = new QSpinBox(this);
    r.integer->setRange(static_cast<int>(spec.entryMin), static_cast<int>(spec.entryMax));
    r.integer->setKeyboardTracking(false);
    entry = r.integer;
    connect(r.slider, &QSlider::valueChanged, this, [this, name](int v) { edit(name, v); });
    connect(r.integer, &QSpinBox::valueChanged, this, [this, name](int v) {
      edit(name, v);
      model_->endInteraction();
    });
  } else {
    r.slider->setRange(0, kSteps);
    r.slider->setSingleStep(kSteps / 1000);  // arrow keys: 1/1000 of the range, Page Up/Down 1/100
    r.slider->setPageStep(kSteps / 100);
    tip += spec.name == "R" ? tr(" — the slider's scale follows the curve: slow where the minority cosine changes, "
                                 "with a tick at each decade and a taller one at R0 (in the plot's R0 colour); Shift+drag for fine adjustment")
                            : tr(" — Shift+drag the slider for fine adjustment");
    auto* e = new NumberEntry(this);
    e->decimalsShown = spec.decimals;
    e->allowInfinity = spec.allowInfinity;
    e->takes = spec.allowInfinity ? tr("%1 takes a number from %2, like 12.5 or 1e6, or inf").arg(QString::fromStdString(spec.label)).arg(spec.entryMin)
                                  : tr("%1 takes a number from %2 to %3, like 0.5 or 1e-3").arg(QString::fromStdString(spec.label)).arg(spec.entryMin).arg(spec.entryMax);
    e->refused = [this](const QString& why) { showProblem(why); };
    e->focused = [this] { emit userEditing(); };
    e->edit()->installEventFilter(e);
    e->edit()->installEventFilter(this);  // Ctrl+Z after Enter: the window's undo (eventFilter)
    e->installEventFilter(this);
    e->typed = [this, name](double v) {
      edit(name, v);  // the model validates: a refusal says why under the controls and in the status bar
      model_->endInteraction();
      syncFromModel(model_->params());
    };
    r.real = e;
    connect(e->edit(), &QLineEdit::textEdited, this, &ParameterPanel::userEditing);
    r.real->setDecimals(15);  // keeps what was typed or set (1e-8 too); NumberEntry decides what is shown
    r.real->setRange(spec.entryMin, spec.entryMax);
    r.real->setKeyboardTracking(false);
    r.real->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    entry = r.real;
    connect(r.slider, &QSlider::valueChanged, this, [this, name](int pos) { edit(name, rows_.at(name).valueAt(pos)); });
    connect(r.real, &QDoubleSpinBox::valueChanged, this, [this, name](double v) {
      edit(name, v);
      model_->endInteraction();
    });
  }
  auto* l = new QLabel(QString::fromStdString(spec.label), this);
  l->setTextFormat(Qt::RichText);
  r.label = l;
  for (QWidget* w : std::initializer_list<QWidget*>{l, r.slider, entry}) w->setToolTip(tip);
  r.slider->setObjectName(name + "Slider");
  entry->setObjectName(name + "Entry");
  grid->addWidget(l, row, 0);
  grid->addWidget(r.slider, row, 1);
  grid->addWidget(entry, row, 2);
  rows_[name] = r;
  connect(r.slider, &QSlider::sliderReleased, model_, &ExplorerModel::endInteraction);
  connect(r.slider, &QSlider::sliderPressed, this, &ParameterPanel::userEditing);
  if (r.integer) {
    connect(r.integer->findChild<QLineEdit*>(), &QLineEdit::textEdited, this, &ParameterPanel::userEditing);
    r.integer->installEventFilter(this);
    r.integer->findChild<QLineEdit*>()->installEventFilter(this);
  }
}

bool ParameterPanel::eventFilter(QObject* watched, QEvent* e) {
  // Undo and Redo in an entry whose line shows its value as entered (nothing typed since Enter)
  // are the window's: the line edit took Ctrl+Z and did nothing to the model, though Edit > Undo
  // named the change. While a value is half typed they undo the typing.
  if (e->type() == QEvent::ShortcutOverride) {
    auto* key = static_cast<QKeyEvent*>(e);
    // The line edit, or its spin box (which hands the event to the line edit directly).
    auto* line = qobject_cast<QAbstractSpinBox*>(watched) ? watched->findChild<QLineEdit*>() : qobject_cast<QLineEdit*>(watched);
    if (line && (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo))) {
      QString shown;
      if (auto* real = qobject_cast<QDoubleSpinBox*>(line->parent()))
        shown = !real->specialValueText().isEmpty() && real->value() == real->minimum() ? real->specialValueText()
                                                                                          : real->textFromValue(real->value());
      else if (auto* count = qobject_cast<QSpinBox*>(line->parent())) {
        QLocale l = count->locale();  // QSpinBox::textFromValue's text, which is protected
        l.setNumberOptions(l.numberOptions() | QLocale::OmitGroupSeparator);
        shown = count->prefix() + l.toString(count->value()) + count->suffix();
      }
      if (!shown.isNull() && line->text() == shown) {
        e->ignore();
        return true;
      }
    }
    return QWidget::eventFilter(watched, e);
  }
  // A count's entry (K_A, K_B) clicked into or focused: as the real entries (NumberEntry::focused).
  if (e->type() == QEvent::FocusIn || e->type() == QEvent::MouseButtonPress) {
    if (!dynamic_cast<NumberEntry*>(watched) && !dynamic_cast<NumberEntry*>(watched->parent())) emit userEditing();
  }
  return QWidget::eventFilter(watched, e);
}

void ParameterPanel::edit(const QString& name, double value) {
  if (syncing_) return;
  TwoSizeParams p = model_->params();
  parameter(name.toStdString()).set(p, value);  // validated by the model, which refuses with a message
  QString error;
  if (!model_->setParams(p, name, &error)) {
    showProblem(error);  // under the controls too: the status bar's message went by unseen
    syncFromModel(model_->params());
  } else if (!problem_->isHidden()) {
    problem_->hide();
  }
}

void ParameterPanel::showProblem(const QString& text) {
  problem_->setText(text);
  problem_->show();
  problemTimer_->start();
}

QString ParameterPanel::problemText() const { return problem_->isHidden() ? QString() : problem_->text(); }

void ParameterPanel::syncFromModel(const TwoSizeParams& p) {
  syncing_ = true;
  auto setReal = [&](const QString& name, double v) {
    Row& r = rows_[name];
    QSignalBlocker a(r.slider), b(r.real);
    if (std::isfinite(v)) {
      r.real->setSpecialValueText(QString());
      r.lastFinite = v;
      r.slider->setValue(r.positionOf(v));
      r.real->setValue(v);
    } else {
      // No number is shown for infinity (R = inf, no bias): the entry says so.
      r.real->setSpecialValueText(QStringLiteral("∞"));
      r.real->setValue(r.real->minimum());
    }
  };
  auto setInt = [&](const QString& name, int v) {
    Row& r = rows_[name];
    QSignalBlocker a(r.slider), b(r.integer);
    r.slider->setMaximum(std::max(static_cast<int>(r.hi), v));
    r.slider->setValue(v);
    r.integer->setValue(v);
  };
  for (const auto& spec : parameterRegistry()) {
    const QString name = QString::fromStdString(spec.name);
    if (!rows_.count(name)) continue;
    if (spec.type == ParameterType::Integer) setInt(name, static_cast<int>(spec.get(p)));
    else setReal(name, spec.get(p));
    // Controls that do not enter the model are hidden, not greyed out.
    Row& r = rows_[name];
    const bool shown = spec.appliesTo(p) && !(presentation_ && hidden_.count(spec.name));
    for (QWidget* w : std::initializer_list<QWidget*>{r.label, r.slider, entry(name)}) w->setVisible(shown);
    if (r.infinity) {
      QSignalBlocker b(r.infinity);
      const bool inf = std::isinf(spec.get(p));
      r.infinity->setChecked(inf);
      r.infinity->setVisible(shown);
      r.slider->setEnabled(!inf);  // the entry stays open: typing a number leaves infinity
    }
  }
  for (auto& [name, combo] : choices_) {
    QSignalBlocker c(combo);
    combo->setCurrentIndex(static_cast<int>(parameter(name).get(p)));
    const bool shown = parameter(name).appliesTo(p) && !(presentation_ && hidden_.count(name));
    combo->setVisible(shown);
    choiceLabels_[name]->setVisible(shown);
  }
  syncing_ = false;
}

QList<QWidget*> ParameterPanel::rowWidgets(const QString& name) const {
  QList<QWidget*> out;
  if (const auto it = rows_.find(name); it != rows_.end()) {
    out << it->second.label << it->second.slider << entry(name);
    if (it->second.infinity) out << it->second.infinity;
  } else if (const auto c = choices_.find(name.toStdString()); c != choices_.end()) {
    out << choiceLabels_.at(c->first) << c->second;
  }
  return out;
}

bool ParameterPanel::rowShown(const QString& name) const {
  const auto w = rowWidgets(name);
  return !w.isEmpty() && !w.front()->isHidden();
}

void ParameterPanel::setHighlighted(const QString& name) {
  const auto before = rowWidgets(highlighted_);
  for (QWidget* w : before) w->setStyleSheet(QString());
  for (QWidget* w : before.mid(1)) w->setPalette(QPalette());  // the entries: back to the window's
  highlighted_ = name;
  const auto widgets = rowWidgets(name);
  if (widgets.isEmpty()) return;
  // The label framed in the Okabe-Ito orange: "move this". The entries are tinted through their
  // palette, not a style sheet: a style sheet's border made the style draw the spin box itself,
  // without its up and down arrows.
  widgets.front()->setStyleSheet("QLabel { border: 2px solid #E69F00; border-radius: 4px; padding: 1px 3px; "
                                 "background: rgba(230, 159, 0, 60); }");
  const QColor orange(0xE6, 0x9F, 0x00);
  auto tint = [&](QColor c) {
    return QColor::fromRgbF(0.7f * c.redF() + 0.3f * orange.redF(), 0.7f * c.greenF() + 0.3f * orange.greenF(),
                            0.7f * c.blueF() + 0.3f * orange.blueF());
  };
  for (QWidget* w : widgets.mid(1))
    if (qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w)) {
      QPalette pal = w->palette();
      pal.setColor(QPalette::Base, tint(pal.color(QPalette::Base)));
      pal.setColor(QPalette::Button, tint(pal.color(QPalette::Button)));
      w->setPalette(pal);
    }
}

void ParameterPanel::setHiddenInPresentation(const std::set<std::string>& names) {
  std::set<std::string> known;
  for (const auto& n : names)
    if (!rowWidgets(QString::fromStdString(n)).isEmpty()) known.insert(n);
  if (known == hidden_) return;
  hidden_ = known;
  syncFromModel(model_->params());
  emit hiddenInPresentationChanged();
}

void ParameterPanel::setPresentation(bool on) {
  presentation_ = on;
  // With presentation's larger text, long choice names shorten (ChoiceCombo) rather than widen
  // the panel and squeeze the views.
  for (auto& [name, combo] : choices_)
    combo->setSizeAdjustPolicy(on ? QComboBox::AdjustToMinimumContentsLengthWithIcon : QComboBox::AdjustToContents);
  syncFromModel(model_->params());
}

void ParameterPanel::contextMenuEvent(QContextMenuEvent* e) {
  // The row under the pointer: its label, slider, entry or combo.
  QWidget* under = childAt(e->pos());
  QString name;
  for (const auto& [n, r] : rows_)
    if (rowWidgets(n).contains(under)) name = n;
  for (const auto& [n, c] : choices_)
    if (rowWidgets(QString::fromStdString(n)).contains(under)) name = QString::fromStdString(n);
  if (name.isEmpty()) return;
  QMenu menu(this);
  QAction* hide = menu.addAction(tr("Hide in Presentation"));
  hide->setObjectName("panel.hide-in-presentation");
  hide->setCheckable(true);
  hide->setChecked(hidden_.count(name.toStdString()) > 0);
  hide->setToolTip(tr("View > Presentation (F5) leaves this row out; saved in the session and its link"));
  if (menu.exec(e->globalPos()) != hide) return;
  std::set<std::string> h = hidden_;
  if (hide->isChecked()) h.insert(name.toStdString());
  else h.erase(name.toStdString());
  setHiddenInPresentation(h);
}

}  // namespace lpm::ui
