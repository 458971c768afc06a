#pragma once
// "Trained network": the document's network (core io::NetworkComparison) shown: its tensors,
// minority classes, labels and features, the classifier's cosine heatmap, row norms, its own 3D
// picture with the feature cloud, and how far it is from the model. Opening, roles and the link
// to the model are the document's (ui/Document.h); this panel only shows and forwards.
#include <QImage>
#include <QWidget>

#include <memory>
#include <optional>

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

class Document;
class SceneView;

/// K x K cosines as colours (blue -1, white 0, red +1) with a colour bar.
class CosineHeatmap : public QWidget {
  Q_OBJECT
public:
  explicit CosineHeatmap(QWidget* parent = nullptr);
  /// `binLabels` (one per row): the matrix is binned, cell (a, b) the mean cosine between bins a
  /// and b, which the tooltip names by their labels (ClassifierAnalysis::binLabels).
  void setMatrix(const Eigen::MatrixXd& cos, const std::vector<int>& minority,
                 const std::vector<std::string>& binLabels = {});
  const Eigen::MatrixXd& matrix() const { return cos_; }
  /// Where the matrix is drawn (pixels): right of the row indices, below the column indices.
  QRectF matrixRect() const { return grid(); }
  /// Blue - neutral - red; the neutral is the dark theme's grey on a dark window (white cells
  /// glared there), near-white otherwise.
  static QColor colourOf(double c, bool dark = false);
  QSize sizeHint() const override { return {260, 220}; }

protected:
  void paintEvent(QPaintEvent*) override;
  bool event(QEvent* e) override;  // tooltips: the cosine under the pointer

private:
  Eigen::MatrixXd cos_;
  std::vector<int> minority_;
  std::vector<std::string> binLabels_;
  QImage picture_;  ///< one pixel per entry, scaled when painted (K = 1000 stays cheap)
  QRectF grid() const;  ///< the matrix's square, right of the row indices and below the column ones
  QFont indexFont() const;
  void drawPicture();  ///< picture_ from cos_ in the palette's theme
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

/// A view of the document's network: it redraws when the document says the network (or the
/// model, or the overlay) changed, and hands every edit back to the document.
class CheckpointPanel : public QWidget {
  Q_OBJECT
public:
  CheckpointPanel(Document* doc, QWidget* parent = nullptr);

  CosineHeatmap* heatmap() const { return heatmap_; }
  NormBars* normBars() const { return bars_; }
  QTreeWidget* tensorTree() const { return tree_; }
  QTableWidget* classTable() const { return classes_; }
  SceneView* networkScene() const { return scene_; }
  QString summaryText() const;
  /// The Tensors tab's inspector: what it shows of the tensor clicked last, and its button.
  QString tensorInfoText() const;
  QPushButton* useAsClassifierButton() const { return useTensor_; }

  /// "classifier", "classes", "3d" or "tensors"; false for another name.
  bool showTab(const QString& name);
  /// The tabs showTab() takes, in order.
  static const QStringList& tabNames();

private:
  void refresh();
  void fillClassTable();
  void showNetworkScene();
  void refreshSummary();
  void inspectTensor(const QString& name);
  void showTensorSummary(const io::TensorSummary& s, bool isClassifier);
  QLabel *tensorInfo_, *tensorPicture_;
  QPushButton* useTensor_;
  quint64 inspectGeneration_ = 0;
  /// What the tensor pane shows (inspectTensor reads it once).
  struct Inspected {
    std::shared_ptr<const io::Checkpoint> checkpoint;
    QString name;
    bool isClassifier = false;
    bool operator==(const Inspected& o) const {
      return checkpoint == o.checkpoint && name == o.name && isClassifier == o.isClassifier;
    }
  };
  Inspected inspected_;
  /// A refused edit, said in the summary until the next change.
  void showProblem(const QString& text);
  Document* doc_;
  QLabel* summary_;
  QProgressBar* progress_;
  QPushButton *labelsButton_, *countsButton_, *featuresButton_;
  QSpinBox* majority_;
  QTabWidget* tabs_;
  QTreeWidget* tree_;
  QTableWidget* classes_;
  CosineHeatmap* heatmap_;
  NormBars* bars_;
  SceneView* scene_;
  QLabel* sceneNote_;
  QPushButton *pinButton_, *clearPinsButton_;
  std::shared_ptr<const io::Checkpoint> shownCheckpoint_;
  QString problem_;
  bool refreshing_ = false;
};

}  // namespace lpm::ui
