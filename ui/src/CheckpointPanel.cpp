#include "lpm/ui/CheckpointPanel.h"

#include "lpm/Parameters.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPixmap>
#include <QtConcurrent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLabel>
#include <QFontMetricsF>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolTip>
#include <QTreeWidget>
#include <QTextDocument>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "lpm/io/Analysis.h"
#include "lpm/render/SceneContent.h"
#include "lpm/ui/Document.h"
#include "lpm/ui/SceneView.h"
#include "VerticalScroll.h"

namespace lpm::ui {

CosineHeatmap::CosineHeatmap(QWidget* parent) : QWidget(parent) {
  setMinimumSize(160, 110);  // the presentation's Trained Network tab fits a 1024 x 640 window
  setMouseTracking(true);
}

namespace {
// Whether a picture is drawn on the dark theme's window (its neutral is then grey, not white).
bool darkWindow(const QPalette& p) { return p.color(QPalette::Window).lightness() < 100; }

// Every how many classes an index is printed: the least of 1, 2, 5, 10, 20, 50, ... for which
// `cell` pixels a class give each printed index `room` pixels.
int indexStep(double cell, double room) {
  for (int step = 1;; step *= 10)
    for (int m : {1, 2, 5})
      if (cell * step * m >= room || step > 1000000) return step * m;
}

// The first class of a bin ("10-19" -> 10), or its position where the label says none.
int binStart(const std::vector<std::string>& labels, int b) {
  if (b < static_cast<int>(labels.size())) {
    try {
      return std::stoi(labels[static_cast<size_t>(b)]);
    } catch (const std::exception&) {
    }
  }
  return b;
}
}  // namespace

QColor CosineHeatmap::colourOf(double c, bool dark) {
  c = std::clamp(c, -1.0, 1.0);
  // Diverging blue - white - red (readable with the common colour-vision deficiencies); on dark
  // the ends are lighter and the middle is the window's grey.
  const QColor lo = dark ? QColor(67, 147, 195) : QColor(33, 102, 172), mid = dark ? QColor(52, 54, 60) : QColor(247, 247, 247),
               hi = dark ? QColor(214, 96, 77) : QColor(178, 24, 43);
  const QColor& a = c < 0 ? lo : hi;
  const double t = std::abs(c);
  return QColor::fromRgbF(mid.redF() + t * (a.redF() - mid.redF()), mid.greenF() + t * (a.greenF() - mid.greenF()),
                          mid.blueF() + t * (a.blueF() - mid.blueF()));
}

void CosineHeatmap::setMatrix(const Eigen::MatrixXd& cos, const std::vector<int>& minority,
                              const std::vector<std::string>& binLabels) {
  cos_ = cos;
  binLabels_ = binLabels;
  minority_ = minority;
  drawPicture();
}

void CosineHeatmap::drawPicture() {
  const bool dark = darkWindow(palette());
  const int K = static_cast<int>(cos_.rows());
  picture_ = QImage(std::max(K, 1), std::max(K, 1), QImage::Format_RGB32);
  picture_.fill(palette().color(QPalette::Window));
  for (int i = 0; i < K; ++i) {
    auto* line = reinterpret_cast<QRgb*>(picture_.scanLine(i));
    for (int j = 0; j < K; ++j) line[j] = colourOf(cos_(i, j), dark).rgb();
  }
  update();
}

QRectF CosineHeatmap::grid() const {
  // Room for the class indices on the left and above (as wide as the largest), then the colour bar.
  const QFontMetrics fm(indexFont());
  const int K = static_cast<int>(cos_.rows());
  const int last = static_cast<int>(binLabels_.size()) == K && K > 0 ? binStart(binLabels_, K - 1) : std::max(K - 1, 0);
  const int left = fm.horizontalAdvance(QString::number(last)) + 6, top = fm.height() + 2;
  const int bar = 46, side = std::max(10, std::min(width() - bar - left - 4, height() - top - 4));
  return QRectF(left, top, side, side);
}

QFont CosineHeatmap::indexFont() const {
  QFont f = font();
  f.setPointSizeF(f.pointSizeF() * 0.8);
  return f;
}

bool CosineHeatmap::event(QEvent* e) {
  if (e->type() == QEvent::PaletteChange) drawPicture();  // the theme changed
  if (e->type() == QEvent::ToolTip && cos_.rows() > 0) {
    auto* h = static_cast<QHelpEvent*>(e);
    const QRectF g = grid();
    const int K = static_cast<int>(cos_.rows());
    const int j = static_cast<int>((h->pos().x() - g.left()) / g.width() * K),
              i = static_cast<int>((h->pos().y() - g.top()) / g.height() * K);
    const bool binned = static_cast<int>(binLabels_.size()) == K;
    auto label = [&](int b) { return QString::fromStdString(binLabels_[static_cast<size_t>(b)]).replace('-', QChar(0x2013)); };
    if (i >= 0 && j >= 0 && i < K && j < K && binned)
      QToolTip::showText(h->globalPos(),
                         tr("binned: mean cos between %1 and %2 = %3").arg(label(i), label(j)).arg(cos_(i, j), 0, 'f', 4),
                         this);
    else if (i >= 0 && j >= 0 && i < K && j < K)
      QToolTip::showText(h->globalPos(), tr("cos(w_%1, w_%2) = %3").arg(i).arg(j).arg(cos_(i, j), 0, 'f', 4), this);
    else
      QToolTip::hideText();
    return true;
  }
  return QWidget::event(e);
}

void CosineHeatmap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  const int K = static_cast<int>(cos_.rows());
  if (K == 0) {
    p.drawText(rect(), Qt::AlignCenter, tr("no classifier"));
    return;
  }
  const QRectF g = grid();
  const double cell = g.width() / K;
  p.drawImage(g, picture_);  // nearest-neighbour: every entry stays a crisp cell
  // Minority classes: their diagonal cells outlined (small K), or a bar along the left edge.
  p.setPen(QPen(QColor(213, 94, 0), 2));
  if (K <= 60) {
    for (int k : minority_) p.drawRect(QRectF(g.left() + k * cell, g.top() + k * cell, cell, cell));
  } else {
    for (int k : minority_) p.fillRect(QRectF(0, g.top() + k * cell, 3, std::max(cell, 1.0)), QColor(213, 94, 0));
  }
  const int side = static_cast<int>(g.width());
  const int x0 = static_cast<int>(g.right()) + 10, y0 = static_cast<int>(g.top());
  const bool dark = darkWindow(palette());
  for (int y = 0; y < side; ++y) p.fillRect(x0, y0 + y, 12, 1, colourOf(1 - 2.0 * y / side, dark));
  p.setPen(palette().text().color());
  p.drawText(x0 + 15, y0 + 10, "+1");
  p.drawText(x0 + 15, y0 + side / 2 + 4, "0");
  p.drawText(x0 + 15, y0 + side, "-1");
  // Class indices (0-based, as the class table and the 3D views): rows on the left, columns above;
  // a binned matrix's ticks name each bin's first class.
  p.save();
  p.setFont(indexFont());
  const QFontMetricsF fm(p.font());
  const bool binned = static_cast<int>(binLabels_.size()) == K;
  const int last = binned ? binStart(binLabels_, K - 1) : K - 1;
  const int rowStep = indexStep(cell, fm.height()), colStep = indexStep(cell, fm.horizontalAdvance(QString::number(last)) + 4);
  for (int k = 0; k < K; k += rowStep)
    p.drawText(QRectF(0, g.top() + k * cell, g.left() - 3, cell), Qt::AlignRight | Qt::AlignVCenter | Qt::TextDontClip,
               QString::number(binned ? binStart(binLabels_, k) : k));
  for (int k = 0; k < K; k += colStep)
    p.drawText(QRectF(g.left() + k * cell - 20, 0, cell + 40, g.top() - 1), Qt::AlignHCenter | Qt::AlignBottom,
               QString::number(binned ? binStart(binLabels_, k) : k));
  p.restore();
  if (static_cast<int>(binLabels_.size()) == K) {
    // Said on the picture, not only in its tooltips: each cell is a mean over two bins of classes.
    const QString note = tr("binned: %1 × %1 groups of classes (mean cosines)").arg(K);
    QFont f = p.font();
    f.setPointSizeF(f.pointSizeF() * 0.9);
    p.setFont(f);
    const QRectF box(g.left() + 4, g.top() + 4, std::min(g.width() - 8, QFontMetricsF(f).horizontalAdvance(note) + 10),
                     QFontMetricsF(f).height() + 4);
    p.fillRect(box, QColor(255, 255, 255, 215));
    p.setPen(QColor(40, 40, 40));
    p.drawText(box, Qt::AlignCenter, note);
  }
}

NormBars::NormBars(QWidget* parent) : QWidget(parent) { setMinimumSize(160, 70); }

void NormBars::setNorms(const Eigen::VectorXd& norms, const std::vector<int>& minority) {
  norms_ = norms;
  minority_ = minority;
  update();
}

void NormBars::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  const int K = static_cast<int>(norms_.size());
  if (K == 0) return;
  const double top = norms_.maxCoeff() > 0 ? norms_.maxCoeff() : 1;
  const double w = double(width() - 8) / K;
  // The caption's row is as tall as its text (presentation's 1.5x text was cut at 15 px); above it
  // a row of class indices (0-based), every one where they fit.
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.8);
  const QFontMetricsF fm(small);
  const int indices = static_cast<int>(fm.height()) + 1;
  const int caption = fontMetrics().height() + 2 + indices;
  std::vector<char> isMinor(static_cast<size_t>(K), 0);  // O(K): a 128256-class head paints at once
  for (int k : minority_)
    if (k >= 0 && k < K) isMinor[static_cast<size_t>(k)] = 1;
  for (int k = 0; k < K; ++k) {
    const bool minor = isMinor[static_cast<size_t>(k)];
    const double h = std::max(0, height() - caption - 5) * norms_(k) / top;
    p.fillRect(QRectF(4 + k * w + w * 0.1, height() - caption - 1 - h, w * 0.8, h), minor ? QColor(213, 94, 0) : QColor(0, 114, 178));
  }
  p.setPen(palette().text().color());
  p.save();
  p.setFont(small);
  const int step = indexStep(w, fm.horizontalAdvance(QString::number(K - 1)) + 4);
  for (int k = 0; k < K; k += step)
    p.drawText(QRectF(4 + k * w - 20, height() - caption, w + 40, indices), Qt::AlignHCenter | Qt::AlignTop, QString::number(k));
  p.restore();
  p.drawText(QRect(0, height() - caption + indices, width(), caption - indices), Qt::AlignCenter,
             tr("‖w_k‖ by class (max %1)").arg(top, 0, 'g', 3));
}

// ---------------------------------------------------------------------------------------------

CheckpointPanel::CheckpointPanel(Document* doc, QWidget* parent) : QWidget(parent), doc_(doc) {
  auto* layout = new QVBoxLayout(this);
  summary_ = new QLabel(tr("Open a checkpoint (File > Open Checkpoint, or drop it on the window) to compare a trained "
                           "network with the model."), this);
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  layout->addWidget(new VerticalScroll(summary_, this));  // long (warnings, clamps) in a short window: it scrolls
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 5);
  progress_->setTextVisible(true);
  progress_->setVisible(false);
  layout->addWidget(progress_);

  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Majority: first"), this));
  majority_ = new QSpinBox(this);
  majority_->setRange(1, 1);
  majority_->setObjectName("NetworkKA");
  majority_->setToolTip(tr("The first KA classes are the majority, the rest the minority (or tick classes under Classes)"));
  row->addWidget(majority_);
  row->addStretch(1);
  layout->addLayout(row);
  // The file buttons on a row of their own: on one row with the majority entry the dock could not
  // be narrower than ~400 px, and left the 3D view ~200 px at 1280 x 800.
  row = new QHBoxLayout;
  labelsButton_ = new QPushButton(tr("Labels…"), this);
  labelsButton_->setToolTip(tr("Training labels (.npy/.npz/.pt, one class index per sample): class counts give the "
                               "imbalance ratio R and the minority classes"));
  countsButton_ = new QPushButton(tr("Counts…"), this);
  countsButton_->setObjectName("NetworkCounts");
  countsButton_->setToolTip(tr("Class counts from a file (a 1-D .npy, or numbers in a .txt/.csv; e.g. token "
                               "frequencies for a language-model head): one whole number per class, as typed "
                               "under Classes"));
  featuresButton_ = new QPushButton(tr("Features…"), this);
  featuresButton_->setToolTip(tr("Penultimate-layer features (N x p), with labels or in an .npz with 'features' and "
                                 "'labels': fitted E_H, NC1-NC4 and the feature cloud"));
  row->addWidget(labelsButton_);
  row->addWidget(countsButton_);
  row->addWidget(featuresButton_);
  row->addStretch(1);
  layout->addLayout(row);
  auto* pins = new QHBoxLayout;
  pinButton_ = new QPushButton(tr("Pin to Plot"), this);
  pinButton_->setToolTip(tr("Keep this network's point on the plot, to compare networks trained at several R "
                            "(the paper's Figure 2 for your own networks)"));
  pinButton_->setEnabled(false);
  clearPinsButton_ = new QPushButton(tr("Clear Pins"), this);
  clearPinsButton_->setEnabled(false);
  pins->addStretch(1);
  pins->addWidget(pinButton_);
  pins->addWidget(clearPinsButton_);
  layout->addLayout(pins);
  connect(pinButton_, &QPushButton::clicked, doc_, &Document::pinCurrent);
  connect(clearPinsButton_, &QPushButton::clicked, this, [this] { doc_->setPinned({}); });
  labelsButton_->setEnabled(false);
  countsButton_->setEnabled(false);
  featuresButton_->setEnabled(false);

  tabs_ = new QTabWidget(this);
  auto* overview = new QWidget(this);
  auto* ov = new QVBoxLayout(overview);
  ov->setContentsMargins(2, 2, 2, 2);
  heatmap_ = new CosineHeatmap(overview);
  bars_ = new NormBars(overview);
  ov->addWidget(heatmap_, 2);
  ov->addWidget(bars_, 1);
  tabs_->addTab(overview, tr("Classifier"));

  classes_ = new QTableWidget(0, 4, this);
  classes_->setObjectName("ClassTable");
  classes_->setHorizontalHeaderLabels({tr("class"), tr("minority"), tr("count"), tr("‖w_k‖")});
  classes_->verticalHeader()->setVisible(false);
  classes_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  classes_->setToolTip(tr("Tick the minority classes; type class counts to set the imbalance ratio"));
  tabs_->addTab(classes_, tr("Classes"));

  auto* sceneBox = new QWidget(this);
  auto* sb = new QVBoxLayout(sceneBox);
  sb->setContentsMargins(0, 0, 0, 0);
  scene_ = new SceneView(sceneBox);
  scene_->setObjectName("NetworkScene");
  scene_->setMinimumHeight(200);
  scene_->content().setShowUnitSphere(true);
  sceneNote_ = new QLabel(sceneBox);
  sceneNote_->setWordWrap(true);
  sb->addWidget(scene_, 1);
  sb->addWidget(sceneNote_);
  tabs_->addTab(sceneBox, tr("3D"));

  // Tensors: the list; a click inspects (statistics, first values, a small picture), and only
  // "Use as Classifier" (or a double-click) makes a tensor the model's classifier.
  auto* tensorBox = new QWidget(this);
  auto* tb = new QVBoxLayout(tensorBox);
  tb->setContentsMargins(0, 0, 0, 0);
  tree_ = new QTreeWidget(tensorBox);
  tree_->setObjectName("TensorTree");
  tree_->setHeaderLabels({tr("tensor"), tr("dtype"), tr("shape")});
  // The name's end tells tensors apart ("state_dict.fc.weight"): elided in the middle; dtype and
  // shape as wide as they need. Neither the list nor the text below widens the dock.
  tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  tree_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  tree_->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  tree_->setTextElideMode(Qt::ElideMiddle);
  tree_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
  tree_->setRootIsDecorated(false);
  tree_->setToolTip(tr("Click a tensor to inspect it; Use as Classifier (or a double-click) compares a 2-D tensor "
                       "whose rows are classes with the model"));
  tb->addWidget(tree_, 2);
  auto* inspectRow = new QHBoxLayout;
  tensorPicture_ = new QLabel(tensorBox);
  tensorPicture_->setObjectName("TensorPicture");
  tensorPicture_->setFixedSize(96, 96);
  tensorPicture_->setAlignment(Qt::AlignCenter);
  tensorPicture_->setToolTip(tr("The tensor's values, block means on at most 64 x 64 cells (blue < 0 < red, scaled to "
                                "the largest |mean|; grey: no finite value)"));
  tensorInfo_ = new QLabel(tensorBox);
  tensorInfo_->setObjectName("TensorInfo");
  tensorInfo_->setWordWrap(true);
  tensorInfo_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  tensorInfo_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  tensorInfo_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  inspectRow->addWidget(tensorPicture_, 0, Qt::AlignTop);
  inspectRow->addWidget(tensorInfo_, 1);
  tb->addLayout(inspectRow, 1);
  useTensor_ = new QPushButton(tr("Use as Classifier"), tensorBox);
  useTensor_->setObjectName("UseAsClassifier");
  useTensor_->setEnabled(false);
  tb->addWidget(useTensor_);
  tabs_->addTab(tensorBox, tr("Tensors"));
  layout->addWidget(tabs_, 1);

  connect(tree_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    if (!refreshing_) inspectTensor(item ? item->text(0) : QString());
  });
  auto useCurrent = [this] {
    const auto* net = doc_->network();
    QTreeWidgetItem* item = tree_->currentItem();
    if (!item || !net || item->text(0).toStdString() == net->classifier()) return;
    doc_->chooseClassifier(item->text(0));  // in the background: the panel shows its progress
  };
  connect(useTensor_, &QPushButton::clicked, this, useCurrent);
  connect(tree_, &QTreeWidget::itemDoubleClicked, this, useCurrent);
  connect(majority_, &QSpinBox::valueChanged, this, [this](int v) {
    if (!refreshing_) doc_->setMajorityCount(v);
  });
  connect(classes_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
    const auto* net = doc_->network();
    if (refreshing_ || !net) return;
    if (item->column() == 1) {
      std::vector<int> minority;
      for (int k = 0; k < classes_->rowCount(); ++k)
        if (classes_->item(k, 1)->checkState() == Qt::Checked) minority.push_back(k);
      doc_->setMinority(minority);
    } else if (item->column() == 2) {
      bool ok = false;
      const int typed = item->text().trimmed().toInt(&ok);
      if (!ok || typed < 1) {
        // Back to the last good value of this cell; say why.
        QSignalBlocker b(classes_);
        item->setText(net->counts() ? QString::number((*net->counts())[item->row()]) : QString());
        showProblem(tr("a class count must be a whole number ≥ 1"));
        return;
      }
      // Counts take effect once every class has one (they can be typed one at a time).
      std::vector<int> counts;
      for (int k = 0; k < classes_->rowCount(); ++k) {
        const int c = classes_->item(k, 2)->text().trimmed().toInt(&ok);
        if (!ok) return;
        counts.push_back(c);
      }
      QString error;
      if (!doc_->setClassCounts(counts, &error)) showProblem(error);
    }
  });
  auto arrayDialog = [this](const QString& title) {
    const auto* net = doc_->network();
    const QString dir = net ? QFileInfo(QString::fromStdString(net->request().path)).absolutePath() : QString();
    return QFileDialog::getOpenFileName(this, title, dir, tr("Arrays (*.npy *.npz *.pt *.pth *.safetensors);;All files (*)"));
  };
  connect(labelsButton_, &QPushButton::clicked, this, [this, arrayDialog] {
    if (const QString f = arrayDialog(tr("Open Labels")); !f.isEmpty()) doc_->addLabels(f);
  });
  connect(countsButton_, &QPushButton::clicked, this, [this] {
    const auto* net = doc_->network();
    if (!net) return;
    const QString dir = QFileInfo(QString::fromStdString(net->request().path)).absolutePath();
    const QString f = QFileDialog::getOpenFileName(this, tr("Open Class Counts"), dir,
                                                   tr("Counts (*.npy *.txt *.csv);;All files (*)"));
    if (f.isEmpty()) return;
    QString error;
    if (!doc_->setClassCountsFromFile(f, &error)) showProblem(error);
  });
  connect(featuresButton_, &QPushButton::clicked, this, [this, arrayDialog] {
    if (const QString f = arrayDialog(tr("Open Features")); !f.isEmpty()) doc_->addFeatures(f);
  });

  // One direction: the document changes, the panel redraws from it.
  connect(doc_, &Document::networkChanged, this, &CheckpointPanel::refresh);
  connect(doc_, &Document::overlayChanged, this, &CheckpointPanel::refreshSummary);
  connect(doc_->model(), &ExplorerModel::paramsChanged, this, &CheckpointPanel::refreshSummary);
  connect(doc_, &Document::viewChanged, this, &CheckpointPanel::refreshSummary);  // the warnings' red follows the theme
  connect(doc_, &Document::pinnedChanged, this, [this] { clearPinsButton_->setEnabled(!doc_->pinned().empty()); });
  connect(doc_, &Document::networkLoading, this, [this](bool on, const QString& what) {
    progress_->setValue(0);
    progress_->setFormat(tr("Reading %1…").arg(what));
    progress_->setVisible(on);
    labelsButton_->setEnabled(!on && doc_->network());
    countsButton_->setEnabled(!on && doc_->network());
    featuresButton_->setEnabled(!on && doc_->network());
    // The roles too: a job works on a copy of the network, and installing it would drop them.
    majority_->setEnabled(!on);
    classes_->setEnabled(!on);
  });
  connect(doc_, &Document::networkProgress, this, [this](int stage, const QString& text) {
    progress_->setValue(stage);
    progress_->setFormat(text);
  });
}

void CheckpointPanel::inspectTensor(const QString& name) {
  // Read off the UI thread (the checkpoint serialises its reads); a newer click wins. The same
  // tensor of the same checkpoint, in the same role, is not read again (labels, counts or roles
  // changed, not the tensor).
  const auto* net = doc_->network();
  const bool isClassifier = net && name.toStdString() == net->classifier();
  const Inspected now{net ? net->sharedCheckpoint() : nullptr, name, isClassifier};
  if (net && !name.isEmpty() && now == inspected_) return;
  inspected_ = now;
  const quint64 generation = ++inspectGeneration_;
  tensorPicture_->clear();
  if (!net || name.isEmpty()) {
    tensorInfo_->clear();
    useTensor_->setEnabled(false);
    return;
  }
  const io::TensorInfo* t = net->checkpoint().find(name.toStdString());
  // What NetworkComparison::setClassifier takes: rows as classes (at least 2), a dtype read as numbers.
  const bool usable = t && t->shape.size() == 2 && t->shape[0] >= 2 && t->dtype != io::DType::Unsupported;
  useTensor_->setEnabled(usable && !isClassifier);
  useTensor_->setText(isClassifier ? tr("In Use as the Classifier") : tr("Use as Classifier"));
  useTensor_->setToolTip(usable || isClassifier ? QString()
                                                : tr("Only a 2-D tensor of numbers with at least 2 rows (classes) "
                                                     "can be the classifier"));
  tensorInfo_->setText(tr("Reading %1…").arg(name));
  std::shared_ptr<const io::Checkpoint> checkpoint = net->sharedCheckpoint();
  auto* watcher = new QFutureWatcher<std::pair<std::optional<io::TensorSummary>, QString>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, isClassifier] {
    watcher->deleteLater();
    if (generation != inspectGeneration_) return;
    const auto [summary, error] = watcher->result();
    if (!summary) {
      tensorInfo_->setText(error);
      return;
    }
    showTensorSummary(*summary, isClassifier);
  });
  watcher->setFuture(QtConcurrent::run([checkpoint, n = name.toStdString()]() -> std::pair<std::optional<io::TensorSummary>, QString> {
    try {
      return {io::summarizeTensor(*checkpoint, n), QString()};
    } catch (const std::exception& e) {
      return {std::nullopt, QString::fromStdString(e.what())};
    }
  }));
}

void CheckpointPanel::showTensorSummary(const io::TensorSummary& s, bool isClassifier) {
  QStringList shape;
  for (auto d : s.info.shape) shape << QString::number(d);
  auto num = [](double v) { return QString::number(v, 'g', 5); };
  QStringList first;
  for (double v : s.first) first << num(v);
  // A long dotted name breaks after its dots (a zero-width space): unbroken, it widened the dock
  // for good once the tab had been shown.
  QString name = QString::fromStdString(s.info.name).toHtmlEscaped();
  name.replace('.', QStringLiteral(".\u200b"));
  QString text = tr("<b>%1</b> %2 [%3], %4 values<br>").arg(name,
                                                              QString::fromStdString(io::dtypeName(s.info.dtype)),
                                                              shape.join(" × "), QString::number(s.info.numel()));
  if (s.finite) {
    text += tr("min %1, max %2, mean %3, std %4<br>‖·‖ %5").arg(num(s.min), num(s.max), num(s.mean), num(s.std), num(s.norm));
    if (s.zeros) text += tr(", %1 zeros").arg(s.zeros);
  } else if (s.info.numel() > 0) {
    text += tr("<b>no finite values</b>: no statistics");
  } else {
    text += tr("empty: no values");
  }
  if (s.nonFinite) text += tr(", <b>%1 not finite</b> (NaN or ±inf; left out of the statistics)").arg(s.nonFinite);
  text += tr("<br>first values: %1%2").arg(first.join(", "), s.info.numel() > int64_t(s.first.size()) ? ", …" : "");
  if (isClassifier) text += tr("<br><i>the classifier the model is compared with</i>");
  else if (s.info.shape.size() == 2) text += tr("<br>rows as classes: K = %1, p = %2").arg(s.info.shape[0]).arg(s.info.shape[1]);
  tensorInfo_->setText(text);
  if (s.picture.size() == 0) return;
  double scale = 0;
  for (Eigen::Index i = 0; i < s.picture.size(); ++i)
    if (std::isfinite(s.picture.data()[i])) scale = std::max(scale, std::abs(s.picture.data()[i]));
  QImage img(static_cast<int>(s.picture.cols()), static_cast<int>(s.picture.rows()), QImage::Format_RGB32);
  const bool dark = darkWindow(palette());
  for (int r = 0; r < img.height(); ++r)
    for (int c = 0; c < img.width(); ++c) {
      const double v = s.picture(r, c);
      img.setPixelColor(c, r, std::isfinite(v) ? CosineHeatmap::colourOf(scale > 0 ? v / scale : 0, dark) : QColor(150, 150, 150));
    }
  tensorPicture_->setPixmap(QPixmap::fromImage(img.scaled(tensorPicture_->size(), Qt::KeepAspectRatio, Qt::FastTransformation)));
}

const QStringList& CheckpointPanel::tabNames() {
  static const QStringList names = {"classifier", "classes", "3d", "tensors"};
  return names;
}

bool CheckpointPanel::showTab(const QString& name) {
  const int i = tabNames().indexOf(name.toLower());
  if (i < 0) return false;
  tabs_->setCurrentIndex(i);
  return true;
}

QString CheckpointPanel::summaryText() const { return summary_->text(); }

QString CheckpointPanel::tensorInfoText() const {
  QTextDocument d;
  d.setHtml(tensorInfo_->text());
  return d.toPlainText().remove(QChar(0x200b));  // as read: without the names' break points
}

void CheckpointPanel::showProblem(const QString& text) {
  problem_ = text;
  refreshSummary();
}

void CheckpointPanel::refresh() {
  const auto* net = doc_->network();
  if (!net) return;
  refreshing_ = true;
  problem_.clear();
  const int K = net->K();
  if (net->sharedCheckpoint() != shownCheckpoint_ || tree_->topLevelItemCount() == 0) {
    // A new checkpoint: its tensor list (labels and features leave it as it is).
    shownCheckpoint_ = net->sharedCheckpoint();
    tree_->clear();
    for (const auto& t : net->checkpoint().tensors()) {
      QStringList shape;
      for (auto d : t.shape) shape << QString::number(d);
      new QTreeWidgetItem(tree_, {QString::fromStdString(t.name), QString::fromStdString(io::dtypeName(t.dtype)),
                                  "[" + shape.join(", ") + "]"});
    }
  }
  for (int i = 0; i < tree_->topLevelItemCount(); ++i)
    if (tree_->topLevelItem(i)->text(0).toStdString() == net->classifier()) tree_->setCurrentItem(tree_->topLevelItem(i));
  if (QTreeWidgetItem* item = tree_->currentItem()) inspectTensor(item->text(0));  // the classifier, or a new choice
  majority_->setRange(1, K - 1);
  majority_->setValue(K - static_cast<int>(net->minority().size()));
  const auto& a = net->analysis();
  // Above kHeatmapMaxK classes the heatmap shows bins of classes (their mean cosines, from sums).
  if (a.K > io::kHeatmapMaxK && a.binnedCos.size()) {
    heatmap_->setMatrix(a.binnedCos, {}, a.binLabels);
    heatmap_->setToolTip(tr("Binned: %1 groups of about %2 classes %3; each cell the mean cosine between two groups "
                            "(the diagonal: within a group)")
                             .arg(io::kHeatmapBins)
                             .arg(a.K / io::kHeatmapBins)
                             .arg(a.binnedByCount ? tr("ordered by count, largest first")
                                                  : tr("in index order (no counts: load labels or counts to order by count)")));
  } else {
    heatmap_->setMatrix(a.cos, a.minority);
    heatmap_->setToolTip(QString());
  }
  bars_->setNorms(a.norms, a.minority);
  fillClassTable();
  showNetworkScene();
  labelsButton_->setEnabled(!doc_->loading());
  countsButton_->setEnabled(!doc_->loading());
  featuresButton_->setEnabled(!doc_->loading());
  // A pin is a point (R, cosine): both must be known (R from labels or counts).
  pinButton_->setEnabled(a.minorityCos.has_value() && doc_->networkR().has_value());
  refreshing_ = false;
  refreshSummary();
}

void CheckpointPanel::fillClassTable() {
  // Items are updated in place (this also runs from inside the table's own itemChanged).
  const auto* net = doc_->network();
  const auto& a = net->analysis();
  const int K = a.K;
  QSignalBlocker block(classes_);
  if (classes_->rowCount() != K) {
    classes_->setRowCount(K);
    for (int k = 0; k < K; ++k) {
      auto* name = new QTableWidgetItem(QString::number(k));
      name->setFlags(Qt::ItemIsEnabled);
      auto* role = new QTableWidgetItem;
      role->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
      auto* count = new QTableWidgetItem;
      count->setFlags(Qt::ItemIsEnabled | Qt::ItemIsEditable);
      auto* norm = new QTableWidgetItem;
      norm->setFlags(Qt::ItemIsEnabled);
      classes_->setItem(k, 0, name);
      classes_->setItem(k, 1, role);
      classes_->setItem(k, 2, count);
      classes_->setItem(k, 3, norm);
    }
  }
  std::vector<bool> minorFlags(K, false);
  for (int k : a.minority) minorFlags[k] = true;
  const auto colours = render::Palette::classColours(K, minorFlags);  // the feature cloud's: they follow the roles
  for (int k = 0; k < K; ++k) {
    const bool minor = minorFlags[k];
    const auto& rgb = colours[size_t(k)];
    classes_->item(k, 0)->setData(Qt::DecorationRole, QColor::fromRgbF(rgb[0], rgb[1], rgb[2]));
    classes_->item(k, 1)->setCheckState(minor ? Qt::Checked : Qt::Unchecked);
    classes_->item(k, 2)->setText(net->counts() ? QString::number((*net->counts())[k]) : QString());
    classes_->item(k, 3)->setText(QString::number(a.norms(k), 'g', 4));
  }
}

void CheckpointPanel::showNetworkScene() {
  const auto* net = doc_->network();
  const NetworkGeometry3D g = net->projection();
  if (net->streamed()) {
    scene_->setConfiguration(Eigen::MatrixX3d(), Eigen::MatrixX3d(), {});
    scene_->content().setSamples({}, {}, {});
    scene_->content().setLegend("");
    scene_->requestRender();
    sceneNote_->setText(tr("No 3D picture for a head this large (%1 × %2): it is read from the file in blocks and "
                           "never held whole; the statistics and the binned heatmap are exact")
                            .arg(net->K())
                            .arg(net->p()));
    return;
  }
  const auto& minority = net->minority();
  std::vector<bool> minor(net->K(), false);
  for (int k : minority) minor[k] = true;
  // Up to kMaxDrawn classes are drawn, evenly spaced (a 50257-class head would be a hedgehog).
  constexpr int kMaxDrawn = 400;
  const int K = net->K();
  int drawn = K;
  if (K > kMaxDrawn) {
    Eigen::MatrixX3d W(kMaxDrawn, 3), M(g.M.rows() ? kMaxDrawn : 0, 3);
    std::vector<bool> m(kMaxDrawn);
    for (int i = 0; i < kMaxDrawn; ++i) {
      const int k = static_cast<int>(int64_t(i) * K / kMaxDrawn);
      W.row(i) = g.W.row(k);
      if (M.rows()) M.row(i) = g.M.row(k);
      m[i] = minor[k];
    }
    scene_->setConfiguration(W, M, m);
    drawn = kMaxDrawn;
  } else {
    scene_->setConfiguration(g.W, g.M, minor);
  }
  scene_->content().setSamples(g.samples, g.sampleLabels, minor);
  scene_->content().setLegend(g.M.rows() ? "classifiers w_k / sqrt(EW_fit): arrows\n"
                                           "class means, centred / sqrt(EH_fit): spheres\n" +
                                               std::string(minority.empty() ? "samples: dots, by class"
                                                                            : "samples: dots, by class (blues majority, oranges minority)")
                                         : "classifiers w_k / sqrt(EW_fit): arrows");
  scene_->requestRender();
  sceneNote_->setText(tr("The trained network on its own principal axes (those of its unit classifier rows): the "
                         "3D picture keeps %1% of ‖W‖²%2.")
                          .arg(100 * g.captured, 0, 'f', 1)
                          .arg((g.samples.rows() ? tr("; %1 samples drawn").arg(g.samples.rows()) : QString()) +
                               (drawn < K ? tr("; %1 of the %2 classes drawn, evenly spaced").arg(drawn).arg(K) : QString())));
}

void CheckpointPanel::refreshSummary() {
  const auto* net = doc_->network();
  if (!net) return;
  const auto& a = net->analysis();
  const auto& f = net->featureAnalysis();
  auto num = [](const std::optional<double>& v) { return v ? QString::number(*v, 'f', 4) : QStringLiteral("—"); };
  QString text = tr("<b>%1</b> (%2)<br>classifier <b>%3</b>: K = %4, p = %5<br>minority cos <b>%6</b>, majority cos %7, "
                    "fitted E<sub>W</sub> = %8")
                     .arg(QString::fromStdString(net->fileName()), QString::fromStdString(io::formatName(net->checkpoint().format())),
                          QString::fromStdString(net->classifier()))
                     .arg(a.K)
                     .arg(a.p)
                     .arg(num(a.minorityCos), num(a.majorityCos))
                     .arg(a.EWfit, 0, 'g', 4);
  if (const auto R = net->imbalanceRatio()) text += tr(", R = %1 (class counts)").arg(*R, 0, 'g', 4);
  else
    text += tr("<br><i>R is unknown until labels or class counts are loaded: until then the network has no point "
               "on the plot, and the model keeps R = %1.</i>")
                .arg(QString::fromStdString(parameterText(doc_->model()->params(), "R")));
  const bool ehUsed = f && f->mismatch.empty();  // NetworkComparison::modelParams' rule
  if (f)
    text += tr("<br>fitted E<sub>H</sub> = %1%8; NC1 %2, NC2 %3 / %4, NC3 %5, NC4 %6; accuracy %7%")
                .arg(f->EHfit, 0, 'g', 4)
                .arg(f->nc1, 0, 'g', 3)
                .arg(f->nc2Equinorm, 0, 'g', 3)
                .arg(f->nc2Equiangular, 0, 'g', 3)
                .arg(f->nc3, 0, 'g', 3)
                .arg(f->nc4, 0, 'g', 3)
                .arg(100 * f->accuracy, 0, 'f', 1)
                .arg(ehUsed ? QString() : tr(" (not used: the head does not fit these features, see below)"));
  const auto& mp = doc_->model()->params();
  if (mp.K() != a.K) {
    text += tr("<br><i>The model now has K = %1 classes, the network %2: no overlay (undo, or change the roles, to "
               "compare again).</i>").arg(mp.K()).arg(a.K);
  } else {
    auto clampNote = [&](const char* name, double used) {
      const auto& spec = parameter(name);
      return tr("<br><i>The explorer's %1 range is %2–%3: the model uses %4.</i>")
          .arg(QString::fromStdString(spec.label))
          .arg(spec.explorerMin)
          .arg(spec.explorerMax)
          .arg(used, 0, 'g', 4);
    };
    if (std::abs(mp.EW - a.EWfit) > 1e-9 * a.EWfit) text += clampNote("EW", mp.EW);
    if (ehUsed && std::abs(mp.EH - f->EHfit) > 1e-9 * f->EHfit) text += clampNote("EH", mp.EH);
  }
  if (const auto& o = doc_->overlay())
    text += tr("<br>distance to the model's classifiers (Procrustes, relative): <b>%1</b>").arg(o->distance, 0, 'f', 3);
  // A red that reads on either theme (the light theme's #b2182b is 2:1 on the dark window).
  const QString red = doc_->view().dark ? QStringLiteral("#ff8a80") : QStringLiteral("#b2182b");
  auto warn = [red](const QString& t) { return "<br><span style='color:" + red + "'>" + t.toHtmlEscaped() + "</span>"; };
  if (!net->note().empty()) text += warn(QString::fromStdString(net->note()));
  if (f && !f->mismatch.empty()) text += warn("⚠ " + QString::fromStdString(f->mismatch));
  for (const auto& w : net->checkpoint().warnings()) text += warn("⚠ " + QString::fromStdString(w));
  if (!problem_.isEmpty()) text += warn(problem_);
  summary_->setText(text);
}

}  // namespace lpm::ui
