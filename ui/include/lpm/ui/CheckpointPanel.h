#pragma once
// "Trained network": open a checkpoint (in the background, with progress), browse its tensors,
// mark minority classes, load labels and features, see the classifier's cosine heatmap, row
// norms, its own 3D picture with the feature cloud, and compare with the model: the network's
// minority cosine becomes a marker on the cosine-vs-R plot, the model is set to the fitted EW
// (and EH with features) at the network's K, KA and R, and the main 3D view can overlay the
// network's classifiers on the model's (MainWindow draws that from embedding()/modelOrder()).
#include <QImage>
#include <QWidget>

#include <memory>
#include <optional>

#include "lpm/Geometry.h"
#include "lpm/Session.h"
#include "lpm/io/Analysis.h"
#include "lpm/io/Network.h"

class QTreeWidget;
class QTableWidget;
class QTabWidget;
class QSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace lpm::ui {

class ExplorerModel;
class SceneView;

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
  bool event(QEvent* e) override;  // tooltips: the cosine under the pointer

private:
  Eigen::MatrixXd cos_;
  std::vector<int> minority_;
  QImage picture_;  ///< one pixel per entry, scaled when painted (K = 1000 stays cheap)
  QRectF grid() const;
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

/// What a background load produces (io::loadNetwork), plus what the user changed since.
struct LoadedNetwork {
  QString path, featuresPath, labelsPath;
  bool unsafeAllowed = false;  ///< opened although its pickle names code-running globals
  QString classifier;
  io::NetworkData data;  ///< checkpoint, classifier matrix, labels, features
  std::optional<std::vector<int>> labelCounts;  ///< from the labels, or typed in
  std::optional<io::FeatureAnalysis> features;  ///< of the current classifier
  QString featureNote;  ///< why loaded features are not used (shape mismatch), if so
  const io::Checkpoint& checkpoint() const { return *data.checkpoint; }
};

class CheckpointPanel : public QWidget {
  Q_OBJECT
public:
  CheckpointPanel(ExplorerModel* model, QWidget* parent = nullptr);

  struct OpenRequest {
    QString path, featuresPath, labelsPath;
    bool allowUnsafeGlobals = false;
  };
  /// Opens in the background; `finished(ok, message, unsafeGlobal)` tells the outcome. A refused
  /// file leaves everything as it was. `unsafeGlobal` names the code-running global that made
  /// the refusal, so the window can offer to open the file anyway (tensors only, nothing run).
  void openFile(const OpenRequest& request);
  void openFile(const QString& path) { openFile(OpenRequest{path, {}, {}, false}); }
  /// Synchronous variant (scripted use, tests). Returns false with the reason.
  bool openNow(const OpenRequest& request, QString* error);
  bool openNow(const QString& path, QString* error, const QString& featuresPath = {}, const QString& labelsPath = {}) {
    return openNow(OpenRequest{path, featuresPath, labelsPath, false}, error);
  }
  /// Re-opens the current checkpoint with these labels / features (background).
  void loadLabels(const QString& labelsPath);
  void loadFeatures(const QString& featuresPath);
  bool loading() const { return loading_; }
  /// The newest open request (what "Open Anyway" repeats).
  const OpenRequest& lastRequest() const { return lastRequest_; }

  bool setClassifier(const QString& tensor, QString* error = nullptr);
  void setMajorityCount(int KA);
  void setMinority(const std::vector<int>& minority);
  /// Class sizes typed by the user (or from a labels file): they give the imbalance ratio.
  bool setClassCounts(const std::vector<int>& counts, QString* error = nullptr);

  const LoadedNetwork* network() const { return net_ ? &*net_ : nullptr; }
  const std::optional<io::ClassifierAnalysis>& analysis() const { return analysis_; }
  /// The network scaled like a solution (classifiers, centred class means, sample subset).
  const std::optional<NetworkEmbedding>& embedding() const { return embedding_; }
  /// Model class k (majority first, then minority, as the model orders them) -> network class.
  std::vector<int> modelOrder() const;
  /// The network's imbalance ratio: largest / smallest class count (labels), else none.
  std::optional<double> networkR() const;
  /// Shown in the summary: how far the network is from the model's solution (MainWindow).
  void setModelDistance(std::optional<double> d);

  CosineHeatmap* heatmap() const { return heatmap_; }
  QTreeWidget* tensorTree() const { return tree_; }
  QTableWidget* classTable() const { return classes_; }
  SceneView* networkScene() const { return scene_; }
  QString summaryText() const;
  /// Networks kept on the plot (Figure 2 for one's own networks: trained at several R).
  const std::vector<PinnedNetwork>& pinned() const { return pinned_; }
  /// Keeps the current network's point; false without one.
  bool pinCurrent();
  void setPinned(const std::vector<PinnedNetwork>& pins);

  /// "classifier", "classes", "3d" or "tensors"; false for another name.
  bool showTab(const QString& name);
  /// The tabs showTab() takes, in order.
  static const QStringList& tabNames();

signals:
  void finished(bool ok, const QString& message, const QString& unsafeGlobal);
  /// The network's point for the cosine-vs-R plot changed (nullopt: none).
  void networkPoint(std::optional<double> R, std::optional<double> minorityCos);
  /// The classifier, roles or features changed: overlays must be redrawn.
  void networkChanged();
  void pinnedChanged();

private:
  void install(LoadedNetwork net);
  /// Minority = the classes of the smallest count (with counts), else the second half.
  void defaultRoles(int K);
  void reanalyse();
  void fillClassTable();
  void showNetworkScene();
  void refreshSummary();
  ExplorerModel* model_;
  QLabel* summary_;
  QProgressBar* progress_;
  QPushButton *labelsButton_, *featuresButton_;
  QSpinBox* majority_;
  QTabWidget* tabs_;
  QTreeWidget* tree_;
  QTableWidget* classes_;
  CosineHeatmap* heatmap_;
  NormBars* bars_;
  SceneView* scene_;
  QLabel* sceneNote_;
  std::optional<LoadedNetwork> net_;
  std::optional<io::ClassifierAnalysis> analysis_;
  std::optional<NetworkEmbedding> embedding_;
  std::optional<double> modelDistance_;
  std::vector<int> minority_;
  bool explicitMinority_ = false;
  bool loading_ = false;
  bool fillingTable_ = false;
  OpenRequest lastRequest_;
  std::vector<PinnedNetwork> pinned_;
  QPushButton *pinButton_, *clearPinsButton_;
};

}  // namespace lpm::ui
