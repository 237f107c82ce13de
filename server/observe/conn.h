#pragma once

// One accepted connection, plain or TLS, as a non-blocking state machine
// driven by an event loop: TLS handshake, request head, response, then a
// graceful close. It never waits; Advance() says which socket event to wait
// for next. Every phase has a deadline (see deadline()).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/time/time.h"
#include "server/observe/http.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace saker::observe {

class Conn {
 public:
  struct Limits {
    // From accept to the end of the request head (TLS handshake included);
    // the response then gets as long again.
    absl::Duration header_timeout = absl::Seconds(5);
    // The longest silence (no byte in or out) before the response is sent;
    // the TLS handshake, counted from accept, must finish within it too.
    absl::Duration idle_timeout = absl::Seconds(2);
    size_t max_request_bytes = 8192;  // the request head
  };
  // Builds the whole response to a complete request head.
  using Handler = std::function<std::string(const http::Request&)>;

  // Takes ownership of the non-blocking socket `fd`; `tls` null for plain HTTP.
  Conn(int fd, SSL_CTX* tls, const Limits& limits, absl::Time now);
  ~Conn();  // closes the socket
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Moves the exchange on as far as the socket allows. Returns the epoll
  // events to wait for (EPOLLIN or EPOLLOUT), or 0 once the connection is
  // finished (destroy it).
  uint32_t Advance(const Handler& handler, absl::Time now);
  // At or past deadline(): a request head still incomplete is answered 408
  // (true: Advance() to send it); anything else is finished (false).
  bool Expire(absl::Time now);
  absl::Time deadline() const;
  int fd() const { return fd_; }
  // The response is sent; waiting for the client to close.
  bool finishing() const { return state_ == State::kFinish; }

 private:
  enum class State { kHandshake, kHead, kWrite, kFinish };
  enum class Io { kOk, kWantRead, kWantWrite, kEnd };

  Io Recv(char* buf, size_t cap, size_t* n);
  Io Send(size_t* n);
  Io TlsWant(int ret);
  // Queues `response` and bounds its sending.
  void Respond(std::string response, absl::Time deadline, absl::Time now);
  // Sends close_notify and FIN, then reads until the client closes, so that
  // closing does not reset the connection before the client has read all.
  void StartFinish(absl::Time now);
  static uint32_t Events(Io io);

  const int fd_;
  SSL* ssl_ = nullptr;
  const Limits limits_;
  State state_;
  std::string in_;
  std::string out_;
  size_t out_off_ = 0;
  size_t drained_ = 0;
  absl::Time phase_deadline_;
  absl::Time last_progress_;
};

}  // namespace saker::observe
