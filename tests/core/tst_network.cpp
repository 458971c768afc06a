// io::NetworkComparison: the one place the window, `lpm inspect` and `lpm figure --checkpoint`
// take their comparison rules from. Roles, counts, fitted parameters, the overlay distance, and
// labels and features added without reading the checkpoint again. Label core (runs under ASan).
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <random>

#include "lpm/Metrics.h"
#include "lpm/Parameters.h"
#include "lpm/io/Network.h"

using namespace lpm;
using namespace lpm::io;

namespace {
std::string fixture(const char* f) { return std::string(LPM_TEST_DATA_DIR "/checkpoints/") + f; }

// A float64 C-order .npy (format 1.0), as numpy.save writes it.
void writeNpy(const std::string& path, const Eigen::MatrixXd& M) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(M.rows()) + ", " +
                       std::to_string(M.cols()) + "), }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const char len[2] = {static_cast<char>(header.size() & 0xff), static_cast<char>(header.size() >> 8)};
  out.write(len, 2);
  out << header;
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> R = M;
  out.write(reinterpret_cast<const char*>(R.data()), static_cast<std::streamsize>(R.size() * sizeof(double)));
}

NetworkRequest req(const std::string& path, const std::string& features = "", const std::string& labels = "") {
  NetworkRequest r;
  r.path = path;
  r.features = features;
  r.labels = labels;
  return r;
}

TwoSizeParams base() {
  TwoSizeParams p;
  p.KA = 5, p.KB = 5, p.EW = 1, p.EH = 5, p.R = 7;
  return p;
}
}  // namespace

class TestNetwork : public QObject {
  Q_OBJECT
private slots:
  void rolesFollowTheCountsUntilChosen() {
    auto n = NetworkComparison::open(req(fixture("state_dict.pt")));
    QCOMPARE(n.K(), 5);
    QCOMPARE(n.classifier(), std::string("fc.weight"));
    // No counts: the second half is the minority; the model at the network's setting.
    QCOMPARE(n.minority(), (std::vector<int>{3, 4}));
    QVERIFY(!n.explicitRoles() && !n.counts() && !n.imbalanceRatio());
    auto p = n.modelParams(base());
    QVERIFY(p);
    QCOMPARE(p->KA, 3);
    QCOMPARE(p->KB, 2);
    QCOMPARE(p->R, 7.0);  // no counts: the base's R
    QCOMPARE(p->EW, clampToExplorer("EW", n.analysis().EWfit));
    QCOMPARE(p->EH, 5.0);
    QCOMPARE(n.modelOrder(), (std::vector<int>{0, 1, 2, 3, 4}));

    // Typed counts: R and the minority (the smallest classes) follow them.
    n.setClassCounts({4, 100, 100, 4, 4});
    QCOMPARE(*n.imbalanceRatio(), 25.0);
    QCOMPARE(n.minority(), (std::vector<int>{0, 3, 4}));
    QCOMPARE(n.modelOrder(), (std::vector<int>{1, 2, 0, 3, 4}));
    QCOMPARE(n.modelParams(base())->R, 25.0);
    QCOMPARE(n.modelParams(base())->KB, 3);

    // Chosen roles stay through new counts.
    n.setMajorityCount(2);
    QVERIFY(n.explicitRoles());
    QCOMPARE(n.minority(), (std::vector<int>{2, 3, 4}));
    n.setClassCounts({50, 50, 10, 10, 10});
    QCOMPARE(n.minority(), (std::vector<int>{2, 3, 4}));
    QCOMPARE(*n.imbalanceRatio(), 5.0);

    // The model's KB moving (an undo, a slider): the KB smallest classes, later ones first.
    n.setMinorityCount(1);
    QCOMPARE(n.minority(), (std::vector<int>{4}));
    n.setMinorityCount(4);
    QCOMPARE(n.minority(), (std::vector<int>{1, 2, 3, 4}));

    // Bad edits are refused with the reason and change nothing.
    const auto before = n.minority();
    QVERIFY_THROWS_EXCEPTION(InvalidInput, n.setMinority({1, 9}));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, n.setMajorityCount(0));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, n.setMajorityCount(5));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, n.setMinorityCount(5));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, n.setClassCounts({1, 2, 3}));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, n.setClassCounts({1, 2, 3, 0, 5}));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, n.setClassifier("no.such.tensor"));
    QCOMPARE(n.minority(), before);
    QCOMPARE(*n.imbalanceRatio(), 5.0);
    // Every class a minority (or none): no two-size model.
    n.setMinority({});
    QVERIFY(!n.modelParams(base()));
  }

  void labelsAndFeaturesWithoutRereading() {
    auto n = NetworkComparison::open(req(fixture("state_dict.pt")));
    const auto checkpoint = n.sharedCheckpoint();
    n.setLabels(readLabelsFile(fixture("labels.npy"), n.K()));
    QVERIFY(n.sharedCheckpoint() == checkpoint);  // the same object: not read again
    QCOMPARE(*n.counts(), (std::vector<int>{40, 40, 40, 8, 8}));
    QCOMPARE(*n.imbalanceRatio(), 5.0);
    QCOMPARE(n.minority(), (std::vector<int>{3, 4}));
    QCOMPARE(n.request().labels, fixture("labels.npy"));

    n.setFeatures(readFeaturesFile(fixture("features.npy"), n.K()));
    QVERIFY(n.sharedCheckpoint() == checkpoint);
    QVERIFY(n.featureAnalysis());
    QCOMPARE(n.embedding().M.rows(), 5);
    QVERIFY(n.embedding().samples.rows() > 0);
    // The same numbers as opening everything at once.
    const auto all = NetworkComparison::open(req(fixture("state_dict.pt"), fixture("features.npy"), fixture("labels.npy")));
    QCOMPARE(n.featureAnalysis()->EHfit, all.featureAnalysis()->EHfit);
    QCOMPARE(n.featureAnalysis()->nc1, all.featureAnalysis()->nc1);
    // Random features the head predicts none of (mismatch said): their EH is not the model's.
    QVERIFY(!n.featureAnalysis()->mismatch.empty());
    QCOMPARE(n.modelParams(base())->EH, base().EH);
    QCOMPARE(n.modelParams(base())->R, 5.0);

    // An .npz with features and labels together; features alone need labels.
    auto m = NetworkComparison::open(req(fixture("state_dict.pt")));
    const auto npz = readFeaturesFile(fixture("arrays.npz"), m.K());
    QVERIFY(npz.labels && npz.features);
    m.setFeatures(npz);
    QCOMPARE(*m.counts(), (std::vector<int>{40, 40, 40, 8, 8}));
    auto bare = NetworkComparison::open(req(fixture("state_dict.pt")));
    QVERIFY_THROWS_EXCEPTION(CheckpointError, bare.setFeatures(readFeaturesFile(fixture("features.npy"), bare.K())));
    QVERIFY(!bare.featureAnalysis());

    // Another classifier of another width: the features are set aside with a note.
    n.setClassifier("features.weight");
    QVERIFY(n.sharedCheckpoint() == checkpoint);
    QVERIFY(!n.featureAnalysis());
    QVERIFY(n.note().find("do not fit") != std::string::npos);
  }

  void featuresAndLabelsAreNoNetwork() {
    // An .npz of features and labels opened as the network: said, not its N x p features taken
    // for a classifier of N classes (`lpm inspect features.npz` printed K = 1100).
    for (const char* f : {"arrays.npz", "arrays_compressed.npz"}) {
      try {
        NetworkComparison::open(req(fixture(f)));
        QFAIL("features and labels were opened as a network");
      } catch (const CheckpointError& e) {
        QVERIFY2(QString(e.what()).contains("holds features and labels, not a network"), e.what());
      }
    }
  }

  void droppedFilesAreReadForTheirRole() {
    const auto n = NetworkComparison::open(req(fixture("state_dict.pt")));
    QCOMPARE(readDroppedFile(fixture("labels.npy"), n.K(), n.p()).role, ArrayFileRole::Labels);
    QVERIFY(readDroppedFile(fixture("labels.npy"), n.K(), n.p()).labels);
    const auto f = readDroppedFile(fixture("features.npy"), n.K(), n.p());
    QCOMPARE(f.role, ArrayFileRole::Features);
    QCOMPARE(f.features->rows(), 136);
    QCOMPARE(readDroppedFile(fixture("arrays_compressed.npz"), n.K(), n.p()).role, ArrayFileRole::FeaturesWithLabels);
    // Not an array file: not opened at all; a broken array file: left to the checkpoint reader.
    QCOMPARE(readDroppedFile(fixture("legacy.pt"), n.K(), n.p()).role, ArrayFileRole::Checkpoint);
    QCOMPARE(readDroppedFile(fixture("random.bin"), n.K(), n.p()).role, ArrayFileRole::Checkpoint);
    QCOMPARE(readDroppedFile(fixture("object.npy"), n.K(), n.p()).role, ArrayFileRole::Checkpoint);
  }

  void overlayDistanceIsZeroOnTheModel() {
    // The model's own classifiers (K = 5, collapsed at R = 40), hidden in R^12 by an isometry.
    TwoSizeParams p;
    p.KA = 3, p.KB = 2, p.EW = 1, p.EH = 5, p.R = 40;
    const Solution s = solve(makeTwoSize(p));
    GeometryTracker tracker;
    const Geometry3D g = tracker.update(s);
    const Eigen::MatrixXd W = s.vectors().W;
    std::mt19937 rng(3);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd M(12, 12);
    for (Eigen::Index i = 0; i < M.size(); ++i) M.data()[i] = normal(rng);
    const Eigen::MatrixXd Q = Eigen::MatrixXd(Eigen::HouseholderQR<Eigen::MatrixXd>(M).householderQ()).topRows(5);
    QTemporaryDir dir;
    const std::string file = dir.filePath("model.npy").toStdString();
    writeNpy(file, 0.7 * W * Q);
    auto n = NetworkComparison::open(req(file));
    n.setMajorityCount(3);
    const auto o = n.overlay(s, g);
    QVERIFY(o);
    QVERIFY2(o->distance < 1e-6, qPrintable(QString::number(o->distance)));
    QVERIFY(std::abs(*n.analysis().minorityCos - *computeMetrics(s).minorityCos()) < 1e-6);
    // The same network with other roles is measurably away; another K has no overlay.
    n.setMinority({0, 1});
    QVERIFY(n.overlay(s, g)->distance > 1e-3);
    TwoSizeParams q = p;
    q.KA = 4;
    QVERIFY(!n.overlay(solve(makeTwoSize(q)), g));
    // Its point for the plot needs a known R: none without labels or counts.
    QVERIFY(!n.pin());
  }

  void tensorStatisticsHoldAtAnyScale() {
    // A large mean over a small spread (E[x^2] - mean^2 would lose every digit), magnitudes whose
    // squares overflow, and a tensor with no finite value at all.
    QTemporaryDir dir;
    auto summary = [&](const Eigen::MatrixXd& M) {
      const std::string file = dir.filePath("t.npy").toStdString();
      writeNpy(file, M);
      const Checkpoint c = Checkpoint::open(file);
      return summarizeTensor(c, c.tensors().front().name);
    };
    Eigen::MatrixXd M(40, 25);
    for (Eigen::Index i = 0; i < M.size(); ++i) M.data()[i] = 1e9 + 1e-3 * double(i % 7);
    long double mean = 0, ss = 0;
    for (Eigen::Index i = 0; i < M.size(); ++i) mean += M.data()[i];
    mean /= M.size();
    for (Eigen::Index i = 0; i < M.size(); ++i) ss += (M.data()[i] - mean) * (M.data()[i] - mean);
    const double stdRef = double(std::sqrt(ss / M.size()));
    const TensorSummary s = summary(M);
    QVERIFY2(std::abs(s.std - stdRef) < 1e-6 * stdRef, qPrintable(QString("%1 vs %2").arg(s.std).arg(stdRef)));
    QVERIFY(std::abs(s.mean - double(mean)) < 1e-6);
    const TensorSummary big = summary(Eigen::MatrixXd::Constant(3, 4, 1e200));
    QVERIFY2(std::abs(big.norm / (1e200 * std::sqrt(12.0)) - 1) < 1e-12, qPrintable(QString::number(big.norm)));
    QCOMPARE(big.std, 0.0);
    const TensorSummary none = summary(Eigen::MatrixXd::Constant(2, 3, std::nan("")));
    QCOMPARE(none.finite, int64_t(0));
    QCOMPARE(none.nonFinite, int64_t(6));
  }

  void cancelledOpenThrows() {
    const CancelToken cancel = CancelToken::make();
    cancel.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, NetworkComparison::open(req(fixture("state_dict.pt")), nullptr, cancel));
    QVERIFY_THROWS_EXCEPTION(CheckpointError, NetworkComparison::open(req(fixture("evil_os_system.pt"))));
    QVERIFY_THROWS_EXCEPTION(UnsafeGlobalsError, NetworkComparison::open(req(fixture("evil_os_system.pt"))));
  }
};

QTEST_APPLESS_MAIN(TestNetwork)

#include "tst_network.moc"
