#include "server/observe/conn.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "absl/time/clock.h"

namespace saker::observe {

Conn::Conn(int fd, SSL_CTX* tls, int stop_fd) : fd_(fd), stop_fd_(stop_fd) {
  if (tls != nullptr) {
    ssl_ = SSL_new(tls);
    if (ssl_ != nullptr) {
      SSL_set_fd(ssl_, fd_);
    }
  }
}

Conn::~Conn() {
  if (ssl_ != nullptr) {
    SSL_free(ssl_);
  }
  ::close(fd_);
}

Conn::Io Conn::Wait(short events, absl::Time deadline) {
  for (;;) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return Io::kTimeout;
    }
    pollfd fds[2] = {{fd_, events, 0}, {stop_fd_, POLLIN, 0}};
    int ms = static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 60000));
    int r = ::poll(fds, 2, ms);
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r < 0) {
      return Io::kError;
    }
    if (fds[1].revents != 0) {
      return Io::kStopped;
    }
    if (fds[0].revents != 0) {
      return Io::kOk;  // readable, writable, or an error the next call reports
    }
  }
}

// After an SSL call returned `ret` <= 0: waits as OpenSSL asks, or says why
// not to retry.
Conn::Io Conn::TlsRetry(int ret, absl::Time deadline) {
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      return Wait(POLLIN, deadline);
    case SSL_ERROR_WANT_WRITE:
      return Wait(POLLOUT, deadline);
    case SSL_ERROR_ZERO_RETURN:
      return Io::kEof;
    default:
      ERR_clear_error();
      return Io::kError;
  }
}

Conn::Io Conn::Handshake(absl::Time deadline) {
  if (ssl_ == nullptr) {
    return Io::kOk;
  }
  for (;;) {
    int r = SSL_accept(ssl_);
    if (r == 1) {
      return Io::kOk;
    }
    Io io = TlsRetry(r, deadline);
    if (io != Io::kOk) {
      return io == Io::kEof ? Io::kError : io;
    }
  }
}

Conn::Io Conn::Read(char* buf, size_t cap, size_t* n, absl::Time deadline) {
  for (;;) {
    if (ssl_ != nullptr) {
      int r = SSL_read(ssl_, buf, static_cast<int>(std::min<size_t>(cap, 1 << 30)));
      if (r > 0) {
        *n = static_cast<size_t>(r);
        return Io::kOk;
      }
      Io io = TlsRetry(r, deadline);
      if (io != Io::kOk) {
        return io;
      }
      continue;
    }
    ssize_t r = ::recv(fd_, buf, cap, 0);
    if (r > 0) {
      *n = static_cast<size_t>(r);
      return Io::kOk;
    }
    if (r == 0) {
      return Io::kEof;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return Io::kError;
    }
    Io io = Wait(POLLIN, deadline);
    if (io != Io::kOk) {
      return io;
    }
  }
}

Conn::Io Conn::WriteAll(std::string_view data, absl::Time deadline) {
  while (!data.empty()) {
    if (ssl_ != nullptr) {
      int len = static_cast<int>(std::min<size_t>(data.size(), 1 << 30));
      int r = SSL_write(ssl_, data.data(), len);
      if (r > 0) {
        data.remove_prefix(static_cast<size_t>(r));
        continue;
      }
      Io io = TlsRetry(r, deadline);
      if (io != Io::kOk) {
        return io;
      }
      continue;
    }
    ssize_t r = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (r > 0) {
      data.remove_prefix(static_cast<size_t>(r));
      continue;
    }
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      return Io::kError;
    }
    Io io = Wait(POLLOUT, deadline);
    if (io != Io::kOk) {
      return io;
    }
  }
  return Io::kOk;
}

void Conn::Finish(absl::Time deadline) {
  if (ssl_ != nullptr) {
    SSL_shutdown(ssl_);  // sends close_notify; not waiting for the peer's
    ERR_clear_error();
  }
  ::shutdown(fd_, SHUT_WR);
  char buf[4096];
  size_t total = 0;
  while (total < (1 << 20)) {
    ssize_t r = ::recv(fd_, buf, sizeof(buf), 0);
    if (r > 0) {
      total += static_cast<size_t>(r);
      continue;
    }
    if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      return;
    }
    if (Wait(POLLIN, deadline) != Io::kOk) {
      return;
    }
  }
}

}  // namespace saker::observe
