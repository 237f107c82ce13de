#include "clients/cli/args.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace saker::cli {

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::GetAll(const std::string& name, bool split_commas) const {
  std::vector<std::string> out;
  auto it = values_.find(name);
  if (it == values_.end()) {
    return out;
  }
  for (const std::string& v : it->second) {
    if (!split_commas) {
      out.push_back(v);
      continue;
    }
    for (absl::string_view part : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
      out.emplace_back(absl::StripAsciiWhitespace(part));
    }
  }
  return out;
}

void Args::MergeFlagsFrom(const Args& other) {
  for (const auto& [name, vals] : other.values_) {
    auto& mine = values_[name];
    mine.insert(mine.begin(), vals.begin(), vals.end());
  }
}

absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& argv,
                               const std::vector<FlagSpec>& specs, bool stop_at_positional) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      for (++i; i < argv.size(); ++i) {
        args.AddPositional(argv[i]);
      }
      break;
    }
    const bool is_long = a.size() > 2 && a[0] == '-' && a[1] == '-';
    if (!is_long && a != "-h") {
      if (a.size() >= 2 && a[0] == '-') {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown flag ", a, " (flags are long: --name)"));
      }
      if (stop_at_positional) {
        for (; i < argv.size(); ++i) {
          args.AddPositional(argv[i]);
        }
        break;
      }
      args.AddPositional(a);
      continue;
    }
    std::string name = a == "-h" ? "help" : a.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    auto spec =
        std::find_if(specs.begin(), specs.end(), [&](const FlagSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (spec->value_name.empty()) {
      if (inline_value) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
      }
      args.Add(name, "");
    } else if (inline_value) {
      args.Add(name, *inline_value);
    } else if (i + 1 < argv.size()) {
      args.Add(name, argv[++i]);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " needs a value (--", name, " ", spec->value_name, ")"));
    }
  }
  return args;
}

absl::StatusOr<absl::Duration> ParseTimeout(const std::string& text) {
  absl::Duration d;
  double seconds = 0;
  if (absl::SimpleAtod(text, &seconds)) {
    d = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad duration \"", text, "\" (e.g. 10s, 500ms, 2m)"));
  }
  if (d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("the duration must be positive: ", text));
  }
  return d;
}

absl::StatusOr<uint64_t> ParseCount(const std::string& flag, const std::string& text) {
  uint64_t n = 0;
  if (text.empty() || text[0] == '-' || text[0] == '+' || !absl::SimpleAtoi(text, &n)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " needs a non-negative integer, not \"", text, "\""));
  }
  return n;
}

std::string FlagsHelp(const std::vector<FlagSpec>& specs) {
  std::vector<std::string> heads;
  size_t width = 0;
  for (const FlagSpec& s : specs) {
    heads.push_back(absl::StrCat("--", s.name, s.value_name.empty() ? "" : " ", s.value_name));
    width = std::max(width, heads.back().size());
  }
  std::string out;
  for (size_t i = 0; i < specs.size(); ++i) {
    absl::StrAppend(&out, "  ", heads[i], std::string(width - heads[i].size() + 2, ' '),
                    specs[i].help, "\n");
  }
  return out;
}

}  // namespace saker::cli
