#pragma once
// The one root of every error a user can cause. Each kind has one exit code in every executable
// (exitCode): invalid input 2, a refused file 1, an I/O failure 1; the message is one line that
// names the problem.
#include <new>
#include <stdexcept>
#include <string>

namespace lpm {

enum class ErrorKind {
  InvalidInput,  ///< a value, name, option or combination the user can correct
  RefusedFile,   ///< a file that is corrupt, hostile, unsupported or too large
  Io,            ///< a file that cannot be read or written
  Cancelled      ///< the user stopped it (CancelToken)
};

class Error : public std::runtime_error {
public:
  Error(ErrorKind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

private:
  ErrorKind kind_;
};

/// Thrown for parameters a user can correct; the message says which and why.
class InvalidInput : public Error {
public:
  explicit InvalidInput(const std::string& what) : Error(ErrorKind::InvalidInput, what) {}
};

class IoError : public Error {
public:
  explicit IoError(const std::string& what) : Error(ErrorKind::Io, what) {}
};

/// A long operation stopped by its CancelToken.
class Cancelled : public Error {
public:
  Cancelled() : Error(ErrorKind::Cancelled, "cancelled") {}
};

/// Exit code of an executable for an error of this kind.
inline int exitCode(ErrorKind k) { return k == ErrorKind::InvalidInput ? 2 : 1; }

/// The one-line message for an exception that is not an Error (a bug, or memory): says what
/// happened in words, never "std::bad_alloc".
inline std::string describeUnexpected(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e))
    return "out of memory: the input is too large for this machine (fewer classes, a smaller file or the reduced "
           "solver may fit)";
  return std::string("internal error: ") + e.what();
}

}  // namespace lpm
