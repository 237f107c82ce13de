// Walks a YAML document against the Schema: each supported key goes to its
// handler, each section is descended, every other key is a warning.
#pragma once

#include <yaml-cpp/yaml.h>

#include "server/config/schema.h"

namespace saker::config::internal {

// `root` is the whole document (a map or null); `top` describes it for errors.
void WalkDocument(const Schema& schema, const YAML::Node& root, const Origins& origins,
                  Context* ctx);

// Cross-key checks on the loaded config (required sub-keys and the like).
void CheckConfig(const Config& c, Diagnostics* diag);  // checks.cc

}  // namespace saker::config::internal
