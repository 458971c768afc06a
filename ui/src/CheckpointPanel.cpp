#include "lpm/ui/CheckpointPanel.h"

#include "lpm/Parameters.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolTip>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>
#include <functional>

#include "lpm/render/SceneContent.h"
#include "lpm/ui/ExplorerModel.h"
#include "lpm/ui/SceneView.h"

namespace lpm::ui {
namespace {

using Request = CheckpointPanel::OpenRequest;

// Off the UI thread: io::loadNetwork does the work; `step(i, text)` reports its stages (0..5).
LoadedNetwork load(const Request& r, const std::function<void(int, const QString&)>& step) {
  io::NetworkRequest q;
  q.path = r.path.toStdString();
  q.features = r.featuresPath.toStdString();
  q.labels = r.labelsPath.toStdString();
  q.allowUnsafeGlobals = r.allowUnsafeGlobals;
  LoadedNetwork net;
  net.data = io::loadNetwork(q, [&](int i, const std::string& text) { step(i, QString::fromStdString(text) + "…"); });
  net.path = r.path;
  net.featuresPath = r.featuresPath;
  net.labelsPath = r.labelsPath;
  net.unsafeAllowed = r.allowUnsafeGlobals;
  net.classifier = QString::fromStdString(net.data.classifier);
  net.labelCounts = net.data.counts;
  net.features = net.data.featureAnalysis;
  return net;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

CosineHeatmap::CosineHeatmap(QWidget* parent) : QWidget(parent) {
  setMinimumSize(160, 140);
  setMouseTracking(true);
}

QColor CosineHeatmap::colourOf(double c) {
  c = std::clamp(c, -1.0, 1.0);
  // Diverging blue - white - red (readable with the common colour-vision deficiencies).
  const QColor lo(33, 102, 172), mid(247, 247, 247), hi(178, 24, 43);
  const QColor& a = c < 0 ? lo : hi;
  const double t = std::abs(c);
  return QColor::fromRgbF(mid.redF() + t * (a.redF() - mid.redF()), mid.greenF() + t * (a.greenF() - mid.greenF()),
                          mid.blueF() + t * (a.blueF() - mid.blueF()));
}

void CosineHeatmap::setMatrix(const Eigen::MatrixXd& cos, const std::vector<int>& minority) {
  cos_ = cos;
  minority_ = minority;
  const int K = static_cast<int>(cos.rows());
  picture_ = QImage(std::max(K, 1), std::max(K, 1), QImage::Format_RGB32);
  for (int i = 0; i < K; ++i) {
    auto* line = reinterpret_cast<QRgb*>(picture_.scanLine(i));
    for (int j = 0; j < K; ++j) line[j] = colourOf(cos(i, j)).rgb();
  }
  update();
}

QRectF CosineHeatmap::grid() const {
  const int bar = 46, side = std::max(10, std::min(width() - bar - 8, height() - 8));
  return QRectF(4, 4, side, side);
}

bool CosineHeatmap::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip && cos_.rows() > 0) {
    auto* h = static_cast<QHelpEvent*>(e);
    const QRectF g = grid();
    const int K = static_cast<int>(cos_.rows());
    const int j = static_cast<int>((h->pos().x() - g.left()) / g.width() * K),
              i = static_cast<int>((h->pos().y() - g.top()) / g.height() * K);
    if (i >= 0 && j >= 0 && i < K && j < K)
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
  const int x0 = 4 + side + 10;
  for (int y = 0; y < side; ++y) p.fillRect(x0, 4 + y, 12, 1, colourOf(1 - 2.0 * y / side));
  p.setPen(palette().text().color());
  p.drawText(x0 + 15, 14, "+1");
  p.drawText(x0 + 15, 4 + side / 2 + 4, "0");
  p.drawText(x0 + 15, 4 + side, "-1");
}

NormBars::NormBars(QWidget* parent) : QWidget(parent) { setMinimumSize(160, 80); }

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
  for (int k = 0; k < K; ++k) {
    const bool minor = std::find(minority_.begin(), minority_.end(), k) != minority_.end();
    const double h = (height() - 20) * norms_(k) / top;
    p.fillRect(QRectF(4 + k * w + w * 0.1, height() - 16 - h, w * 0.8, h), minor ? QColor(213, 94, 0) : QColor(0, 114, 178));
  }
  p.setPen(palette().text().color());
  p.drawText(QRect(0, height() - 15, width(), 15), Qt::AlignCenter, tr("‖w_k‖ by class (max %1)").arg(top, 0, 'g', 3));
}

// ---------------------------------------------------------------------------------------------

CheckpointPanel::CheckpointPanel(ExplorerModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  auto* layout = new QVBoxLayout(this);
  summary_ = new QLabel(tr("Open a checkpoint (File > Open Checkpoint, or drop it on the window) to compare a trained "
                           "network with the model."), this);
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(summary_);
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
  labelsButton_ = new QPushButton(tr("Labels…"), this);
  labelsButton_->setToolTip(tr("Training labels (.npy/.npz/.pt, one class index per sample): class counts give the "
                               "imbalance ratio R and the minority classes"));
  featuresButton_ = new QPushButton(tr("Features…"), this);
  featuresButton_->setToolTip(tr("Penultimate-layer features (N x p), with labels or in an .npz with 'features' and "
                                 "'labels': fitted E_H, NC1-NC4 and the feature cloud"));
  row->addWidget(labelsButton_);
  row->addWidget(featuresButton_);
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
  connect(pinButton_, &QPushButton::clicked, this, &CheckpointPanel::pinCurrent);
  connect(clearPinsButton_, &QPushButton::clicked, this, [this] { setPinned({}); });
  labelsButton_->setEnabled(false);
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
  scene_->content().setLabelBase(0);  // the network's own class indices, as in its labels
  sceneNote_ = new QLabel(sceneBox);
  sceneNote_->setWordWrap(true);
  sb->addWidget(scene_, 1);
  sb->addWidget(sceneNote_);
  tabs_->addTab(sceneBox, tr("3D"));

  tree_ = new QTreeWidget(this);
  tree_->setObjectName("TensorTree");
  tree_->setHeaderLabels({tr("tensor"), tr("dtype"), tr("shape")});
  tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  tree_->setRootIsDecorated(false);
  tree_->setToolTip(tr("Pick the classifier: any 2-D float tensor whose rows are classes"));
  tabs_->addTab(tree_, tr("Tensors"));
  layout->addWidget(tabs_, 1);

  connect(tree_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    if (item && item->text(0) != (net_ ? net_->classifier : QString())) setClassifier(item->text(0));
  });
  connect(majority_, &QSpinBox::valueChanged, this, [this](int v) {
    explicitMinority_ = false;
    setMajorityCount(v);
  });
  connect(classes_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
    if (fillingTable_ || !net_) return;
    if (item->column() == 1) {
      std::vector<int> minority;
      for (int k = 0; k < classes_->rowCount(); ++k)
        if (classes_->item(k, 1)->checkState() == Qt::Checked) minority.push_back(k);
      setMinority(minority);
    } else if (item->column() == 2) {
      bool ok = false;
      const int typed = item->text().trimmed().toInt(&ok);
      if (!ok || typed < 1) {
        // Back to the last good value of this cell; say why.
        QSignalBlocker b(classes_);
        item->setText(net_->labelCounts ? QString::number((*net_->labelCounts)[item->row()]) : QString());
        summary_->setText(summary_->text() + "<br><span style='color:#b2182b'>" + tr("a class count must be a whole number ≥ 1") +
                          "</span>");
        return;
      }
      // Counts take effect once every class has one (they can be typed one at a time).
      std::vector<int> counts;
      for (int k = 0; k < classes_->rowCount(); ++k) {
        const int c = classes_->item(k, 2)->text().trimmed().toInt(&ok);
        if (!ok) return;
        counts.push_back(c);
      }
      setClassCounts(counts);
    }
  });
  connect(labelsButton_, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Open Labels"), QFileInfo(net_->path).absolutePath(),
                                                   tr("Arrays (*.npy *.npz *.pt *.pth *.safetensors);;All files (*)"));
    if (!f.isEmpty()) loadLabels(f);
  });
  connect(featuresButton_, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Open Features"), QFileInfo(net_->path).absolutePath(),
                                                   tr("Arrays (*.npy *.npz *.pt *.pth *.safetensors);;All files (*)"));
    if (!f.isEmpty()) loadFeatures(f);
  });
}

void CheckpointPanel::openFile(const OpenRequest& request) {
  struct Outcome {
    std::optional<LoadedNetwork> net;
    QString error, unsafeGlobal;
  };
  auto* watcher = new QFutureWatcher<Outcome>(this);
  lastRequest_ = request;
  loading_ = true;
  progress_->setValue(0);
  progress_->setFormat(tr("Reading %1…").arg(QFileInfo(request.path).fileName()));
  progress_->setVisible(true);
  labelsButton_->setEnabled(false);
  featuresButton_->setEnabled(false);
  connect(watcher, &QFutureWatcher<Outcome>::progressValueChanged, progress_, &QProgressBar::setValue);
  connect(watcher, &QFutureWatcher<Outcome>::progressTextChanged, progress_, &QProgressBar::setFormat);
  connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, path = request.path] {
    watcher->deleteLater();
    loading_ = false;
    progress_->setVisible(false);
    labelsButton_->setEnabled(net_.has_value());
    featuresButton_->setEnabled(net_.has_value());
    Outcome out = watcher->result();
    QString error = out.error;
    if (out.net) {
      try {
        install(std::move(*out.net));
        emit finished(true, QString(), QString());
        return;
      } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
      }
    }
    emit finished(false, tr("%1 was not opened: %2").arg(QFileInfo(path).fileName(), error), out.unsafeGlobal);
  });
  // The reason travels as text: QtConcurrent would turn a std::exception into one without a message.
  watcher->setFuture(QtConcurrent::run(
      [](QPromise<Outcome>& promise, OpenRequest r) {
        promise.setProgressRange(0, 5);
        Outcome out;
        try {
          out.net = load(r, [&](int i, const QString& text) { promise.setProgressValueAndText(i, text); });
        } catch (const io::UnsafeGlobalsError& e) {
          out.error = QString::fromUtf8(e.what());
          out.unsafeGlobal = QString::fromStdString(e.global());
        } catch (const std::exception& e) {
          out.error = QString::fromUtf8(e.what());
        }
        promise.addResult(std::move(out));
      },
      request));
}

bool CheckpointPanel::openNow(const OpenRequest& request, QString* error) {
  lastRequest_ = request;
  try {
    install(load(request, [](int, const QString&) {}));
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
  emit finished(true, QString(), QString());
  return true;
}

void CheckpointPanel::loadLabels(const QString& labelsPath) {
  if (!net_) return;
  explicitMinority_ = false;  // the counts choose the minority again
  const bool npzPair = net_->featuresPath.endsWith(".npz", Qt::CaseInsensitive) && net_->labelsPath.isEmpty();
  openFile(OpenRequest{net_->path, npzPair ? QString() : net_->featuresPath, labelsPath, net_->unsafeAllowed});
}

void CheckpointPanel::loadFeatures(const QString& featuresPath) {
  if (!net_) return;
  openFile(OpenRequest{net_->path, featuresPath, net_->labelsPath, net_->unsafeAllowed});
}

void CheckpointPanel::install(LoadedNetwork net) {
  const int K = net.data.K();
  if (explicitMinority_ && (!net_ || net_->path != net.path)) explicitMinority_ = false;
  net_ = std::move(net);
  tree_->blockSignals(true);
  tree_->clear();
  QTreeWidgetItem* selected = nullptr;
  for (const auto& t : net_->checkpoint().tensors()) {
    QStringList shape;
    for (auto s : t.shape) shape << QString::number(s);
    auto* item = new QTreeWidgetItem(tree_, {QString::fromStdString(t.name), QString::fromStdString(io::dtypeName(t.dtype)),
                                             "[" + shape.join(", ") + "]"});
    if (t.shape.size() != 2) item->setFlags(item->flags() & ~Qt::ItemIsSelectable);
    if (item->text(0) == net_->classifier) selected = item;
  }
  if (selected) tree_->setCurrentItem(selected);
  tree_->blockSignals(false);
  {
    QSignalBlocker b(majority_);
    majority_->setRange(1, K - 1);
  }
  if (!explicitMinority_) defaultRoles(K);
  labelsButton_->setEnabled(true);
  featuresButton_->setEnabled(true);
  reanalyse();
}

void CheckpointPanel::defaultRoles(int K) {
  minority_ = io::defaultMinority(net_->labelCounts, K);
  QSignalBlocker b(majority_);
  majority_->setValue(K - static_cast<int>(minority_.size()));
}

bool CheckpointPanel::setClassifier(const QString& tensor, QString* error) {
  if (!net_) return false;
  const auto* t = net_->checkpoint().find(tensor.toStdString());
  if (!t || t->shape.size() != 2 || t->shape[0] < 2) {
    if (error) *error = tr("%1 is not a 2-D tensor with at least 2 rows").arg(tensor);
    return false;
  }
  LoadedNetwork net = *net_;
  net.classifier = tensor;
  net.data.classifier = tensor.toStdString();
  net.data.W = net.checkpoint().matrix(net.data.classifier);
  net.data.bias = io::classifierBias(net.checkpoint(), net.data.classifier, net.data.K());
  net.features.reset();
  net.featureNote.clear();
  const int K = net.data.K();
  if (net.labelCounts && static_cast<int>(net.labelCounts->size()) != K) net.labelCounts.reset();
  if (net.data.features && net.data.labels) {
    const bool labelsFit = std::all_of(net.data.labels->begin(), net.data.labels->end(), [&](int y) { return y < K; });
    if (net.data.features->cols() != net.data.W.cols() || !labelsFit) {
      net.featureNote = tr("the features (%1 columns) do not fit %2").arg(net.data.features->cols()).arg(tensor);
    } else {
      try {
        net.features = io::analyseFeatures(*net.data.features, *net.data.labels, net.data.W,
                                           net.data.bias ? &*net.data.bias : nullptr);
      } catch (const std::exception& e) {
        net.featureNote = QString::fromUtf8(e.what());
      }
    }
  }
  explicitMinority_ = false;
  install(std::move(net));
  return true;
}

void CheckpointPanel::setMajorityCount(int KA) {
  if (!net_) return;
  const int K = net_->data.K();
  KA = std::clamp(KA, 1, K - 1);
  {
    QSignalBlocker b(majority_);
    majority_->setValue(KA);
  }
  minority_.clear();
  for (int k = KA; k < K; ++k) minority_.push_back(k);
  reanalyse();
}

void CheckpointPanel::setMinority(const std::vector<int>& minority) {
  minority_ = minority;
  explicitMinority_ = true;
  reanalyse();
}

bool CheckpointPanel::setClassCounts(const std::vector<int>& counts, QString* error) {
  if (!net_) return false;
  const int K = net_->data.K();
  if (static_cast<int>(counts.size()) != K) {
    if (error) *error = tr("%1 counts for %2 classes").arg(counts.size()).arg(K);
    return false;
  }
  if (*std::min_element(counts.begin(), counts.end()) < 1) {
    if (error) *error = tr("every class count must be at least 1");
    return false;
  }
  net_->labelCounts = counts;
  if (!explicitMinority_) defaultRoles(K);
  reanalyse();
  return true;
}

std::optional<double> CheckpointPanel::networkR() const {
  if (!net_ || !net_->labelCounts) return std::nullopt;
  return io::imbalanceRatio(*net_->labelCounts);
}

std::vector<int> CheckpointPanel::modelOrder() const { return analysis_ ? io::modelOrder(*analysis_) : std::vector<int>{}; }

void CheckpointPanel::setModelDistance(std::optional<double> d) {
  if (d == modelDistance_) return;
  modelDistance_ = d;
  refreshSummary();
}

QString CheckpointPanel::summaryText() const { return summary_->text(); }

bool CheckpointPanel::pinCurrent() {
  if (!net_ || !analysis_ || !analysis_->minorityCos) return false;
  PinnedNetwork n;
  n.name = QFileInfo(net_->path).fileName().toStdString();
  n.R = networkR() ? *networkR() : model_->params().R;
  n.minorityCos = *analysis_->minorityCos;
  auto pins = pinned_;
  pins.push_back(n);
  setPinned(pins);
  return true;
}

void CheckpointPanel::setPinned(const std::vector<PinnedNetwork>& pins) {
  pinned_ = pins;
  clearPinsButton_->setEnabled(!pinned_.empty());
  emit pinnedChanged();
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

void CheckpointPanel::fillClassTable() {
  // Items are updated in place (this also runs from inside the table's own itemChanged).
  fillingTable_ = true;
  const int K = analysis_->K;
  if (classes_->rowCount() != K) {
    classes_->setRowCount(K);
    for (int k = 0; k < K; ++k) {
      auto* name = new QTableWidgetItem(QString::number(k));
      name->setFlags(Qt::ItemIsEnabled);
      double rgb[3];
      render::Palette::classColour(k, rgb);
      name->setData(Qt::DecorationRole, QColor::fromRgbF(rgb[0], rgb[1], rgb[2]));
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
  for (int k = 0; k < K; ++k) {
    const bool minor = std::binary_search(analysis_->minority.begin(), analysis_->minority.end(), k);
    classes_->item(k, 1)->setCheckState(minor ? Qt::Checked : Qt::Unchecked);
    classes_->item(k, 2)->setText(net_->labelCounts ? QString::number((*net_->labelCounts)[k]) : QString());
    classes_->item(k, 3)->setText(QString::number(analysis_->norms(k), 'g', 4));
  }
  fillingTable_ = false;
}

void CheckpointPanel::showNetworkScene() {
  if (!embedding_) return;
  const NetworkGeometry3D g = projectNetwork(*embedding_, analysis_->minority);
  std::vector<bool> minor(analysis_->K, false);
  for (int k : analysis_->minority) minor[k] = true;
  scene_->setConfiguration(g.W, g.M, minor);
  scene_->content().setSamples(g.samples, g.sampleLabels);
  scene_->content().setLegend(g.M.rows() ? "classifiers w_k / sqrt(EW_fit): arrows\n"
                                           "class means, centred / sqrt(EH_fit): spheres\nsamples: dots, by class"
                                         : "classifiers w_k / sqrt(EW_fit): arrows");
  scene_->update();
  sceneNote_->setText(tr("The trained network on its own principal axes (those of its unit classifier rows): the "
                         "3D picture keeps %1% of ‖W‖²%2.")
                          .arg(100 * g.captured, 0, 'f', 1)
                          .arg(g.samples.rows() ? tr("; %1 samples drawn").arg(g.samples.rows()) : QString()));
}

void CheckpointPanel::refreshSummary() {
  if (!net_ || !analysis_) return;
  const int K = analysis_->K;
  auto num = [](const std::optional<double>& v) { return v ? QString::number(*v, 'f', 4) : QStringLiteral("—"); };
  QString text = tr("<b>%1</b> (%2)<br>classifier <b>%3</b>: K = %4, p = %5<br>minority cos <b>%6</b>, majority cos %7, "
                    "fitted E<sub>W</sub> = %8")
                     .arg(QFileInfo(net_->path).fileName(), QString::fromStdString(net_->checkpoint().format()),
                          net_->classifier)
                     .arg(K)
                     .arg(analysis_->p)
                     .arg(num(analysis_->minorityCos), num(analysis_->majorityCos))
                     .arg(analysis_->EWfit, 0, 'g', 4);
  if (const auto R = networkR()) text += tr(", R = %1 (class counts)").arg(*R, 0, 'g', 4);
  if (net_->features)
    text += tr("<br>fitted E<sub>H</sub> = %1; NC1 %2, NC2 %3 / %4, NC3 %5, NC4 %6")
                .arg(net_->features->EHfit, 0, 'g', 4)
                .arg(net_->features->nc1, 0, 'g', 3)
                .arg(net_->features->nc2Equinorm, 0, 'g', 3)
                .arg(net_->features->nc2Equiangular, 0, 'g', 3)
                .arg(net_->features->nc3, 0, 'g', 3)
                .arg(net_->features->nc4, 0, 'g', 3);
  const auto& mp = model_->params();
  auto clampNote = [&](const char* name, double used) {
    const auto& spec = parameter(name);
    return tr("<br><i>The explorer's %1 range is %2–%3: the model uses %4.</i>")
        .arg(QString::fromStdString(spec.label))
        .arg(spec.explorerMin)
        .arg(spec.explorerMax)
        .arg(used, 0, 'g', 4);
  };
  if (std::abs(mp.EW - analysis_->EWfit) > 1e-9 * analysis_->EWfit) text += clampNote("EW", mp.EW);
  if (net_->features && std::abs(mp.EH - net_->features->EHfit) > 1e-9 * net_->features->EHfit)
    text += clampNote("EH", mp.EH);
  if (modelDistance_)
    text += tr("<br>distance to the model's classifiers (Procrustes, relative): <b>%1</b>").arg(*modelDistance_, 0, 'f', 3);
  if (!net_->featureNote.isEmpty()) text += "<br><span style='color:#b2182b'>" + net_->featureNote.toHtmlEscaped() + "</span>";
  for (const auto& w : net_->checkpoint().warnings())
    text += "<br><span style='color:#b2182b'>⚠ " + QString::fromStdString(w).toHtmlEscaped() + "</span>";
  summary_->setText(text);
}

void CheckpointPanel::reanalyse() {
  const Eigen::MatrixXd& W = net_->data.W;
  analysis_ = io::analyseClassifier(W, net_->classifier.toStdString(), -1, minority_);
  heatmap_->setMatrix(analysis_->cos, analysis_->minority);
  bars_->setNorms(analysis_->norms, analysis_->minority);
  fillClassTable();
  const bool withFeatures = net_->features && net_->data.features && net_->data.labels;
  embedding_ = embedNetwork(W, withFeatures ? net_->data.features.get() : nullptr, withFeatures ? net_->data.labels.get() : nullptr);
  modelDistance_.reset();
  pinButton_->setEnabled(analysis_->minorityCos.has_value());
  // The model at the network's setting (one rule for the window and `lpm figure --checkpoint`).
  if (const auto p = io::modelParamsFor(*analysis_, net_->features ? &*net_->features : nullptr, networkR(), model_->params())) {
    model_->endInteraction();
    model_->setParams(*p, "network");
    model_->endInteraction();
  }
  refreshSummary();
  showNetworkScene();
  const std::optional<double> R = networkR() ? networkR() : std::optional<double>(model_->params().R);
  emit networkPoint(R, analysis_->minorityCos);
  emit networkChanged();
}

}  // namespace lpm::ui
