#pragma once
// "Trained network": open a checkpoint (in the background), browse its tensors, mark minority
// classes, see the classifier's cosine heatmap and row norms, and compare with the model: the
// network's minority cosine becomes a marker on the cosine-vs-R plot, the model is set to the
// fitted EW (and EH with features) at the network's K, KA and R.
#include <QWidget>

#include <memory>
#include <optional>

#include "lpm/io/Analysis.h"

class QTreeWidget;
class QSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace lpm::ui {

class ExplorerModel;

/// K x K cosines as colours (blue -1, white 0, red +1) with a colour bar.
class CosineHeatmap : public QWidget {
  Q_OBJECT
public:
  explicit CosineHeatmap(QWidget* parent = nullptr);
  void setMatrix(const Eigen::MatrixXd& cos, const std::vector<int>& minority);
  const Eigen::MatrixXd& matrix() const { return cos_; }
  static QColor colourOf(double c);
  QSize sizeHint() const override { return {260, 220}; }

protected:
  void paintEvent(QPaintEvent*) override;

private:
  Eigen::MatrixXd cos_;
  std::vector<int> minority_;
};

/// Row norms of the classifier as bars, coloured by role.
class NormBars : public QWidget {
  Q_OBJECT
public:
  explicit NormBars(QWidget* parent = nullptr);
  void setNorms(const Eigen::VectorXd& norms, const std::vector<int>& minority);
  QSize sizeHint() const override { return {260, 110}; }

protected:
  void paintEvent(QPaintEvent*) override;

private:
  Eigen::VectorXd norms_;
  std::vector<int> minority_;
};

struct LoadedNetwork {
  QString path;
  std::shared_ptr<io::Checkpoint> checkpoint;
  QString classifier;
  std::optional<std::vector<int>> labelCounts;  ///< from a labels file
  std::optional<io::FeatureAnalysis> features;
};

class CheckpointPanel : public QWidget {
  Q_OBJECT
public:
  CheckpointPanel(ExplorerModel* model, QWidget* parent = nullptr);

  /// Opens in the background; `finished(ok, message)` tells the outcome. A refused file leaves
  /// everything as it was.
  void openFile(const QString& path, const QString& featuresPath = {}, const QString& labelsPath = {});
  /// Synchronous variant (scripted use, tests). Returns false with the reason.
  bool openNow(const QString& path, QString* error, const QString& featuresPath = {}, const QString& labelsPath = {});
  bool setClassifier(const QString& tensor, QString* error = nullptr);
  void setMajorityCount(int KA);
  void setMinority(const std::vector<int>& minority);

  const LoadedNetwork* network() const { return net_ ? &*net_ : nullptr; }
  const std::optional<io::ClassifierAnalysis>& analysis() const { return analysis_; }
  /// The network's imbalance ratio: largest / smallest class count (labels), else the model's R.
  std::optional<double> networkR() const;
  CosineHeatmap* heatmap() const { return heatmap_; }
  QTreeWidget* tensorTree() const { return tree_; }

signals:
  void finished(bool ok, const QString& message);
  /// The network's point for the cosine-vs-R plot changed (nullopt: none).
  void networkPoint(std::optional<double> R, std::optional<double> minorityCos);

private:
  void install(LoadedNetwork net);
  void reanalyse();
  ExplorerModel* model_;
  QTreeWidget* tree_;
  QSpinBox* majority_;
  QLabel* summary_;
  CosineHeatmap* heatmap_;
  NormBars* bars_;
  std::optional<LoadedNetwork> net_;
  std::optional<io::ClassifierAnalysis> analysis_;
  std::vector<int> minority_;
  bool explicitMinority_ = false;
};

}  // namespace lpm::ui
