// Unary services and the transport: v1 status and rules, the standard health
// service, server reflection (v1alpha), and mutual-TLS refusals on TCP.

#include <algorithm>
#include <set>

#include <google/protobuf/descriptor.pb.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "conformance/suite.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/rules.grpc.pb.h"
#include "saker/v1/status.grpc.pb.h"
#include "version.grpc.pb.h"

namespace saker::conformance {
namespace {

namespace av1 = saker::alerts::v1;
namespace rv1 = saker::rules::v1;
namespace sv1 = saker::status::v1;
namespace refl = grpc::reflection::v1alpha;

// Every service a Saker server exposes (health and reflection aside).
const std::vector<std::string>& ApiServices() {
  static const auto* s = new std::vector<std::string>{
      "falco.outputs.service",       "falco.version.service",
      "falco.output.service",        "saker.alerts.v1.AlertService",
      "saker.events.v1.EventService", "saker.status.v1.StatusService",
      "saker.rules.v1.RuleService"};
  return *s;
}

template <typename List>
bool SortedUnique(const List& l) {
  std::vector<std::string> v(l.begin(), l.end());
  return std::adjacent_find(v.begin(), v.end(), std::greater_equal<std::string>()) == v.end();
}

// ---- Status and rules ----

std::optional<std::string> CheckHub(const char* name, const sv1::HubStatus& h) {
  if (h.capacity() == 0) {
    return absl::StrCat(name, " hub: capacity 0");
  }
  if (h.newest_sequence() > h.published()) {
    return absl::StrCat(name, " hub: newest sequence ", h.newest_sequence(), " > published ",
                        h.published());
  }
  if (h.newest_sequence() != 0 && (h.oldest_sequence() == 0 ||
                                   h.oldest_sequence() > h.newest_sequence() ||
                                   h.newest_sequence() - h.oldest_sequence() + 1 > h.capacity())) {
    return absl::StrCat(name, " hub: history ", h.oldest_sequence(), "..", h.newest_sequence(),
                        " inconsistent with capacity ", h.capacity());
  }
  return std::nullopt;
}

Outcome Status(Context& c) {
  // An open alert stream must show up among the subscribers.
  auto astub = av1::AlertService::NewStub(c.Channel());
  grpc::ClientContext actx;
  c.Bound(&actx);
  auto areader = astub->Subscribe(&actx, av1::SubscribeRequest());
  auto stub = sv1::StatusService::NewStub(c.Channel());
  sv1::GetStatusResponse st;
  bool seen = false;
  absl::Time until = std::min(c.deadline(), absl::Now() + absl::Seconds(3));
  while (!seen) {
    grpc::ClientContext ctx;
    c.Bound(&ctx);
    grpc::Status s = stub->GetStatus(&ctx, {}, &st);
    if (!s.ok()) {
      actx.TryCancel();
      areader->Finish();
      return Fail(absl::StrCat("GetStatus: ", StatusText(s)));
    }
    for (const auto& sub : st.subscribers()) {
      seen = seen || sub.kind() == sv1::STREAM_KIND_ALERTS;
    }
    if (absl::Now() >= until) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  actx.TryCancel();
  av1::SubscribeResponse ignored;
  while (areader->Read(&ignored)) {
  }
  areader->Finish();
  if (!seen) {
    return Fail("an open AlertService.Subscribe stream is not among the status subscribers");
  }
  if (st.start_time().seconds() <= 0) {
    return Fail("start_time is unset");
  }
  if (st.uptime().seconds() < 0) {
    return Fail("uptime is negative");
  }
  for (auto [name, hub] : {std::pair{"alert", &st.alerts()}, std::pair{"event", &st.events()}}) {
    if (auto err = CheckHub(name, *hub)) {
      return Fail(*err);
    }
  }
  for (const auto& sub : st.subscribers()) {
    if (sub.id() == 0 || sub.kind() == sv1::STREAM_KIND_UNSPECIFIED || !sub.has_since()) {
      return Fail(absl::StrCat("subscriber {", sub.ShortDebugString(),
                               "}: id, kind and since must be set"));
    }
  }
  c.Note(absl::StrCat("probe_loaded=", st.driver().probe_loaded(), ", ", st.rules_size(),
                      " rules, ", st.subscribers_size(), " subscribers, ",
                      st.alerts().published(), " alerts published"));
  return Pass();
}

Outcome RulesList(Context& c) {
  auto stub = rv1::RuleService::NewStub(c.Channel());
  grpc::ClientContext ctx;
  c.Bound(&ctx);
  rv1::ListRulesResponse resp;
  grpc::Status s = stub->ListRules(&ctx, {}, &resp);
  if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return Skip(absl::StrCat("no rules engine behind this server: ", StatusText(s)));
  }
  if (!s.ok()) {
    return Fail(absl::StrCat("ListRules: ", StatusText(s)));
  }
  std::set<std::string> names;
  for (const rv1::Rule& r : resp.rules()) {
    if (r.name().empty() || !names.insert(r.name()).second) {
      return Fail(absl::StrCat("rule name '", r.name(), "' is empty or repeated"));
    }
    if (r.priority() == av1::PRIORITY_UNSPECIFIED || !av1::Priority_IsValid(r.priority())) {
      return Fail(absl::StrCat("rule '", r.name(), "' has priority ", r.priority()));
    }
    if (!SortedUnique(r.tags())) {
      return Fail(absl::StrCat("rule '", r.name(), "': tags are not sorted and unique"));
    }
  }
  c.Note(absl::StrCat(resp.rules_size(), " rules"));
  return Pass();
}

// ---- Health and reflection ----

Outcome Health(Context& c) {
  auto stub = grpc::health::v1::Health::NewStub(c.Channel());
  std::vector<std::string> names = {""};
  names.insert(names.end(), ApiServices().begin(), ApiServices().end());
  for (const std::string& name : names) {
    grpc::ClientContext ctx;
    c.Bound(&ctx);
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(name);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, req, &resp);
    if (!s.ok()) {
      return Fail(absl::StrCat("Check('", name, "'): ", StatusText(s)));
    }
    if (resp.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      return Fail(absl::StrCat("Check('", name, "') says ",
                               grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                                   resp.status())));
    }
  }
  grpc::ClientContext ctx;
  c.Bound(&ctx);
  grpc::health::v1::HealthCheckRequest req;
  req.set_service("conformance.NoSuchService");
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status s = stub->Check(&ctx, req, &resp);
  if (s.error_code() != grpc::StatusCode::NOT_FOUND) {
    return Fail(absl::StrCat("Check of an unknown service: ", StatusText(s),
                             " (expected NOT_FOUND)"));
  }
  return Pass();
}

// Whether `fd` defines the fully qualified top-level `symbol`.
bool Defines(const google::protobuf::FileDescriptorProto& fd, const std::string& symbol) {
  std::vector<std::string> names;
  for (const auto& m : fd.message_type()) {
    names.push_back(m.name());
  }
  for (const auto& e : fd.enum_type()) {
    names.push_back(e.name());
  }
  for (const auto& s : fd.service()) {
    names.push_back(s.name());
  }
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return (fd.package().empty() ? n : absl::StrCat(fd.package(), ".", n)) == symbol;
  });
}

Outcome Reflection(Context& c) {
  auto stub = refl::ServerReflection::NewStub(c.Channel());
  grpc::ClientContext ctx;
  c.Bound(&ctx);
  auto stream = stub->ServerReflectionInfo(&ctx);
  auto ask = [&](const refl::ServerReflectionRequest& q,
                 refl::ServerReflectionResponse* a) -> std::optional<std::string> {
    if (!stream->Write(q) || !stream->Read(a)) {
      stream->WritesDone();
      return absl::StrCat("the reflection stream ended: ", StatusText(stream->Finish()));
    }
    if (a->has_error_response()) {
      return absl::StrCat("{", q.ShortDebugString(), "}: error ", a->error_response().error_code(),
                          " ", a->error_response().error_message());
    }
    return std::nullopt;
  };
  refl::ServerReflectionRequest q;
  refl::ServerReflectionResponse a;
  q.set_list_services("");
  if (auto err = ask(q, &a)) {
    return Fail(*err);
  }
  std::set<std::string> listed;
  for (const auto& s : a.list_services_response().service()) {
    listed.insert(s.name());
  }
  c.Note(absl::StrCat("services: ", absl::StrJoin(listed, ", ")));
  for (const std::string& want : ApiServices()) {
    if (!listed.count(want)) {
      return Fail(absl::StrCat(want, " is not listed"));
    }
  }
  // Falco's files under their bare names, and the symbols they define.
  const std::vector<std::pair<std::string, std::string>> files = {
      {"outputs.proto", "falco.outputs.service"},
      {"schema.proto", "falco.schema.priority"},
      {"version.proto", "falco.version.service"}};
  // gRPC C++'s reflection service may repeat earlier answers' files in later
  // answers on the same stream, so look for the file among all returned.
  for (const auto& [file, symbol] : files) {
    for (bool by_symbol : {false, true}) {
      q.Clear();
      by_symbol ? q.set_file_containing_symbol(symbol) : q.set_file_by_filename(file);
      if (auto err = ask(q, &a)) {
        return Fail(*err);
      }
      std::vector<std::string> names;
      bool found = false;
      for (const std::string& bytes : a.file_descriptor_response().file_descriptor_proto()) {
        google::protobuf::FileDescriptorProto fd;
        if (!fd.ParseFromString(bytes)) {
          return Fail(absl::StrCat("{", q.ShortDebugString(), "}: a malformed file descriptor"));
        }
        names.push_back(fd.name());
        found = found || (fd.name() == file && Defines(fd, symbol));
      }
      if (!found) {
        return Fail(absl::StrCat("{", q.ShortDebugString(), "} answered files [",
                                 absl::StrJoin(names, ", "), "]: none is '", file,
                                 "' defining ", symbol, " (Falco's bare file names)"));
      }
    }
  }
  for (const std::string& service : ApiServices()) {
    q.Clear();
    q.set_file_containing_symbol(service);
    if (auto err = ask(q, &a)) {
      return Fail(*err);
    }
  }
  stream->WritesDone();
  grpc::Status end = stream->Finish();
  if (!end.ok()) {
    return Fail(absl::StrCat("the reflection stream ended with ", StatusText(end)));
  }
  return Pass();
}

// ---- Mutual TLS ----

grpc::Status CallVersion(Context& c, std::shared_ptr<grpc::Channel> ch) {
  auto stub = falco::version::service::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(std::min(c.deadline(), absl::Now() + absl::Seconds(5))));
  falco::version::response resp;
  return stub->version(&ctx, {}, &resp);
}

std::optional<Outcome> NotTls(Context& c) {
  if (c.is_unix()) {
    return Skip("a unix address has no TLS");
  }
  return std::nullopt;
}

// A refusal only means something if the allowed client gets in.
Outcome MustRefuse(Context& c, std::shared_ptr<grpc::Channel> ch, const std::string& who) {
  if (grpc::Status ok = CallVersion(c, c.Channel()); !ok.ok()) {
    return Fail(absl::StrCat("the allowed client fails too (", StatusText(ok),
                             "): cannot tell a refusal from an unreachable server"));
  }
  grpc::Status s = CallVersion(c, ch);
  if (s.ok()) {
    return Fail(absl::StrCat("the server accepted ", who));
  }
  if (s.error_code() != grpc::StatusCode::UNAVAILABLE) {
    return Fail(absl::StrCat(who, " got ", StatusText(s),
                             " after connecting: it must be refused at the handshake"));
  }
  c.Note(absl::StrCat(who, ": ", StatusText(s)));
  return Pass();
}

Outcome TlsAllowed(Context& c) {
  if (auto skip = NotTls(c)) {
    return *skip;
  }
  grpc::Status s = CallVersion(c, c.Channel());
  return s.ok() ? Pass() : Fail(absl::StrCat("the client from --cert/--key: ", StatusText(s)));
}

Outcome TlsNoCert(Context& c) {
  if (auto skip = NotTls(c)) {
    return *skip;
  }
  return MustRefuse(c, c.TlsChannel("", ""), "a client without a certificate");
}

Outcome TlsExpired(Context& c) {
  if (auto skip = NotTls(c)) {
    return *skip;
  }
  if (c.options().expired_cert.empty() || c.options().expired_key.empty()) {
    return Skip("give --expired-cert and --expired-key");
  }
  return MustRefuse(c, c.TlsChannel(c.options().expired_cert, c.options().expired_key),
                    "an expired client certificate");
}

Outcome TlsOtherCa(Context& c) {
  if (auto skip = NotTls(c)) {
    return *skip;
  }
  if (c.options().other_ca_cert.empty() || c.options().other_ca_key.empty()) {
    return Skip("give --other-ca-cert and --other-ca-key");
  }
  return MustRefuse(c, c.TlsChannel(c.options().other_ca_cert, c.options().other_ca_key),
                    "a client certificate from another CA");
}

Outcome TlsPlaintext(Context& c) {
  if (auto skip = NotTls(c)) {
    return *skip;
  }
  return MustRefuse(c, c.PlaintextChannel(), "a plaintext client");
}

}  // namespace

void AddServiceCases(std::vector<Case>* cases) {
  cases->push_back({"v1.status", "StatusService: hubs, subscribers, driver", Status});
  cases->push_back({"v1.rules.list", "RuleService.ListRules", RulesList});
  cases->push_back({"health", "grpc.health.v1 Check: '' and every service SERVING", Health});
  cases->push_back({"reflection", "reflection v1alpha: services and Falco's file names",
                    Reflection});
  cases->push_back({"tls.allowed_client", "TCP: the --cert client is accepted", TlsAllowed});
  cases->push_back({"tls.no_client_cert", "TCP: no client certificate is refused", TlsNoCert});
  cases->push_back({"tls.expired_cert", "TCP: an expired client certificate is refused",
                    TlsExpired});
  cases->push_back({"tls.other_ca", "TCP: a certificate from another CA is refused", TlsOtherCa});
  cases->push_back({"tls.plaintext", "TCP: plaintext is refused", TlsPlaintext});
}

}  // namespace saker::conformance
