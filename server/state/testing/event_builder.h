// Builds one wire-format event with blobs, for tests:
//
//   OwnedEvent ev = EventBuilder(SAKER_SYS_openat).Thread(100, 100, 1)
//                       .Ret(3).Arg(0, AT_FDCWD).Str(1, "/etc/passwd").Build();
//   updater.Apply(1, ev.view());
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "saker/wire.h"
#include "server/capture/synthetic_events.h"
#include "server/driver/event_view.h"

namespace saker::state::testing {

// Owns the bytes of one event; view() stays valid as long as it lives.
class OwnedEvent {
 public:
  OwnedEvent() = default;
  OwnedEvent(OwnedEvent&& o) noexcept : buffer_(std::move(o.buffer_)) { Reparse(); }
  OwnedEvent& operator=(OwnedEvent&& o) noexcept {
    buffer_ = std::move(o.buffer_);
    Reparse();
    return *this;
  }
  OwnedEvent(const OwnedEvent&) = delete;
  OwnedEvent& operator=(const OwnedEvent&) = delete;

  const EventView& view() const { return view_; }

 private:
  friend class EventBuilder;
  void Reparse() { view_ = buffer_.count() > 0 ? buffer_.Views()[0] : EventView(); }

  capture::EventBuffer buffer_;
  EventView view_;
};

class EventBuilder {
 public:
  // A syscall exit event of saker syscall `id`.
  explicit EventBuilder(uint16_t syscall_id);
  // A procexit event (args[0] = status, args[1] = group_dead).
  static EventBuilder Procexit(bool group_dead = true);

  EventBuilder& Thread(uint32_t tid, uint32_t pid, uint32_t ppid);
  EventBuilder& Comm(const std::string& comm);
  EventBuilder& Creds(uint32_t uid, uint32_t gid, uint32_t euid, uint32_t egid);
  EventBuilder& Ts(uint64_t ts_ns);
  EventBuilder& Cpu(uint32_t cpu);
  EventBuilder& Ret(int64_t ret);
  EventBuilder& Arg(int i, uint64_t v);
  EventBuilder& Blob(uint16_t param, uint16_t type, std::string data, uint16_t flags = 0);
  EventBuilder& Str(uint16_t param, const std::string& s);
  EventBuilder& StrList(uint16_t param, const std::vector<std::string>& items);
  EventBuilder& U64(uint16_t param, uint64_t v);
  EventBuilder& FdPair(uint16_t param, int32_t a, int32_t b);
  // An IPv4 sockaddr ("10.0.0.1", port) or an AF_UNIX one.
  EventBuilder& Sockaddr4(uint16_t param, const std::string& ip, uint16_t port);
  EventBuilder& SockaddrUnix(uint16_t param, const std::string& path);
  // A TUPLE blob: local ip:port, remote ip:port (IPv4, or IPv6 when the
  // addresses contain ':').
  EventBuilder& Tuple(const std::string& lip, uint16_t lport, const std::string& rip,
                      uint16_t rport, uint16_t proto = 6);
  EventBuilder& UnixTuple(const std::string& path);
  EventBuilder& ExecInfo(const saker_exec_info& info);

  OwnedEvent Build() const;

 private:
  saker_event_header hdr_{};
  uint64_t args_[6] = {};
  std::vector<capture::BlobSpec> blobs_;
};

}  // namespace saker::state::testing
