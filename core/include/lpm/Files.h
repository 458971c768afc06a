#pragma once
// Paths a user gives: one rule for what is said when a file to read is missing or a folder, and
// when a file to write cannot be (a folder, a folder that does not exist). Said before any work.
#include <string>

namespace lpm {

/// "PATH is a folder, not a file" or "PATH does not exist"; empty for a file that is there. The
/// words every reader uses (checkReadableFile; the checkpoint reader refuses with them).
std::string unreadableReason(const std::string& path);
/// Throws IoError "WHAT: PATH does not exist" or "WHAT: PATH is a folder, not a file".
void checkReadableFile(const std::string& path, const std::string& what);
/// Throws IoError "cannot write PATH: it is a folder" or "...: folder DIR does not exist".
void checkWritableFile(const std::string& path);

}  // namespace lpm
