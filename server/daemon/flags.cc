#include "server/daemon/flags.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace saker::daemon {

void FlagSet::Value(std::string name, std::string alias, std::string help,
                    std::function<absl::Status(absl::string_view)> set) {
  flags_.push_back({std::move(name), std::move(alias), std::move(help), true, std::move(set)});
}

void FlagSet::Bool(std::string name, std::string help, bool* out) {
  flags_.push_back({std::move(name), "", std::move(help), false, [out](absl::string_view) {
                      *out = true;
                      return absl::OkStatus();
                    }});
}

void FlagSet::Action(std::string name, std::string help, std::function<void()> action) {
  flags_.push_back({std::move(name), "", std::move(help), false,
                    [action = std::move(action)](absl::string_view) {
                      action();
                      return absl::OkStatus();
                    }});
}

void FlagSet::String(std::string name, std::string alias, std::string help, std::string* out) {
  Value(std::move(name), std::move(alias), std::move(help), [out](absl::string_view v) {
    *out = std::string(v);
    return absl::OkStatus();
  });
}

void FlagSet::Strings(std::string name, std::string alias, std::string help,
                      std::vector<std::string>* out) {
  Value(std::move(name), std::move(alias), std::move(help), [out](absl::string_view v) {
    out->emplace_back(v);
    return absl::OkStatus();
  });
}

absl::Status FlagSet::ParseFlagsOnly(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  if (auto st = Parse(args, &positional); !st.ok()) {
    return st;
  }
  if (!positional.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(command_, ": unexpected argument \"", positional[0], "\"\n", Usage()));
  }
  return absl::OkStatus();
}

const FlagSet::Flag* FlagSet::Find(absl::string_view name) const {
  for (const Flag& f : flags_) {
    if (f.name == name || (!f.alias.empty() && f.alias == name)) {
      return &f;
    }
  }
  return nullptr;
}

absl::Status FlagSet::Parse(const std::vector<std::string>& args,
                            std::vector<std::string>* positional) {
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      positional->push_back(args[i]);
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      std::fputs(Usage().c_str(), stdout);
      std::exit(0);
    }
    absl::string_view name = arg;
    absl::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos && arg.substr(0, 2) == "--") {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    const Flag* f = Find(name);
    if (f == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(command_, ": unknown flag ", name, "\n", Usage()));
    }
    if (f->takes_value && !has_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat(command_, ": ", name, " needs a value"));
      }
      value = args[++i];
    } else if (!f->takes_value && has_value) {
      return absl::InvalidArgumentError(absl::StrCat(command_, ": ", name, " takes no value"));
    }
    if (auto st = f->set(value); !st.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(command_, ": ", st.message()));
    }
  }
  return absl::OkStatus();
}

std::string FlagSet::Usage() const {
  std::string out = absl::StrCat("usage: sakerd ", command_, " [flags]\n");
  for (const Flag& f : flags_) {
    std::string names = f.alias.empty() ? f.name : absl::StrCat(f.alias, ", ", f.name);
    if (f.takes_value) {
      absl::StrAppend(&names, " VALUE");
    }
    absl::StrAppend(&out, absl::StrFormat("  %-28s %s\n", names, f.help));
  }
  return out;
}

absl::Status ParseUint(absl::string_view flag, absl::string_view v, uint64_t* out) {
  if (!absl::SimpleAtoi(v, out)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " expects a non-negative integer, got \"", v, "\""));
  }
  return absl::OkStatus();
}

absl::Status ParseSeconds(absl::string_view flag, absl::string_view v, double* out) {
  if (!absl::SimpleAtod(v, out) || *out < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " expects a number of seconds, got \"", v, "\""));
  }
  return absl::OkStatus();
}

}  // namespace saker::daemon
