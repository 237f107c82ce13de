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

}  // namespace

SourceText SubstituteLists(const SourceText& text, const ListLookup& lookup,
                           std::vector<std::string>* used) {
  const std::string& s = text.text();
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
      if (used != nullptr) {
        used->push_back(s.substr(i, j - i));
      }
    }
    i = j;
  }
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

namespace {

absl::Status Expand(Node* node, const MacroLookup& lookup, size_t max_index,
                    std::vector<std::string>* stack, Position* error_pos,
                    std::vector<std::string>* used) {
  if (node->kind == Node::Kind::kMacroRef) {
    const MacroDef* def = lookup(node->macro);
    if (def == nullptr || def->index >= max_index || def->ast == nullptr) {
      if (error_pos != nullptr) {
        *error_pos = node->pos;
      }
      return absl::InvalidArgumentError(
          absl::StrCat("Undefined macro '", node->macro, "' used in filter."));
    }
    if (std::find(stack->begin(), stack->end(), node->macro) != stack->end()) {
      if (error_pos != nullptr) {
        *error_pos = node->pos;
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "Reference loop in macro '", node->macro, "': ", absl::StrJoin(*stack, " -> "),
          " -> ", node->macro));
    }
    if (used != nullptr) {
      used->push_back(node->macro);
    }
    Node clone = *def->ast;
    stack->push_back(node->macro);
    absl::Status st = Expand(&clone, lookup, def->visibility, stack, error_pos, used);
    stack->pop_back();
    if (!st.ok()) {
      return st;
    }
    *node = std::move(clone);
    return absl::OkStatus();
  }
  for (Node& c : node->children) {
    absl::Status st = Expand(&c, lookup, max_index, stack, error_pos, used);
    if (!st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ExpandMacros(Node* node, const MacroLookup& lookup, size_t max_index,
                          Position* error_pos, std::vector<std::string>* used) {
  std::vector<std::string> stack;
  return Expand(node, lookup, max_index, &stack, error_pos, used);
}

}  // namespace saker::rules
