#include "server/api/api_server.h"

#include <grp.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/api/falco_services.h"
#include "server/api/saker_services.h"
#include "server/api/tls_credentials.h"
#include "server/api/unix_socket.h"

namespace saker::api {
namespace {

std::string ResolveHostname(const std::string& configured) {
  if (!configured.empty()) {
    return configured;
  }
  if (const char* env = std::getenv("FALCO_HOSTNAME"); env != nullptr && *env != '\0') {
    return env;
  }
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) == 0) {
    return buf;
  }
  return "";
}

std::string SocketPath(const std::string& address) {
  std::string_view a = address;
  a.remove_prefix(a.rfind("unix://", 0) == 0 ? 7 : 5);
  return std::string(a);
}

absl::Status PrepareSocketDir(const std::string& path) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) {
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create ", dir.string(), " for the gRPC socket: ", ec.message()));
    }
  }
  return absl::OkStatus();
}

// Readies a unix listener's path under its directory's lock (held until the
// server listens): the directory exists, and nothing but a stale socket was
// there. A live server's socket is refused, never removed.
absl::Status ClaimSocket(const std::string& path, std::set<std::string>* seen,
                         SocketDirLocks* locks) {
  if (!seen->insert(path).second) {
    return absl::InvalidArgumentError(absl::StrCat("the unix socket ", path, " is listed twice"));
  }
  if (auto st = PrepareSocketDir(path); !st.ok()) {
    return st;
  }
  if (auto st = locks->LockDirOf(path); !st.ok()) {
    return st;
  }
  return ClaimUnixSocketPath(path);
}

absl::Status SetSocketAccess(const Listener& l, const std::string& path) {
  if (chmod(path.c_str(), l.unix_mode) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("chmod ", path, ": ", std::strerror(errno)));
  }
  if (!l.unix_group.empty()) {
    struct group* g = getgrnam(l.unix_group.c_str());
    if (g == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown group ", l.unix_group));
    }
    if (chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("chown :", l.unix_group, " ", path, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Listener> ParseBind(std::string_view bind, std::string_view tls_cert,
                                   std::string_view tls_key, std::string_view tls_ca) {
  Listener l;
  l.address = std::string(bind);
  if (l.is_unix()) {
    if (SocketPath(l.address).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--grpc-bind ", l.address, ": no socket path"));
    }
    if (!tls_cert.empty() || !tls_key.empty() || !tls_ca.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--grpc-bind ", l.address, ": a unix socket takes no --tls-* (access is by file mode)"));
    }
    return l;
  }
  if (bind.find(':') == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--grpc-bind ", l.address, ": expected unix:///PATH or HOST:PORT"));
  }
  if (tls_cert.empty() || tls_key.empty() || tls_ca.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--grpc-bind ", l.address,
        ": a TCP address needs --tls-cert, --tls-key and --tls-ca (no plaintext TCP)"));
  }
  l.tls_cert = std::string(tls_cert);
  l.tls_key = std::string(tls_key);
  l.tls_ca = std::string(tls_ca);
  return l;
}

ApiServer::ApiServer(HubOptions hubs) : alerts_(hubs.alert_history), events_(hubs.event_history) {
  context_.alerts = &alerts_;
  context_.events = &events_;
}

ApiServer::~ApiServer() { Shutdown(); }

absl::Status ApiServer::Start(const ApiServerOptions& options) {
  if (server_ != nullptr) {
    return absl::FailedPreconditionError("ApiServer already started");
  }
  context_.hostname = ResolveHostname(options.hostname);
  context_.version = options.version;
  context_.start_time_ns = absl::GetCurrentTimeNanos();
  context_.alert_filter_compiler = options.alert_filter_compiler;
  context_.event_filter_compiler = options.event_filter_compiler;
  context_.rules = options.rules;
  context_.driver = options.driver;
  context_.falco_outputs = options.falco_outputs;
  if (auto st = context_.access.Replace(options.allow); !st.ok()) {
    return st;
  }
  context_.registry.SetLimits(options.limits);
  grace_ = options.shutdown_grace;

  std::vector<Listener> listeners = options.listeners;
  if (listeners.empty()) {
    listeners.push_back(*ParseBind(kDefaultSocket));
  }
  if (options.falco_socket) {
    listeners.push_back(*ParseBind(kFalcoSocket));
  }

  // Both are process-wide switches read when the builder is made.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  ports_.assign(listeners.size(), 0);
  std::set<std::string> socket_paths;
  SocketDirLocks socket_locks;  // until BuildAndStart has bound the sockets
  for (size_t i = 0; i < listeners.size(); ++i) {
    const Listener& l = listeners[i];
    if (l.is_unix()) {
      if (auto st = ClaimSocket(SocketPath(l.address), &socket_paths, &socket_locks); !st.ok()) {
        return st;
      }
      builder.AddListeningPort(l.address, grpc::InsecureServerCredentials());
      continue;
    }
    auto stage = TlsStage::Create(l.tls_cert, l.tls_key, l.tls_ca, options.tls_stage_dir);
    if (!stage.ok()) {
      return stage.status();
    }
    builder.AddListeningPort(l.address,
                             MutualTlsCredentials((*stage)->cert(), (*stage)->key(), (*stage)->ca(),
                                                  options.tls_refresh_seconds),
                             &ports_[i]);
    tls_stages_.push_back(*std::move(stage));
  }

  const Keepalive& k = options.keepalive;
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, k.time_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, k.timeout_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
                             k.permit_without_calls ? 1 : 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             k.min_client_ping_interval_ms);
  builder.SetMaxReceiveMessageSize(options.max_request_bytes);
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONCURRENT_STREAMS,
      static_cast<int>(std::min<size_t>(options.limits.max_per_connection, 1 << 20)) +
          kUnaryHeadroom);

  services_.push_back(std::make_unique<FalcoOutputsService>(&context_));
  services_.push_back(std::make_unique<FalcoVersionService>(&context_));
  services_.push_back(std::make_unique<FalcoLegacyOutputService>(&context_));
  services_.push_back(std::make_unique<AlertServiceImpl>(&context_));
  services_.push_back(std::make_unique<EventServiceImpl>(&context_));
  services_.push_back(std::make_unique<StatusServiceImpl>(&context_));
  services_.push_back(std::make_unique<RuleServiceImpl>(&context_));
  for (auto& s : services_) {
    builder.RegisterService(s.get());
  }

  server_ = builder.BuildAndStart();
  if (server_ == nullptr) {
    std::string addrs;
    for (const auto& l : listeners) {
      absl::StrAppend(&addrs, addrs.empty() ? "" : ", ", l.address);
    }
    services_.clear();
    return absl::UnavailableError(absl::StrCat("gRPC server could not bind ", addrs,
                                               " (address in use, bad address or no permission)"));
  }
  for (size_t i = 0; i < listeners.size(); ++i) {
    if (!listeners[i].is_unix()) {
      continue;
    }
    std::string path = SocketPath(listeners[i].address);
    auto file = IdentifySocketFile(path);
    absl::Status st = file.status();
    if (file.ok()) {
      socket_files_.push_back(*file);
      st = SetSocketAccess(listeners[i], path);
    }
    if (!st.ok()) {
      Shutdown();
      return st;
    }
  }
  // SetServingStatus(bool) only updates names already known: register the
  // overall status and every service by its full name.
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  for (const std::string& name : AccessControlledServices()) {
    health->SetServingStatus(name, true);
  }
  return absl::OkStatus();
}

absl::Status ApiServer::ReloadCertificates() {
  for (const auto& stage : tls_stages_) {
    if (auto st = stage->Validate(); !st.ok()) {
      return st;
    }
  }
  for (const auto& stage : tls_stages_) {
    if (auto st = stage->Commit(); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

void ApiServer::Shutdown() {
  if (server_ == nullptr) {
    return;
  }
  server_->GetHealthCheckService()->SetServingStatus(false);
  // Streams first: each ends with its status after its write in flight, while
  // the transports are still up to carry the trailers; then the server, which
  // cancels whatever is still open at the deadline (stalled clients).
  auto deadline = std::chrono::system_clock::now() +
                  std::chrono::duration_cast<std::chrono::system_clock::duration>(
                      absl::ToChronoNanoseconds(grace_));
  context_.registry.StopAll();
  context_.registry.WaitEmpty(deadline);
  server_->Shutdown(deadline);
  server_->Wait();
  server_.reset();
  services_.clear();
  for (const SocketFile& file : socket_files_) {
    RemoveSocketFileIfOurs(file);  // not one another server made there since
  }
  socket_files_.clear();
  tls_stages_.clear();
}

}  // namespace saker::api
