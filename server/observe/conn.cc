#include "server/observe/conn.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace saker::observe {

namespace {

constexpr size_t kMaxDrain = 1 << 20;                // read after the response, at most
constexpr absl::Duration kGrace = absl::Seconds(1);  // to send a 408, to close

}  // namespace

Conn::Conn(int fd, SSL_CTX* tls, const Limits& limits, absl::Time now)
    : fd_(fd),
      limits_(limits),
      state_(tls != nullptr ? State::kHandshake : State::kHead),
      phase_deadline_(now + limits.header_timeout),
      last_progress_(now) {
  if (tls != nullptr) {
    ssl_ = SSL_new(tls);
    if (ssl_ != nullptr) {
      SSL_set_fd(ssl_, fd_);
      SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    }
  }
}

Conn::~Conn() {
  if (ssl_ != nullptr) {
    SSL_free(ssl_);
  }
  ::close(fd_);
}

absl::Time Conn::deadline() const {
  if (state_ == State::kFinish) {
    return phase_deadline_;
  }
  return std::min(phase_deadline_, last_progress_ + limits_.idle_timeout);
}

bool Conn::Expire(absl::Time now) {
  if (state_ != State::kHead) {
    return false;
  }
  Respond(http::Response(408, "text/plain; charset=utf-8", "request timeout\n"), now + kGrace, now);
  return true;
}

uint32_t Conn::Events(Io io) {
  switch (io) {
    case Io::kWantRead:
      return EPOLLIN;
    case Io::kWantWrite:
      return EPOLLOUT;
    default:
      return 0;
  }
}

Conn::Io Conn::TlsWant(int ret) {
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      return Io::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return Io::kWantWrite;
    default:
      ERR_clear_error();
      return Io::kEnd;
  }
}

Conn::Io Conn::Recv(char* buf, size_t cap, size_t* n) {
  if (ssl_ != nullptr) {
    int r = SSL_read(ssl_, buf, static_cast<int>(cap));
    if (r > 0) {
      *n = static_cast<size_t>(r);
      return Io::kOk;
    }
    return TlsWant(r);
  }
  for (;;) {
    ssize_t r = ::recv(fd_, buf, cap, 0);
    if (r > 0) {
      *n = static_cast<size_t>(r);
      return Io::kOk;
    }
    if (r < 0 && errno == EINTR) {
      continue;
    }
    return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? Io::kWantRead : Io::kEnd;
  }
}

Conn::Io Conn::Send(size_t* n) {
  const char* p = out_.data() + out_off_;
  size_t len = std::min<size_t>(out_.size() - out_off_, 1 << 30);
  if (ssl_ != nullptr) {
    int r = SSL_write(ssl_, p, static_cast<int>(len));
    if (r > 0) {
      *n = static_cast<size_t>(r);
      return Io::kOk;
    }
    return TlsWant(r);
  }
  for (;;) {
    ssize_t r = ::send(fd_, p, len, MSG_NOSIGNAL);
    if (r > 0) {
      *n = static_cast<size_t>(r);
      return Io::kOk;
    }
    if (r < 0 && errno == EINTR) {
      continue;
    }
    return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? Io::kWantWrite : Io::kEnd;
  }
}

void Conn::Respond(std::string response, absl::Time deadline, absl::Time now) {
  out_ = std::move(response);
  out_off_ = 0;
  state_ = State::kWrite;
  phase_deadline_ = deadline;
  last_progress_ = now;
}

void Conn::StartFinish(absl::Time now) {
  if (ssl_ != nullptr) {
    SSL_shutdown(ssl_);  // sends close_notify; not waiting for the peer's
    ERR_clear_error();
  }
  ::shutdown(fd_, SHUT_WR);
  state_ = State::kFinish;
  phase_deadline_ = now + kGrace;
}

uint32_t Conn::Advance(const Handler& handler, absl::Time now) {
  if (ssl_ == nullptr && state_ == State::kHandshake) {
    return 0;  // SSL_new failed
  }
  char buf[4096];
  for (;;) {
    switch (state_) {
      case State::kHandshake: {
        int r = SSL_accept(ssl_);
        if (r != 1) {
          return Events(TlsWant(r));
        }
        state_ = State::kHead;
        last_progress_ = now;
        break;
      }
      case State::kHead: {
        size_t n = 0;
        Io io = Recv(buf, std::min(sizeof(buf), limits_.max_request_bytes + 1 - in_.size()), &n);
        if (io != Io::kOk) {
          return Events(io);
        }
        last_progress_ = now;
        in_.append(buf, n);
        http::Request req;
        http::Parse p = http::ParseHead(in_, &req);
        absl::Time respond_by = now + limits_.header_timeout;
        if (p == http::Parse::kOk) {
          Respond(handler(req), respond_by, now);
        } else if (p == http::Parse::kBad) {
          Respond(http::Response(400, "text/plain; charset=utf-8", "bad request\n"), respond_by,
                  now);
        } else if (in_.size() > limits_.max_request_bytes) {
          Respond(http::Response(431, "text/plain; charset=utf-8", "request too large\n"),
                  respond_by, now);
        }
        break;
      }
      case State::kWrite: {
        if (out_off_ == out_.size()) {
          StartFinish(now);
          break;
        }
        size_t n = 0;
        Io io = Send(&n);
        if (io != Io::kOk) {
          return Events(io);
        }
        out_off_ += n;
        last_progress_ = now;
        break;
      }
      case State::kFinish: {
        ssize_t r = ::recv(fd_, buf, sizeof(buf), 0);
        if (r > 0 && drained_ + static_cast<size_t>(r) < kMaxDrain) {
          drained_ += static_cast<size_t>(r);
          break;
        }
        if (r < 0 && errno == EINTR) {
          break;
        }
        return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? EPOLLIN : 0;
      }
    }
  }
}

}  // namespace saker::observe
