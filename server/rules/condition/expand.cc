#include "server/rules/condition/expand.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace saker::rules {
namespace {

bool IsListDelimiter(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == ',' ||
         c == '=';
}

std::string JoinItems(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out.append(", ");
    }
    const std::string& it = items[i];
    bool quoted = !it.empty() && (it[0] == '"' || it[0] == '\'');
    if (it.find(' ') != std::string::npos && !quoted) {
      absl::StrAppend(&out, "\"", items[i], "\"");
    } else {
      out.append(items[i]);
    }
  }
  return out;
}

struct Token {
  size_t begin;
  size_t end;
  const std::vector<std::string>* items;
};

std::vector<Token> FindLists(const std::string& s, const ListLookup& lookup) {
  std::vector<Token> tokens;
  for (size_t i = 0; i < s.size();) {
    if (IsListDelimiter(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && !IsListDelimiter(s[j])) {
      ++j;
    }
    const std::vector<std::string>* items = lookup(s.substr(i, j - i));
    if (items != nullptr) {
      tokens.push_back({i, j, items});
    }
    i = j;
  }
  return tokens;
}

SourceText Replace(const SourceText& text, const std::vector<Token>& tokens) {
  const std::string& s = text.text();
  if (tokens.empty()) {
    return text;
  }
  std::vector<bool> skip(s.size(), false);
  auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  for (const Token& t : tokens) {
    if (!t.items->empty()) {
      continue;
    }
    size_t r = t.end;
    while (r < s.size() && is_blank(s[r])) {
      ++r;
    }
    if (r < s.size() && s[r] == ',') {
      skip[r] = true;
      continue;
    }
    size_t l = t.begin;
    while (l > 0 && is_blank(s[l - 1])) {
      --l;
    }
    if (l > 0 && s[l - 1] == ',') {
      skip[l - 1] = true;
    }
  }
  SourceText out;
  size_t copy_from = 0;
  auto flush = [&](size_t upto) {
    size_t i = copy_from;
    while (i < upto) {
      size_t j = i;
      while (j < upto && !skip[j]) {
        ++j;
      }
      out.AppendFrom(text, i, j);
      i = j;
      while (i < upto && skip[i]) {
        ++i;
      }
    }
  };
  for (const Token& t : tokens) {
    flush(t.begin);
    out.AppendSynthetic(JoinItems(*t.items), text.Locate(t.begin));
    copy_from = t.end;
  }
  flush(s.size());
  return out;
}

void NoteUsed(const std::string& s, const std::vector<Token>& tokens,
              std::vector<std::string>* used) {
  for (const Token& t : tokens) {
    if (used != nullptr) {
      used->push_back(s.substr(t.begin, t.end - t.begin));
    }
  }
}

}  // namespace

SourceText SubstituteLists(const SourceText& text, const ListLookup& lookup,
                           std::vector<std::string>* used) {
  std::vector<Token> tokens = FindLists(text.text(), lookup);
  NoteUsed(text.text(), tokens, used);
  return Replace(text, tokens);
}

absl::StatusOr<SourceText> SubstituteLists(const SourceText& text, const ListLookup& lookup,
                                           size_t max_items, size_t* items,
                                           std::vector<std::string>* used, Position* error_pos) {
  std::vector<Token> tokens = FindLists(text.text(), lookup);
  size_t n = 0;
  for (const Token& t : tokens) {
    n += t.items->size();
    if (n > max_items) {
      *items = n;
      if (error_pos != nullptr) {
        *error_pos = text.Locate(t.begin);
      }
      return absl::ResourceExhaustedError(
          absl::StrCat("list '", text.text().substr(t.begin, t.end - t.begin),
                       "' takes the condition past ", max_items, " list items"));
    }
  }
  *items = n;
  NoteUsed(text.text(), tokens, used);
  return Replace(text, tokens);
}

namespace {

constexpr const char kDepthKey[] = "saker.rules.limits.max_depth";

// Nesting of transformers in an operand (0 for a plain field).
int OperandDepth(const ValueExpr& e) {
  int d = 0;
  for (const ValueExpr& a : e.args) {
    d = std::max(d, OperandDepth(a));
  }
  return e.kind == ValueExpr::Kind::kTransformer ? d + 1 : d;
}

}  // namespace

absl::Status MacroExpander::Error(const Position& pos, std::string msg, bool limit) {
  // The first error wins; a limit crossed inside a macro's body is reported
  // at the outermost reference, in the item being expanded.
  if (error_pos_ != nullptr && (!error_set_ || (limit && stack_.size() == top_))) {
    *error_pos_ = pos;
    error_set_ = true;
  }
  return limit ? absl::ResourceExhaustedError(std::move(msg))
               : absl::InvalidArgumentError(std::move(msg));
}

absl::Status MacroExpander::Expand(Node* node, size_t max_index, Position* error_pos,
                                   std::vector<std::string>* used) {
  error_pos_ = error_pos;
  error_set_ = false;
  stack_.clear();
  top_ = 0;
  int height = 0;
  std::vector<std::string> refs;
  absl::Status st = Walk(node, max_index, 1, &height, &refs);
  if (used != nullptr) {
    used->insert(used->end(), refs.begin(), refs.end());
  }
  return st;
}

// `depth` is `node`'s level in the whole expansion (the root's is 1);
// `*height` receives the levels `node` spans.
absl::Status MacroExpander::Walk(Node* node, size_t max_index, int depth, int* height,
                                 std::vector<std::string>* refs) {
  if (node->kind == Node::Kind::kMacroRef) {
    refs->push_back(node->macro);
    return WalkRef(node, max_index, depth, height);
  }
  // A check spans its transformers' nesting (as the parser counts it).
  int own = 1;
  if (node->kind == Node::Kind::kCheck) {
    own = std::max({1, OperandDepth(node->lhs), OperandDepth(node->rhs)});
  }
  if (depth + own - 1 > max_depth_) {
    return Error(node->pos,
                 absl::StrCat("condition nested deeper than the limit of ", max_depth_, " (",
                              kDepthKey, ")"),
                 true);
  }
  int below = 0;
  for (Node& c : node->children) {
    int h = 0;
    absl::Status st = Walk(&c, max_index, depth + 1, &h, refs);
    if (!st.ok()) {
      return st;
    }
    below = std::max(below, h);
  }
  *height = own + below;
  return absl::OkStatus();
}

absl::Status MacroExpander::WalkRef(Node* node, size_t max_index, int depth, int* height) {
  const MacroDef* def = lookup_(node->macro);
  if (def == nullptr || def->index >= max_index || def->ast == nullptr) {
    return Error(node->pos, absl::StrCat("Undefined macro '", node->macro, "' used in filter."),
                 false);
  }
  auto it = cache_.find(def->name);
  if (it != cache_.end() && !it->second.done) {
    return Error(node->pos,
                 absl::StrCat("Reference loop in macro '", node->macro,
                              "': ", absl::StrJoin(stack_, " -> "), " -> ", node->macro),
                 false);
  }
  if (it == cache_.end()) {
    // First use: expand the body here, one level below the reference, so
    // the recursion never runs deeper than the limit.
    absl::Status st = ExpandBody(*def, depth + 1);
    if (!st.ok()) {
      if (stack_.size() == top_ && absl::IsResourceExhausted(st)) {
        Error(node->pos, "", true).IgnoreError();  // only moves the position
        return absl::ResourceExhaustedError(
            absl::StrCat("macro '", node->macro, "': ", st.message()));
      }
      return st;
    }
    it = cache_.find(def->name);
  }
  const Body& body = it->second;
  if (depth + body.height > max_depth_) {
    return Error(node->pos,
                 absl::StrCat("macro '", node->macro, "' (", body.height,
                              " levels) nests the condition ", depth + body.height,
                              " levels deep, past the limit of ", max_depth_, " (", kDepthKey, ")"),
                 true);
  }
  node->expansion = body.node;
  *height = 1 + body.height;
  return absl::OkStatus();
}

absl::Status MacroExpander::ExpandBody(const MacroDef& def, int depth) {
  Body body;
  body.node = std::make_shared<Node>(*def.ast);
  Body& b = cache_.emplace(def.name, std::move(body)).first->second;
  stack_.push_back(def.name);
  absl::Status st = Walk(b.node.get(), def.visibility, depth, &b.height, &b.refs);
  stack_.pop_back();
  if (!st.ok()) {
    cache_.erase(def.name);
    return st;
  }
  b.done = true;
  return absl::OkStatus();
}

absl::Status MacroExpander::ExpandMacro(const std::string& name, Position* error_pos) {
  error_pos_ = error_pos;
  error_set_ = false;
  stack_.clear();
  top_ = 1;
  const MacroDef* def = lookup_(name);
  if (def == nullptr || def->ast == nullptr || cache_.count(name) > 0) {
    return absl::OkStatus();
  }
  return ExpandBody(*def, 1);
}

std::set<std::string> MacroExpander::Closure(const std::vector<std::string>& names) const {
  std::set<std::string> out;
  std::vector<std::string> todo = names;
  while (!todo.empty()) {
    std::string n = std::move(todo.back());
    todo.pop_back();
    if (!out.insert(n).second) {
      continue;
    }
    auto it = cache_.find(n);
    if (it != cache_.end()) {
      todo.insert(todo.end(), it->second.refs.begin(), it->second.refs.end());
    }
  }
  return out;
}

absl::Status ExpandMacros(Node* node, const MacroLookup& lookup, size_t max_index,
                          Position* error_pos, std::vector<std::string>* used, int max_depth) {
  MacroExpander expander(lookup, max_depth);
  std::vector<std::string> direct;
  absl::Status st = expander.Expand(node, max_index, error_pos, &direct);
  if (used != nullptr) {
    std::set<std::string> all = expander.Closure(direct);
    used->insert(used->end(), all.begin(), all.end());
  }
  return st;
}

}  // namespace saker::rules
