#include "server/api/falco_services.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "server/api/falco_get_reactor.h"
#include "server/api/falco_sub_reactor.h"
#include "server/api/falco_subscribe_reactor.h"
#include "server/api/refused_reactor.h"

namespace saker::api {

namespace {

// Falco's alert streams with grpc_output disabled, or a refused identity.
grpc::Status FalcoOutputsAccess(ApiContext* api, grpc::CallbackServerContext* ctx,
                                const char* service, const char* method) {
  if (auto st = api->access.Check(ctx, service, method); !st.ok()) {
    return st;
  }
  if (!api->falco_outputs) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "alerts are not sent to Falco's outputs service: grpc_output.enabled is "
                        "false in sakerd's configuration (Saker's AlertService still streams "
                        "them)");
  }
  return grpc::Status::OK;
}

}  // namespace

Semver ParseSemver(std::string_view v) {
  Semver s;
  if (auto plus = v.find('+'); plus != std::string_view::npos) {
    s.build = std::string(v.substr(plus + 1));
    v = v.substr(0, plus);
  }
  if (auto dash = v.find('-'); dash != std::string_view::npos) {
    s.prerelease = std::string(v.substr(dash + 1));
    v = v.substr(0, dash);
  }
  std::vector<absl::string_view> parts = absl::StrSplit(absl::string_view(v.data(), v.size()), '.');
  uint32_t* out[] = {&s.major, &s.minor, &s.patch};
  for (size_t i = 0; i < parts.size() && i < 3; ++i) {
    if (!absl::SimpleAtoi(parts[i], out[i])) {
      *out[i] = 0;
    }
  }
  return s;
}

grpc::ServerBidiReactor<falco::outputs::request, falco::outputs::response>*
FalcoOutputsService::sub(grpc::CallbackServerContext* ctx) {
  if (auto st = FalcoOutputsAccess(api_, ctx, falco::outputs::service::service_full_name(), "sub");
      !st.ok()) {
    return new RefusedBidiReactor<falco::outputs::request, falco::outputs::response>(st);
  }
  return new FalcoSubReactor(api_, ctx);
}

grpc::ServerWriteReactor<falco::outputs::response>* FalcoOutputsService::get(
    grpc::CallbackServerContext* ctx, const falco::outputs::request* /*request*/) {
  if (auto st = FalcoOutputsAccess(api_, ctx, falco::outputs::service::service_full_name(), "get");
      !st.ok()) {
    return new RefusedWriteReactor<falco::outputs::response>(st);
  }
  return new FalcoGetReactor(api_, ctx);
}

grpc::ServerUnaryReactor* FalcoVersionService::version(grpc::CallbackServerContext* ctx,
                                                       const falco::version::request*,
                                                       falco::version::response* response) {
  auto* reactor = ctx->DefaultReactor();
  if (auto st = api_->access.Check(ctx, falco::version::service::service_full_name(), "version");
      !st.ok()) {
    reactor->Finish(st);
    return reactor;
  }
  const VersionInfo& v = api_->version;
  Semver daemon = ParseSemver(v.version);
  Semver engine = ParseSemver(v.engine_version);
  response->set_version(v.version);
  response->set_major(daemon.major);
  response->set_minor(daemon.minor);
  response->set_patch(daemon.patch);
  response->set_prerelease(daemon.prerelease);
  response->set_build(daemon.build);
  response->set_engine_minor(engine.minor);
  response->set_engine_fields_checksum(v.engine_fields_checksum);
  response->set_engine_major(engine.major);
  response->set_engine_patch(engine.patch);
  response->set_engine_version(v.engine_version);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<falco::output::response>* FalcoLegacyOutputService::subscribe(
    grpc::CallbackServerContext* ctx, const falco::output::request* request) {
  if (auto st =
          FalcoOutputsAccess(api_, ctx, falco::output::service::service_full_name(), "subscribe");
      !st.ok()) {
    return new RefusedWriteReactor<falco::output::response>(st);
  }
  return new FalcoSubscribeReactor(api_, ctx, request->keepalive());
}

}  // namespace saker::api
