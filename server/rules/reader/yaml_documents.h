// The documents of a YAML stream, without yaml-cpp 0.7's endless loop.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace saker::rules {

// YAML::LoadAll(text), except that where yaml-cpp's parser stops consuming
// input (e.g. on "&a,|" or a ',' at column 0) it throws YAML::ParserException
// at the stuck token. YAML::LoadAll itself would append empty documents there
// until memory runs out (yaml-cpp PR #1319, fixed after 0.8; Debian 12 ships
// 0.7). Found by //server/rules/reader:reader_fuzzer.
std::vector<YAML::Node> LoadAllDocuments(const std::string& text);

}  // namespace saker::rules
