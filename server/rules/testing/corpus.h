// The committed seed corpus of a fuzz target, for its deterministic driver.
#pragma once

#include <string>
#include <vector>

namespace saker::rules::testing {

// The contents of every regular file in `dir` (relative to the test's working
// directory, the runfiles root: e.g. "server/config/fuzz_corpus"), sorted by
// file name. Empty when the directory is missing or empty.
std::vector<std::string> ReadCorpus(const std::string& dir);

}  // namespace saker::rules::testing
