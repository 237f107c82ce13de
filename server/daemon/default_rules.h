// Saker's own rules (rules/saker_rules.yaml), built into the binary so that
// `sakerd` with no -r has rules wherever it runs.
#pragma once

namespace saker::daemon {

extern const char kDefaultRules[];

}  // namespace saker::daemon
