#include "server/capture/proc_snapshot.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/capture/proc_net.h"
#include "server/capture/proc_util.h"

namespace saker::capture {

bool Credentials::operator==(const Credentials& o) const {
  return std::tie(uid, gid, euid, egid, cap_inheritable, cap_permitted, cap_effective) ==
         std::tie(o.uid, o.gid, o.euid, o.egid, o.cap_inheritable, o.cap_permitted,
                  o.cap_effective);
}

bool ThreadInfo::operator==(const ThreadInfo& o) const {
  return std::tie(tid, vtid, comm, start_time_ns, creds) ==
         std::tie(o.tid, o.vtid, o.comm, o.start_time_ns, o.creds);
}

bool SocketTuple::operator==(const SocketTuple& o) const {
  return std::tie(family, proto, sport, dport, saddr, daddr, unix_path, state) ==
         std::tie(o.family, o.proto, o.sport, o.dport, o.saddr, o.daddr, o.unix_path, o.state);
}

bool FdInfo::operator==(const FdInfo& o) const {
  return std::tie(fd, type, target, ino, has_tuple, tuple) ==
         std::tie(o.fd, o.type, o.target, o.ino, o.has_tuple, o.tuple);
}

bool ProcessInfo::operator==(const ProcessInfo& o) const {
  return std::tie(pid, ppid, vpid, pgid, session, tty, loginuid, flags, comm, exe, exepath, argv,
                  env, cwd, creds, cgroups, start_time_ns, exe_ino, exe_ctime_ns, exe_mtime_ns,
                  threads, fds) ==
         std::tie(o.pid, o.ppid, o.vpid, o.pgid, o.session, o.tty, o.loginuid, o.flags, o.comm,
                  o.exe, o.exepath, o.argv, o.env, o.cwd, o.creds, o.cgroups, o.start_time_ns,
                  o.exe_ino, o.exe_ctime_ns, o.exe_mtime_ns, o.threads, o.fds);
}

bool ProcSnapshot::operator==(const ProcSnapshot& o) const {
  return taken_at_ns == o.taken_at_ns && processes == o.processes;
}

const ProcessInfo* ProcSnapshot::Find(uint32_t pid) const {
  auto it = std::lower_bound(processes.begin(), processes.end(), pid,
                             [](const ProcessInfo& p, uint32_t v) { return p.pid < v; });
  return it != processes.end() && it->pid == pid ? &*it : nullptr;
}

namespace {

constexpr size_t kMaxSmallFile = 256 * 1024;
constexpr int64_t kOverlayfsMagic = 0x794c7630;
constexpr absl::string_view kDeletedSuffix = " (deleted)";

uint64_t TimespecNs(const struct timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// Numeric directory entries of `dir`, sorted.
std::vector<uint32_t> ListNumeric(const std::string& dir, bool* ok) {
  std::vector<uint32_t> out;
  DIR* d = opendir(dir.c_str());
  *ok = d != nullptr;
  if (d == nullptr) {
    return out;
  }
  while (struct dirent* e = readdir(d)) {
    uint32_t n = 0;
    if (absl::SimpleAtoi(e->d_name, &n)) {
      out.push_back(n);
    }
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

// Fields of /proc/PID/stat after "pid (comm) ": fields()[0] is field 3.
struct StatLine {
  std::string comm;
  std::vector<std::string> fields;

  uint64_t Field(int n) const {  // 1-based, as in proc(5)
    uint64_t v = 0;
    size_t i = static_cast<size_t>(n - 3);
    if (n >= 3 && i < fields.size()) {
      int64_t s = 0;
      if (absl::SimpleAtoi(fields[i], &s)) {
        v = static_cast<uint64_t>(s);
      }
    }
    return v;
  }
};

bool ParseStat(const std::string& text, StatLine* out) {
  size_t open = text.find('(');
  size_t close = text.rfind(')');  // comm may itself hold ')'
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return false;
  }
  out->comm = text.substr(open + 1, close - open - 1);
  out->fields = absl::StrSplit(absl::string_view(text).substr(close + 1), ' ',
                               absl::SkipWhitespace());
  return out->fields.size() >= 20;
}

// The parts of /proc/PID/status we keep.
struct StatusInfo {
  Credentials creds;
  uint32_t vpid = 0;
};

void ParseStatus(const std::string& text, StatusInfo* out) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, absl::MaxSplits(':', 1));
    std::vector<absl::string_view> v = absl::StrSplit(kv.second, absl::ByAnyChar(" \t"),
                                                      absl::SkipWhitespace());
    if (v.empty()) {
      continue;
    }
    Credentials& c = out->creds;
    if (kv.first == "Uid" && v.size() >= 2) {
      (void)absl::SimpleAtoi(v[0], &c.uid);
      (void)absl::SimpleAtoi(v[1], &c.euid);
    } else if (kv.first == "Gid" && v.size() >= 2) {
      (void)absl::SimpleAtoi(v[0], &c.gid);
      (void)absl::SimpleAtoi(v[1], &c.egid);
    } else if (kv.first == "CapInh") {
      (void)absl::SimpleHexAtoi(v[0], &c.cap_inheritable);
    } else if (kv.first == "CapPrm") {
      (void)absl::SimpleHexAtoi(v[0], &c.cap_permitted);
    } else if (kv.first == "CapEff") {
      (void)absl::SimpleHexAtoi(v[0], &c.cap_effective);
    } else if (kv.first == "NSpid") {
      (void)absl::SimpleAtoi(v.back(), &out->vpid);
    }
  }
}

// NUL-separated strings, keeping whole strings within `limit` bytes.
std::vector<std::string> SplitNul(const std::string& data, size_t limit, bool* truncated) {
  std::vector<std::string> out;
  *truncated = data.size() > limit;
  absl::string_view rest(data.data(), std::min(data.size(), limit));
  while (!rest.empty()) {
    size_t end = rest.find('\0');
    if (end == absl::string_view::npos) {
      if (!*truncated) {  // an unterminated last string: keep it
        out.emplace_back(rest);
      }
      break;
    }
    out.emplace_back(rest.substr(0, end));
    rest.remove_prefix(end + 1);
  }
  return out;
}

// An overlay mount: where it is mounted and its upper directory.
struct OverlayMount {
  std::string mount_point;
  std::string upperdir;
};

std::string Unescape(absl::string_view s) {  // mountinfo octal escapes (\040)
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool ok = true;
      for (size_t k = 1; k <= 3; ++k) {
        char c = s[i + k];
        ok = ok && c >= '0' && c <= '7';
        v = v * 8 + (c - '0');
      }
      if (ok) {
        out.push_back(static_cast<char>(v));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::vector<OverlayMount> ParseOverlayMounts(const std::string& mountinfo) {
  std::vector<OverlayMount> out;
  for (absl::string_view line : absl::StrSplit(mountinfo, '\n', absl::SkipEmpty())) {
    size_t sep = line.find(" - ");
    if (sep == absl::string_view::npos) {
      continue;
    }
    std::vector<absl::string_view> pre = absl::StrSplit(line.substr(0, sep), ' ');
    std::vector<absl::string_view> post = absl::StrSplit(line.substr(sep + 3), ' ');
    if (pre.size() < 5 || post.size() < 3 || post[0] != "overlay") {
      continue;
    }
    for (absl::string_view opt : absl::StrSplit(post[2], ',')) {
      if (absl::ConsumePrefix(&opt, "upperdir=")) {
        out.push_back({Unescape(pre[4]), Unescape(opt)});
      }
    }
  }
  return out;
}

class SnapshotReader {
 public:
  explicit SnapshotReader(std::string proc_root) : root_(std::move(proc_root)) {
    long hz = sysconf(_SC_CLK_TCK);
    ns_per_tick_ = hz > 0 ? 1000000000ull / static_cast<uint64_t>(hz) : 10000000ull;
  }

  // False when the process vanished (or is not a process).
  bool ReadProcess(uint32_t pid, ProcessInfo* p);

 private:
  bool ReadTask(const std::string& dir, StatLine* stat, StatusInfo* status);
  void ReadExe(const std::string& dir, ProcessInfo* p);
  bool OnUpperLayer(const std::string& dir, const std::string& exepath);
  void ReadFds(const std::string& dir, ProcessInfo* p);
  const SocketTable& SocketsOf(const std::string& dir);
  void ReadThreads(const std::string& dir, ProcessInfo* p);

  std::string root_;
  uint64_t ns_per_tick_;
  std::string buf_;
  absl::flat_hash_map<std::string, std::unique_ptr<SocketTable>> sockets_by_netns_;
  absl::flat_hash_map<std::string, std::vector<OverlayMount>> overlays_by_mntns_;
};

bool SnapshotReader::ReadTask(const std::string& dir, StatLine* stat, StatusInfo* status) {
  if (!ReadProcFile(dir + "/stat", kMaxSmallFile, &buf_).ok() || !ParseStat(buf_, stat)) {
    return false;
  }
  if (!ReadProcFile(dir + "/status", kMaxSmallFile, &buf_).ok()) {
    return false;
  }
  ParseStatus(buf_, status);
  return true;
}

bool SnapshotReader::ReadProcess(uint32_t pid, ProcessInfo* p) {
  std::string dir = absl::StrCat(root_, "/", pid);
  StatLine stat;
  StatusInfo status;
  if (!ReadTask(dir, &stat, &status)) {
    return false;
  }
  p->pid = pid;
  p->comm = stat.comm;
  p->ppid = static_cast<uint32_t>(stat.Field(4));
  p->pgid = static_cast<uint32_t>(stat.Field(5));
  p->session = static_cast<uint32_t>(stat.Field(6));
  p->tty = static_cast<uint32_t>(stat.Field(7));
  p->start_time_ns = stat.Field(22) * ns_per_tick_;
  p->creds = status.creds;
  p->vpid = status.vpid;
  if (ReadProcFile(dir + "/loginuid", 64, &buf_).ok()) {
    (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(buf_), &p->loginuid);
  }
  bool truncated = false;
  if (ReadProcFile(dir + "/cmdline", kMaxArgvBytes + 1, &buf_).ok()) {
    p->argv = SplitNul(buf_, kMaxArgvBytes, &truncated);
    p->flags |= truncated ? kArgvTruncated : 0;
  }
  if (ReadProcFile(dir + "/environ", kMaxEnvBytes + 1, &buf_).ok()) {
    p->env = SplitNul(buf_, kMaxEnvBytes, &truncated);
    p->flags |= truncated ? kEnvTruncated : 0;
  }
  if (ReadProcFile(dir + "/cgroup", kMaxSmallFile, &buf_).ok()) {
    for (absl::string_view line : absl::StrSplit(buf_, '\n', absl::SkipEmpty())) {
      p->cgroups.emplace_back(line);
    }
  }
  absl::StatusOr<std::string> cwd = ReadLink(dir + "/cwd");
  if (cwd.ok()) {
    p->cwd = *std::move(cwd);
  }
  ReadExe(dir, p);
  ReadThreads(dir, p);
  ReadFds(dir, p);
  // Gone while we read it: its details are a mix of two processes (or none).
  struct stat st;
  return ::stat(dir.c_str(), &st) == 0;
}

void SnapshotReader::ReadExe(const std::string& dir, ProcessInfo* p) {
  absl::StatusOr<std::string> exe = ReadLink(dir + "/exe");
  if (!exe.ok()) {
    return;  // kernel threads have none; other users' need privileges
  }
  p->exe = *std::move(exe);
  absl::string_view path = p->exe;
  if (absl::ConsumeSuffix(&path, kDeletedSuffix)) {
    p->flags |= kExeDeleted;
  }
  p->exepath = std::string(path);
  if (absl::StartsWith(p->exe, "/memfd:")) {
    p->flags |= kExeMemfd;
  }
  struct stat st;
  if (::stat((dir + "/exe").c_str(), &st) == 0) {
    p->exe_ino = st.st_ino;
    p->exe_ctime_ns = TimespecNs(st.st_ctim);
    p->exe_mtime_ns = TimespecNs(st.st_mtim);
  }
  struct statfs fs;
  if (statfs((dir + "/exe").c_str(), &fs) == 0 &&
      static_cast<int64_t>(fs.f_type) == kOverlayfsMagic && OnUpperLayer(dir, p->exepath)) {
    p->flags |= kExeUpperLayer;
  }
}

// Best effort: the exe is on the upper layer when the overlay mount holding
// it has an upperdir that holds the same relative path.
bool SnapshotReader::OnUpperLayer(const std::string& dir, const std::string& exepath) {
  absl::StatusOr<std::string> ns = ReadLink(dir + "/ns/mnt");
  std::string key = ns.ok() ? *ns : dir;
  auto it = overlays_by_mntns_.find(key);
  if (it == overlays_by_mntns_.end()) {
    std::vector<OverlayMount> mounts;
    if (ReadProcFile(dir + "/mountinfo", 16 << 20, &buf_).ok()) {
      mounts = ParseOverlayMounts(buf_);
    }
    it = overlays_by_mntns_.emplace(key, std::move(mounts)).first;
  }
  const OverlayMount* best = nullptr;
  for (const OverlayMount& m : it->second) {
    bool under = m.mount_point == "/" ||
                 (absl::StartsWith(exepath, m.mount_point) &&
                  (exepath.size() == m.mount_point.size() || exepath[m.mount_point.size()] == '/'));
    if (under && (best == nullptr || m.mount_point.size() > best->mount_point.size())) {
      best = &m;
    }
  }
  if (best == nullptr) {
    return false;
  }
  std::string rel = best->mount_point == "/" ? exepath : exepath.substr(best->mount_point.size());
  struct stat st;
  return lstat((best->upperdir + rel).c_str(), &st) == 0;
}

const SocketTable& SnapshotReader::SocketsOf(const std::string& dir) {
  absl::StatusOr<std::string> ns = ReadLink(dir + "/ns/net");
  std::string key = ns.ok() ? *ns : dir;
  std::unique_ptr<SocketTable>& table = sockets_by_netns_[key];
  if (table == nullptr) {
    table = std::make_unique<SocketTable>(ReadSocketTable(dir + "/net"));
  }
  return *table;
}

void ClassifyFd(const std::string& fd_path, FdInfo* f) {
  absl::string_view t = f->target;
  auto bracketed = [&](absl::string_view prefix) {
    absl::string_view v = t;
    return absl::ConsumePrefix(&v, prefix) && absl::ConsumeSuffix(&v, "]") &&
           absl::SimpleAtoi(v, &f->ino);
  };
  if (bracketed("socket:[")) {
    f->type = FdType::kSocket;
  } else if (bracketed("pipe:[")) {
    f->type = FdType::kPipe;
  } else if (t == "anon_inode:[eventfd]") {
    f->type = FdType::kEventfd;
  } else if (absl::StartsWith(t, "anon_inode:")) {
    f->type = FdType::kAnon;
  } else if (absl::StartsWith(t, "/memfd:")) {
    f->type = FdType::kMemfd;
  } else if (absl::StartsWith(t, "/")) {
    struct stat st;
    f->type = FdType::kFile;
    if (::stat(fd_path.c_str(), &st) == 0) {
      f->ino = st.st_ino;
      f->type = S_ISDIR(st.st_mode) ? FdType::kDir : FdType::kFile;
    }
  } else {
    f->type = FdType::kOther;
  }
}

void SnapshotReader::ReadFds(const std::string& dir, ProcessInfo* p) {
  bool ok = false;
  std::vector<uint32_t> fds = ListNumeric(dir + "/fd", &ok);
  if (fds.size() > kMaxFdsPerProcess) {
    fds.resize(kMaxFdsPerProcess);
  }
  for (uint32_t n : fds) {
    std::string fd_path = absl::StrCat(dir, "/fd/", n);
    absl::StatusOr<std::string> target = ReadLink(fd_path);
    if (!target.ok()) {
      continue;  // closed meanwhile
    }
    FdInfo f;
    f.fd = static_cast<int32_t>(n);
    f.target = *std::move(target);
    ClassifyFd(fd_path, &f);
    if (f.type == FdType::kSocket) {
      const SocketTable& sockets = SocketsOf(dir);
      auto it = sockets.find(f.ino);
      if (it != sockets.end()) {
        f.has_tuple = true;
        f.tuple = it->second;
      }
    }
    p->fds.push_back(std::move(f));
  }
}

void SnapshotReader::ReadThreads(const std::string& dir, ProcessInfo* p) {
  bool ok = false;
  for (uint32_t tid : ListNumeric(dir + "/task", &ok)) {
    StatLine stat;
    StatusInfo status;
    if (!ReadTask(absl::StrCat(dir, "/task/", tid), &stat, &status)) {
      continue;  // exited meanwhile
    }
    ThreadInfo t;
    t.tid = tid;
    t.vtid = status.vpid;
    t.comm = stat.comm;
    t.start_time_ns = stat.Field(22) * ns_per_tick_;
    t.creds = status.creds;
    p->threads.push_back(std::move(t));
  }
}

}  // namespace

absl::StatusOr<ProcSnapshot> ReadProcSnapshot(const std::string& proc_root) {
  ProcSnapshot snap;
  struct timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  snap.taken_at_ns = TimespecNs(ts);
  bool ok = false;
  std::vector<uint32_t> pids = ListNumeric(proc_root, &ok);
  if (!ok) {
    return ErrnoStatus(errno, absl::StrCat("cannot list ", proc_root));
  }
  SnapshotReader reader(proc_root);
  for (uint32_t pid : pids) {
    ProcessInfo p;
    if (reader.ReadProcess(pid, &p)) {
      snap.processes.push_back(std::move(p));
    }
  }
  return snap;
}

}  // namespace saker::capture
