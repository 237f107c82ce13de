#include "server/config/overrides.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace saker::config::internal {
namespace {

absl::Status Bad(std::string_view source, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(AV(source), ": ", AV(message)));
}

// "name", "name[3]" or "name[]".
std::optional<OverrideStep> ParseStep(std::string_view part) {
  OverrideStep step;
  const size_t open = part.find('[');
  step.key = std::string(part.substr(0, open));
  if (step.key.empty() || step.key.find(']') != std::string::npos) {
    return std::nullopt;
  }
  if (open == std::string_view::npos) {
    return step;
  }
  if (part.back() != ']') {
    return std::nullopt;
  }
  std::string_view inside = part.substr(open + 1, part.size() - open - 2);
  if (inside.empty()) {
    step.op = OverrideStep::Op::kAppend;
    return step;
  }
  uint64_t index = 0;
  if (!absl::SimpleAtoi(absl::string_view(inside.data(), inside.size()), &index)) {
    return std::nullopt;
  }
  step.op = OverrideStep::Op::kIndex;
  step.index = index;
  return step;
}

std::string PathText(const std::vector<OverrideStep>& path, size_t upto) {
  std::string out;
  for (size_t i = 0; i <= upto && i < path.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ".", path[i].key);
    if (path[i].op == OverrideStep::Op::kIndex) {
      absl::StrAppend(&out, "[", path[i].index, "]");
    } else if (path[i].op == OverrideStep::Op::kAppend) {
      absl::StrAppend(&out, "[]");
    }
  }
  return out;
}

std::string Kind(const YAML::Node& n) {
  return n.IsSequence() ? "a list" : n.IsMap() ? "a map" : "a scalar";
}

}  // namespace

absl::StatusOr<Override> ParseOverride(std::string_view arg) {
  const std::string source = absl::StrCat("-o ", AV(arg));
  const size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Bad(source, "expected KEY=VALUE");
  }
  Override o;
  o.source = source;
  for (absl::string_view part : absl::StrSplit(absl::string_view(arg.data(), eq), '.')) {
    auto step = ParseStep(std::string_view(part.data(), part.size()));
    if (!step) {
      return Bad(source, "expected KEY as name.name, name[N] or name[]");
    }
    o.path.push_back(*std::move(step));
  }
  try {
    o.value = YAML::Load(std::string(arg.substr(eq + 1)));
  } catch (const YAML::Exception& e) {
    return Bad(source, absl::StrCat("the value is not valid YAML: ", e.msg));
  }
  return o;
}

Override FlagOverride(const FlagSetting& s) {
  Override o;
  o.source = s.flag;
  for (const std::string& key : s.key) {
    o.path.push_back({key, OverrideStep::Op::kKey, 0});
  }
  // The value is the flag's text, never parsed as YAML: `--user 'a: b'` is
  // the user name "a: b", not a map.
  YAML::Node scalar(s.value);
  switch (s.op) {
    case FlagSetting::Op::kSet:
      o.value = scalar;
      break;
    case FlagSetting::Op::kList:
      o.value = YAML::Node(YAML::NodeType::Sequence);
      o.value.push_back(scalar);
      break;
    case FlagSetting::Op::kAppend:
      if (!o.path.empty()) {
        o.path.back().op = OverrideStep::Op::kAppend;
      }
      o.value = scalar;
      break;
  }
  return o;
}

absl::Status ApplyOverride(const Override& o, YAML::Node* root, Origins* origins) {
  if (IsAbsent(*root)) {
    root->reset(YAML::Node(YAML::NodeType::Map));
  }
  YAML::Node cur;
  cur.reset(*root);
  for (size_t i = 0; i < o.path.size(); ++i) {
    const OverrideStep& step = o.path[i];
    const bool last = i + 1 == o.path.size();
    if (!cur.IsMap()) {
      return Bad(o.source, absl::StrCat(i == 0 ? "the document" : PathText(o.path, i - 1), " is ",
                                        Kind(cur), ", not a map"));
    }
    YAML::Node child = cur[step.key];
    if (step.op == OverrideStep::Op::kKey) {
      if (last) {
        cur[step.key] = o.value;
        origins->AddOverride(o.value, o.source);
        return absl::OkStatus();
      }
      if (IsAbsent(child)) {
        YAML::Node map(YAML::NodeType::Map);
        cur[step.key] = map;
        origins->AddOverride(map, o.source);
      }
      YAML::Node next = cur[step.key];
      cur.reset(next);
      continue;
    }
    // A list step.
    if (IsAbsent(child)) {
      if (step.op == OverrideStep::Op::kIndex) {
        return Bad(o.source,
                   absl::StrCat(step.key, " is not set; use ", step.key, "[]= to append"));
      }
      cur[step.key] = YAML::Node(YAML::NodeType::Sequence);
    }
    YAML::Node list = cur[step.key];
    if (!list.IsSequence()) {
      return Bad(o.source, absl::StrCat(PathText(o.path, i), ": ", step.key, " is ", Kind(list),
                                        ", not a list"));
    }
    YAML::Node item = last ? o.value : YAML::Node(YAML::NodeType::Map);
    if (step.op == OverrideStep::Op::kAppend) {
      list.push_back(item);
      origins->AddOverride(item, o.source);
      if (last) {
        return absl::OkStatus();
      }
      cur.reset(list[list.size() - 1]);
      continue;
    }
    if (step.index >= list.size()) {
      return Bad(o.source, absl::StrCat(PathText(o.path, i), ": index out of range (", step.key,
                                        " has ", list.size(), " items)"));
    }
    if (last) {
      list[step.index] = o.value;
      origins->AddOverride(o.value, o.source);
      return absl::OkStatus();
    }
    YAML::Node next = list[step.index];
    cur.reset(next);
  }
  return absl::OkStatus();
}

}  // namespace saker::config::internal
