// ProcFsProcessSource: one process from /proc, for events of processes the
// table has not seen (live only).
#include <sys/stat.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/capture/proc_util.h"
#include "server/state/updater.h"

namespace saker::state {
namespace {

constexpr size_t kSmall = 64 * 1024;

std::vector<std::string> SplitNul(const std::string& s, size_t limit) {
  std::vector<std::string> out;
  absl::string_view v(s);
  v = v.substr(0, limit);
  if (!v.empty() && v.back() == '\0') {
    v.remove_suffix(1);
  }
  if (v.empty()) {
    return out;
  }
  for (absl::string_view item : absl::StrSplit(v, '\0')) {
    out.emplace_back(item);
  }
  return out;
}

// "Key:\tv1\tv2..." fields of /proc/PID/status.
void ParseStatus(const std::string& text, capture::ProcessInfo* p) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<absl::string_view> f = absl::StrSplit(line, absl::ByAnyChar(":\t "),
                                                      absl::SkipEmpty());
    if (f.size() < 2) {
      continue;
    }
    uint32_t v = 0;
    if (f[0] == "PPid") {
      absl::SimpleAtoi(f[1], &p->ppid);
    } else if (f[0] == "Uid" && f.size() >= 3) {
      absl::SimpleAtoi(f[1], &p->creds.uid);
      absl::SimpleAtoi(f[2], &p->creds.euid);
    } else if (f[0] == "Gid" && f.size() >= 3) {
      absl::SimpleAtoi(f[1], &p->creds.gid);
      absl::SimpleAtoi(f[2], &p->creds.egid);
    } else if (f[0] == "NSpid" && absl::SimpleAtoi(f.back(), &v)) {
      p->vpid = v;
    } else if (f[0] == "CapInh") {
      absl::SimpleHexAtoi(f[1], &p->creds.cap_inheritable);
    } else if (f[0] == "CapPrm") {
      absl::SimpleHexAtoi(f[1], &p->creds.cap_permitted);
    } else if (f[0] == "CapEff") {
      absl::SimpleHexAtoi(f[1], &p->creds.cap_effective);
    }
  }
}

}  // namespace

bool ProcFsProcessSource::Lookup(uint32_t pid, capture::ProcessInfo* out) {
  *out = capture::ProcessInfo();
  std::string dir = absl::StrCat(proc_root_, "/", pid);
  std::string buf;
  if (!capture::ReadProcFile(dir + "/status", kSmall, &buf).ok()) {
    return false;
  }
  out->pid = pid;
  ParseStatus(buf, out);
  if (capture::ReadProcFile(dir + "/comm", kSmall, &buf).ok()) {
    out->comm = std::string(absl::StripSuffix(buf, "\n"));
  }
  if (capture::ReadProcFile(dir + "/cmdline", capture::kMaxArgvBytes, &buf).ok()) {
    out->argv = SplitNul(buf, capture::kMaxArgvBytes);
  }
  if (capture::ReadProcFile(dir + "/environ", capture::kMaxEnvBytes, &buf).ok()) {
    out->env = SplitNul(buf, capture::kMaxEnvBytes);
  }
  if (capture::ReadProcFile(dir + "/cgroup", kSmall, &buf).ok()) {
    for (absl::string_view l : absl::StrSplit(buf, '\n', absl::SkipEmpty())) {
      out->cgroups.emplace_back(l);
    }
  }
  if (capture::ReadProcFile(dir + "/loginuid", kSmall, &buf).ok()) {
    absl::SimpleAtoi(absl::StripSuffix(buf, "\n"), &out->loginuid);
  }
  if (auto exe = capture::ReadLink(dir + "/exe"); exe.ok()) {
    out->exe = *exe;
    out->exepath = std::string(absl::StripSuffix(*exe, " (deleted)"));
  }
  if (auto cwd = capture::ReadLink(dir + "/cwd"); cwd.ok()) {
    out->cwd = *cwd;
  }
  return true;
}

}  // namespace saker::state
