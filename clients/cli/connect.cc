#include "clients/cli/connect.h"

#include <grp.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/tls_check.h"

namespace saker::cli {

const std::vector<FlagSpec>& ConnectionFlagSpecs() {
  static const auto* specs = new std::vector<FlagSpec>{
      {"socket", "PATH",
       "sakerd's unix socket (default $SAKER_SOCKET, else /run/saker/saker.sock)"},
      {"address", "HOST:PORT", "connect over TCP with mutual TLS (default $SAKER_ADDRESS)"},
      {"cert", "FILE", "client certificate, PEM (default $SAKER_CERT)"},
      {"key", "FILE", "client private key, PEM (default $SAKER_KEY)"},
      {"ca", "FILE", "CA certificate that signed the server's (default $SAKER_CA)"},
      {"server-name", "NAME", "name to verify in the server's certificate (default: the host)"},
      {"timeout", "DURATION", "connect and call deadline, e.g. 10s, 500ms (default 10s)"},
  };
  return *specs;
}

std::string Target::Describe() const { return is_unix() ? "unix://" + socket : address; }

std::optional<std::string> RealGetenv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    return std::nullopt;
  }
  return std::string(v);
}

absl::StatusOr<Target> ResolveTarget(const Args& args, const Getenv& getenv) {
  Target t;
  if (args.Has("socket") && args.Has("address")) {
    return absl::InvalidArgumentError("give --socket or --address, not both");
  }
  std::string address;
  if (args.Has("socket")) {
    t.socket = args.Get("socket");
  } else if (args.Has("address")) {
    address = args.Get("address");
  } else if (auto s = getenv("SAKER_SOCKET")) {
    t.socket = *s;
  } else if (auto a = getenv("SAKER_ADDRESS")) {
    address = *a;
  } else {
    t.socket = kDefaultSocket;
  }
  if (absl::StartsWith(address, "unix://")) {
    t.socket = address.substr(7);
  } else if (absl::StartsWith(address, "unix:")) {
    t.socket = address.substr(5);
  } else {
    t.address = address;
  }
  if (!t.is_unix() && t.address.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--address needs HOST:PORT (or unix:///PATH), not \"", t.address, "\""));
  }
  auto pick = [&](const char* flag, const char* env) {
    if (args.Has(flag)) {
      return args.Get(flag);
    }
    return getenv(env).value_or("");
  };
  t.cert = pick("cert", "SAKER_CERT");
  t.key = pick("key", "SAKER_KEY");
  t.ca = pick("ca", "SAKER_CA");
  t.server_name = args.Get("server-name");
  if (!t.is_unix() && (t.cert.empty() || t.key.empty() || t.ca.empty())) {
    return absl::InvalidArgumentError(
        absl::StrCat("TCP address ", t.address,
                     " needs mutual TLS: give --cert, --key and --ca (or $SAKER_CERT, "
                     "$SAKER_KEY, $SAKER_CA); for the local daemon use --socket"));
  }
  if (args.Has("timeout")) {
    auto d = ParseTimeout(args.Get("timeout"));
    if (!d.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--timeout: ", d.status().message()));
    }
    t.timeout = *d;
  }
  return t;
}

namespace {

constexpr char kStartHint[] =
    "start it with `sudo sakerd run` (from a checkout: `sudo ./ci/daemon`), or point --socket "
    "or $SAKER_SOCKET at the socket it serves";

// "mode 0660, owner root, group saker".
std::string ModeOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return "cannot stat it";
  }
  const group* g = getgrgid(st.st_gid);
  std::string group = g != nullptr ? g->gr_name : std::to_string(st.st_gid);
  return absl::StrFormat("mode %04o, owner uid %d, group %s", st.st_mode & 07777, st.st_uid, group);
}

std::string GroupOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return "saker";
  }
  const group* g = getgrgid(st.st_gid);
  return g != nullptr ? g->gr_name : std::to_string(st.st_gid);
}

}  // namespace

absl::Status DiagnoseSocket(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("socket path too long: ", path));
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  int err = errno;
  close(fd);
  if (rc == 0) {
    return absl::OkStatus();
  }
  switch (err) {
    case ENOENT:
      return absl::UnavailableError(
          absl::StrCat("sakerd is not running: there is no socket ", path, "; ", kStartHint));
    case ECONNREFUSED:
      return absl::UnavailableError(absl::StrCat("sakerd is not running: nothing listens on ", path,
                                                 " (a stale socket); ", kStartHint));
    case EACCES:
    case EPERM: {
      const std::string dir = path.substr(0, path.find_last_of('/'));
      struct stat st {};
      if (stat(path.c_str(), &st) != 0) {  // the directory keeps this user out
        return absl::PermissionDeniedError(absl::StrCat(
            "permission denied on ", path, ": its directory ", dir, " (", ModeOf(dir),
            ") does not let this user reach the socket: run as root, or let this user search ",
            dir));
      }
      return absl::PermissionDeniedError(absl::StrCat(
          "permission denied on ", path, " (", ModeOf(path), "): run as root, or join group ",
          GroupOf(path), " (`sudo usermod -aG ", GroupOf(path),
          " $USER`, then log in again); sakerd sets these with --grpc-socket-mode and "
          "--grpc-socket-group"));
    }
    default:
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", path, ": ", std::strerror(err), "; ", kStartHint));
  }
}

absl::Status DiagnoseTcp(const std::string& address) {
  size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon), port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", address, ": ", gai_strerror(rc)));
  }
  int err = 0;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    err = errno;
    close(fd);
    if (rc == 0) {
      freeaddrinfo(res);
      return absl::OkStatus();
    }
  }
  freeaddrinfo(res);
  return absl::UnavailableError(absl::StrCat(
      "cannot connect to ", address, ": ", std::strerror(err),
      "; is sakerd running with --grpc-bind ", address, " --tls-cert F --tls-key F --tls-ca F?"));
}

absl::Status CheckClientCertificate(const Target& t) {
  return CheckCertificateFiles(t.cert, t.key, t.ca);
}

absl::StatusOr<std::unique_ptr<client::Client>> Connect(const Target& t) {
  if (t.is_unix()) {
    if (absl::Status s = DiagnoseSocket(t.socket); !s.ok()) {
      return s;
    }
  } else if (absl::Status s = CheckClientCertificate(t); !s.ok()) {
    return s;
  }
  client::ClientOptions o;
  o.address = t.Describe();
  o.call_timeout = t.timeout;
  if (!t.is_unix()) {
    client::TlsOptions tls;
    tls.ca_path = t.ca;
    tls.cert_path = t.cert;
    tls.key_path = t.key;
    tls.server_name = t.server_name;
    o.tls = tls;
  }
  auto c = client::Client::Create(o);
  if (!c.ok()) {
    return c.status();
  }
  if (absl::Status s = (*c)->WaitForConnected(t.timeout); !s.ok()) {
    return Explain(t, s);
  }
  return c;
}

absl::Status Explain(const Target& t, const absl::Status& s) {
  if (s.ok()) {
    return s;
  }
  if (absl::IsPermissionDenied(s)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the server refused this client: ", s.message(),
        t.is_unix() ? "" : " (sakerd's --grpc-allow limits services to certificate identities)"));
  }
  if (!absl::IsUnavailable(s) && !absl::IsDeadlineExceeded(s)) {
    return s;
  }
  if (t.is_unix()) {
    absl::Status d = DiagnoseSocket(t.socket);
    return d.ok() ? absl::Status(s.code(), absl::StrCat(t.Describe(), ": ", s.message())) : d;
  }
  if (absl::Status d = DiagnoseTcp(t.address); !d.ok()) {
    return d;
  }
  return absl::UnavailableError(absl::StrCat(
      "the TLS handshake with ", t.address, " failed (", s.message(),
      "): the server refused the client certificate ", t.cert,
      " (not signed by a CA it trusts, or revoked), or the server's certificate is not signed "
      "by ",
      t.ca, " or does not name ", t.server_name.empty() ? "the host" : t.server_name,
      " (see --server-name)"));
}

}  // namespace saker::cli
