#include "server/daemon/privileges.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace saker::daemon {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// libcap's name of a capability ("cap_sys_ptrace"), or its number.
std::string CapName(int cap) {
  char* name = cap_to_name(static_cast<cap_value_t>(cap));
  if (name == nullptr) {
    return absl::StrCat(cap);
  }
  std::string s(name);
  cap_free(name);
  return s;
}

bool Kept(const std::vector<int>& keep, int cap) {
  return std::find(keep.begin(), keep.end(), cap) != keep.end();
}

absl::StatusOr<int> CountThreads() {
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) {
    return absl::InternalError(absl::StrCat("listing /proc/self/task: ", ErrnoText(errno)));
  }
  int n = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') {
      ++n;
    }
  }
  closedir(dir);
  return n;
}

// Who the process becomes; nothing to switch when both flags are false.
struct Identity {
  bool switch_user = false;
  bool switch_group = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary
};

absl::StatusOr<Identity> ResolveIdentity(const PrivilegeOptions& o) {
  Identity id;
  std::vector<char> buf(16384);
  if (!o.user.empty()) {
    passwd pw;
    passwd* found = nullptr;
    int err;
    while ((err = getpwnam_r(o.user.c_str(), &pw, buf.data(), buf.size(), &found)) == ERANGE) {
      buf.resize(buf.size() * 2);
    }
    if (found == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("user \"", o.user, "\" not found in the user database",
                       err != 0 ? absl::StrCat(" (", ErrnoText(err), ")") : "",
                       ": create it or name another user"));
    }
    id.switch_user = true;
    id.uid = pw.pw_uid;
    id.gid = pw.pw_gid;
    std::vector<gid_t> groups(32);
    int n = static_cast<int>(groups.size());
    while (getgrouplist(o.user.c_str(), pw.pw_gid, groups.data(), &n) < 0) {
      groups.resize(std::max<size_t>(static_cast<size_t>(n), groups.size() * 2));
      n = static_cast<int>(groups.size());
    }
    groups.resize(static_cast<size_t>(n));
    id.groups = groups;
  }
  if (!o.group.empty()) {
    group gr;
    group* found = nullptr;
    int err;
    while ((err = getgrnam_r(o.group.c_str(), &gr, buf.data(), buf.size(), &found)) == ERANGE) {
      buf.resize(buf.size() * 2);
    }
    if (found == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("group \"", o.group, "\" not found in the group database",
                       err != 0 ? absl::StrCat(" (", ErrnoText(err), ")") : "",
                       ": create it or name another group"));
    }
    id.switch_group = true;
    id.gid = gr.gr_gid;
    if (!id.switch_user) {
      id.groups = {gr.gr_gid};
    } else if (std::find(id.groups.begin(), id.groups.end(), gr.gr_gid) == id.groups.end()) {
      id.groups.push_back(gr.gr_gid);
    }
  }
  if (id.switch_user && !id.switch_group) {
    id.switch_group = true;  // the user's primary group
  }
  return id;
}

// Every capability to keep must exist and be held now: one cannot keep
// what one does not have.
absl::Status CheckKeep(const std::vector<int>& keep) {
  cap_t caps = cap_get_proc();
  if (caps == nullptr) {
    return absl::InternalError(absl::StrCat("reading capabilities: ", ErrnoText(errno)));
  }
  absl::Status st;
  for (int c : keep) {
    cap_flag_value_t v = CAP_CLEAR;
    if (c < 0 || c >= static_cast<int>(cap_max_bits())) {
      st = absl::InvalidArgumentError(absl::StrCat("capability ", c, " is unknown to this kernel"));
      break;
    }
    if (cap_get_flag(caps, static_cast<cap_value_t>(c), CAP_PERMITTED, &v) != 0 || v != CAP_SET) {
      st = absl::FailedPreconditionError(
          absl::StrCat("cannot keep ", CapName(c), ": the process does not hold it (run as root)"));
      break;
    }
  }
  cap_free(caps);
  return st;
}

absl::Status DropBoundingSet(const std::vector<int>& keep) {
  const int max = static_cast<int>(cap_max_bits());
  for (int c = 0; c < max; ++c) {
    if (Kept(keep, c) || cap_get_bound(static_cast<cap_value_t>(c)) != 1) {
      continue;
    }
    if (cap_drop_bound(static_cast<cap_value_t>(c)) != 0) {
      return absl::PermissionDeniedError(absl::StrCat("dropping ", CapName(c),
                                                      " from the bounding set: ", ErrnoText(errno),
                                                      " (needs cap_setpcap: run as root)"));
    }
  }
  return absl::OkStatus();
}

absl::Status SwitchIdentity(const Identity& id, const PrivilegeOptions& o) {
  const std::string who = id.switch_user ? absl::StrCat("user \"", o.user, "\"")
                                         : absl::StrCat("group \"", o.group, "\"");
  // Without KEEPCAPS, leaving uid 0 empties the permitted set.
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
    return absl::InternalError(absl::StrCat("PR_SET_KEEPCAPS: ", ErrnoText(errno)));
  }
  if (setgroups(id.groups.size(), id.groups.data()) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("switching to ", who, ": setgroups: ", ErrnoText(errno)));
  }
  if (setresgid(id.gid, id.gid, id.gid) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("switching to ", who, ": setresgid(", id.gid, "): ", ErrnoText(errno)));
  }
  if (id.switch_user && setresuid(id.uid, id.uid, id.uid) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("switching to ", who, ": setresuid(", id.uid, "): ", ErrnoText(errno)));
  }
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) {
    return absl::InternalError(absl::StrCat("PR_SET_KEEPCAPS: ", ErrnoText(errno)));
  }
  return absl::OkStatus();
}

// permitted = effective = keep; inheritable empty.
cap_t KeptSet(const std::vector<int>& keep) {
  cap_t caps = cap_init();
  if (caps == nullptr) {
    return nullptr;
  }
  for (int c : keep) {
    const cap_value_t v = static_cast<cap_value_t>(c);
    cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
    cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
  }
  return caps;
}

absl::Status SetKeptCapabilities(const std::vector<int>& keep) {
  cap_t caps = KeptSet(keep);
  if (caps == nullptr) {
    return absl::InternalError(absl::StrCat("cap_init: ", ErrnoText(errno)));
  }
  const int rc = cap_set_proc(caps);
  const int err = errno;
  cap_free(caps);
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("setting capabilities: ", ErrnoText(err)));
  }
  return absl::OkStatus();
}

// Reads everything back: a silent partial drop would be worse than none.
absl::Status Verify(const Identity& id, const std::vector<int>& keep) {
  cap_t want = KeptSet(keep);
  cap_t have = cap_get_proc();
  const bool same = want != nullptr && have != nullptr && cap_compare(want, have) == 0;
  cap_free(want);
  cap_free(have);
  if (!same) {
    return absl::InternalError(
        absl::StrCat("capabilities after the drop are ", DescribeCapabilities()));
  }
  const int max = static_cast<int>(cap_max_bits());
  for (int c = 0; c < max; ++c) {
    const cap_value_t v = static_cast<cap_value_t>(c);
    if (cap_get_bound(v) == 1 && !Kept(keep, c)) {
      return absl::InternalError(absl::StrCat(CapName(c), " is still in the bounding set"));
    }
    if (CAP_AMBIENT_SUPPORTED() && cap_get_ambient(v) == 1) {
      return absl::InternalError(absl::StrCat(CapName(c), " is still in the ambient set"));
    }
  }
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
    return absl::InternalError("no_new_privs is not set");
  }
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  getresuid(&ru, &eu, &su);
  getresgid(&rg, &eg, &sg);
  if (id.switch_user && (ru != id.uid || eu != id.uid || su != id.uid)) {
    return absl::InternalError(absl::StrCat("uid is ", ru, "/", eu, "/", su, ", not ", id.uid));
  }
  if (id.switch_group && (rg != id.gid || eg != id.gid || sg != id.gid)) {
    return absl::InternalError(absl::StrCat("gid is ", rg, "/", eg, "/", sg, ", not ", id.gid));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DropPrivileges(const PrivilegeOptions& o) {
  auto threads = CountThreads();
  if (!threads.ok()) {
    return threads.status();
  }
  if (*threads != 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "dropping privileges needs a single-threaded process (capabilities are per thread), "
        "this one has ",
        *threads, " threads: drop them before starting any thread"));
  }
  auto id = ResolveIdentity(o);
  if (!id.ok()) {
    return id.status();
  }
  if (auto st = CheckKeep(o.keep); !st.ok()) {
    return st;
  }
  // From here on the process changes; the steps go from what needs the most
  // privilege (cap_setpcap, cap_setuid) to what needs none.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return absl::InternalError(absl::StrCat("PR_SET_NO_NEW_PRIVS: ", ErrnoText(errno)));
  }
  if (auto st = DropBoundingSet(o.keep); !st.ok()) {
    return st;
  }
  if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() != 0) {
    return absl::InternalError(absl::StrCat("clearing the ambient set: ", ErrnoText(errno)));
  }
  if (id->switch_user || id->switch_group) {
    if (auto st = SwitchIdentity(*id, o); !st.ok()) {
      return st;
    }
  }
  if (auto st = SetKeptCapabilities(o.keep); !st.ok()) {
    return st;
  }
  return Verify(*id, o.keep);
}

std::string DescribeCapabilities() {
  cap_t caps = cap_get_proc();
  if (caps == nullptr) {
    return absl::StrCat("(unreadable: ", ErrnoText(errno), ")");
  }
  char* text = cap_to_text(caps, nullptr);
  std::string s = text != nullptr ? text : "(unprintable)";
  cap_free(text);
  cap_free(caps);
  return s;
}

absl::StatusOr<std::vector<int>> ParseCapabilities(absl::string_view list) {
  std::vector<int> caps;
  for (absl::string_view part : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(part));
    cap_value_t v;
    if (name.rfind("cap_", 0) != 0 || cap_from_name(name.c_str(), &v) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown capability \"", part,
                       "\": expected names like cap_sys_ptrace (see capabilities(7))"));
    }
    if (!Kept(caps, v)) {
      caps.push_back(v);
    }
  }
  return caps;
}

}  // namespace saker::daemon
