#pragma once
// A session as one line of text, to paste into a chat or a slide: lpm-studio:?v=1&NAME=VALUE&...
// Parameters under the registry's names (only those that differ from the defaults; anything left
// out keeps its default), then the view (toggles, plot, 3D axes, R range), camera, preset,
// checkpoint and pins, compared models. The 3D picture itself is for session files only: a link
// draws its state on the axes that state chooses.
// Numbers are written in their shortest exact form, so a link restores the session exactly.
// Read like a session file: versioned, every value checked, a bad link refused with the reason.
#include <string>

#include "lpm/Session.h"

namespace lpm {

constexpr const char* kStateLinkScheme = "lpm-studio";
constexpr int kStateLinkVersion = 1;
constexpr size_t kMaxStateLinkBytes = 16384;

/// "lpm-studio:?v=1&EW=1&EH=5&KA=5&KB=5&R=100" (the defaults left out).
std::string stateLink(const Session& s);
/// Whether `text` (trimmed) is meant as a state link: it starts with "lpm-studio:".
bool isStateLink(const std::string& text);
/// Throws InvalidInput naming the problem ("state link: EW must be > 0, got -1",
/// "state link: unknown key 'foo'", "state link: version 2 is not supported ...").
Session sessionFromStateLink(const std::string& link);

}  // namespace lpm
