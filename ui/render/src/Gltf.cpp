// The 3D scene as glTF 2.0 (one .gltf file, buffer inlined as base64): an arrow per classifier, a
// sphere per class mean, the unit sphere as lines, the ETF reference and a network's overlay, each
// a node named as the view labels it ("w0 (majority)", classes numbered from 0). Written here rather than by VTK's
// exporter, which keeps only plain polydata actors (the glyphs, i.e. every arrow, were lost).
#include <QByteArray>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "lpm/Error.h"
#include "lpm/render/Figure.h"
#include "lpm/render/SceneContent.h"

namespace lpm::render {
namespace {

using json = nlohmann::json;

struct Mesh {
  std::vector<float> pos, nrm;
  std::vector<uint16_t> idx;
  int mode = 4;  // 4 triangles, 1 lines
  void vertex(const Eigen::Vector3d& p, const Eigen::Vector3d& n) {
    for (int i = 0; i < 3; ++i) pos.push_back(float(p[i])), nrm.push_back(float(n[i]));
  }
};

// An arrow of length 1 along +x: a shaft of radius `shaft` and a cone tip of length `tipLen`.
Mesh arrowMesh(double shaft, double tipRadius, double tipLen, int sides = 16) {
  Mesh m;
  const double x1 = 1 - tipLen;
  auto ring = [&](double x, double r, double nx, double scale) {
    for (int i = 0; i < sides; ++i) {
      const double a = 2 * M_PI * i / sides;
      m.vertex({x, r * std::cos(a), r * std::sin(a)},
               Eigen::Vector3d(nx, scale * std::cos(a), scale * std::sin(a)).normalized());
    }
  };
  ring(0, shaft, 0, 1);  // 0: shaft start
  ring(x1, shaft, 0, 1);  // sides: shaft end
  ring(x1, tipRadius, tipRadius / tipLen, 1);  // 2 sides: cone base, the cone's own normals
  ring(x1, tipRadius, -1, 0);                  // 3 sides: the same ring facing back (the base disc)
  // The tip once per side, each with the cone's normal halfway round its face: one shared tip
  // vertex (normal along the axis) shaded every cone flat-looking towards its point.
  const uint16_t tips = uint16_t(m.pos.size() / 3);
  for (int i = 0; i < sides; ++i) {
    const double a = 2 * M_PI * (i + 0.5) / sides;
    m.vertex({1, 0, 0}, Eigen::Vector3d(tipRadius / tipLen, std::cos(a), std::sin(a)).normalized());
  }
  const uint16_t base = uint16_t(m.pos.size() / 3);
  m.vertex({x1, 0, 0}, {-1, 0, 0});
  for (int i = 0; i < sides; ++i) {
    const uint16_t a = uint16_t(i), b = uint16_t((i + 1) % sides);
    m.idx.insert(m.idx.end(), {a, b, uint16_t(sides + a), b, uint16_t(sides + b), uint16_t(sides + a)});
    m.idx.insert(m.idx.end(), {uint16_t(2 * sides + a), uint16_t(2 * sides + b), uint16_t(tips + a)});
    m.idx.insert(m.idx.end(), {base, uint16_t(3 * sides + b), uint16_t(3 * sides + a)});
  }
  return m;
}

Mesh sphereMesh(int stacks, int slices) {
  Mesh m;
  for (int i = 0; i <= stacks; ++i)
    for (int j = 0; j <= slices; ++j) {
      const double t = M_PI * i / stacks, f = 2 * M_PI * j / slices;
      const Eigen::Vector3d p(std::sin(t) * std::cos(f), std::sin(t) * std::sin(f), std::cos(t));
      m.vertex(p, p);
    }
  for (int i = 0; i < stacks; ++i)
    for (int j = 0; j < slices; ++j) {
      const uint16_t a = uint16_t(i * (slices + 1) + j), b = uint16_t(a + slices + 1);
      m.idx.insert(m.idx.end(), {a, b, uint16_t(a + 1), uint16_t(a + 1), b, uint16_t(b + 1)});
    }
  return m;
}

// The unit sphere's wireframe: 6 meridians and 5 parallels, as lines.
Mesh wireSphere() {
  Mesh m;
  m.mode = 1;
  const int n = 48;
  auto loop = [&](auto point) {
    const uint16_t first = uint16_t(m.pos.size() / 3);
    for (int i = 0; i < n; ++i) {
      const Eigen::Vector3d p = point(2 * M_PI * i / n);
      m.vertex(p, p.normalized());
      m.idx.push_back(uint16_t(first + i));
      m.idx.push_back(uint16_t(first + (i + 1) % n));
    }
  };
  for (int k = 0; k < 6; ++k) {
    const double f = M_PI * k / 6;
    loop([&](double a) { return Eigen::Vector3d(std::sin(a) * std::cos(f), std::sin(a) * std::sin(f), std::cos(a)); });
  }
  for (int k = 1; k <= 5; ++k) {
    const double t = M_PI * k / 6;
    loop([&](double a) { return Eigen::Vector3d(std::sin(t) * std::cos(a), std::sin(t) * std::sin(a), std::cos(t)); });
  }
  return m;
}

struct Builder {
  json doc;
  std::vector<unsigned char> bin;

  int view(const void* data, size_t bytes, int target) {
    while (bin.size() % 4) bin.push_back(0);
    const size_t off = bin.size();
    bin.resize(off + bytes);
    std::memcpy(bin.data() + off, data, bytes);
    doc["bufferViews"].push_back({{"buffer", 0}, {"byteOffset", off}, {"byteLength", bytes}, {"target", target}});
    return int(doc["bufferViews"].size()) - 1;
  }
  int accessor(int view, int componentType, size_t count, const char* type, json extra = json::object()) {
    json a = {{"bufferView", view}, {"componentType", componentType}, {"count", count}, {"type", type}};
    a.update(extra);
    doc["accessors"].push_back(a);
    return int(doc["accessors"].size()) - 1;
  }
  int mesh(const Mesh& m, const std::string& name, int material) {
    float lo[3] = {1e30f, 1e30f, 1e30f}, hi[3] = {-1e30f, -1e30f, -1e30f};
    for (size_t i = 0; i < m.pos.size(); ++i) lo[i % 3] = std::min(lo[i % 3], m.pos[i]), hi[i % 3] = std::max(hi[i % 3], m.pos[i]);
    const size_t n = m.pos.size() / 3;
    const int pos = accessor(view(m.pos.data(), m.pos.size() * 4, 34962), 5126, n, "VEC3",
                             {{"min", {lo[0], lo[1], lo[2]}}, {"max", {hi[0], hi[1], hi[2]}}});
    const int nrm = accessor(view(m.nrm.data(), m.nrm.size() * 4, 34962), 5126, n, "VEC3");
    const int idx = accessor(view(m.idx.data(), m.idx.size() * 2, 34963), 5123, m.idx.size(), "SCALAR");
    doc["meshes"].push_back({{"name", name},
                             {"primitives",
                              {{{"attributes", {{"POSITION", pos}, {"NORMAL", nrm}}},
                                {"indices", idx},
                                {"material", material},
                                {"mode", m.mode}}}}});
    return int(doc["meshes"].size()) - 1;
  }
  int material(const std::string& name, const double rgb[3], bool unlit = false, double alpha = 1.0) {
    json m = {{"name", name},
              {"pbrMetallicRoughness",
               {{"baseColorFactor", {rgb[0], rgb[1], rgb[2], alpha}}, {"metallicFactor", 0.0}, {"roughnessFactor", 0.6}}}};
    if (unlit) m["extensions"] = {{"KHR_materials_unlit", json::object()}};
    if (alpha < 1) m["alphaMode"] = "BLEND", m["doubleSided"] = true;
    doc["materials"].push_back(m);
    return int(doc["materials"].size()) - 1;
  }
  int node(const std::string& name, int mesh, const std::vector<double>& matrix, json extras = nullptr) {
    json n = {{"name", name}, {"mesh", mesh}};
    if (!matrix.empty()) n["matrix"] = matrix;
    if (!extras.is_null()) n["extras"] = extras;
    doc["nodes"].push_back(n);
    return int(doc["nodes"].size()) - 1;
  }
};

// Column-major 4x4 taking the unit +x arrow to `w` (thickness `thick` times the mesh's).
std::vector<double> arrowMatrix(const Eigen::Vector3d& w, double thick) {
  const double len = w.norm();
  const Eigen::Vector3d d = w / len;
  Eigen::Vector3d a = std::abs(d.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY();
  const Eigen::Vector3d b = d.cross(a).normalized(), c = d.cross(b);
  const Eigen::Vector3d x = d * len, y = b * thick, z = c * thick;
  return {x[0], x[1], x[2], 0, y[0], y[1], y[2], 0, z[0], z[1], z[2], 0, 0, 0, 0, 1};
}

}  // namespace

void writeSceneGltf(const SceneData& s, const std::string& path) {
  Builder b;
  b.doc["asset"] = {{"version", "2.0"}, {"generator", "LPM Studio"}};
  b.doc["scene"] = 0;
  const double grey[3] = {0.6, 0.6, 0.62}, wire[3] = {0.78, 0.78, 0.82};
  const int mMajW = b.material("majority classifier", Palette::majorityW),
            mMinW = b.material("minority classifier", Palette::minorityW),
            mMajH = b.material("majority class mean", Palette::majorityH),
            mMinH = b.material("minority class mean", Palette::minorityH),
            mNet = b.material("trained network classifier", Palette::network), mRef = b.material("simplex ETF", grey),
            mWire = b.material("unit sphere", wire, true);
  // One mesh per material (a node refers to a mesh, and the mesh carries the material).
  const Mesh arrow = arrowMesh(0.02, 0.055, 0.16), thin = arrowMesh(0.008, 0.035, 0.14), ball = sphereMesh(10, 16);
  const int arrowMaj = b.mesh(arrow, "classifier arrow (majority)", mMajW),
            arrowMin = b.mesh(arrow, "classifier arrow (minority)", mMinW),
            ballMaj = b.mesh(ball, "class mean (majority)", mMajH), ballMin = b.mesh(ball, "class mean (minority)", mMinH),
            arrowNet = b.mesh(thin, "network classifier arrow", mNet), arrowRef = b.mesh(thin, "ETF arrow", mRef);
  std::vector<int> roots;
  auto minority = [&](int k) { return k < int(s.minority.size()) && s.minority[k]; };
  auto role = [&](int k) { return std::string(minority(k) ? " (minority)" : " (majority)"); };
  for (int k = 0; k < s.W.rows(); ++k) {
    Eigen::Vector3d w = s.W.row(k).transpose();
    const double len = w.norm();
    if (!(len > 1e-9)) continue;  // a vanished classifier has no arrow (w = 0)
    if (s.view.unitArrows) w /= len;
    roots.push_back(b.node("w" + std::to_string(k) + role(k), minority(k) ? arrowMin : arrowMaj,
                           arrowMatrix(w, 1.0),
                           {{"class", k}, {"minority", minority(k)}, {"norm", len}}));
  }
  if (s.view.means)
    for (int k = 0; k < s.H.rows(); ++k) {
      const Eigen::Vector3d h = s.H.row(k).transpose();
      const double r = 0.045;
      roots.push_back(b.node("h" + std::to_string(k) + role(k), minority(k) ? ballMin : ballMaj,
                             {r, 0, 0, 0, 0, r, 0, 0, 0, 0, r, 0, h[0], h[1], h[2], 1},
                             {{"class", k}, {"minority", minority(k)}, {"norm", h.norm()}}));
    }
  if (s.view.etf)
    for (int k = 0; k < s.etf.rows(); ++k) {
      const Eigen::Vector3d e = s.etf.row(k).transpose();
      if (e.norm() > 1e-9) roots.push_back(b.node("ETF " + std::to_string(k), arrowRef, arrowMatrix(e, 1.0)));
    }
  for (int k = 0; k < s.overlay.rows(); ++k) {
    Eigen::Vector3d w = s.overlay.row(k).transpose();
    if (s.view.unitArrows && w.norm() > 1e-9) w.normalize();  // as the model's arrows
    if (w.norm() > 1e-9) roots.push_back(b.node("network w" + std::to_string(k), arrowNet, arrowMatrix(w, 1.0)));
  }
  if (s.view.unitSphere) roots.push_back(b.node("unit sphere", b.mesh(wireSphere(), "unit sphere", mWire), {}));
  // The minority cone, as the view draws it (minorityCone): a translucent surface and its rim.
  if (const auto cone = minorityCone(s.W, s.minority, s.minorityInset)) {
    const std::vector<Eigen::Vector3d> ring = cone->rim(48);
    Mesh surface, rim;
    rim.mode = 3;  // a line strip
    for (size_t j = 0; j + 1 < ring.size(); ++j) {
      // Each triangle (apex, rim j, rim j + 1) with its own face normal, so it shades as a cone.
      const Eigen::Vector3d n = ring[j].cross(ring[j + 1]).normalized();
      for (const Eigen::Vector3d& v : {Eigen::Vector3d(Eigen::Vector3d::Zero()), ring[j], ring[j + 1]}) {
        surface.idx.push_back(uint16_t(surface.pos.size() / 3));
        surface.vertex(v, n);
      }
    }
    for (const Eigen::Vector3d& v : ring) rim.idx.push_back(uint16_t(rim.pos.size() / 3)), rim.vertex(v, v);
    const int mCone = b.material("minority cone", Palette::minorityW, true, 0.16), mRim = b.material("minority cone rim", Palette::minorityW, true);
    roots.push_back(b.node("minority cone", b.mesh(surface, "minority cone", mCone), {},
                           {{"angle_degrees", cone->angle * 180 / M_PI}, {"axis", {cone->axis[0], cone->axis[1], cone->axis[2]}}}));
    roots.push_back(b.node("minority cone rim", b.mesh(rim, "minority cone rim", mRim), {}));
  }
  // One root node always (a scene must list at least one), the drawn things its children.
  json root = {{"name", "LPM Studio scene"}};
  if (!roots.empty()) root["children"] = roots;
  b.doc["nodes"].push_back(root);
  b.doc["scenes"] = {{{"name", "LPM Studio scene"}, {"nodes", {int(b.doc["nodes"].size()) - 1}}}};
  if (!s.note.empty() || !s.legend.empty()) b.doc["scenes"][0]["extras"] = {{"note", s.note}, {"legend", s.legend}};
  b.doc["extensionsUsed"] = {"KHR_materials_unlit"};
  b.doc["buffers"] = {{{"byteLength", b.bin.size()}, {"uri", "data:application/octet-stream;base64," +
                                                           QByteArray::fromRawData(reinterpret_cast<const char*>(b.bin.data()),
                                                                                   qsizetype(b.bin.size()))
                                                               .toBase64()
                                                               .toStdString()}}};
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << b.doc.dump();
  out.close();
  if (!out) throw IoError("cannot write " + path);
}

}  // namespace lpm::render
