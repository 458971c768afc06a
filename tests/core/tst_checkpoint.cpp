// Checkpoints written by real PyTorch/NumPy (tests/scripts/make_checkpoints.py): every tensor and
// every analysis number against what torch/numpy read and computed; hostile files refused.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <QTemporaryDir>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "lpm/Session.h"
#include "lpm/io/Analysis.h"
#include "lpm/io/Checkpoint.h"
#include "io/Pickle.h"

using namespace lpm::io;

namespace {
QString dataPath(const QString& f) { return QStringLiteral(LPM_TEST_DATA_DIR "/checkpoints/") + f; }
QJsonObject expected() {
  QFile f(dataPath("expected.json"));
  if (!f.open(QIODevice::ReadOnly)) qFatal("expected.json missing");
  return QJsonDocument::fromJson(f.readAll()).object();
}
double tolerance(const QString& dtype) {
  if (dtype == "float16") return 1e-3;     // values were converted through float32 on both sides
  if (dtype == "bfloat16") return 1e-2;
  return 0.0;                              // float32/float64/ints: exact
}
}  // namespace

class TestCheckpoint : public QObject {
  Q_OBJECT
private slots:
  void everyTensorMatchesTorch_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    for (auto [f, fmt] : {std::pair{"state_dict.pt", "torch-zip"}, {"training.pth", "torch-zip"}, {"legacy.pt", "torch-legacy"},
                          {"script.pt", "torchscript"}, {"whole_model.pt", "torch-zip"}, {"dtypes.pt", "torch-zip"},
                          {"weights.safetensors", "safetensors"}})
      QTest::newRow(f) << QString(f) << QString(fmt);
  }
  void everyTensorMatchesTorch() {
    QFETCH(QString, file);
    QFETCH(QString, format);
    const auto c = Checkpoint::open(dataPath(file).toStdString());
    QCOMPARE(QString::fromStdString(formatName(c.format())), format);
    const auto tensors = expected().value(file).toObject().value("tensors").toObject();
    QVERIFY(!tensors.isEmpty());
    for (auto it = tensors.begin(); it != tensors.end(); ++it) {
      const auto want = it.value().toObject();
      const TensorInfo* t = c.find(it.key().toStdString());
      QVERIFY2(t, qPrintable("missing tensor " + it.key()));
      QCOMPARE(QString::fromStdString(dtypeName(t->dtype)), want.value("dtype").toString());
      const auto shape = want.value("shape").toArray();
      QCOMPARE(t->shape.size(), size_t(shape.size()));
      for (int j = 0; j < shape.size(); ++j) QCOMPARE(t->shape[j], int64_t(shape[j].toInt()));
      const auto values = c.values(t->name);
      const auto ref = want.value("values").toArray();
      QCOMPARE(values.size(), size_t(ref.size()));
      const double tol = tolerance(want.value("dtype").toString());
      for (int k = 0; k < ref.size(); ++k)
        QVERIFY2(std::abs(values[k] - ref[k].toDouble()) <= tol * std::max(1.0, std::abs(ref[k].toDouble())),
                 qPrintable(QString("%1[%2]: %3 vs %4").arg(it.key()).arg(k).arg(values[k]).arg(ref[k].toDouble())));
      // matrix() reads the same bytes its own way (strides applied straight into the matrix).
      if (t->shape.size() == 1 || t->shape.size() == 2) {
        const Eigen::MatrixXd m = c.matrix(t->name);
        const Eigen::Index cols = m.cols();
        for (Eigen::Index k = 0; k < m.size(); ++k)
          QCOMPARE(m(k / cols, k % cols), values[static_cast<size_t>(k)]);
      }
    }
  }

  // Checkpoint::fromBuffer: the same readers over bytes in memory (zip via libzip's buffer
  // source, the others through the same reads), tensor for tensor.
  void fromMemoryMatchesFromFile() {
    for (const char* name : {"state_dict.pt", "legacy.pt", "script.pt", "weights.safetensors", "features.npy",
                             "arrays_compressed.npz"}) {
      QFile f(dataPath(name));
      QVERIFY(f.open(QIODevice::ReadOnly));
      const QByteArray bytes = f.readAll();
      const auto disk = Checkpoint::open(dataPath(name).toStdString());
      const auto mem = Checkpoint::fromBuffer(bytes.toStdString(), name);
      QVERIFY(mem.format() == disk.format());
      QCOMPARE(mem.tensors().size(), disk.tensors().size());
      for (const auto& t : disk.tensors()) QVERIFY2(mem.values(t.name) == disk.values(t.name), name);
      // Truncated bytes are refused, never read past their end.
      auto readAll = [&] {
        const auto c = Checkpoint::fromBuffer(bytes.left(bytes.size() / 2).toStdString(), name);
        for (const auto& t : c.tensors()) (void)c.values(t.name);
      };
      QVERIFY_THROWS_EXCEPTION(CheckpointError, readAll());
    }
  }

  void numpyFiles() {
    const auto f = Checkpoint::open(dataPath("features.npy").toStdString());
    QCOMPARE(f.tensors().front().shape, (std::vector<int64_t>{136, 8}));
    for (const char* npz : {"arrays.npz", "arrays_compressed.npz"}) {
      const auto z = Checkpoint::open(dataPath(npz).toStdString());
      QVERIFY(z.format() == Format::Npz);
      QVERIFY(z.values("features") == f.values("array"));
      QCOMPARE(z.find("labels")->dtype, DType::I64);
    }
    const auto fo = Checkpoint::open(dataPath("fortran.npy").toStdString());
    const auto v = fo.values("array");  // C order of a Fortran-ordered 3 x 4 arange
    for (int i = 0; i < 12; ++i) QCOMPARE(v[i], double(i));
  }

  void classifierAndFeatureAnalysis() {
    const auto a = expected().value("analysis").toObject();
    for (const char* file : {"state_dict.pt", "training.pth", "legacy.pt", "script.pt", "whole_model.pt", "weights.safetensors"}) {
      const auto c = Checkpoint::open(dataPath(file).toStdString());
      const auto name = detectClassifier(c);
      QVERIFY2(name && QString::fromStdString(*name).endsWith("fc.weight"), file);
      const auto an = analyseClassifier(c.matrix(*name), *name, 3, {});
      const auto cos = a.value("cos").toArray();
      for (int i = 0; i < 5; ++i) {
        QVERIFY(std::abs(an.norms(i) - a.value("norms").toArray()[i].toDouble()) < 1e-12);
        for (int j = 0; j < 5; ++j) QVERIFY(std::abs(an.cos(i, j) - cos[i].toArray()[j].toDouble()) < 1e-12);
      }
      QVERIFY(std::abs(*an.minorityCos - a.value("minority_cos").toDouble()) < 1e-12);
      QVERIFY(std::abs(*an.majorityCos - a.value("majority_cos").toDouble()) < 1e-12);
      QVERIFY(std::abs(*an.betweenCos - a.value("between_cos").toDouble()) < 1e-12);
      QVERIFY(std::abs(an.minorityNormCV - a.value("minority_norm_cv").toDouble()) < 1e-12);
      QVERIFY(std::abs(an.EWfit - a.value("EW_fit").toDouble()) < 1e-12);
      QVERIFY(std::abs(an.etfDeviation - a.value("etf_deviation").toDouble()) < 1e-12);
    }
    const auto c = Checkpoint::open(dataPath("state_dict.pt").toStdString());
    const Eigen::MatrixXd H = Checkpoint::open(dataPath("features.npy").toStdString()).matrix("array");
    const auto L = Checkpoint::open(dataPath("labels.npy").toStdString()).values("array");
    const std::vector<int> labels(L.begin(), L.end());
    const Eigen::VectorXd b = c.matrix("fc.bias").col(0);
    const auto f = analyseFeatures(H, labels, c.matrix("fc.weight"), b);
    QVERIFY(std::abs(f.EHfit - a.value("EH_fit").toDouble()) < 1e-9);
    QVERIFY2(std::abs(f.nc1 / a.value("nc1").toDouble() - 1) < 1e-8, qPrintable(QString::number(f.nc1)));
    QVERIFY(std::abs(f.nc2Equinorm - a.value("nc2_equinorm").toDouble()) < 1e-10);
    QVERIFY(std::abs(f.nc2Equiangular - a.value("nc2_equiangular").toDouble()) < 1e-10);
    QVERIFY(std::abs(f.nc3 - a.value("nc3").toDouble()) < 1e-10);
    QCOMPARE(f.nc4, a.value("nc4").toDouble());
  }

  void hostileFilesAreRefused_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("message");
    QTest::newRow("os.system") << "evil_os_system.pt" << "would run code under torch.load(weights_only=False): it calls posix.system";
    QTest::newRow("eval") << "evil_eval.pt" << "it calls builtins.eval";
    QTest::newRow("path traversal") << "traversal.pt" << "path traversal";
    QTest::newRow("truncated") << "truncated.pt" << "not a readable zip archive";
    QTest::newRow("short storage") << "short_storage.pt" << "holds 96 bytes but declares 48 elements";
    QTest::newRow("deep nesting") << "deep_nesting.pt" << "nested deeper than 1000 levels";
    QTest::newRow("offsets past end") << "st_offsets_past_end.safetensors" << "offsets past the end";
    QTest::newRow("absurd header") << "st_absurd_header.safetensors" << "over the 100 MB limit";
    QTest::newRow("10^12 elements") << "st_huge_shape.safetensors" << "does not match its shape";
    QTest::newRow("random bytes") << "random.bin" << "not a recognised checkpoint format";
    QTest::newRow("empty") << "empty.pt" << "empty file";
    QTest::newRow("npy pickle") << "object.npy" << "object arrays hold a pickle";
  }
  void hostileFilesAreRefused() {
    QFETCH(QString, file);
    QFETCH(QString, message);
    try {
      Checkpoint::open(dataPath(file).toStdString());
      QFAIL("opened a hostile file");
    } catch (const CheckpointError& e) {
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
  }

  void shardedCheckpoints_data() {
    QTest::addColumn<QString>("index");
    QTest::newRow("safetensors shards") << "model.safetensors.index.json";
    QTest::newRow("torch .bin shards") << "pytorch_model.bin.index.json";
  }
  void shardedCheckpoints() {
    // Written by tests/scripts/make_scale_checkpoints.py (torch.save for the .bin shards).
    QFETCH(QString, index);
    const auto c = Checkpoint::open(dataPath("sharded/" + index).toStdString());
    QCOMPARE(c.format(), Format::Sharded);
    QCOMPARE(c.shardFiles().size(), size_t(2));
    QFile f(dataPath("sharded/expected.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject want = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(c.tensors().size(), size_t(want.size()));
    for (auto it = want.begin(); it != want.end(); ++it) {
      const auto v = c.values(it.key().toStdString());
      const QJsonArray w = it.value().toObject().value("values").toArray();
      QCOMPARE(int(v.size()), w.size());
      for (int i = 0; i < w.size(); ++i) QCOMPARE(v[size_t(i)], w[i].toDouble());
    }
    QVERIFY(isShardIndexPath("a/Model.Safetensors.INDEX.json") && !isShardIndexPath("session.json"));
    QVERIFY(lpm::isSessionPath("a/Session.JSON") && !lpm::isSessionPath("model.safetensors.index.json") &&
            !lpm::isSessionPath("model.pt"));
  }

  void badShardIndexesAreRefused_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("message");
    QTest::newRow("../") << "outside.index.json" << "leaves the index's folder";
    QTest::newRow("absolute") << "absolute.index.json" << "leaves the index's folder";
    QTest::newRow("itself") << "self.index.json" << "is the index itself";
    QTest::newRow("another index") << "loop.index.json" << "is another index";
    QTest::newRow("missing shard") << "missing.index.json" << "is missing";
    QTest::newRow("tensor not in its shard") << "wrong_shard.index.json" << "which does not hold it";
    QTest::newRow("no weight_map") << "no_map.index.json" << "no \"weight_map\"";
  }
  void badShardIndexesAreRefused() {
    QFETCH(QString, file);
    QFETCH(QString, message);
    try {
      Checkpoint::open(dataPath("sharded/" + file).toStdString());
      QFAIL("opened a bad index");
    } catch (const CheckpointError& e) {
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
  }

  void shardLinkLeavingTheFolderIsRefused() {
    namespace fs = std::filesystem;
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    fs::create_directory(root / "model");
    fs::copy_file(dataPath("sharded/model-00001-of-00002.safetensors").toStdString(), root / "model" / "a.safetensors");
    fs::copy_file(dataPath("sharded/model-00002-of-00002.safetensors").toStdString(), root / "outside.safetensors");
    fs::create_symlink(root / "outside.safetensors", root / "model" / "b.safetensors");
    {
      std::ofstream f(root / "model" / "model.safetensors.index.json");
      f << R"({"weight_map": {"embed.weight": "a.safetensors", "lm_head.weight": "b.safetensors"}})";
    }
    try {
      Checkpoint::open((root / "model" / "model.safetensors.index.json").string());
      QFAIL("followed a link out of the folder");
    } catch (const CheckpointError& e) {
      QVERIFY2(QString(e.what()).contains("links outside the index's folder"), e.what());
    }
    // One file under two names (a link inside the folder) would be read twice: refused.
    fs::create_symlink(root / "model" / "a.safetensors", root / "model" / "c.safetensors");
    {
      std::ofstream f(root / "model" / "twice.index.json");
      f << R"({"weight_map": {"embed.weight": "a.safetensors", "layer.weight": "c.safetensors"}})";
    }
    try {
      Checkpoint::open((root / "model" / "twice.index.json").string());
      QFAIL("read one shard twice");
    } catch (const CheckpointError& e) {
      QVERIFY2(QString(e.what()).contains("are the same file"), e.what());
    }
  }

  void unsafeGlobalsListedOnRequest() {
    OpenLimits l;
    l.allowUnsafeGlobals = true;
    const auto c = Checkpoint::open(dataPath("evil_os_system.pt").toStdString(), l);
    QVERIFY(std::find(c.globals().begin(), c.globals().end(), "posix.system") != c.globals().end());
    QCOMPARE(c.warnings().size(), size_t(1));
    QVERIFY(c.find("w"));  // the weights next to it are still readable
    QVERIFY(isDangerousGlobal("os.system") && isDangerousGlobal("subprocess.Popen") && isDangerousGlobal("builtins.exec"));
    QVERIFY(!isDangerousGlobal("torch._utils._rebuild_tensor_v2") && !isDangerousGlobal("collections.OrderedDict"));
  }

  void hostilePickleStreams() {
    // Hand-made streams: each must be refused, none may crash or allocate wildly.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"\x80\x02" "X\xff\xff\xff\x7f", "over the limit"},     // a 2 GiB string in a few bytes
        {"\x80\x02" "h\x05.", "memo index 5 is not set"},       // BINGET of nothing
        {"\x80\x02" "a.", "stack underflow"},                   // APPEND with nothing
        {"\x80\x02" "K\x03" "K\x01" "K\x02" "s.", "not a dict"},  // SETITEM on an int
        {"\x80\x02" "\x82\x01.", "opcode 0x82 is not supported"},  // EXT1
        {"\x80\x02" "\x8a\xff", "over the limit"},              // LONG1 of 255 bytes
        {"\x80\x09.", "protocol 9"},
        {"\x80\x02" "(", "truncated"},
    };
    for (const auto& [bytes, message] : cases) {
      try {
        Pickle p(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        QFAIL(qPrintable(QString("accepted: ") + message.c_str()));
      } catch (const CheckpointError& e) {
        QVERIFY2(QString(e.what()).contains(message.c_str()), e.what());
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
