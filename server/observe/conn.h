#pragma once

// One accepted connection, plain or TLS, with every read and write bounded
// by a deadline and interrupted by the server's stop descriptor (poll on
// both; the socket is non-blocking).

#include <cstddef>
#include <string_view>

#include "absl/time/time.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace saker::observe {

class Conn {
 public:
  enum class Io { kOk, kEof, kTimeout, kStopped, kError };

  // Takes ownership of `fd`; `tls` null for plain HTTP. `stop_fd` becomes
  // readable when the server stops.
  Conn(int fd, SSL_CTX* tls, int stop_fd);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // The TLS handshake (nothing for plain connections).
  Io Handshake(absl::Time deadline);
  // Reads what is available (at least one byte) into buf.
  Io Read(char* buf, size_t cap, size_t* n, absl::Time deadline);
  Io WriteAll(std::string_view data, absl::Time deadline);
  // Ends the sending side and reads (discards) what the client still sends
  // until it closes or the deadline passes, so that closing does not reset
  // the connection before the client has read the response.
  void Finish(absl::Time deadline);

 private:
  // Waits for `events` on the socket; kOk when ready.
  Io Wait(short events, absl::Time deadline);
  Io TlsRetry(int ret, absl::Time deadline);

  int fd_;
  SSL* ssl_ = nullptr;
  int stop_fd_;
};

}  // namespace saker::observe
