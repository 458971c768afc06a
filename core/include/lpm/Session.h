#pragma once
// A saved session: parameters, camera, preset, checkpoint path and view toggles, as a small
// versioned JSON file. Loading validates everything and says what is wrong.
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "lpm/Problem.h"

namespace lpm {

struct CameraState {
  std::array<double, 3> position{}, focalPoint{}, viewUp{};
  double viewAngle = 30;
};

struct ViewOptions {
  bool unitSphere = true, means = true, labels = true, etf = false, unitArrows = false, dark = false;
  bool networkOverlay = true;  ///< a loaded network's classifiers over the model's
  bool axes = false;           ///< x, y, z axes in the 3D view
  /// What the plot's curves show: "auto" (the model's own quantity: the classifiers' cosine, the
  /// features' for a fixed ETF classifier or supcon) or a CurveQuantity name (lpm/Sweep.h).
  std::string plot = "auto";
  /// How the 3D axes are chosen (View > 3D Axes From): "groups" (both groups' structure),
  /// "classifiers" (their principal axes), "all" (classifiers and class means), "minority" or
  /// "majority" (lpm/Geometry.h, focusFromName).
  std::string axesFrom = "groups";
  /// Parameter rows a teacher hides in presentation mode (registry names, sorted).
  std::vector<std::string> presentationHidden;
};

/// A trained network kept on the plot for comparison: its name, imbalance ratio, minority cosine.
struct PinnedNetwork {
  std::string name;
  double R = 1, minorityCos = 0;
  /// The network's own model setting when it was pinned (its fitted EW and EH, its roles): its
  /// model curve can join the plot (Compare > Pinned Networks' Models). Absent in older sessions.
  std::optional<TwoSizeParams> model;
};

/// The cosine-vs-R plot's upper end: one range for sessions, state links and the window.
constexpr double kMinPlotRmax = 10, kMaxPlotRmax = 1e12;
inline bool validPlotRmax(double Rmax) { return Rmax >= kMinPlotRmax && Rmax <= kMaxPlotRmax; }
/// The automatic range: 1 to 10^4, or far enough beyond R0 to see the curve settle (a power of
/// ten, at least 3 R0, up to kMaxPlotRmax). One rule for the window and `lpm figure`.
inline double automaticPlotRmax(std::optional<double> R0) {
  if (!R0 || *R0 <= 1e4 / 3) return 1e4;
  return std::min(std::pow(10.0, std::ceil(std::log10(3 * *R0))), kMaxPlotRmax);
}

struct Session {
  static constexpr int kVersion = 1;
  TwoSizeParams params;
  std::optional<std::string> preset;
  std::optional<CameraState> camera;
  std::optional<std::string> checkpoint;
  std::optional<std::string> features, labels;   ///< with the checkpoint
  std::optional<std::vector<int>> minority;      ///< the checkpoint's minority classes, as marked
  std::vector<PinnedNetwork> pinned;
  std::vector<TwoSizeParams> compared;  ///< models drawn beside this one on the plot
  /// The plot's R range, 1 to plotRmax (kMinPlotRmax .. kMaxPlotRmax); none: automatic (beyond R0).
  std::optional<double> plotRmax;
  /// The 3D picture as it was drawn: class means, then classifiers (2K rows of x, y, z, the
  /// solution's scaled vectors on the view's axes). Reopening turns the new solution's axes onto
  /// it, so the picture is the saved one (the axes depend on the path that led there). Empty: none.
  std::vector<std::array<double, 3>> picture;
  std::vector<std::string> warnings;  ///< what loading set aside (e.g. a preset this build does not know)
  ViewOptions view;
};

std::string sessionToJson(const Session& s);
/// Throws InvalidInput with a message naming the problem ("session: params.EW must be > 0").
Session sessionFromJson(const std::string& text);
Session loadSession(const std::string& path);
/// Whether a file is opened as a session: a .json that is not a shard index (io::isShardIndexPath).
bool isSessionPath(const std::string& path);
void saveSession(const Session& s, const std::string& path);

}  // namespace lpm
