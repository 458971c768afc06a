// Heads of any size (issue: real sizes): group cosines from sums equal the matrix computation, and a
// GPT-2-sized head (50257 x 768, generated here, never committed) is analysed under a 4 GiB
// address-space limit without building K x K matrices. Label io.
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>

#include <cstring>

#include <sys/resource.h>
#include <unistd.h>

#include "lpm/io/Analysis.h"
#include "lpm/io/Checkpoint.h"
#include "lpm/io/Network.h"

using namespace lpm;

namespace {

// The mean over ordered pairs i != j of a set's cosines, straight from the K x K matrix.
double pairMean(const Eigen::MatrixXd& C, const std::vector<int>& a, const std::vector<int>& b, bool same) {
  double s = 0;
  double n = 0;
  for (int i : a)
    for (int j : b)
      if (!same || i != j) s += C(i, j), ++n;
  return s / n;
}

// A float32 (or bfloat16) safetensors file with one K x p tensor, row k given by `row`.
template <class Row>
void writeSafetensors(const std::string& path, int K, int p, Row row, bool bf16 = false) {
  const int es = bf16 ? 2 : 4;
  std::string header = "{\"lm_head.weight\":{\"dtype\":\"" + std::string(bf16 ? "BF16" : "F32") + "\",\"shape\":[" +
                       std::to_string(K) + "," + std::to_string(p) + "],\"data_offsets\":[0," +
                       std::to_string(int64_t(K) * p * es) + "]}}";
  while (header.size() % 8) header += ' ';
  std::ofstream f(path, std::ios::binary);
  const uint64_t n = header.size();
  f.write(reinterpret_cast<const char*>(&n), 8);
  f << header;
  std::vector<float> r(p);
  std::vector<uint16_t> half(p);
  for (int k = 0; k < K; ++k) {
    row(k, r);
    if (!bf16) {
      f.write(reinterpret_cast<const char*>(r.data()), p * 4);
      continue;
    }
    for (int j = 0; j < p; ++j) {  // the upper half of the float: exact for the values used here
      uint32_t bits;
      std::memcpy(&bits, &r[j], 4);
      half[j] = static_cast<uint16_t>(bits >> 16);
    }
    f.write(reinterpret_cast<const char*>(half.data()), p * 2);
  }
}

// The mean pairwise cosine of a set of rows (1 + k % 3) e_{k mod p}: pairs (i != j) with i = j
// (mod p) are parallel, the rest orthogonal.
double residueCos(const std::vector<int>& set, int p) {
  std::vector<double> perResidue(p, 0);
  for (int k : set) perResidue[k % p] += 1;
  double same = 0;
  for (double c : perResidue) same += c * (c - 1);
  return same / (double(set.size()) * (set.size() - 1));
}

// The process's address space now (bytes), from /proc/self/statm.
uint64_t addressSpace() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0;
  statm >> pages;
  return pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// A one-member .npz (zip, stored: what numpy's savez and torch.save write) holding a float32
// K x p array "W.npy", row k given by `row`, written without holding it (the CRC is patched in).
template <class Row>
void writeStoredNpz(const std::string& path, int K, int p, Row row) {
  uint32_t table[256];
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int j = 0; j < 8; ++j) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  uint32_t crc = 0xFFFFFFFFu;
  auto crcOf = [&](const char* b, size_t n) {
    for (size_t i = 0; i < n; ++i) crc = table[(crc ^ static_cast<uint8_t>(b[i])) & 0xFF] ^ (crc >> 8);
  };
  std::string npy = std::string("\x93NUMPY\x01\x00", 8);
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(K) + ", " + std::to_string(p) + "), }";
  while ((10 + dict.size() + 1) % 64) dict += ' ';
  dict += '\n';
  npy += static_cast<char>(dict.size() & 0xFF);
  npy += static_cast<char>(dict.size() >> 8);
  npy += dict;
  const std::string name = "W.npy";
  const uint32_t size = static_cast<uint32_t>(npy.size() + uint64_t(K) * p * 4);
  auto u16 = [](std::string& o, uint16_t v) { o += static_cast<char>(v & 0xFF), o += static_cast<char>(v >> 8); };
  auto u32 = [&](std::string& o, uint32_t v) { u16(o, v & 0xFFFF), u16(o, v >> 16); };
  auto local = [&](uint32_t c) {
    std::string h;
    u32(h, 0x04034b50), u16(h, 20), u16(h, 0), u16(h, 0), u16(h, 0), u16(h, 0x21), u32(h, c), u32(h, size), u32(h, size);
    u16(h, static_cast<uint16_t>(name.size())), u16(h, 0);
    return h + name;
  };
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out | std::ios::trunc);
  f << local(0);
  f << npy;
  crcOf(npy.data(), npy.size());
  std::vector<float> r(p);
  for (int k = 0; k < K; ++k) {
    row(k, r);
    f.write(reinterpret_cast<const char*>(r.data()), p * 4);
    crcOf(reinterpret_cast<const char*>(r.data()), size_t(p) * 4);
  }
  crc ^= 0xFFFFFFFFu;
  const uint32_t cdOffset = static_cast<uint32_t>(f.tellp());
  std::string cd;
  u32(cd, 0x02014b50), u16(cd, 20), u16(cd, 20), u16(cd, 0), u16(cd, 0), u16(cd, 0), u16(cd, 0x21), u32(cd, crc);
  u32(cd, size), u32(cd, size), u16(cd, static_cast<uint16_t>(name.size())), u16(cd, 0), u16(cd, 0), u16(cd, 0), u16(cd, 0);
  u32(cd, 0), u32(cd, 0);
  cd += name;
  std::string end;
  u32(end, 0x06054b50), u16(end, 0), u16(end, 0), u16(end, 1), u16(end, 1), u32(end, static_cast<uint32_t>(cd.size()));
  u32(end, cdOffset), u16(end, 0);
  f << cd << end;
  f.seekp(0);
  f << local(crc);
}

// Row k of a K x p test head: (1 + k % 3) e_{k mod p} (rows k = j mod p parallel, the rest
// orthogonal: every group cosine is a count, residueCos).
auto residueRow(int p) {
  return [p](int k, std::vector<float>& r) {
    std::fill(r.begin(), r.end(), 0.0f);
    r[k % p] = static_cast<float>(1 + k % 3);
  };
}

// The address space limited to `bytes` while it lives (RLIMIT_AS), the old limit back after.
class AddressSpaceLimit {
public:
  explicit AddressSpaceLimit(uint64_t bytes) {
    getrlimit(RLIMIT_AS, &old_);
    rlimit limit = old_;
    limit.rlim_cur = bytes;
    set_ = setrlimit(RLIMIT_AS, &limit) == 0;
  }
  ~AddressSpaceLimit() { lift(); }
  AddressSpaceLimit(const AddressSpaceLimit&) = delete;
  AddressSpaceLimit& operator=(const AddressSpaceLimit&) = delete;
  bool set() const { return set_; }
  void lift() {
    if (set_) setrlimit(RLIMIT_AS, &old_);
    set_ = false;
  }

private:
  rlimit old_{};
  bool set_ = false;
};

}  // namespace

class TestLargeHead : public QObject {
  Q_OBJECT
private slots:
  void sumsEqualTheMatrix() {
    // K = 1000 (the full matrix is still built): the group cosines from sums agree to 1e-12.
    std::mt19937 rng(3);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd W(1000, 64);
    for (Eigen::Index i = 0; i < W.size(); ++i) W.data()[i] = normal(rng) + (i % 1000 >= 700 ? 0.8 : 0.0);
    W.row(5).setZero();  // a zero row: cosine 0 with everything, as in the matrix
    const auto a = io::analyseClassifier(W, "w", 700, {});
    QCOMPARE(a.cos.rows(), 1000);
    QVERIFY(std::abs(*a.minorityCos - pairMean(a.cos, a.minority, a.minority, true)) < 1e-12);
    QVERIFY(std::abs(*a.majorityCos - pairMean(a.cos, a.majority, a.majority, true)) < 1e-12);
    QVERIFY(std::abs(*a.betweenCos - pairMean(a.cos, a.majority, a.minority, false)) < 1e-12);
    QCOMPARE(a.etfSample, 0);
    QVERIFY(a.warnings.size() == 1);  // p = 64 < K - 1
  }

  void hostileFilesAtScaleUnderFourGiB_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("message");
    // tests/scripts/make_scale_checkpoints.py; each declares gigabytes in a few kilobytes.
    QTest::newRow("deflate bomb in an npz") << "bomb.npz" << "more than deflate can expand";
    QTest::newRow("deflate bomb in a torch zip") << "bomb.pt" << "more than deflate can expand";
    QTest::newRow("member beyond the archive") << "member_beyond_archive.npz" << "not a readable zip archive";
    QTest::newRow("10^9 tensors claimed") << "st_1e9_tensors.safetensors" << "over the 100 MB limit";
    QTest::newRow("2^40-element npy") << "npy_2e40.npy" << "not what its header declares";
    QTest::newRow("10^8-element pickle list") << "pickle_1e8_list.pt" << "stack too deep";
    QTest::newRow("10^6 + 1 safetensors entries") << "" << "more than 1000000 tensors";
  }
  void hostileFilesAtScaleUnderFourGiB() {
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("ASan reserves more address space than the limit allows");
#else
    QFETCH(QString, file);
    QFETCH(QString, message);
    QTemporaryDir dir;
    std::string path = (QStringLiteral(LPM_TEST_DATA_DIR "/checkpoints/scale/") + file).toStdString();
    if (file.isEmpty()) {  // generated: a 50 MB header of 10^6 + 1 tiny entries
      path = dir.filePath("many.safetensors").toStdString();
      std::string h = "{";
      for (int i = 0; i <= 1'000'000; ++i) h += "\"t" + std::to_string(i) + "\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},";
      h.back() = '}';
      std::ofstream f(path, std::ios::binary);
      const uint64_t n = h.size();
      f.write(reinterpret_cast<const char*>(&n), 8);
      f << h;
    }
    AddressSpaceLimit limit(4ull << 30);
    QVERIFY(limit.set());
    QString what;
    try {
      const auto c = io::Checkpoint::open(path);
      for (const auto& t : c.tensors()) (void)c.values(t.name);
    } catch (const io::CheckpointError& e) {
      what = e.what();
    } catch (const std::exception& e) {
      what = QString("not a refusal: ") + e.what();
    }
    limit.lift();
    QVERIFY2(what.contains(message), qPrintable(what));
#endif
  }

  void gpt2SizedHeadUnderFourGiB() {
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("ASan reserves more address space than the limit allows");
#else
    QTemporaryDir dir;
    const std::string path = dir.filePath("head.safetensors").toStdString();
    // Row k: (1 + k % 3) e_{k mod 768}: two rows are parallel when k = j (mod 768), else orthogonal,
    // so every group cosine is a count.
    const int K = 50257, p = 768;
    writeSafetensors(path, K, p, residueRow(p));
    AddressSpaceLimit limit(4ull << 30);
    QVERIFY(limit.set());
    io::NetworkRequest request;
    request.path = path;
    const auto net = io::NetworkComparison::open(request);
    limit.lift();
    const auto& a = net.analysis();
    QCOMPARE(a.K, K);
    QCOMPARE(a.cos.size(), Eigen::Index(0));  // not built above kFullCosineMaxK
    QCOMPARE(a.etfSample, io::kFullCosineMaxK);
    QVERIFY(!a.warnings.empty());
    auto expected = [&](const std::vector<int>& set) { return residueCos(set, p); };
    QVERIFY(a.minorityCos && std::abs(*a.minorityCos - expected(a.minority)) < 1e-12);
    QVERIFY(a.majorityCos && std::abs(*a.majorityCos - expected(a.majority)) < 1e-12);
    QVERIFY(!a.binnedByCount);
    QCOMPARE(a.binLabels.front(), std::string("classes 0-784"));
#endif
  }

  void blocksGiveTheMatrixAnalysis() {
    // The same head from the file in blocks of 7 rows and as one matrix: the same numbers (1e-12),
    // the bins' order included (700 classes > kHeatmapMaxK, with counts).
    QTemporaryDir dir;
    const std::string path = dir.filePath("w.safetensors").toStdString();
    std::mt19937 rng(11);
    std::normal_distribution<float> normal;
    writeSafetensors(path, 700, 33, [&](int k, std::vector<float>& r) {
      for (float& x : r) x = normal(rng) + (k >= 500 ? 0.7f : 0.0f);
    });
    const io::Checkpoint c = io::Checkpoint::open(path);
    const Eigen::MatrixXd W = c.matrix("lm_head.weight");
    Eigen::MatrixXd again(700, 33);
    int calls = 0;
    c.forEachRowBlock("lm_head.weight", 7, [&](Eigen::Index first, const Eigen::MatrixXd& block) {
      QVERIFY(block.rows() <= 7);
      again.middleRows(first, block.rows()) = block;
      ++calls;
    });
    QCOMPARE(calls, 100);
    QCOMPARE(again, W);
    std::vector<int> counts(700);
    for (int k = 0; k < 700; ++k) counts[k] = (k * 101) % 700 + 1;
    io::RowBlocks blocks{700, 33, [&](const auto& fn) { c.forEachRowBlock("lm_head.weight", 7, fn); }};
    const auto a = io::analyseClassifier(blocks, "w", 500, {}, &counts);
    const auto b = io::analyseClassifier(W, "w", 500, {}, &counts);
    QVERIFY(std::abs(*a.minorityCos - *b.minorityCos) < 1e-12 && std::abs(*a.majorityCos - *b.majorityCos) < 1e-12);
    QVERIFY(std::abs(*a.betweenCos - *b.betweenCos) < 1e-12);
    QVERIFY((a.binnedCos - b.binnedCos).cwiseAbs().maxCoeff() < 1e-12);
    QVERIFY((a.cos - b.cos).cwiseAbs().maxCoeff() < 1e-12);
    QCOMPARE(a.binLabels, b.binLabels);
    QVERIFY(std::abs(a.etfDeviation - b.etfDeviation) < 1e-12 && std::abs(a.EWfit - b.EWfit) < 1e-12);
  }

  // A zip member is streamed in blocks, not read whole: a 256 MB stored .npz member is read with
  // the address space limited to what the process holds now plus half the member; and a deflated
  // one (numpy's savez_compressed) gives, block by block, what it gives whole.
  void zipMembersAreStreamed() {
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("ASan reserves more address space than the limit allows");
#else
    QTemporaryDir dir;
    const std::string path = dir.filePath("head.npz").toStdString();
    const int K = 32768, p = 2048;
    writeStoredNpz(path, K, p, residueRow(p));
    const uint64_t memberBytes = uint64_t(K) * p * 4;
    const io::Checkpoint c = io::Checkpoint::open(path);
    AddressSpaceLimit limit(addressSpace() + memberBytes / 2);
    QVERIFY(limit.set());
    int64_t rows = 0, wrong = 0;
    QString error;
    try {
      c.forEachRowBlock("W", 512, [&](Eigen::Index first, const Eigen::MatrixXd& block) {
        for (Eigen::Index i = 0; i < block.rows(); ++i) {
          const int k = static_cast<int>(first + i);
          wrong += block.row(i).sum() != 1 + k % 3 || block(i, k % p) != 1 + k % 3;
        }
        rows += block.rows();
      });
    } catch (const std::exception& e) {
      error = e.what();
    }
    limit.lift();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(rows, int64_t(K));
    QCOMPARE(wrong, int64_t(0));
#endif
    const io::Checkpoint z = io::Checkpoint::open(LPM_TEST_DATA_DIR "/checkpoints/arrays_compressed.npz");
    int checked = 0;
    for (const auto& t : z.tensors()) {
      if (t.shape.size() != 2) continue;
      const Eigen::MatrixXd W = z.matrix(t.name);
      Eigen::MatrixXd again(W.rows(), W.cols());
      z.forEachRowBlock(t.name, 1, [&](Eigen::Index first, const Eigen::MatrixXd& block) { again.middleRows(first, block.rows()) = block; });
      QCOMPARE(again, W);
      ++checked;
    }
    QVERIFY(checked > 0);
  }

  void bf16HeadIsNeverHeldAsDouble() {
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("ASan reserves more address space than the limit allows");
#else
    // 65536 x 2048 bf16: 268 MB in the file, 1.07 GB as double. Analysed with the address space
    // limited to what the process holds now plus twice the tensor's bytes: as double it would not fit.
    QTemporaryDir dir;
    const std::string path = dir.filePath("head.safetensors").toStdString();
    const int K = 65536, p = 2048;
    writeSafetensors(
        path, K, p,
        residueRow(p),
        true);
    const uint64_t tensorBytes = uint64_t(K) * p * 2;
    QVERIFY(double(K) * p * 8 > double(io::kStreamedHeadBytes));
    AddressSpaceLimit limit(addressSpace() + 2 * tensorBytes);
    QVERIFY(limit.set());
    io::NetworkRequest request;
    request.path = path;
    std::optional<io::NetworkComparison> net;
    QString error;
    try {
      net = io::NetworkComparison::open(request);
    } catch (const std::exception& e) {
      error = e.what();
    }
    limit.lift();
    QVERIFY2(net, qPrintable(error));
    QVERIFY(net->streamed());
    QCOMPARE(net->W().size(), Eigen::Index(0));
    const auto& a = net->analysis();
    QCOMPARE(a.K, K);
    QCOMPARE(a.p, p);
    auto expected = [&](const std::vector<int>& set) { return residueCos(set, p); };
    QVERIFY(a.minorityCos && std::abs(*a.minorityCos - expected(a.minority)) < 1e-12);
    QVERIFY(a.majorityCos && std::abs(*a.majorityCos - expected(a.majority)) < 1e-12);
    double ew = 0;
    for (int k = 0; k < K; ++k) ew += (1 + k % 3) * (1 + k % 3);
    QVERIFY(std::abs(a.EWfit - ew / K) < 1e-12);
    QCOMPARE(a.binnedCos.rows(), io::kHeatmapBins);
    // Roles changed later: the head is read again in blocks, not kept.
    net->setMajorityCount(K - 100);
    QCOMPARE(net->analysis().minority.size(), size_t(100));
    QVERIFY(std::abs(*net->analysis().minorityCos - expected(net->analysis().minority)) < 1e-12);
    QCOMPARE(net->projection().W.rows(), Eigen::Index(0));  // no 3D picture
    // A newer edit cancels a reading in progress (the window's background edits).
    const CancelToken stop = CancelToken::make();
    stop.cancel();
    net->setCancel(stop);
    QVERIFY_THROWS_EXCEPTION(Cancelled, net->setMajorityCount(K - 200));
#endif
  }

  void heatmapBinsOrderedByCount() {
    // 600 classes > kHeatmapMaxK: with counts, bin 0 holds the largest counts, whatever their index.
    std::mt19937 rng(5);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd W(600, 40);
    for (Eigen::Index i = 0; i < W.size(); ++i) W.data()[i] = normal(rng);
    std::vector<int> counts(600);
    for (int k = 0; k < 600; ++k) counts[k] = (k * 7919) % 600 + 1;  // a permutation of 1..600
    const auto a = io::analyseClassifier(W, "w", 300, {}, &counts);
    QVERIFY(a.binnedByCount);
    QCOMPARE(a.binnedCos.rows(), io::kHeatmapBins);
    QCOMPARE(a.binLabels.front(), std::string("counts 600-592 (9 classes)"));
    // Bin 0's within-bin cosine from the rows of the 9 largest counts, by the matrix.
    std::vector<int> top;
    for (int k = 0; k < 600; ++k)
      if (counts[k] >= 592) top.push_back(k);
    QCOMPARE(top.size(), size_t(9));
    QVERIFY(std::abs(a.binnedCos(0, 0) - pairMean(a.cos, top, top, true)) < 1e-12);
  }
};

QTEST_APPLESS_MAIN(TestLargeHead)
#include "tst_large_head.moc"
