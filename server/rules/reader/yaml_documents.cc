#include "server/rules/reader/yaml_documents.h"

#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

namespace saker::rules {
namespace {

// Records where each document starts and ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  const YAML::Mark& start() const { return start_; }

  void OnDocumentStart(const YAML::Mark& mark) override { start_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  YAML::Mark start_;
};

}  // namespace

std::vector<YAML::Node> LoadAllDocuments(const std::string& text) {
  // A first pass over the events: two documents starting at the same token
  // mean the parser consumed nothing, and would forever.
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  int previous = -1;
  while (parser.HandleNextDocument(starts)) {
    if (starts.start().pos == previous) {
      throw YAML::ParserException(starts.start(), "unexpected token");
    }
    previous = starts.start().pos;
  }
  // The parser is deterministic: this ends where the first pass did.
  return YAML::LoadAll(text);
}

}  // namespace saker::rules
