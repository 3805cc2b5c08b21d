#pragma once
// Diagnostics of the control path: an error or warning found while loading a configuration file,
// always tied to a file and a line so an operator can go straight to the offending entry.

#include <string>
#include <vector>

namespace sg::shardmap {

// One finding about a file. `line` is 1-based; 0 means "the file as a whole" (e.g. it could not be
// read), and then str() leaves the line out.
struct Diagnostic {
  std::string file;
  int line = 0;
  std::string message;

  // "file:line: message" (or "file: message" when line is 0).
  std::string str() const;
};

// Collects the errors and warnings of loading one file; every loader step appends to it and goes
// on, so a single run reports all problems rather than the first one.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void error(int line, std::string message);
  void warning(int line, std::string message);

  // Orders errors and warnings by line (stable), so they read top to bottom like the file.
  void sortByLine();

  const std::string& file() const { return file_; }
  bool hasErrors() const { return !errors_.empty(); }
  std::vector<Diagnostic>& errors() { return errors_; }
  std::vector<Diagnostic>& warnings() { return warnings_; }

 private:
  std::string file_;
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
};

}  // namespace sg::shardmap
