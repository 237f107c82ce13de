#include "server/state/testing/event_builder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

namespace saker::state::testing {

EventBuilder::EventBuilder(uint16_t syscall_id) {
  hdr_.kind = SAKER_EVENT_SYSCALL;
  hdr_.syscall = syscall_id;
  hdr_.ts_ns = 1000000000;
  std::strncpy(hdr_.comm, "test", sizeof(hdr_.comm));
}

EventBuilder EventBuilder::Procexit(bool group_dead) {
  EventBuilder b(0);
  b.hdr_.kind = SAKER_EVENT_PROCEXIT;
  b.args_[1] = group_dead ? 1 : 0;
  return b;
}

EventBuilder& EventBuilder::Thread(uint32_t tid, uint32_t pid, uint32_t ppid) {
  hdr_.tid = tid;
  hdr_.pid = pid;
  hdr_.ppid = ppid;
  return *this;
}

EventBuilder& EventBuilder::Comm(const std::string& comm) {
  std::memset(hdr_.comm, 0, sizeof(hdr_.comm));
  std::strncpy(hdr_.comm, comm.c_str(), sizeof(hdr_.comm));
  return *this;
}

EventBuilder& EventBuilder::Creds(uint32_t uid, uint32_t gid, uint32_t euid, uint32_t egid) {
  hdr_.uid = uid;
  hdr_.gid = gid;
  hdr_.euid = euid;
  hdr_.egid = egid;
  return *this;
}

EventBuilder& EventBuilder::Ts(uint64_t ts_ns) {
  hdr_.ts_ns = ts_ns;
  return *this;
}

EventBuilder& EventBuilder::Cpu(uint32_t cpu) {
  hdr_.cpu = cpu;
  return *this;
}

EventBuilder& EventBuilder::Ret(int64_t ret) {
  hdr_.ret = ret;
  return *this;
}

EventBuilder& EventBuilder::Arg(int i, uint64_t v) {
  args_[i] = v;
  return *this;
}

EventBuilder& EventBuilder::Blob(uint16_t param, uint16_t type, std::string data, uint16_t flags) {
  capture::BlobSpec b;
  b.param = param;
  b.type = type;
  b.data = std::move(data);
  b.flags = flags;
  blobs_.push_back(std::move(b));
  return *this;
}

EventBuilder& EventBuilder::Str(uint16_t param, const std::string& s) {
  return Blob(param, SAKER_BLOB_STR, s);
}

EventBuilder& EventBuilder::StrList(uint16_t param, const std::vector<std::string>& items) {
  std::string data;
  for (const std::string& s : items) {
    data.append(s);
    data.push_back('\0');
  }
  return Blob(param, SAKER_BLOB_STRLIST, data);
}

EventBuilder& EventBuilder::U64(uint16_t param, uint64_t v) {
  return Blob(param, SAKER_BLOB_U64, std::string(reinterpret_cast<const char*>(&v), sizeof(v)));
}

EventBuilder& EventBuilder::FdPair(uint16_t param, int32_t a, int32_t b) {
  int32_t fds[2] = {a, b};
  return Blob(param, SAKER_BLOB_FDPAIR, std::string(reinterpret_cast<const char*>(fds), 8));
}

EventBuilder& EventBuilder::Sockaddr4(uint16_t param, const std::string& ip, uint16_t port) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  inet_pton(AF_INET, ip.c_str(), &in.sin_addr);
  return Blob(param, SAKER_BLOB_SOCKADDR,
              std::string(reinterpret_cast<const char*>(&in), sizeof(in)));
}

EventBuilder& EventBuilder::SockaddrUnix(uint16_t param, const std::string& path) {
  std::string data(2, '\0');
  uint16_t fam = AF_UNIX;
  std::memcpy(data.data(), &fam, 2);
  data.append(path);
  data.push_back('\0');
  return Blob(param, SAKER_BLOB_SOCKADDR, data);
}

EventBuilder& EventBuilder::Tuple(const std::string& lip, uint16_t lport, const std::string& rip,
                                  uint16_t rport, uint16_t proto) {
  saker_tuple t{};
  bool v6 = lip.find(':') != std::string::npos;
  t.family = v6 ? AF_INET6 : AF_INET;
  t.proto = proto;
  t.sport = lport;
  t.dport = rport;
  inet_pton(t.family, lip.c_str(), t.saddr);
  inet_pton(t.family, rip.c_str(), t.daddr);
  return Blob(SAKER_PARAM_TUPLE, SAKER_BLOB_TUPLE,
              std::string(reinterpret_cast<const char*>(&t), sizeof(t)));
}

EventBuilder& EventBuilder::UnixTuple(const std::string& path) {
  saker_tuple t{};
  t.family = AF_UNIX;
  Blob(SAKER_PARAM_TUPLE, SAKER_BLOB_TUPLE,
       std::string(reinterpret_cast<const char*>(&t), sizeof(t)));
  return Str(SAKER_PARAM_TUPLE, path);
}

EventBuilder& EventBuilder::ExecInfo(const saker_exec_info& info) {
  return Blob(SAKER_PARAM_EXEC_INFO, SAKER_BLOB_EXEC,
              std::string(reinterpret_cast<const char*>(&info), sizeof(info)));
}

OwnedEvent EventBuilder::Build() const {
  OwnedEvent ev;
  ev.buffer_.Add(hdr_, args_, blobs_);
  ev.Reparse();
  return ev;
}

}  // namespace saker::state::testing
