#pragma once

// One thread of the web server: an epoll set holding the shared listening
// socket (EPOLLEXCLUSIVE, so one idle loop takes each new connection), the
// stop eventfd, and up to `max_connections` connections of its own. Nothing
// blocks: a connection that sends nothing, or a byte a second, costs a
// descriptor and a few hundred bytes, never a thread, so probes are answered
// whatever other clients do. Deadlines (Conn::deadline) close laggards; at
// the bound a new connection sheds the oldest one.

#include <cstdint>
#include <map>
#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/observe/conn.h"
#include "server/observe/instruments.h"

namespace saker::observe {

// Connection counts, shared by the loops of one server.
struct ConnectionStats {
  metrics::Counter accepted;
  metrics::Counter shed;       // closed at the bound (or out of descriptors) for a newer one
  metrics::Counter timed_out;  // past header_timeout or idle_timeout (408) or a stalled send
  metrics::Gauge open;
  // saker_webserver_connections_total, _shed_total, _timeouts_total, saker_webserver_connections.
  void Write(metrics::Writer& w) const;
};

class EventLoop {
 public:
  struct Params {
    int listen_fd = -1;  // non-blocking; shared by every loop, not owned
    int stop_fd = -1;    // an eventfd, readable once stopping; not owned
    SSL_CTX* tls = nullptr;
    Conn::Limits limits;
    size_t max_connections = 1;
    ConnectionStats* stats = nullptr;  // not owned; required
  };

  EventLoop(Params params, Conn::Handler handler);
  ~EventLoop();  // closes its connections
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  absl::Status Init();
  // Serves until stop_fd becomes readable.
  void Run();

 private:
  struct Entry {
    std::unique_ptr<Conn> conn;
    uint32_t events = 0;  // registered with epoll; 0 before the first
  };

  void Accept(absl::Time now);
  // Advances connection `id` (after Expire when `expire`), updates its epoll
  // registration, and drops it when finished.
  void Drive(uint64_t id, absl::Time now, bool expire);
  void ExpireDue(absl::Time now);
  void ShedOldest();
  void Close(std::map<uint64_t, Entry>::iterator it);
  // Milliseconds until the nearest deadline; -1 without connections.
  int Timeout(absl::Time now) const;

  const Params params_;
  const Conn::Handler handler_;
  int epoll_fd_ = -1;
  uint64_t next_id_;
  // By accept order: begin() is the oldest, the one shed at the bound.
  std::map<uint64_t, Entry> conns_;
};

}  // namespace saker::observe
