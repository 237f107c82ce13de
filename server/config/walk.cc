#include "server/config/walk.h"

#include <map>

namespace saker::config::internal {
namespace {

void Ignored(const Schema& schema, const Value& key, Context* ctx) {
  std::string message = "not supported by saker, ignored";
  if (!IsUnsupportedFalcoKey(key.key)) {
    if (std::string near = schema.Suggest(key.key); !near.empty()) {
      absl::StrAppend(&message, " (did you mean ", near, "?)");
    }
  }
  ctx->diag->Warning(key.where, key.key, message);
}

void WalkMap(const Schema& schema, const Value& map, Context* ctx) {
  std::map<std::string, std::string> seen;  // key -> where
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    const YAML::Node key_node = it->first;  // a copy: `it->` is a temporary proxy
    std::string name = key_node.IsScalar() ? key_node.Scalar() : "";
    std::string path = map.key.empty() ? name : absl::StrCat(map.key, ".", name);
    Value value = map.Child(it->second, path, key_node.Mark());
    // Warnings and duplicates cite the key itself.
    Value key = value;
    if (!value.from_override) {
      key.where = map.origins->Position(key_node.Mark());
    }
    if (name.empty()) {
      ctx->diag->Error(key.where, map.key.empty() ? "(top level)" : map.key,
                       "expected a string key");
      continue;
    }
    if (auto [prev, fresh] = seen.emplace(name, key.where); !fresh) {
      ctx->diag->Error(key.where, path,
                       absl::StrCat("duplicate key (first set at ", prev->second, ")"));
      continue;
    }
    if (const Handler* handler = schema.Find(path)) {
      Record(value, ctx);
      (*handler)(value, ctx);
    } else if (schema.IsSection(path)) {
      if (IsAbsent(value.node)) {
        continue;
      }
      if (!value.node.IsMap()) {
        Expected(value, "a map", ctx);
        continue;
      }
      WalkMap(schema, value, ctx);
    } else {
      Ignored(schema, key, ctx);
    }
  }
}

}  // namespace

void WalkDocument(const Schema& schema, const YAML::Node& root, const Origins& origins,
                  Context* ctx) {
  if (IsAbsent(root)) {
    return;
  }
  Value top;
  top.node = root;
  top.origins = &origins;
  top.where = origins.Position(root.Mark());
  if (!root.IsMap()) {
    ctx->diag->Error(top.where, "(top level)",
                     absl::StrCat("expected a map of keys, got ", Describe(root)));
    return;
  }
  WalkMap(schema, top, ctx);
}

}  // namespace saker::config::internal
