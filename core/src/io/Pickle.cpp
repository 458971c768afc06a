#include "Pickle.h"

#include <cmath>
#include <cstring>
#include <unordered_map>

namespace lpm::io {

int dtypeSize(DType t) {
  switch (t) {
    case DType::F64: case DType::I64: return 8;
    case DType::F32: case DType::I32: return 4;
    case DType::F16: case DType::BF16: case DType::I16: return 2;
    case DType::I8: case DType::U8: case DType::Bool: return 1;
    case DType::Unsupported: return 1;
  }
  return 1;
}

std::string dtypeName(DType t) {
  switch (t) {
    case DType::F32: return "float32";
    case DType::F64: return "float64";
    case DType::F16: return "float16";
    case DType::BF16: return "bfloat16";
    case DType::I64: return "int64";
    case DType::I32: return "int32";
    case DType::I16: return "int16";
    case DType::I8: return "int8";
    case DType::U8: return "uint8";
    case DType::Bool: return "bool";
    case DType::Unsupported: return "unsupported";
  }
  return "?";
}

DType storageDType(const std::string& g) {
  static const std::pair<const char*, DType> table[] = {
      {"FloatStorage", DType::F32}, {"DoubleStorage", DType::F64}, {"HalfStorage", DType::F16},
      {"BFloat16Storage", DType::BF16}, {"LongStorage", DType::I64}, {"IntStorage", DType::I32},
      {"ShortStorage", DType::I16}, {"CharStorage", DType::I8}, {"ByteStorage", DType::U8},
      {"BoolStorage", DType::Bool}, {"UntypedStorage", DType::U8}};
  for (const auto& [n, t] : table) {
    const std::string tail = std::string(".") + n;
    if (g.size() >= tail.size() && g.compare(g.size() - tail.size(), tail.size(), tail) == 0) return t;
  }
  return DType::Unsupported;
}

bool isDangerousGlobal(const std::string& name) {
  static const char* modules[] = {"os.", "posix.", "nt.", "subprocess.", "sys.", "shutil.", "socket.", "pty.",
                                  "runpy.", "importlib.", "code.", "codeop.", "ctypes.", "multiprocessing.",
                                  "webbrowser.", "marshal.", "pickle.", "_pickle.", "dill.", "commands.",
                                  "platform.", "asyncio.", "urllib.", "requests.", "http.", "ftplib.", "types."};
  for (const char* m : modules)
    if (name.rfind(m, 0) == 0) return true;
  static const char* builtins[] = {"eval", "exec", "compile", "open", "__import__", "getattr", "setattr", "delattr",
                                   "globals", "locals", "vars", "input", "breakpoint", "apply", "execfile", "file"};
  for (const char* prefix : {"builtins.", "__builtin__."})
    for (const char* b : builtins)
      if (name == std::string(prefix) + b) return true;
  return name == "operator.attrgetter" || name == "operator.methodcaller" || name == "functools.partial" ||
         name == "torch.load" || name == "numpy.load" || name == "torch.serialization.load";
}

namespace {

std::string fixModule(std::string m) {
  if (m == "__builtin__") return "builtins";
  if (m == "copy_reg") return "copyreg";
  return m;
}

}  // namespace

Value* Pickle::make(Value::Kind k) {
  arena_.push_back(std::make_unique<Value>());
  arena_.back()->kind = k;
  return arena_.back().get();
}

struct Machine {
  Pickle& P;
  const uint8_t* d;
  size_t n, pos = 0;
  PickleLimits lim;
  std::vector<Value*> stack;
  std::vector<size_t> marks;
  std::unordered_map<uint32_t, Value*> memo;

  [[noreturn]] void fail(const std::string& what) const {
    throw CheckpointError("pickle: " + what + " (at byte " + std::to_string(pos) + ")");
  }
  void need(size_t k) const {
    if (k > n - pos) fail("truncated: needs " + std::to_string(k) + " more bytes");
  }
  uint64_t le(size_t k) {
    need(k);
    uint64_t v = 0;
    for (size_t i = 0; i < k; ++i) v |= uint64_t(d[pos + i]) << (8 * i);
    pos += k;
    return v;
  }
  std::string bytes(uint64_t k) {
    if (k > lim.maxStringBytes) fail("a string of " + std::to_string(k) + " bytes is over the limit");
    need(k);
    std::string s(reinterpret_cast<const char*>(d + pos), k);
    pos += k;
    return s;
  }
  std::string line() {
    const void* nl = std::memchr(d + pos, '\n', std::min<size_t>(n - pos, 4096));
    if (!nl) fail("unterminated GLOBAL name");
    const size_t len = static_cast<const uint8_t*>(nl) - (d + pos);
    std::string s(reinterpret_cast<const char*>(d + pos), len);
    pos += len + 1;
    return s;
  }
  Value* make(Value::Kind k) {
    if (P.arena_.size() >= lim.maxValues) fail("more than " + std::to_string(lim.maxValues) + " objects");
    return P.make(k);
  }
  void push(Value* v) {
    if (stack.size() >= lim.maxValues) fail("stack too deep");
    stack.push_back(v);
  }
  Value* pop() {
    if (stack.empty() || (!marks.empty() && stack.size() <= marks.back())) fail("stack underflow");
    Value* v = stack.back();
    stack.pop_back();
    return v;
  }
  Value* top() {
    if (stack.empty() || (!marks.empty() && stack.size() <= marks.back())) fail("stack underflow");
    return stack.back();
  }
  std::vector<Value*> popMark() {
    if (marks.empty()) fail("no MARK to pop to");
    const size_t m = marks.back();
    marks.pop_back();
    std::vector<Value*> items(stack.begin() + static_cast<long>(m), stack.end());
    stack.resize(m);
    return items;
  }
  Value* global(const std::string& module, const std::string& name) {
    Value* g = make(Value::Kind::Global);
    g->s = fixModule(module) + "." + name;
    bool seen = false;
    for (const auto& x : P.globals_) seen = seen || x == g->s;
    if (!seen) P.globals_.push_back(g->s);
    return g;
  }
  static int64_t asInt(const Value* v, const char* what, const Machine& m) {
    if (!v || v->kind != Value::Kind::Int) m.fail(std::string(what) + " must be an integer");
    return v->i;
  }
  std::vector<int64_t> intTuple(const Value* v, const char* what) {
    if (!v || (v->kind != Value::Kind::Tuple && v->kind != Value::Kind::List)) fail(std::string(what) + " must be a tuple");
    std::vector<int64_t> out;
    for (const Value* x : v->items) out.push_back(asInt(x, what, *this));
    return out;
  }
  Value* tensorFrom(Value* storage, const std::vector<Value*>& a, DType override, bool hasOverride) {
    if (!storage || storage->kind != Value::Kind::Storage) fail("tensor rebuild without a storage");
    if (a.size() < 4) fail("tensor rebuild with too few arguments");
    Value* t = make(Value::Kind::Tensor);
    t->tensor = std::make_shared<TensorRef>(*storage->tensor);
    t->tensor->offset = asInt(a[1], "storage offset", *this);
    t->tensor->shape = intTuple(a[2], "tensor size");
    t->tensor->strides = intTuple(a[3], "tensor stride");
    if (hasOverride) {
      // v3: the storage is untyped (numel counts bytes); the dtype comes separately.
      t->tensor->dtype = override;
      const int es = dtypeSize(override);
      if (t->tensor->storageNumel % es != 0) fail("untyped storage size is not a multiple of the element size");
      t->tensor->storageNumel /= es;
    }
    if (t->tensor->shape.size() != t->tensor->strides.size()) fail("tensor size and stride differ in length");
    if (t->tensor->shape.size() > 32) fail("tensor has more than 32 dimensions");
    return t;
  }
  Value* reduce(Value* f, Value* args) {
    if (!args || args->kind != Value::Kind::Tuple) {
      Value* o = make(Value::Kind::Object);
      o->s = f && f->kind == Value::Kind::Global ? f->s : "?";
      return o;
    }
    const auto& a = args->items;
    const std::string name = f && f->kind == Value::Kind::Global ? f->s : "";
    if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor")
      return tensorFrom(a.empty() ? nullptr : a[0], a, DType::F32, false);
    if (name == "torch._utils._rebuild_tensor_v3") {
      if (a.size() < 7 || a[6]->kind != Value::Kind::Global) fail("_rebuild_tensor_v3 without a dtype");
      static const std::pair<const char*, DType> dt[] = {
          {"torch.float32", DType::F32}, {"torch.float64", DType::F64}, {"torch.float16", DType::F16},
          {"torch.bfloat16", DType::BF16}, {"torch.int64", DType::I64}, {"torch.int32", DType::I32},
          {"torch.int16", DType::I16}, {"torch.int8", DType::I8}, {"torch.uint8", DType::U8}, {"torch.bool", DType::Bool}};
      DType t = DType::Unsupported;
      for (const auto& [n2, d2] : dt)
        if (a[6]->s == n2) t = d2;
      return tensorFrom(a[0], a, t, true);
    }
    if ((name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") && !a.empty())
      return a[0];
    if (name == "torch._tensor._rebuild_from_type_v2" && a.size() >= 3) return reduce(a[0], a[2]);
    if (name.rfind("torch.jit._pickle.", 0) == 0 && name != "torch.jit._pickle.build_tensor_from_id" && !a.empty())
      return a[0];
    if (name == "collections.OrderedDict") {
      Value* dict = make(Value::Kind::Dict);
      return dict;
    }
    if ((name == "builtins.set" || name == "builtins.frozenset") ) {
      Value* s = make(Value::Kind::Set);
      if (!a.empty() && (a[0]->kind == Value::Kind::List || a[0]->kind == Value::Kind::Tuple)) s->items = a[0]->items;
      return s;
    }
    if (name == "_codecs.encode" && !a.empty() && a[0]->kind == Value::Kind::Str) {
      Value* b = make(Value::Kind::Bytes);
      b->s = a[0]->s;
      return b;
    }
    // Anything else stays an inert record of what would have been called.
    Value* o = make(Value::Kind::Object);
    o->s = name.empty() ? "?" : name;
    o->items = a;
    return o;
  }
  Value* persistent(Value* pid) {
    if (!pid || pid->kind != Value::Kind::Tuple || pid->items.empty() || pid->items[0]->kind != Value::Kind::Str)
      fail("unsupported persistent id");
    const auto& a = pid->items;
    if (a[0]->s == "module") {  // legacy whole-model pickles name classes this way
      Value* o = make(Value::Kind::Object);
      o->s = "module";
      return o;
    }
    if (a[0]->s != "storage" || a.size() < 5) fail("unsupported persistent id '" + a[0]->s + "'");
    if (a[1]->kind != Value::Kind::Global) fail("storage type must be a GLOBAL");
    const DType t = storageDType(a[1]->s);
    std::string key;
    if (a[2]->kind == Value::Kind::Str) key = a[2]->s;
    else if (a[2]->kind == Value::Kind::Int) key = std::to_string(a[2]->i);
    else fail("storage key must be a string");
    const int64_t numel = asInt(a[4], "storage size", *this);
    if (numel < 0) fail("negative storage size");
    Value* s = make(Value::Kind::Storage);
    s->tensor = std::make_shared<TensorRef>();
    s->tensor->dtype = t;
    s->tensor->storage = key;
    s->tensor->storageNumel = numel;
    s->s = a[1]->s;
    return s;
  }
  void setItems(Value* target, const std::vector<Value*>& kv) {
    if (kv.size() % 2) fail("SETITEMS with an odd number of items");
    if (target->kind == Value::Kind::Object) {
      if (!target->state) target->state = make(Value::Kind::Dict);
      target = target->state;
    }
    if (target->kind != Value::Kind::Dict) fail("SETITEM(S) on something that is not a dict");
    if (target->items.size() + kv.size() > lim.maxValues) fail("dict too large");
    target->items.insert(target->items.end(), kv.begin(), kv.end());
  }
  void append(Value* target, const std::vector<Value*>& v) {
    if (target->kind == Value::Kind::Object) {
      if (!target->state) target->state = make(Value::Kind::List);
      target = target->state;
    }
    if (target->kind != Value::Kind::List && target->kind != Value::Kind::Set) fail("APPEND(S) on something that is not a list");
    if (target->items.size() + v.size() > lim.maxValues) fail("list too large");
    target->items.insert(target->items.end(), v.begin(), v.end());
  }
  void put(uint32_t idx) {
    if (memo.size() >= lim.maxMemo && !memo.count(idx)) fail("memo too large");
    memo[idx] = top();
  }
  Value* get(uint32_t idx) {
    auto it = memo.find(idx);
    if (it == memo.end()) fail("memo index " + std::to_string(idx) + " is not set");
    return it->second;
  }

  Value* run() {
    while (true) {
      need(1);
      const uint8_t op = d[pos++];
      switch (op) {
        case 0x80: { const uint64_t proto = le(1); if (proto < 2 || proto > 5) fail("pickle protocol " + std::to_string(proto) + " is not supported"); break; }
        case 0x95: le(8); break;  // FRAME
        case '.': { Value* v = pop(); return v; }
        case '(':
          if (marks.size() >= lim.maxMarkDepth) fail("too many nested MARKs");
          marks.push_back(stack.size());
          break;
        case '1': popMark(); break;
        case '0': pop(); break;
        case '2': push(top()); break;
        case 'c': { const std::string m = line(); const std::string nm = line(); push(global(m, nm)); break; }
        case 0x93: {
          Value* nm = pop(); Value* m = pop();
          if (m->kind != Value::Kind::Str || nm->kind != Value::Kind::Str) fail("STACK_GLOBAL needs two strings");
          push(global(m->s, nm->s));
          break;
        }
        case 'Q': push(persistent(pop())); break;
        case 'R': { Value* args = pop(); Value* f = pop(); push(reduce(f, args)); break; }
        case 0x81: {
          Value* args = pop(); Value* cls = pop();
          if (cls->kind == Value::Kind::Global && cls->s == "collections.OrderedDict") { push(make(Value::Kind::Dict)); break; }
          Value* o = make(Value::Kind::Object);
          o->s = cls->kind == Value::Kind::Global ? cls->s : "?";
          if (args->kind == Value::Kind::Tuple) o->items = args->items;
          push(o);
          break;
        }
        case 0x92: { pop(); Value* args = pop(); Value* cls = pop(); Value* o = make(Value::Kind::Object); o->s = cls->kind == Value::Kind::Global ? cls->s : "?"; if (args->kind == Value::Kind::Tuple) o->items = args->items; push(o); break; }
        case 'b': {
          Value* st = pop(); Value* t = top();
          if (t->kind == Value::Kind::Object) {
            if (st->kind == Value::Kind::Tuple && st->items.size() == 2) st = st->items[0];  // (dict, slotstate)
            t->state = st;
          } else if (t->kind != Value::Kind::Dict && t->kind != Value::Kind::Tensor && t->kind != Value::Kind::Set &&
                     t->kind != Value::Kind::List) {
            fail("BUILD on a value that takes no state");
          }
          break;
        }
        case '}': push(make(Value::Kind::Dict)); break;
        case 'd': { auto kv = popMark(); Value* dct = make(Value::Kind::Dict); setItems(dct, kv); push(dct); break; }
        case 's': { Value* v = pop(); Value* k = pop(); setItems(top(), {k, v}); break; }
        case 'u': { auto kv = popMark(); setItems(top(), kv); break; }
        case ']': push(make(Value::Kind::List)); break;
        case 'l': { auto v = popMark(); Value* l = make(Value::Kind::List); l->items = v; push(l); break; }
        case 'a': { Value* v = pop(); append(top(), {v}); break; }
        case 'e': { auto v = popMark(); append(top(), v); break; }
        case ')': push(make(Value::Kind::Tuple)); break;
        case 't': { auto v = popMark(); Value* t = make(Value::Kind::Tuple); t->items = v; push(t); break; }
        case 0x85: case 0x86: case 0x87: {
          const int k = op - 0x84;
          std::vector<Value*> v(k);
          for (int i = k - 1; i >= 0; --i) v[i] = pop();
          Value* t = make(Value::Kind::Tuple);
          t->items = v;
          push(t);
          break;
        }
        case 0x8F: push(make(Value::Kind::Set)); break;
        case 0x90: { auto v = popMark(); append(top(), v); break; }
        case 0x91: { auto v = popMark(); Value* s = make(Value::Kind::Set); s->items = v; push(s); break; }
        case 'N': push(make(Value::Kind::None)); break;
        case 0x88: case 0x89: { Value* v = make(Value::Kind::Bool); v->b = op == 0x88; push(v); break; }
        case 'J': { Value* v = make(Value::Kind::Int); v->i = static_cast<int32_t>(le(4)); push(v); break; }
        case 'K': { Value* v = make(Value::Kind::Int); v->i = static_cast<int64_t>(le(1)); push(v); break; }
        case 'M': { Value* v = make(Value::Kind::Int); v->i = static_cast<int64_t>(le(2)); push(v); break; }
        case 0x8A: case 0x8B: {
          const uint64_t k = op == 0x8A ? le(1) : le(4);
          if (k > 64) fail("integer of " + std::to_string(k) + " bytes is over the limit");
          need(k);
          Value* v = make(Value::Kind::Int);
          if (k > 8) {
            v->kind = Value::Kind::Bytes;  // a big integer (torch's magic number): kept as bytes
            v->s.assign(reinterpret_cast<const char*>(d + pos), k);
          } else if (k > 0) {
            uint64_t u = 0;
            for (uint64_t i = 0; i < k; ++i) u |= uint64_t(d[pos + i]) << (8 * i);
            if (k < 8 && (d[pos + k - 1] & 0x80)) u |= ~uint64_t(0) << (8 * k);
            v->i = static_cast<int64_t>(u);
          }
          pos += k;
          push(v);
          break;
        }
        case 'G': {
          need(8);
          uint64_t u = 0;
          for (int i = 0; i < 8; ++i) u = (u << 8) | d[pos + i];
          pos += 8;
          Value* v = make(Value::Kind::Float);
          std::memcpy(&v->f, &u, 8);
          push(v);
          break;
        }
        case 'X': { Value* v = make(Value::Kind::Str); v->s = bytes(le(4)); push(v); break; }
        case 0x8C: { Value* v = make(Value::Kind::Str); v->s = bytes(le(1)); push(v); break; }
        case 0x8D: { Value* v = make(Value::Kind::Str); v->s = bytes(le(8)); push(v); break; }
        case 'B': { Value* v = make(Value::Kind::Bytes); v->s = bytes(le(4)); push(v); break; }
        case 'C': { Value* v = make(Value::Kind::Bytes); v->s = bytes(le(1)); push(v); break; }
        case 0x8E: case 0x96: { Value* v = make(Value::Kind::Bytes); v->s = bytes(le(8)); push(v); break; }
        case 'U': { Value* v = make(Value::Kind::Str); v->s = bytes(le(1)); push(v); break; }
        case 'T': { const int64_t k = static_cast<int32_t>(le(4)); if (k < 0) fail("negative string length"); Value* v = make(Value::Kind::Str); v->s = bytes(k); push(v); break; }
        case 'q': put(static_cast<uint32_t>(le(1))); break;
        case 'r': put(static_cast<uint32_t>(le(4))); break;
        case 0x94: put(static_cast<uint32_t>(memo.size())); break;
        case 'h': push(get(static_cast<uint32_t>(le(1)))); break;
        case 'j': push(get(static_cast<uint32_t>(le(4)))); break;
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          fail(std::string("opcode ") + hex + " is not supported by this data-only reader");
        }
      }
    }
  }
};

Pickle::Pickle(const uint8_t* data, size_t size, size_t* end, PickleLimits limits) {
  Machine m{*this, data, size, 0, limits, {}, {}, {}};
  root_ = m.run();
  if (end) *end = m.pos;
}

}  // namespace lpm::io
