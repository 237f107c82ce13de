#include "clients/cpp/client.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/cpp/convert.h"
#include "clients/cpp/subscription_impl.h"
#include "grpcpp/grpcpp.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/events.grpc.pb.h"
#include "saker/v1/rules.grpc.pb.h"
#include "saker/v1/status.grpc.pb.h"
#include "version.grpc.pb.h"

namespace saker::client {
namespace {

namespace av1 = saker::alerts::v1;
namespace ev1 = saker::events::v1;
namespace rv1 = saker::rules::v1;
namespace sv1 = saker::status::v1;
using internal::FromProto;
using internal::ToAbsl;

// The PEM text, or the named file's content.
absl::StatusOr<std::string> PemOf(const std::string& pem, const std::string& path,
                                  const char* what) {
  if (!pem.empty()) {
    return pem;
  }
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("TLS needs a ", what, " (path or PEM)"));
  }
  std::ifstream f(path);
  if (!f) {
    return absl::NotFoundError(absl::StrCat("cannot read the ", what, " ", path));
  }
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(const TlsOptions& tls) {
  grpc::SslCredentialsOptions ssl;
  auto ca = PemOf(tls.ca_pem, tls.ca_path, "CA certificate");
  auto cert = PemOf(tls.cert_pem, tls.cert_path, "client certificate");
  auto key = PemOf(tls.key_pem, tls.key_path, "client key");
  for (const auto* s : {&ca, &cert, &key}) {
    if (!s->ok()) {
      return s->status();
    }
  }
  ssl.pem_root_certs = *std::move(ca);
  ssl.pem_cert_chain = *std::move(cert);
  ssl.pem_private_key = *std::move(key);
  return grpc::SslCredentials(ssl);
}

void SetDeadline(grpc::ClientContext* ctx, absl::Duration timeout) {
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

// Reads one stream until it ends or the subscription is cancelled.
template <typename Reader, typename Response, typename Emit>
grpc::Status Pump(grpc::ClientContext* ctx, Reader reader, const Emit& deliver) {
  Response resp;
  while (reader->Read(&resp)) {
    if (!deliver(resp)) {
      ctx->TryCancel();
      while (reader->Read(&resp)) {
      }
      break;
    }
  }
  return reader->Finish();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  if (options.address.empty()) {
    const char* env = std::getenv(kAddressEnv);
    options.address = env != nullptr && *env != '\0' ? env : kDefaultAddress;
  }
  const bool is_unix = absl::StartsWith(options.address, "unix:");
  grpc::ChannelArguments args;
  // Reconnect soon after a server restart; the subscriptions' own backoff
  // paces the attempts.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
              static_cast<int>(absl::ToInt64Milliseconds(options.reconnect.max_backoff)));
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (options.tls) {
    auto tls = TlsCredentials(*options.tls);
    if (!tls.ok()) {
      return tls.status();
    }
    creds = *std::move(tls);
    if (!options.tls->server_name.empty()) {
      args.SetSslTargetNameOverride(options.tls->server_name);
    }
  } else if (is_unix) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "a TCP address (", options.address, ") needs mutual TLS: set ClientOptions::tls"));
  }
  auto channel = grpc::CreateCustomChannel(options.address, creds, args);
  return std::unique_ptr<Client>(new Client(std::move(options), std::move(channel)));
}

Client::Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)), channel_(std::move(channel)) {}

absl::Status Client::WaitForConnected(absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    grpc_connectivity_state s = channel_->GetState(/*try_to_connect=*/true);
    if (s == GRPC_CHANNEL_READY) {
      return absl::OkStatus();
    }
    if (s == GRPC_CHANNEL_SHUTDOWN) {
      return absl::UnavailableError("the channel is shut down");
    }
    if (!channel_->WaitForStateChange(s, absl::ToChronoTime(deadline))) {
      return absl::DeadlineExceededError(
          absl::StrCat("not connected to ", options_.address, " within ", absl::FormatDuration(timeout)));
    }
  }
}

absl::StatusOr<Version> Client::GetVersion() const {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, options_.call_timeout);
  falco::version::response resp;
  grpc::Status s = falco::version::service::NewStub(channel_)->version(&ctx, {}, &resp);
  if (!s.ok()) {
    return ToAbsl(s);
  }
  return Version{resp.version(), resp.major(), resp.minor(), resp.patch(), resp.engine_version()};
}

absl::StatusOr<Status> Client::GetStatus() const {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, options_.call_timeout);
  sv1::GetStatusResponse resp;
  grpc::Status s = sv1::StatusService::NewStub(channel_)->GetStatus(&ctx, {}, &resp);
  if (!s.ok()) {
    return ToAbsl(s);
  }
  return FromProto(resp);
}

absl::StatusOr<std::vector<Rule>> Client::ListRules() const {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, options_.call_timeout);
  rv1::ListRulesResponse resp;
  grpc::Status s = rv1::RuleService::NewStub(channel_)->ListRules(&ctx, {}, &resp);
  if (!s.ok()) {
    return ToAbsl(s);
  }
  std::vector<Rule> out;
  for (const auto& r : resp.rules()) {
    out.push_back(FromProto(r));
  }
  return out;
}

absl::StatusOr<ReloadResult> Client::ReloadRules() const {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, options_.call_timeout);
  rv1::ReloadRulesResponse resp;
  grpc::Status s = rv1::RuleService::NewStub(channel_)->ReloadRules(&ctx, {}, &resp);
  if (!s.ok()) {
    return ToAbsl(s);
  }
  return ReloadResult{resp.rule_count(),
                      std::vector<std::string>(resp.warnings().begin(), resp.warnings().end())};
}

namespace {

// The server instance's start time (a restarted server numbers its alerts
// from 1 again); nullopt when the status service cannot say.
std::function<std::optional<absl::Time>()> EpochOf(std::shared_ptr<grpc::Channel> channel,
                                                   absl::Duration timeout) {
  std::shared_ptr<sv1::StatusService::Stub> stub = sv1::StatusService::NewStub(channel);
  return [stub, timeout]() -> std::optional<absl::Time> {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, std::min(timeout, absl::Seconds(2)));
    sv1::GetStatusResponse resp;
    if (!stub->GetStatus(&ctx, {}, &resp).ok()) {
      return std::nullopt;
    }
    return FromProto(resp).start_time;
  };
}

}  // namespace

std::unique_ptr<AlertSubscription> Client::Alerts(const AlertSubscribeOptions& options,
                                                  AlertSubscription::Callback callback) const {
  using Impl = internal::SubscriptionImpl<Alert>;
  std::shared_ptr<av1::AlertService::Stub> stub = av1::AlertService::NewStub(channel_);
  auto attempt = [stub, options](grpc::ClientContext* ctx, const StartAt& start,
                                 const Impl::Emit& emit) {
    auto deliver = [&](const av1::SubscribeResponse& r) {
      switch (r.message_case()) {
        case av1::SubscribeResponse::kAlert:
          return emit(FromProto(r.alert()));
        case av1::SubscribeResponse::kGap:
          return emit(FromProto(r.gap()));
        case av1::SubscribeResponse::kBatch:
          for (const auto& a : r.batch().alerts()) {
            if (!emit(FromProto(a))) {
              return false;
            }
          }
          return true;
        default:
          return true;  // a newer server's message kind: skip it
      }
    };
    return Pump<decltype(stub->Subscribe(ctx, {})), av1::SubscribeResponse>(
        ctx, stub->Subscribe(ctx, internal::ToProto(options, start)), deliver);
  };
  auto impl = std::make_unique<Impl>(attempt, EpochOf(channel_, options_.call_timeout),
                                     options_.reconnect, options.start, options.buffer,
                                     std::move(callback));
  impl->Start();
  return std::make_unique<AlertSubscription>(std::move(impl));
}

std::unique_ptr<EventSubscription> Client::Events(const EventSubscribeOptions& options,
                                                  EventSubscription::Callback callback) const {
  using Impl = internal::SubscriptionImpl<Event>;
  std::shared_ptr<ev1::EventService::Stub> stub = ev1::EventService::NewStub(channel_);
  auto attempt = [stub, options](grpc::ClientContext* ctx, const StartAt& start,
                                 const Impl::Emit& emit) {
    auto deliver = [&](const ev1::SubscribeResponse& r) {
      switch (r.message_case()) {
        case ev1::SubscribeResponse::kEvent:
          return emit(FromProto(r.event()));
        case ev1::SubscribeResponse::kGap:
          return emit(FromProto(r.gap()));
        case ev1::SubscribeResponse::kBatch:
          for (const auto& e : r.batch().events()) {
            if (!emit(FromProto(e))) {
              return false;
            }
          }
          return true;
        default:
          return true;
      }
    };
    return Pump<decltype(stub->Subscribe(ctx, {})), ev1::SubscribeResponse>(
        ctx, stub->Subscribe(ctx, internal::ToProto(options, start)), deliver);
  };
  auto impl = std::make_unique<Impl>(attempt, EpochOf(channel_, options_.call_timeout),
                                     options_.reconnect, options.start, options.buffer,
                                     std::move(callback));
  impl->Start();
  return std::make_unique<EventSubscription>(std::move(impl));
}

std::unique_ptr<AlertSubscription> Client::SubscribeAlerts(
    const AlertSubscribeOptions& options) const {
  return Alerts(options, nullptr);
}
std::unique_ptr<AlertSubscription> Client::SubscribeAlerts(
    const AlertSubscribeOptions& options, AlertSubscription::Callback callback) const {
  return Alerts(options, std::move(callback));
}
std::unique_ptr<EventSubscription> Client::SubscribeEvents(
    const EventSubscribeOptions& options) const {
  return Events(options, nullptr);
}
std::unique_ptr<EventSubscription> Client::SubscribeEvents(
    const EventSubscribeOptions& options, EventSubscription::Callback callback) const {
  return Events(options, std::move(callback));
}

}  // namespace saker::client
