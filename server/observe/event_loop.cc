#include "server/observe/event_loop.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace saker::observe {

namespace {

constexpr uint64_t kListenId = 0;
constexpr uint64_t kStopId = 1;
constexpr int kAcceptBurst = 64;  // accepts per wake-up, so connections already in get a turn

}  // namespace

void ConnectionStats::Write(metrics::Writer& w) const {
  accepted.Write(w, "saker_webserver_connections_total", "Connections the web server accepted.");
  shed.Write(w, "saker_webserver_connections_shed_total",
             "Connections closed to make room for a newer one (at max_connections).");
  timed_out.Write(w, "saker_webserver_timeouts_total",
                  "Connections closed past header_timeout or idle_timeout.");
  open.Write(w, "saker_webserver_connections", "Connections open now.");
}

EventLoop::EventLoop(Params params, Conn::Handler handler)
    : params_(std::move(params)), handler_(std::move(handler)), next_id_(kStopId + 1) {}

EventLoop::~EventLoop() {
  params_.stats->open.Add(-static_cast<int64_t>(conns_.size()));
  conns_.clear();
  if (epoll_fd_ >= 0) {
    ::close(epoll_fd_);
  }
}

absl::Status EventLoop::Init() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    return absl::InternalError(absl::StrCat("webserver: epoll_create1: ", strerror(errno)));
  }
  epoll_event listen{EPOLLIN | EPOLLEXCLUSIVE, {.u64 = kListenId}};
  epoll_event stop{EPOLLIN, {.u64 = kStopId}};
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, params_.listen_fd, &listen) != 0 ||
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, params_.stop_fd, &stop) != 0) {
    return absl::InternalError(absl::StrCat("webserver: epoll_ctl: ", strerror(errno)));
  }
  return absl::OkStatus();
}

void EventLoop::Run() {
  epoll_event events[64];
  for (;;) {
    int n = epoll_wait(epoll_fd_, events, 64, Timeout(absl::Now()));
    if (n < 0 && errno != EINTR) {
      return;
    }
    absl::Time now = absl::Now();
    for (int i = 0; i < n; ++i) {
      uint64_t id = events[i].data.u64;
      if (id == kStopId) {
        return;
      }
      if (id == kListenId) {
        Accept(now);
      } else {
        Drive(id, now, false);
      }
    }
    ExpireDue(now);
  }
}

void EventLoop::Accept(absl::Time now) {
  for (int i = 0; i < kAcceptBurst; ++i) {
    int fd = ::accept4(params_.listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) {
        continue;
      }
      if ((errno == EMFILE || errno == ENFILE) && !conns_.empty()) {
        ShedOldest();  // out of descriptors
        continue;
      }
      if (errno == EMFILE || errno == ENFILE) {
        absl::SleepFor(absl::Milliseconds(50));  // none of ours to free; don't spin
      }
      return;  // EAGAIN: another loop took it, or none left
    }
    // Each write is a whole message (a handshake flight, session tickets, the
    // response): without Nagle none waits 40 ms for the client's delayed ACK.
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    while (conns_.size() >= params_.max_connections) {
      ShedOldest();
    }
    params_.stats->accepted.Inc();
    params_.stats->open.Add(1);
    uint64_t id = next_id_++;
    conns_[id].conn = std::make_unique<Conn>(fd, params_.tls, params_.limits, now);
    Drive(id, now, false);
  }
}

void EventLoop::Drive(uint64_t id, absl::Time now, bool expire) {
  auto it = conns_.find(id);
  if (it == conns_.end()) {
    return;  // shed earlier in this round
  }
  Entry& e = it->second;
  uint32_t want = 0;
  if (!expire || e.conn->Expire(now)) {
    want = e.conn->Advance(handler_, now);
  }
  if (want == 0) {
    Close(it);  // closing the socket takes it out of the epoll set
    return;
  }
  if (want == e.events) {
    return;
  }
  epoll_event ev{want, {.u64 = id}};
  if (epoll_ctl(epoll_fd_, e.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, e.conn->fd(), &ev) != 0) {
    Close(it);
    return;
  }
  e.events = want;
}

void EventLoop::ShedOldest() {
  params_.stats->shed.Inc();
  Close(conns_.begin());
}

void EventLoop::Close(std::map<uint64_t, Entry>::iterator it) {
  params_.stats->open.Add(-1);
  conns_.erase(it);
}

void EventLoop::ExpireDue(absl::Time now) {
  std::vector<uint64_t> due;
  for (const auto& [id, e] : conns_) {
    if (e.conn->deadline() <= now) {
      due.push_back(id);
    }
  }
  for (uint64_t id : due) {
    if (!conns_.at(id).conn->finishing()) {
      params_.stats->timed_out.Inc();  // not a client slow to close after its answer
    }
    Drive(id, now, true);
  }
}

int EventLoop::Timeout(absl::Time now) const {
  if (conns_.empty()) {
    return -1;
  }
  absl::Time next = absl::InfiniteFuture();
  for (const auto& [id, e] : conns_) {
    next = std::min(next, e.conn->deadline());
  }
  absl::Duration left = next - now;
  if (left <= absl::ZeroDuration()) {
    return 0;
  }
  return static_cast<int>(
      std::min<int64_t>(absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))), 60000));
}

}  // namespace saker::observe
