// Falco's append_output: a list of entries, each
//   {match: {source, tag, rule}, extra_output: STR, extra_fields: [NAME | {NAME: EXPR}]}
// or `{suggested_output: BOOL}`.
#include "server/config/schema.h"

namespace saker::config::internal {
namespace {

void ParseMatch(const Value& v, AppendOutputEntry* e, Context* ctx) {
  if (IsAbsent(v.node)) {
    return;
  }
  if (!v.node.IsMap()) {
    Expected(v, "a map of source, tag and rule", ctx);
    return;
  }
  for (auto it = v.node.begin(); it != v.node.end(); ++it) {
    const std::string name = it->first.Scalar();
    Value f = v.Child(it->second, absl::StrCat(v.key, ".", name), it->first.Mark());
    std::string* out = name == "source" ? &e->source
                       : name == "tag"  ? &e->tag
                       : name == "rule" ? &e->rule
                                        : nullptr;
    if (out == nullptr) {
      ctx->diag->Warning(f.where, f.key, "not supported by saker, ignored");
      continue;
    }
    if (auto s = StringValue(f, ctx)) {
      *out = *s;
    }
  }
}

void ParseExtraFields(const Value& v, AppendOutputEntry* e, Context* ctx) {
  if (IsAbsent(v.node)) {
    return;
  }
  if (!v.node.IsSequence()) {
    Expected(v, "a list of field names or {NAME: EXPRESSION} maps", ctx);
    return;
  }
  for (size_t i = 0; i < v.node.size(); ++i) {
    Value item = v.Child(v.node[i], absl::StrCat(v.key, "[", i, "]"), v.node.Mark());
    if (item.node.IsScalar() && !item.node.Scalar().empty()) {
      e->extra_fields.emplace_back(item.node.Scalar(), "");
    } else if (item.node.IsMap() && item.node.size() == 1 && item.node.begin()->second.IsScalar()) {
      e->extra_fields.emplace_back(item.node.begin()->first.Scalar(),
                                   item.node.begin()->second.Scalar());
    } else {
      Expected(item, "a field name or a {NAME: EXPRESSION} map", ctx);
    }
  }
}

void ParseEntry(const Value& v, Context* ctx) {
  if (!v.node.IsMap()) {
    Expected(v, "a map with match, extra_output, extra_fields or suggested_output", ctx);
    return;
  }
  AppendOutputEntry e;
  bool has_entry = false;
  for (auto it = v.node.begin(); it != v.node.end(); ++it) {
    const std::string name = it->first.Scalar();
    Value f = v.Child(it->second, absl::StrCat(v.key, ".", name), it->first.Mark());
    if (name == "suggested_output") {
      if (auto b = BoolValue(f, ctx)) {
        ctx->config->append_output.suggested_output |= *b;
      }
    } else if (name == "match") {
      ParseMatch(f, &e, ctx);
      has_entry = true;
    } else if (name == "extra_output") {
      if (auto s = StringValue(f, ctx)) {
        e.extra_output = *s;
      }
      has_entry = true;
    } else if (name == "extra_fields") {
      ParseExtraFields(f, &e, ctx);
      has_entry = true;
    } else {
      ctx->diag->Warning(f.where, f.key, "not supported by saker, ignored");
    }
  }
  if (has_entry) {
    ctx->config->append_output.entries.push_back(std::move(e));
  }
}

}  // namespace

void AddAppendOutputKey(Schema* s) {
  s->Add("append_output", [](const Value& v, Context* ctx) {
    ctx->config->append_output = AppendOutput{};
    if (IsAbsent(v.node)) {
      return;
    }
    if (!v.node.IsSequence()) {
      Expected(v, "a list", ctx);
      return;
    }
    for (size_t i = 0; i < v.node.size(); ++i) {
      ParseEntry(v.Child(v.node[i], absl::StrCat(v.key, "[", i, "]"), v.node.Mark()), ctx);
    }
  });
}

}  // namespace saker::config::internal
