#include "server/state/users.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace saker::state {
namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

UserDb::UserDb(UserDbOptions options) : options_(std::move(options)) {}

void UserDb::ParsePasswd(absl::string_view text, absl::flat_hash_map<uint32_t, UserInfo>* out) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::vector<absl::string_view> f = absl::StrSplit(line, ':');
    uint32_t uid = 0;
    if (f.size() < 7 || !absl::SimpleAtoi(f[2], &uid)) {
      continue;
    }
    UserInfo& u = (*out)[uid];
    if (!u.name.empty()) {
      continue;  // the first entry for a uid wins, as getpwuid does
    }
    u.name = std::string(f[0]);
    u.homedir = std::string(f[5]);
    u.shell = std::string(f[6]);
  }
}

void UserDb::ParseGroup(absl::string_view text, absl::flat_hash_map<uint32_t, std::string>* out) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::vector<absl::string_view> f = absl::StrSplit(line, ':');
    uint32_t gid = 0;
    if (f.size() < 3 || !absl::SimpleAtoi(f[2], &gid)) {
      continue;
    }
    out->try_emplace(gid, std::string(f[0]));
  }
}

void UserDb::Load(const std::string& root, Tables* t) {
  std::string text;
  t->users.clear();
  t->groups.clear();
  t->has_passwd = ReadFile(absl::StrCat(root, "/etc/passwd"), &text);
  if (t->has_passwd) {
    ParsePasswd(text, &t->users);
  }
  t->has_group = ReadFile(absl::StrCat(root, "/etc/group"), &text);
  if (t->has_group) {
    ParseGroup(text, &t->groups);
  }
  t->loaded = true;
  t->loaded_at = Now();
}

std::string UserDb::RootOf(absl::string_view container_id, uint32_t pid) const {
  if (container_id.empty()) {
    return options_.host_root == "/" ? "" : options_.host_root;
  }
  return absl::StrCat(options_.proc_root, "/", pid, "/root");
}

UserDb::Tables* UserDb::TablesFor(absl::string_view container_id, uint32_t pid) {
  if (container_id.empty() || !options_.container_tables || pid == 0) {
    if (!host_.loaded) {
      Load(RootOf("", 0), &host_);
    }
    return &host_;
  }
  auto it = containers_.find(container_id);
  if (it == containers_.end()) {
    it = containers_.emplace(std::string(container_id), Tables()).first;
    Load(RootOf(container_id, pid), &it->second);
  }
  if (!it->second.has_passwd) {
    if (!host_.loaded) {
      Load(RootOf("", 0), &host_);
    }
    return &host_;
  }
  return &it->second;
}

bool UserDb::MaybeReload(absl::string_view container_id, uint32_t pid, Tables* t) {
  if (Now() - t->loaded_at < options_.refresh_interval) {
    return false;
  }
  Load(RootOf(t == &host_ ? "" : container_id, pid), t);
  return true;
}

const UserInfo* UserDb::FindUser(uint32_t uid, absl::string_view container_id, uint32_t pid) {
  Tables* t = TablesFor(container_id, pid);
  auto it = t->users.find(uid);
  if (it == t->users.end() && MaybeReload(container_id, pid, t)) {
    it = t->users.find(uid);
  }
  return it == t->users.end() ? nullptr : &it->second;
}

const std::string* UserDb::FindGroup(uint32_t gid, absl::string_view container_id,
                                     uint32_t pid) {
  Tables* t = TablesFor(container_id, pid);
  auto it = t->groups.find(gid);
  if (it == t->groups.end() && MaybeReload(container_id, pid, t)) {
    it = t->groups.find(gid);
  }
  return it == t->groups.end() ? nullptr : &it->second;
}

}  // namespace saker::state
