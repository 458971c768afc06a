#include "lpm/Files.h"

#include <filesystem>
#include <system_error>

#include "lpm/Error.h"

namespace lpm {

std::string unreadableReason(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return path + " is a folder, not a file";
  if (!fs::exists(path, ec)) return path + " does not exist";
  return {};
}

void checkReadableFile(const std::string& path, const std::string& what) {
  if (const std::string why = unreadableReason(path); !why.empty()) throw IoError(what + ": " + why);
}

void checkWritableFile(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec)) throw IoError("cannot write " + path + ": it is a folder");
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(dir, ec)) throw IoError("cannot write " + path + ": folder " + dir.string() + " does not exist");
}

}  // namespace lpm
