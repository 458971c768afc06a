#include "lpm/ui/CheckpointPanel.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

#include "lpm/ui/ExplorerModel.h"

namespace lpm::ui {
namespace {

// Reads the checkpoint, detects the classifier, reads labels/features: all off the UI thread.
LoadedNetwork load(const QString& path, const QString& featuresPath, const QString& labelsPath) {
  LoadedNetwork net;
  net.path = path;
  net.checkpoint = std::make_shared<io::Checkpoint>(io::Checkpoint::open(path.toStdString()));
  const auto name = io::detectClassifier(*net.checkpoint);
  if (!name) throw io::CheckpointError("no 2-D classifier weight found in " + path.toStdString());
  net.classifier = QString::fromStdString(*name);
  if (!labelsPath.isEmpty()) {
    const auto L = io::Checkpoint::open(labelsPath.toStdString());
    const auto v = L.values(L.tensors().front().name);
    const Eigen::MatrixXd W = net.checkpoint->matrix(*name);
    std::vector<int> counts(W.rows(), 0), labels;
    for (double x : v) {
      if (x < 0 || x >= W.rows() || x != std::floor(x)) throw io::CheckpointError("labels must be integers in 0..K-1");
      ++counts[static_cast<size_t>(x)];
      labels.push_back(static_cast<int>(x));
    }
    net.labelCounts = counts;
    if (!featuresPath.isEmpty()) {
      const auto F = io::Checkpoint::open(featuresPath.toStdString());
      const Eigen::MatrixXd H = F.matrix(F.tensors().front().name);
      net.features = io::analyseFeatures(H, labels, W);
    }
  }
  return net;
}

}  // namespace

CosineHeatmap::CosineHeatmap(QWidget* parent) : QWidget(parent) { setMinimumSize(160, 140); }

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
  update();
}

void CosineHeatmap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  const int K = static_cast<int>(cos_.rows());
  if (K == 0) {
    p.drawText(rect(), Qt::AlignCenter, tr("no classifier"));
    return;
  }
  const int bar = 46, side = std::min(width() - bar - 8, height() - 8);
  const double cell = double(side) / K;
  for (int i = 0; i < K; ++i)
    for (int j = 0; j < K; ++j)
      p.fillRect(QRectF(4 + j * cell, 4 + i * cell, cell + 0.5, cell + 0.5), colourOf(cos_(i, j)));
  // Minority rows/columns outlined.
  p.setPen(QPen(QColor(213, 94, 0), 2));
  for (int k : minority_) p.drawRect(QRectF(4 + k * cell, 4 + k * cell, cell, cell));
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

CheckpointPanel::CheckpointPanel(ExplorerModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  auto* layout = new QVBoxLayout(this);
  summary_ = new QLabel(tr("Open a checkpoint (File > Open Checkpoint, or drop it on the window) to compare a trained "
                           "network with the model."), this);
  summary_->setWordWrap(true);
  layout->addWidget(summary_);
  tree_ = new QTreeWidget(this);
  tree_->setObjectName("TensorTree");
  tree_->setHeaderLabels({tr("tensor"), tr("dtype"), tr("shape")});
  tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  tree_->setRootIsDecorated(false);
  tree_->setToolTip(tr("Pick the classifier: any 2-D float tensor whose rows are classes"));
  layout->addWidget(tree_, 1);
  auto* roles = new QGridLayout;
  roles->addWidget(new QLabel(tr("Majority classes (first KA)"), this), 0, 0);
  majority_ = new QSpinBox(this);
  majority_->setRange(1, 1);
  majority_->setObjectName("NetworkKA");
  roles->addWidget(majority_, 0, 1);
  layout->addLayout(roles);
  heatmap_ = new CosineHeatmap(this);
  bars_ = new NormBars(this);
  layout->addWidget(heatmap_, 2);
  layout->addWidget(bars_, 1);

  connect(tree_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    if (item && item->text(0) != (net_ ? net_->classifier : QString())) setClassifier(item->text(0));
  });
  connect(majority_, &QSpinBox::valueChanged, this, [this](int v) {
    explicitMinority_ = false;
    setMajorityCount(v);
  });
}

void CheckpointPanel::openFile(const QString& path, const QString& featuresPath, const QString& labelsPath) {
  // The reason travels as text: QtConcurrent would turn a std::exception into one without a message.
  using Outcome = std::pair<std::optional<LoadedNetwork>, QString>;
  auto* watcher = new QFutureWatcher<Outcome>(this);
  summary_->setText(tr("Reading %1…").arg(QFileInfo(path).fileName()));
  connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, path] {
    watcher->deleteLater();
    Outcome out = watcher->result();
    QString error = out.second;
    if (out.first) {
      try {
        install(std::move(*out.first));
        emit finished(true, QString());
        return;
      } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
      }
    }
    summary_->setText(net_ ? tr("Still showing %1.").arg(QFileInfo(net_->path).fileName()) : QString());
    emit finished(false, tr("%1 was not opened: %2").arg(QFileInfo(path).fileName(), error));
  });
  watcher->setFuture(QtConcurrent::run([=]() -> Outcome {
    try {
      return {load(path, featuresPath, labelsPath), QString()};
    } catch (const std::exception& e) {
      return {std::nullopt, QString::fromUtf8(e.what())};
    }
  }));
}

bool CheckpointPanel::openNow(const QString& path, QString* error, const QString& featuresPath, const QString& labelsPath) {
  try {
    install(load(path, featuresPath, labelsPath));
    return true;
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
}

void CheckpointPanel::install(LoadedNetwork net) {
  net_ = std::move(net);
  tree_->blockSignals(true);
  tree_->clear();
  QTreeWidgetItem* selected = nullptr;
  for (const auto& t : net_->checkpoint->tensors()) {
    QStringList shape;
    for (auto s : t.shape) shape << QString::number(s);
    auto* item = new QTreeWidgetItem(tree_, {QString::fromStdString(t.name), QString::fromStdString(io::dtypeName(t.dtype)),
                                             "[" + shape.join(", ") + "]"});
    if (t.shape.size() != 2) item->setFlags(item->flags() & ~Qt::ItemIsSelectable);
    if (item->text(0) == net_->classifier) selected = item;
  }
  if (selected) tree_->setCurrentItem(selected);
  tree_->blockSignals(false);
  const auto* info = net_->checkpoint->find(net_->classifier.toStdString());
  const int K = static_cast<int>(info->shape[0]);
  majority_->blockSignals(true);
  majority_->setRange(1, K - 1);
  if (!explicitMinority_) {
    int KA = K - std::max(1, K / 2);
    if (net_->labelCounts) {  // the classes of the smallest count are the minority
      const int least = *std::min_element(net_->labelCounts->begin(), net_->labelCounts->end());
      KA = static_cast<int>(std::count_if(net_->labelCounts->begin(), net_->labelCounts->end(), [&](int c) { return c != least; }));
      KA = std::clamp(KA, 1, K - 1);
    }
    majority_->setValue(KA);
    minority_.clear();
    for (int k = KA; k < K; ++k) minority_.push_back(k);
  }
  majority_->blockSignals(false);
  reanalyse();
}

bool CheckpointPanel::setClassifier(const QString& tensor, QString* error) {
  if (!net_) return false;
  const auto* t = net_->checkpoint->find(tensor.toStdString());
  if (!t || t->shape.size() != 2 || t->shape[0] < 2) {
    if (error) *error = tr("%1 is not a 2-D tensor with at least 2 rows").arg(tensor);
    return false;
  }
  net_->classifier = tensor;
  explicitMinority_ = false;
  install(*net_);
  return true;
}

void CheckpointPanel::setMajorityCount(int KA) {
  if (!net_) return;
  const int K = static_cast<int>(net_->checkpoint->find(net_->classifier.toStdString())->shape[0]);
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

std::optional<double> CheckpointPanel::networkR() const {
  if (!net_ || !net_->labelCounts) return std::nullopt;
  const auto [lo, hi] = std::minmax_element(net_->labelCounts->begin(), net_->labelCounts->end());
  if (*lo <= 0) return std::nullopt;
  return double(*hi) / *lo;
}

void CheckpointPanel::reanalyse() {
  const Eigen::MatrixXd W = net_->checkpoint->matrix(net_->classifier.toStdString());
  analysis_ = io::analyseClassifier(W, net_->classifier.toStdString(), -1, minority_);
  heatmap_->setMatrix(analysis_->cos, analysis_->minority);
  bars_->setNorms(analysis_->norms, analysis_->minority);
  const int K = analysis_->K, KB = static_cast<int>(analysis_->minority.size());
  auto num = [](const std::optional<double>& v) { return v ? QString::number(*v, 'f', 4) : QStringLiteral("—"); };
  QString text = tr("<b>%1</b> (%2)<br>classifier <b>%3</b>: K = %4, p = %5<br>minority cos %6, majority cos %7, "
                    "fitted E<sub>W</sub> = %8")
                     .arg(QFileInfo(net_->path).fileName(), QString::fromStdString(net_->checkpoint->format()),
                          net_->classifier)
                     .arg(K)
                     .arg(analysis_->p)
                     .arg(num(analysis_->minorityCos), num(analysis_->majorityCos))
                     .arg(analysis_->EWfit, 0, 'g', 4);
  if (net_->features)
    text += tr("<br>fitted E<sub>H</sub> = %1; NC1 %2, NC2 %3 / %4, NC3 %5, NC4 %6")
                .arg(net_->features->EHfit, 0, 'g', 4)
                .arg(net_->features->nc1, 0, 'g', 3)
                .arg(net_->features->nc2Equinorm, 0, 'g', 3)
                .arg(net_->features->nc2Equiangular, 0, 'g', 3)
                .arg(net_->features->nc3, 0, 'g', 3)
                .arg(net_->features->nc4, 0, 'g', 3);
  for (const auto& w : net_->checkpoint->warnings()) text += "<br><span style='color:#b2182b'>" + QString::fromStdString(w) + "</span>";
  summary_->setText(text);

  // The model at the network's setting: K, KA, fitted EW (and EH), R from the labels if known.
  if (KB >= 1 && K - KB >= 1) {
    TwoSizeParams p = model_->params();
    p.KA = K - KB;
    p.KB = KB;
    p.EW = std::clamp(analysis_->EWfit, 0.05, 100.0);
    if (net_->features) p.EH = std::clamp(net_->features->EHfit, 0.05, 100.0);
    if (const auto R = networkR()) p.R = std::clamp(*R, 1.0, 1e5);
    model_->endInteraction();
    model_->setParams(p, "network");
    model_->endInteraction();
  }
  const std::optional<double> R = networkR() ? networkR() : std::optional<double>(model_->params().R);
  emit networkPoint(R, analysis_->minorityCos);
}

}  // namespace lpm::ui
