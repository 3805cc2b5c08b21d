#pragma once
// Runs the built `shardmap` CLI (SHARDMAP_CLI_PATH, set by CMake) as a process in a temporary
// directory and captures its exit code, stdout and stderr; shared by the CLI tests.

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/unit/shardmap/temp_dir.h"

namespace sg::testing {

struct CliRun {
  int exitCode = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string shellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `dir` holds the captured output files.
inline CliRun runShardmapCli(const TempDir& dir, const std::vector<std::string>& args) {
  std::string command = shellQuote(SHARDMAP_CLI_PATH);
  for (const auto& a : args) {
    command += ' ';
    command += shellQuote(a);
  }
  auto out = dir.path() / "stdout";
  auto err = dir.path() / "stderr";
  command += " >";
  command += shellQuote(out.string());
  command += " 2>";
  command += shellQuote(err.string());
  command += " </dev/null";
  int status = std::system(command.c_str());
  CliRun result;
  if (status != -1 && WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

}  // namespace sg::testing
