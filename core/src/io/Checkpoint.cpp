#include "lpm/io/Checkpoint.h"

#include "lpm/Files.h"

#include "Pickle.h"

#include <zip.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_set>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

namespace lpm::io {
namespace {

[[noreturn]] void refuse(const std::string& why) { throw CheckpointError(why); }

bool mulOverflow(int64_t a, int64_t b, int64_t* out) { return __builtin_mul_overflow(a, b, out); }
bool addOverflow(int64_t a, int64_t b, int64_t* out) { return __builtin_add_overflow(a, b, out); }

double halfToDouble(uint16_t h) { return static_cast<double>(static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(h))); }
double bf16ToDouble(uint16_t h) {
  const uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

double element(const uint8_t* p, DType t) {
  switch (t) {
    case DType::F32: { float v; std::memcpy(&v, p, 4); return v; }
    case DType::F64: { double v; std::memcpy(&v, p, 8); return v; }
    case DType::F16: { uint16_t v; std::memcpy(&v, p, 2); return halfToDouble(v); }
    case DType::BF16: { uint16_t v; std::memcpy(&v, p, 2); return bf16ToDouble(v); }
    case DType::I64: { int64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
    case DType::I32: { int32_t v; std::memcpy(&v, p, 4); return v; }
    case DType::I16: { int16_t v; std::memcpy(&v, p, 2); return v; }
    case DType::I8: return static_cast<int8_t>(*p);
    case DType::U8: return *p;
    case DType::Bool: return *p ? 1.0 : 0.0;
    case DType::Unsupported: break;
  }
  refuse("tensor of an unsupported dtype");
}

}  // namespace

// The bytes of a checkpoint: a file on disk (read on demand) or a buffer in memory.
class File {
public:
  explicit File(const std::string& path) : in_(path, std::ios::binary) {
    // A checkpoint, features, labels...: a folder or a missing file in the words of every reader.
    if (const std::string why = unreadableReason(path); !why.empty()) refuse(why);
    if (!in_) refuse("cannot open " + path + " (no permission to read it)");
    in_.seekg(0, std::ios::end);
    size_ = static_cast<uint64_t>(in_.tellg());
  }
  explicit File(std::shared_ptr<const std::string> bytes) : buffer_(std::move(bytes)), size_(buffer_->size()) {}
  uint64_t size() const { return size_; }
  const std::shared_ptr<const std::string>& buffer() const { return buffer_; }
  std::string read(uint64_t offset, uint64_t n) {
    if (offset > size_ || n > size_ - offset) refuse("truncated file: needs bytes past its end");
    if (buffer_) return buffer_->substr(static_cast<size_t>(offset), static_cast<size_t>(n));
    std::string s(n, '\0');
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(s.data(), static_cast<std::streamsize>(n));
    if (static_cast<uint64_t>(in_.gcount()) != n) refuse("read error");
    return s;
  }

private:
  std::ifstream in_;
  std::shared_ptr<const std::string> buffer_;
  uint64_t size_ = 0;
};

namespace {

struct Zip {
  zip_t* z = nullptr;
  std::map<std::string, zip_uint64_t> index;
  std::vector<std::string> order;
  ~Zip() {
    if (z) zip_discard(z);
  }
  /// From `path`, or from `buffer` when given (it must outlive this archive).
  void open(const std::string& path, const std::shared_ptr<const std::string>& buffer, uint64_t archiveBytes) {
    int err = 0;
    if (buffer) {
      zip_error_t e;
      zip_error_init(&e);
      zip_source_t* src = zip_source_buffer_create(buffer->data(), buffer->size(), 0, &e);
      if (src) {
        z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &e);
        if (!z) zip_source_free(src);
      }
      if (!z) {
        const std::string msg = zip_error_strerror(&e);
        zip_error_fini(&e);
        refuse("not a readable zip archive: " + msg);
      }
      zip_error_fini(&e);
    } else {
      z = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
    }
    if (!z) {
      zip_error_t e;
      zip_error_init_with_code(&e, err);
      const std::string msg = zip_error_strerror(&e);
      zip_error_fini(&e);
      refuse("not a readable zip archive: " + msg);
    }
    const zip_int64_t n = zip_get_num_entries(z, 0);
    if (n < 0 || n > 1'000'000) refuse("zip archive with an implausible number of entries");
    for (zip_int64_t i = 0; i < n; ++i) {
      zip_stat_t st;
      if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME))
        refuse("unreadable zip entry " + std::to_string(i));
      const std::string name = st.name;
      if (name.empty() || name[0] == '/' || name.find('\\') != std::string::npos || name.find(':') != std::string::npos ||
          name == ".." || name.rfind("../", 0) == 0 || name.find("/../") != std::string::npos ||
          (name.size() >= 3 && name.compare(name.size() - 3, 3, "/..") == 0))
        refuse("zip entry name '" + name + "' points outside the archive (path traversal)");
      if (st.encryption_method != ZIP_EM_NONE) refuse("encrypted zip entry '" + name + "'");
      if (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
        refuse("zip entry '" + name + "' uses an unsupported compression method");
      // Declared sizes are checked before anything is inflated: the stored bytes must lie inside
      // the archive, and deflate cannot expand more than 1032:1 (a 258-byte match in 2 bits), so
      // a larger ratio is a forged size or a bomb.
      if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) refuse("zip entry '" + name + "' has no sizes");
      if (st.comp_size > archiveBytes)
        refuse("zip entry '" + name + "' declares " + std::to_string(st.comp_size) + " stored bytes in an archive of " +
               std::to_string(archiveBytes) + " bytes");
      if (st.comp_method == ZIP_CM_STORE ? st.size != st.comp_size : st.size > 1040 * st.comp_size + 4096)
        refuse("zip entry '" + name + "' declares " + std::to_string(st.size) + " bytes from " + std::to_string(st.comp_size) +
               " compressed: more than deflate can expand (a zip bomb or a forged size); refused");
      if (!index.emplace(name, static_cast<zip_uint64_t>(i)).second) refuse("duplicate zip entry '" + name + "'");
      order.push_back(name);
    }
  }
  bool has(const std::string& name) const { return index.count(name) > 0; }
  uint64_t size(const std::string& name) const {
    zip_stat_t st;
    if (zip_stat_index(z, index.at(name), 0, &st) != 0) refuse("unreadable zip entry '" + name + "'");
    return st.size;
  }
  /// The first `n` bytes of an entry (all of it when n is larger), never more than `cap`.
  std::string read(const std::string& name, uint64_t n, uint64_t cap) {
    n = std::min(n, size(name));
    if (n > cap) refuse("zip entry '" + name + "' is larger than the limit of " + std::to_string(cap) + " bytes");
    return Stream(*this, name).read(0, n);
  }
  /// An entry read front to back in pieces (stored or deflated alike): what lies before a piece
  /// is read and dropped a megabyte at a time, so nothing of the entry is held but the piece.
  class Stream {
  public:
    Stream(Zip& zip, const std::string& name) : name_(name), total_(zip.size(name)) {
      f_ = zip_fopen_index(zip.z, zip.index.at(name), 0);
      if (!f_) refuse("cannot open zip entry '" + name + "'");
    }
    ~Stream() { zip_fclose(f_); }
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    /// Bytes [offset, offset + n) of the entry; offsets only move forward.
    std::string read(uint64_t offset, uint64_t n) {
      if (offset < pos_) refuse("zip entry '" + name_ + "' read out of order");
      if (offset > total_ || n > total_ - offset) refuse("zip entry '" + name_ + "' is shorter than its tensor needs");
      std::string skip;
      while (pos_ < offset) {
        skip.resize(static_cast<size_t>(std::min<uint64_t>(offset - pos_, 1 << 20)));
        fill(skip.data(), skip.size());
      }
      std::string out(static_cast<size_t>(n), '\0');
      fill(out.data(), out.size());
      return out;
    }

  private:
    void fill(char* to, uint64_t n) {
      uint64_t got = 0;
      while (got < n) {
        const zip_int64_t r = zip_fread(f_, to + got, n - got);
        if (r <= 0) refuse("zip entry '" + name_ + "' is truncated or corrupt");
        got += static_cast<uint64_t>(r);
      }
      pos_ += n;
    }
    std::string name_;
    uint64_t total_ = 0, pos_ = 0;
    zip_file_t* f_ = nullptr;
  };
};

struct Stored {
  TensorRef ref;
  std::string record;      // zip entry holding the storage (torch zip, TorchScript, npz)
  uint64_t fileOffset = 0;  // or: absolute offset of element 0 of the storage
  bool inZip = false;
};

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

// Names tensors the way a state_dict would: dict keys, module attributes, _parameters/_buffers.
struct Namer {
  int maxDepth;
  std::vector<std::pair<std::string, const TensorRef*>> out;
  std::unordered_set<const Value*> onPath;

  static const Value* dictGet(const Value* d, const std::string& key) {
    if (!d || d->kind != Value::Kind::Dict) return nullptr;
    for (size_t i = 0; i + 1 < d->items.size(); i += 2)
      if (d->items[i]->kind == Value::Kind::Str && d->items[i]->s == key) return d->items[i + 1];
    return nullptr;
  }
  static std::string keyText(const Value* k) {
    if (k->kind == Value::Kind::Str) return k->s.rfind("module.", 0) == 0 ? k->s.substr(7) : k->s;
    if (k->kind == Value::Kind::Int) return std::to_string(k->i);
    return std::string();
  }
  void walk(const Value* v, const std::string& prefix, int depth) {
    if (!v) return;
    if (depth > maxDepth) refuse("objects nested deeper than " + std::to_string(maxDepth) + " levels");
    if (!onPath.insert(v).second) return;  // a cycle
    switch (v->kind) {
      case Value::Kind::Tensor: out.emplace_back(prefix, v->tensor.get()); break;
      case Value::Kind::Dict:
        for (size_t i = 0; i + 1 < v->items.size(); i += 2) {
          const std::string k = keyText(v->items[i]);
          if (!k.empty()) walk(v->items[i + 1], join(prefix, k), depth + 1);
        }
        break;
      case Value::Kind::List:
      case Value::Kind::Tuple:
        for (size_t i = 0; i < v->items.size(); ++i) walk(v->items[i], join(prefix, std::to_string(i)), depth + 1);
        break;
      case Value::Kind::Object: {
        const Value* st = v->state;
        if (const Value* params = dictGet(st, "_parameters")) {
          // torch.nn.Module pickled whole: parameters, persistent buffers, then submodules.
          walkEntries(params, prefix, depth);
          std::set<std::string> transient;
          if (const Value* np = dictGet(st, "_non_persistent_buffers_set"))
            for (const Value* x : np->items)
              if (x->kind == Value::Kind::Str) transient.insert(x->s);
          if (const Value* buffers = dictGet(st, "_buffers")) walkEntries(buffers, prefix, depth, &transient);
          if (const Value* modules = dictGet(st, "_modules")) walk(modules, prefix, depth + 1);
        } else if (st) {
          walk(st, prefix, depth + 1);
        }
        break;
      }
      default: break;
    }
    onPath.erase(v);
  }
  void walkEntries(const Value* d, const std::string& prefix, int depth, const std::set<std::string>* skip = nullptr) {
    if (d->kind != Value::Kind::Dict) return;
    for (size_t i = 0; i + 1 < d->items.size(); i += 2) {
      const std::string k = keyText(d->items[i]);
      if (k.empty() || (skip && skip->count(k))) continue;
      walk(d->items[i + 1], join(prefix, k), depth + 1);
    }
  }
};

// Extent checks shared by every format: sizes, strides, offset inside the storage.
void checkGeometry(const std::string& name, const TensorRef& t, uint64_t maxBytes) {
  int64_t numel = 1, last = t.offset;
  if (t.offset < 0) refuse("tensor '" + name + "' has a negative storage offset");
  for (size_t j = 0; j < t.shape.size(); ++j) {
    if (t.shape[j] < 0 || t.strides[j] < 0) refuse("tensor '" + name + "' has a negative size or stride");
    int64_t span;
    if (mulOverflow(numel, t.shape[j], &numel)) refuse("tensor '" + name + "' has too many elements");
    if (t.shape[j] > 0 && (mulOverflow(t.shape[j] - 1, t.strides[j], &span) || addOverflow(last, span, &last)))
      refuse("tensor '" + name + "' reaches past any storage");
  }
  int64_t bytes;
  if (mulOverflow(numel, dtypeSize(t.dtype), &bytes) || static_cast<uint64_t>(bytes) > maxBytes)
    refuse("tensor '" + name + "' would need more than " + std::to_string(maxBytes >> 20) + " MiB");
  if (numel > 0 && last >= t.storageNumel)
    refuse("tensor '" + name + "' reaches element " + std::to_string(last) + " of a storage of " +
           std::to_string(t.storageNumel) + " elements");
}

std::vector<int64_t> cStrides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> st(shape.size(), 1);
  for (int j = static_cast<int>(shape.size()) - 2; j >= 0; --j) {
    int64_t v;
    if (mulOverflow(st[j + 1], std::max<int64_t>(1, shape[j + 1]), &v)) refuse("tensor shape overflows");
    st[j] = v;
  }
  return st;
}

// .npy header: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } parsed without eval.
void parseNpyHeader(const std::string& h, TensorRef& t) {
  auto field = [&](const std::string& key) -> std::string {
    const auto k = h.find("'" + key + "'");
    if (k == std::string::npos) refuse("npy header lacks '" + key + "'");
    auto c = h.find(':', k);
    if (c == std::string::npos) refuse("npy header is malformed");
    ++c;
    while (c < h.size() && h[c] == ' ') ++c;
    if (c >= h.size()) refuse("npy header is malformed");
    if (h[c] == '\'') {
      const auto e = h.find('\'', c + 1);
      if (e == std::string::npos) refuse("npy header is malformed");
      return h.substr(c + 1, e - c - 1);
    }
    if (h[c] == '(') {
      const auto e = h.find(')', c);
      if (e == std::string::npos) refuse("npy header is malformed");
      return h.substr(c + 1, e - c - 1);
    }
    const auto e = h.find_first_of(",}", c);
    return h.substr(c, e - c);
  };
  const std::string descr = field("descr"), fortran = field("fortran_order"), shape = field("shape");
  static const std::pair<const char*, DType> types[] = {{"f4", DType::F32}, {"f8", DType::F64}, {"f2", DType::F16},
                                                        {"i8", DType::I64}, {"i4", DType::I32}, {"i2", DType::I16},
                                                        {"i1", DType::I8},  {"u1", DType::U8},  {"b1", DType::Bool}};
  if (descr.size() != 3 || (descr[0] != '<' && descr[0] != '|' && descr[0] != '=')) {
    if (descr.find('O') != std::string::npos) refuse("npy object arrays hold a pickle; refused");
    refuse("npy dtype '" + descr + "' is not supported (little-endian numbers and bool only)");
  }
  t.dtype = DType::Unsupported;
  for (const auto& [s, d] : types)
    if (descr.compare(1, 2, s) == 0) t.dtype = d;
  if (t.dtype == DType::Unsupported) refuse("npy dtype '" + descr + "' is not supported");
  if (fortran != "False" && fortran != "True") refuse("npy fortran_order must be True or False");
  t.fortranOrder = fortran == "True";
  t.shape.clear();
  size_t i = 0;
  while (i < shape.size()) {
    while (i < shape.size() && (shape[i] == ' ' || shape[i] == ',')) ++i;
    if (i >= shape.size()) break;
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(shape.substr(i), &used);
    } catch (...) {
      refuse("npy shape is malformed");
    }
    if (v < 0) refuse("npy shape is negative");
    t.shape.push_back(v);
    i += used;
    if (t.shape.size() > 32) refuse("npy array has more than 32 dimensions");
  }
  t.strides = cStrides(t.shape);
  if (t.fortranOrder) {  // column-major: strides grow from the first axis
    int64_t s = 1;
    for (size_t j = 0; j < t.shape.size(); ++j) t.strides[j] = s, s *= std::max<int64_t>(1, t.shape[j]);
  }
  int64_t numel = 1;
  for (int64_t v : t.shape)
    if (mulOverflow(numel, v, &numel)) refuse("npy array has too many elements");
  t.storageNumel = numel;
  t.offset = 0;
}

// Returns header length (bytes before the data).
size_t npyHeader(const std::string& head, TensorRef& t) {
  if (head.size() < 10 || head.compare(0, 6, "\x93NUMPY") != 0) refuse("not an .npy file (bad magic)");
  const int major = static_cast<uint8_t>(head[6]);
  size_t len, start;
  if (major == 1) len = static_cast<uint8_t>(head[8]) | (static_cast<uint8_t>(head[9]) << 8), start = 10;
  else if (major == 2 || major == 3) {
    if (head.size() < 12) refuse("truncated .npy header");
    len = 0;
    for (int i = 0; i < 4; ++i) len |= size_t(static_cast<uint8_t>(head[8 + i])) << (8 * i);
    start = 12;
  } else refuse("npy format version " + std::to_string(major) + " is not supported");
  if (len > 100000) refuse("npy header of " + std::to_string(len) + " bytes is over the limit");
  if (start + len > head.size()) refuse("truncated .npy header");
  parseNpyHeader(head.substr(start, len), t);
  return start + len;
}

}  // namespace

constexpr uint64_t kMaxIndexBytes = 64ull << 20;

namespace {
bool endsWithNoCase(const std::string& path, const std::string& suffix) {  // suffix in lower case
  if (path.size() < suffix.size()) return false;
  return std::equal(suffix.rbegin(), suffix.rend(), path.rbegin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}
}  // namespace

bool isShardIndexPath(const std::string& path) { return endsWithNoCase(path, ".index.json"); }

ShardIndex parseShardIndex(const std::string& json, const std::string& indexName) {
  // Real indexes are a few MB (10^5 tensors); 64 MB of JSON stays near 1 GB as a tree.
  if (json.size() > kMaxIndexBytes) refuse("shard index of " + std::to_string(json.size()) + " bytes is over the 64 MB limit");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    refuse(std::string("shard index is not valid JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
    refuse(indexName + " is no checkpoint: a .json is read as a sharded checkpoint's index (as "
           "model.safetensors.index.json), and this one has no \"weight_map\" object (tensor name -> shard file)");
  const auto& map = j["weight_map"];
  if (map.empty()) refuse("shard index names no tensors");
  if (map.size() > 1'000'000) refuse("shard index names more than 10^6 tensors");
  ShardIndex out;
  std::map<std::string, int> shardNo;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it.value().is_string()) refuse("shard index entry '" + it.key() + "' is not a file name");
    const std::string f = it.value().get<std::string>();
    const auto bad = [&](const std::string& why) { refuse("shard index entry '" + it.key() + "': shard '" + f + "' " + why); };
    if (f.empty() || f == "." || f == "..") bad("is not a file name");
    if (f.size() > 255) bad("has a name longer than 255 bytes");
    if (f.find('/') != std::string::npos || f.find('\\') != std::string::npos || f.find(':') != std::string::npos)
      bad("leaves the index's folder (shards must be plain file names beside the index)");
    if (f.find('\0') != std::string::npos) bad("has a NUL byte in its name");
    if (f == indexName) bad("is the index itself");
    if (f.size() >= 5 && f.compare(f.size() - 5, 5, ".json") == 0) bad("is another index, not a shard");
    auto [pos, added] = shardNo.emplace(f, static_cast<int>(out.shards.size()));
    if (added) {
      if (out.shards.size() >= 100'000) refuse("shard index names more than 100000 shards");
      out.shards.push_back(f);
    }
    out.weightMap.emplace_back(it.key(), pos->second);
  }
  return out;
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

constexpr size_t kMaxTensors = 1'000'000;  // per file; real checkpoints hold at most ~10^5

struct Checkpoint::Impl {
  std::string path;
  Format format = Format::Npy;
  OpenLimits lim;
  std::unique_ptr<File> file;
  std::unique_ptr<Zip> zip;
  std::vector<TensorInfo> infos;
  std::vector<Stored> stored;
  std::vector<std::string> globals, warnings;
  std::unordered_set<std::string> names;
  // Sharded: the shards, and for each of infos the shard that holds it.
  std::vector<std::string> shardFiles;
  std::vector<std::unique_ptr<Checkpoint>> shards;
  std::vector<int> shardOf;
  /// values() and matrix() read the file (one stream, seek then read): one reader at a time, so
  /// the window may inspect one tensor while a background job reads another.
  mutable std::mutex readMutex;

  void add(const std::string& name, const Stored& s) {
    if (infos.size() >= kMaxTensors) refuse("more than " + std::to_string(kMaxTensors) + " tensors in one file");
    if (!names.insert(name).second) refuse("two tensors are both named '" + name + "'");
    checkGeometry(name, s.ref, lim.maxTensorBytes);
    infos.push_back({name, s.ref.dtype, s.ref.shape});
    stored.push_back(s);
  }
  void noteGlobals(const Pickle& p) {
    for (const auto& g : p.globals()) {
      if (std::find(globals.begin(), globals.end(), g) == globals.end()) globals.push_back(g);
      if (!isDangerousGlobal(g)) continue;
      if (!lim.allowUnsafeGlobals)
        throw UnsafeGlobalsError("refused: this file would run code under torch.load(weights_only=False): it calls " + g +
                                     " (nothing was run; lpm inspect --allow-unsafe-globals lists its tensors anyway)",
                                 g);
      warnings.push_back("this file would run code under torch.load(weights_only=False): it references " + g);
    }
  }

  void openZip() {
    zip = std::make_unique<Zip>();
    zip->open(path, file->buffer(), file->size());
    if (zip->order.empty()) refuse("empty zip archive");
    // torch archives: one root folder, named by the first entry.
    std::string root;
    const auto slash = zip->order.front().find('/');
    if (slash != std::string::npos) root = zip->order.front().substr(0, slash + 1);
    if (!root.empty() && zip->has(root + "data.pkl")) {
      for (const auto& n : zip->order)
        if (n.rfind(root, 0) != 0) refuse("zip entry '" + n + "' lies outside the archive's root folder");
      const bool script = zip->has(root + "constants.pkl");
      format = script ? Format::TorchScript : Format::TorchZip;
      loadTorchPickle(root + "data.pkl", root + "data/", "");
      if (script) loadTorchPickle(root + "constants.pkl", root + "constants/", "constants");
      return;
    }
    bool npz = false;
    for (const auto& n : zip->order) npz = npz || (n.size() > 4 && n.compare(n.size() - 4, 4, ".npy") == 0);
    if (!npz) refuse("a zip archive that is neither a PyTorch checkpoint nor an .npz file");
    format = Format::Npz;
    for (const auto& n : zip->order) {
      if (n.size() <= 4 || n.compare(n.size() - 4, 4, ".npy") != 0) continue;
      Stored s;
      const std::string head = zip->read(n, 4096 + 100000, 4096 + 100000);
      const size_t hl = npyHeader(head, s.ref);
      int64_t bytes;
      if (mulOverflow(s.ref.storageNumel, dtypeSize(s.ref.dtype), &bytes) || zip->size(n) != hl + static_cast<uint64_t>(bytes))
        refuse("npz member '" + n + "' is " + std::to_string(zip->size(n)) + " bytes, not what its header declares");
      s.inZip = true;
      s.record = n;
      s.fileOffset = hl;  // within the member
      s.ref.storage = n;
      add(n.substr(0, n.size() - 4), s);
    }
  }

  void loadTorchPickle(const std::string& entry, const std::string& dataDir, const std::string& prefix) {
    const std::string bytes = zip->read(entry, UINT64_MAX, lim.maxPickleBytes);
    Pickle p(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    noteGlobals(p);
    Namer namer{lim.maxDepth, {}, {}};
    namer.walk(p.root(), prefix, 0);
    for (const auto& [name, ref] : namer.out) {
      Stored s;
      s.ref = *ref;
      s.inZip = true;
      s.record = dataDir + ref->storage;
      if (!zip->has(s.record)) refuse("tensor '" + name + "' refers to a missing storage record " + s.record);
      if (ref->dtype == DType::Unsupported) {
        warnings.push_back("tensor '" + name + "' has a dtype this reader does not convert; skipped");
        continue;
      }
      int64_t need;
      if (mulOverflow(ref->storageNumel, dtypeSize(ref->dtype), &need) || zip->size(s.record) != static_cast<uint64_t>(need))
        refuse("storage " + s.record + " holds " + std::to_string(zip->size(s.record)) + " bytes but declares " +
               std::to_string(ref->storageNumel) + " elements of " + dtypeName(ref->dtype));
      add(name.empty() ? "tensor" : name, s);
    }
  }

  void openLegacy() {
    format = Format::TorchLegacy;
    const uint64_t size = file->size();
    const std::string head = file->read(0, std::min<uint64_t>(size, lim.maxPickleBytes));
    const auto* b = reinterpret_cast<const uint8_t*>(head.data());
    size_t pos = 0, end = 0;
    for (int i = 0; i < 3; ++i) {  // magic number, protocol version, sys_info
      Pickle p(b + pos, head.size() - pos, &end);
      if (i == 2) {
        const Value* r = p.root();
        if (r && r->kind == Value::Kind::Dict)
          for (size_t k = 0; k + 1 < r->items.size(); k += 2)
            if (r->items[k]->s == "little_endian" && r->items[k + 1]->kind == Value::Kind::Bool && !r->items[k + 1]->b)
              refuse("big-endian legacy checkpoints are not supported");
      }
      pos += end;
    }
    Pickle obj(b + pos, head.size() - pos, &end);
    pos += end;
    noteGlobals(obj);
    Pickle keys(b + pos, head.size() - pos, &end);
    pos += end;
    if (!keys.root() || keys.root()->kind != Value::Kind::List) refuse("legacy checkpoint without a storage list");
    // Element sizes by key, from the storages the object pickle declared.
    std::map<std::string, DType> dtypes;
    for (const auto& v : obj.values())
      if (v->kind == Value::Kind::Storage) dtypes[v->tensor->storage] = v->tensor->dtype;
    std::map<std::string, std::pair<uint64_t, int64_t>> where;  // key -> (offset of data, count)
    uint64_t at = pos;
    for (const Value* k : keys.root()->items) {
      if (k->kind != Value::Kind::Str) refuse("legacy storage key is not a string");
      const auto it = dtypes.find(k->s);
      if (it == dtypes.end()) refuse("legacy storage '" + k->s + "' has no declared type");
      const std::string cnt = file->read(at, 8);
      int64_t count;
      std::memcpy(&count, cnt.data(), 8);
      int64_t bytes;
      if (count < 0 || mulOverflow(count, dtypeSize(it->second), &bytes) || static_cast<uint64_t>(bytes) > size - at - 8)
        refuse("legacy storage '" + k->s + "' declares more data than the file holds");
      where[k->s] = {at + 8, count};
      at += 8 + static_cast<uint64_t>(bytes);
    }
    Namer namer{lim.maxDepth, {}, {}};
    namer.walk(obj.root(), "", 0);
    for (const auto& [name, ref] : namer.out) {
      const auto w = where.find(ref->storage);
      if (w == where.end()) refuse("tensor '" + name + "' refers to a storage the file does not hold");
      Stored s;
      s.ref = *ref;
      if (w->second.second != ref->storageNumel) refuse("legacy storage '" + ref->storage + "' size differs from its declaration");
      s.fileOffset = w->second.first;
      add(name.empty() ? "tensor" : name, s);
    }
  }

  void openSafetensors() {
    format = Format::Safetensors;
    const uint64_t size = file->size();
    const std::string nb = file->read(0, 8);
    uint64_t N = 0;
    for (int i = 0; i < 8; ++i) N |= uint64_t(static_cast<uint8_t>(nb[i])) << (8 * i);
    if (N > 100'000'000) refuse("safetensors header of " + std::to_string(N) + " bytes is over the 100 MB limit");
    if (N > size - 8) refuse("safetensors header length points past the end of the file");
    const std::string text = file->read(8, N);
    // Count the entries first without building anything: a header of 10^6 tiny entries would
    // take gigabytes as a JSON tree.
    // Every value counts (a header of 10^7 empty arrays is as costly as one of tensors); a real
    // entry is about 13 values.
    constexpr size_t kMaxValues = 20 * kMaxTensors;
    struct Counter : nlohmann::json_sax<nlohmann::json> {
      int depth = 0;
      size_t keys = 0, values = 0;
      bool more() { return ++values <= 20 * kMaxTensors; }  // kMaxValues (a local class sees no locals)
      bool null() override { return more(); }
      bool boolean(bool) override { return more(); }
      bool number_integer(number_integer_t) override { return more(); }
      bool number_unsigned(number_unsigned_t) override { return more(); }
      bool number_float(number_float_t, const string_t&) override { return more(); }
      bool string(string_t&) override { return more(); }
      bool binary(binary_t&) override { return more(); }
      bool start_object(std::size_t) override { return ++depth, more(); }
      bool end_object() override { return --depth, true; }
      bool start_array(std::size_t) override { return ++depth, more(); }
      bool end_array() override { return --depth, true; }
      bool key(string_t& k) override {
        if (depth == 1 && k != "__metadata__") ++keys;
        return keys <= kMaxTensors && more();
      }
      bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
    } counter;
    nlohmann::json::sax_parse(text, &counter);
    if (counter.keys > kMaxTensors) refuse("safetensors header names more than " + std::to_string(kMaxTensors) + " tensors");
    if (counter.values > kMaxValues)
      refuse("safetensors header holds more than " + std::to_string(kMaxValues) + " JSON values");
    nlohmann::json h;
    try {
      h = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      refuse(std::string("safetensors header is not valid JSON: ") + e.what());
    }
    if (!h.is_object()) refuse("safetensors header is not a JSON object");
    static const std::map<std::string, DType> types = {{"F32", DType::F32}, {"F64", DType::F64}, {"F16", DType::F16},
                                                       {"BF16", DType::BF16}, {"I64", DType::I64}, {"I32", DType::I32},
                                                       {"I16", DType::I16}, {"I8", DType::I8}, {"U8", DType::U8},
                                                       {"BOOL", DType::Bool}};
    const uint64_t buffer = size - 8 - N;
    std::vector<std::tuple<uint64_t, uint64_t, std::string>> spans;
    for (auto it = h.begin(); it != h.end(); ++it) {
      if (it.key() == "__metadata__") continue;
      const auto& e = it.value();
      if (!e.is_object() || !e.contains("dtype") || !e.contains("shape") || !e.contains("data_offsets"))
        refuse("safetensors entry '" + it.key() + "' lacks dtype, shape or data_offsets");
      const auto t = types.find(e["dtype"].is_string() ? e["dtype"].get<std::string>() : "");
      if (t == types.end()) refuse("safetensors entry '" + it.key() + "' has an unsupported dtype");
      Stored s;
      s.ref.dtype = t->second;
      for (const auto& d : e["shape"]) {
        if (!d.is_number_unsigned()) refuse("safetensors entry '" + it.key() + "' has a bad shape");
        s.ref.shape.push_back(static_cast<int64_t>(std::min<uint64_t>(d.get<uint64_t>(), INT64_MAX)));
      }
      if (s.ref.shape.size() > 32) refuse("safetensors entry '" + it.key() + "' has more than 32 dimensions");
      const auto& o = e["data_offsets"];
      if (!o.is_array() || o.size() != 2 || !o[0].is_number_unsigned() || !o[1].is_number_unsigned())
        refuse("safetensors entry '" + it.key() + "' has bad data_offsets");
      const uint64_t begin = o[0], end = o[1];
      if (end < begin || end > buffer) refuse("safetensors entry '" + it.key() + "' has offsets past the end of the file");
      int64_t numel = 1, bytes;
      for (int64_t v : s.ref.shape)
        if (mulOverflow(numel, v, &numel)) refuse("safetensors entry '" + it.key() + "' has too many elements");
      if (mulOverflow(numel, dtypeSize(s.ref.dtype), &bytes) || static_cast<uint64_t>(bytes) != end - begin)
        refuse("safetensors entry '" + it.key() + "': its byte range does not match its shape");
      s.ref.strides = cStrides(s.ref.shape);
      s.ref.storageNumel = numel;
      s.fileOffset = 8 + N + begin;
      spans.emplace_back(begin, end, it.key());
      add(it.key(), s);
    }
    std::sort(spans.begin(), spans.end());
    uint64_t expect = 0;
    for (const auto& [b, e, n] : spans) {
      if (b != expect) refuse("safetensors entry '" + n + "' leaves a gap or overlaps another");
      expect = e;
    }
    if (expect != buffer) refuse("safetensors data does not cover the file exactly");
  }

  void openNpy() {
    format = Format::Npy;
    Stored s;
    const std::string head = file->read(0, std::min<uint64_t>(file->size(), 100000 + 12));
    const size_t hl = npyHeader(head, s.ref);
    int64_t bytes;
    if (mulOverflow(s.ref.storageNumel, dtypeSize(s.ref.dtype), &bytes) || file->size() != hl + static_cast<uint64_t>(bytes))
      refuse("npy data is " + std::to_string(file->size() - hl) + " bytes, not what its header declares");
    s.fileOffset = hl;
    add("array", s);
  }

  std::string storageBytes(const Stored& s, uint64_t bytes) {
    if (s.inZip) {
      const std::string all = zip->read(s.record, s.fileOffset + bytes, s.fileOffset + lim.maxTensorBytes);
      return all.substr(s.fileOffset);
    }
    return file->read(s.fileOffset, bytes);
  }
};

Checkpoint::Checkpoint(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
Checkpoint::Checkpoint(Checkpoint&&) noexcept = default;
Checkpoint& Checkpoint::operator=(Checkpoint&&) noexcept = default;
Checkpoint::~Checkpoint() = default;

Checkpoint Checkpoint::open(const std::string& path, const OpenLimits& limits) {
  if (endsWithNoCase(path, ".json")) return openIndex(path, limits);
  return openFrom(std::make_unique<File>(path), path, limits);
}

Checkpoint Checkpoint::fromBuffer(std::string bytes, const std::string& name, const OpenLimits& limits) {
  return openFrom(std::make_unique<File>(std::make_shared<const std::string>(std::move(bytes))), name, limits);
}

Checkpoint Checkpoint::openFrom(std::unique_ptr<File> file, const std::string& name, const OpenLimits& limits) {
  auto d = std::make_unique<Impl>();
  d->path = name;
  d->lim = limits;
  d->file = std::move(file);
  const uint64_t size = d->file->size();
  if (size == 0) refuse("empty file");
  const std::string head = d->file->read(0, std::min<uint64_t>(size, 16));
  static const char legacyMagic[] = "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19";
  if (head.compare(0, 4, "PK\x03\x04") == 0) d->openZip();
  else if (head.size() >= 14 && head.compare(0, 14, std::string(legacyMagic, 14)) == 0) d->openLegacy();
  else if (head.compare(0, 6, "\x93NUMPY") == 0) d->openNpy();
  else if (size >= 9 && d->file->read(8, 1) == "{") d->openSafetensors();
  else if (static_cast<uint8_t>(head[0]) == 0x80) refuse("a plain pickle without tensor storages: not a checkpoint this reader opens");
  else refuse("not a recognised checkpoint format (PyTorch zip or legacy, TorchScript, safetensors, .npy, .npz)");
  return Checkpoint(std::move(d));
}

Checkpoint Checkpoint::openIndex(const std::string& path, const OpenLimits& limits) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path index(path);
  if (!fs::is_regular_file(index, ec)) refuse("cannot open " + path);
  const uint64_t size = fs::file_size(index, ec);
  if (ec) refuse("cannot open " + path);
  if (size > kMaxIndexBytes) refuse("shard index of " + std::to_string(size) + " bytes is over the 64 MB limit");
  File f(path);
  const ShardIndex si = parseShardIndex(f.read(0, size), index.filename().string());
  const fs::path folder = fs::weakly_canonical(fs::absolute(index, ec).parent_path(), ec);
  auto d = std::make_unique<Impl>();
  d->path = path;
  d->lim = limits;
  d->format = Format::Sharded;
  d->shardFiles = si.shards;
  std::vector<std::map<std::string, size_t>> byName;
  std::map<fs::path, std::string> seenFiles;  // one file under two names would be read twice
  size_t total = 0;
  for (const auto& name : si.shards) {
    // A shard must be a file in the index's folder, also after symbolic links are followed.
    const fs::path shard = folder / name;
    const fs::path real = fs::weakly_canonical(shard, ec);
    if (ec || !fs::is_regular_file(real, ec)) refuse("shard '" + name + "' named by the index is missing");
    if (real.parent_path() != folder) refuse("shard '" + name + "' links outside the index's folder; refused");
    if (const auto [it, added] = seenFiles.emplace(real, name); !added)
      refuse("shards '" + it->second + "' and '" + name + "' are the same file");
    Checkpoint c = openFrom(std::make_unique<File>(real.string()), real.string(), limits);
    total += c.tensors().size();
    if (total > kMaxTensors) refuse("the shards hold more than " + std::to_string(kMaxTensors) + " tensors");
    if (c.format() == Format::Npy || c.format() == Format::Npz) refuse("shard '" + name + "' is a NumPy file, not a checkpoint shard");
    for (const auto& w : c.warnings()) d->warnings.push_back(name + ": " + w);
    for (const auto& g : c.globals())
      if (std::find(d->globals.begin(), d->globals.end(), g) == d->globals.end()) d->globals.push_back(g);
    std::map<std::string, size_t> names;
    for (size_t i = 0; i < c.tensors().size(); ++i) names[c.tensors()[i].name] = i;
    byName.push_back(std::move(names));
    d->shards.push_back(std::make_unique<Checkpoint>(std::move(c)));
  }
  std::vector<size_t> used(si.shards.size(), 0);
  std::set<std::string> seen;
  for (const auto& [tensor, s] : si.weightMap) {
    const auto it = byName[static_cast<size_t>(s)].find(tensor);
    if (it == byName[static_cast<size_t>(s)].end())
      refuse("the index puts tensor '" + tensor + "' in shard '" + si.shards[static_cast<size_t>(s)] + "', which does not hold it");
    if (!seen.insert(tensor).second) refuse("two tensors are both named '" + tensor + "'");
    d->infos.push_back(d->shards[static_cast<size_t>(s)]->tensors()[it->second]);
    d->shardOf.push_back(s);
    ++used[static_cast<size_t>(s)];
  }
  for (size_t s = 0; s < si.shards.size(); ++s)
    if (used[s] < d->shards[s]->tensors().size())
      d->warnings.push_back("shard '" + si.shards[s] + "' holds " + std::to_string(d->shards[s]->tensors().size() - used[s]) +
                            " tensors the index does not name; they are not listed");
  return Checkpoint(std::move(d));
}

Format Checkpoint::format() const { return d->format; }
const std::vector<std::string>& Checkpoint::shardFiles() const { return d->shardFiles; }

std::string formatName(Format f) {
  switch (f) {
    case Format::TorchZip: return "torch-zip";
    case Format::TorchLegacy: return "torch-legacy";
    case Format::TorchScript: return "torchscript";
    case Format::Safetensors: return "safetensors";
    case Format::Npy: return "npy";
    case Format::Npz: return "npz";
    case Format::Sharded: return "sharded";
  }
  return "unknown";
}
const std::vector<TensorInfo>& Checkpoint::tensors() const { return d->infos; }
const std::vector<std::string>& Checkpoint::globals() const { return d->globals; }
const std::vector<std::string>& Checkpoint::warnings() const { return d->warnings; }

const TensorInfo* Checkpoint::find(const std::string& name) const {
  for (const auto& t : d->infos)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<double> Checkpoint::values(const std::string& name) const {
  std::lock_guard<std::mutex> lock(d->readMutex);
  size_t i = 0;
  while (i < d->infos.size() && d->infos[i].name != name) ++i;
  if (i == d->infos.size()) refuse("no tensor named '" + name + "'");
  if (!d->shards.empty()) return d->shards[static_cast<size_t>(d->shardOf[i])]->values(name);
  const Stored& s = d->stored[i];
  const auto& t = s.ref;
  const int64_t numel = d->infos[i].numel();
  std::vector<double> out(static_cast<size_t>(numel));
  if (numel == 0) return out;
  int64_t last = t.offset;
  for (size_t j = 0; j < t.shape.size(); ++j) last += (t.shape[j] - 1) * t.strides[j];
  const int es = dtypeSize(t.dtype);
  const std::string bytes = d->storageBytes(s, static_cast<uint64_t>(last + 1) * es);
  const auto* base = reinterpret_cast<const uint8_t*>(bytes.data());
  std::vector<int64_t> idx(t.shape.size(), 0);
  for (int64_t k = 0; k < numel; ++k) {
    int64_t e = t.offset;
    for (size_t j = 0; j < idx.size(); ++j) e += idx[j] * t.strides[j];
    out[static_cast<size_t>(k)] = element(base + e * es, t.dtype);
    for (int j = static_cast<int>(idx.size()) - 1; j >= 0; --j) {
      if (++idx[j] < t.shape[j]) break;
      idx[j] = 0;
    }
  }
  return out;
}

Eigen::MatrixXd Checkpoint::matrix(const std::string& name) const {
  std::lock_guard<std::mutex> lock(d->readMutex);
  const TensorInfo* t = find(name);
  if (!t) refuse("no tensor named '" + name + "'");
  if (t->shape.size() != 2 && t->shape.size() != 1) refuse("tensor '" + name + "' is not 1-D or 2-D");
  const size_t i = static_cast<size_t>(t - d->infos.data());
  if (!d->shards.empty()) return d->shards[static_cast<size_t>(d->shardOf[i])]->matrix(name);
  // Straight from the stored bytes into the matrix: no second copy as a vector of doubles (a
  // 50257 x 768 head would otherwise hold its numbers twice as double).
  const auto& r = d->stored[i].ref;
  const Eigen::Index rows = t->shape[0], cols = t->shape.size() == 2 ? t->shape[1] : 1;
  Eigen::MatrixXd m(rows, cols);
  if (m.size() == 0) return m;
  const int64_t s0 = r.strides[0], s1 = t->shape.size() == 2 ? r.strides[1] : 0;
  const int64_t last = r.offset + (rows - 1) * s0 + (cols - 1) * s1;
  const int es = dtypeSize(r.dtype);
  const std::string bytes = d->storageBytes(d->stored[i], static_cast<uint64_t>(last + 1) * es);
  const auto* base = reinterpret_cast<const uint8_t*>(bytes.data());
  for (Eigen::Index c = 0; c < cols; ++c)
    for (Eigen::Index k = 0; k < rows; ++k) m(k, c) = element(base + (r.offset + k * s0 + c * s1) * es, r.dtype);
  return m;
}

void Checkpoint::forEachRowBlock(const std::string& name, Eigen::Index rows,
                                 const std::function<void(Eigen::Index, const Eigen::MatrixXd&)>& fn) const {
  std::unique_lock<std::mutex> lock(d->readMutex);
  const TensorInfo* t = find(name);
  if (!t) refuse("no tensor named '" + name + "'");
  if (t->shape.size() != 2) refuse("tensor '" + name + "' is not 2-D");
  const size_t i = static_cast<size_t>(t - d->infos.data());
  if (!d->shards.empty()) {
    const Checkpoint& shard = *d->shards[static_cast<size_t>(d->shardOf[i])];
    lock.unlock();
    return shard.forEachRowBlock(name, rows, fn);
  }
  const auto& s = d->stored[i];
  const auto& r = s.ref;
  const Eigen::Index K = t->shape[0], cols = t->shape[1];
  if (K == 0 || cols == 0) return;
  rows = std::max<Eigen::Index>(1, rows);
  const int64_t s0 = r.strides[0], s1 = r.strides[1];
  const int es = dtypeSize(r.dtype);
  if (s0 < 0 || s1 < 0) refuse("tensor '" + name + "' has negative strides");
  const int64_t last = r.offset + (K - 1) * s0 + (cols - 1) * s1;
  // Rows stored one after another (C order, the usual case) are read a block at a time, from the
  // file or streamed from a zip member (stored or inflated, front to back); any other layout once.
  const bool blockwise = s1 == 1 && s0 >= cols;
  std::string whole;
  std::optional<Zip::Stream> member;
  if (!blockwise) whole = d->storageBytes(s, static_cast<uint64_t>(last + 1) * es);
  else if (s.inZip) member.emplace(*d->zip, s.record);
  Eigen::MatrixXd block;
  for (Eigen::Index first = 0; first < K; first += rows) {
    const Eigen::Index n = std::min<Eigen::Index>(rows, K - first);
    const int64_t lo = r.offset + first * s0, hi = r.offset + (first + n - 1) * s0 + (cols - 1) * s1;
    std::string part;
    if (blockwise) {
      const uint64_t at = s.fileOffset + static_cast<uint64_t>(lo) * es, bytes = static_cast<uint64_t>(hi - lo + 1) * es;
      part = member ? member->read(at, bytes) : d->file->read(at, bytes);
    }
    // Element e lies at base + (e - origin) * es.
    const auto* base = reinterpret_cast<const uint8_t*>(blockwise ? part.data() : whole.data());
    const int64_t origin = blockwise ? lo : 0;
    block.resize(n, cols);
    for (Eigen::Index k = 0; k < n; ++k)
      for (Eigen::Index c = 0; c < cols; ++c)
        block(k, c) = element(base + (r.offset + (first + k) * s0 + c * s1 - origin) * es, r.dtype);
    fn(first, block);
  }
}

}  // namespace lpm::io
