#pragma once

// Falco's gRPC API, unchanged on the wire: outputs (sub, get), version, and
// the legacy output.subscribe.

#include "output.grpc.pb.h"
#include "outputs.grpc.pb.h"
#include "server/api/api_context.h"
#include "version.grpc.pb.h"

namespace saker::api {

class FalcoOutputsService final : public falco::outputs::service::CallbackService {
 public:
  explicit FalcoOutputsService(ApiContext* api) : api_(api) {}
  grpc::ServerBidiReactor<falco::outputs::request, falco::outputs::response>* sub(
      grpc::CallbackServerContext* ctx) override;
  grpc::ServerWriteReactor<falco::outputs::response>* get(
      grpc::CallbackServerContext* ctx, const falco::outputs::request* request) override;

 private:
  ApiContext* api_;
};

class FalcoVersionService final : public falco::version::service::CallbackService {
 public:
  explicit FalcoVersionService(ApiContext* api) : api_(api) {}
  grpc::ServerUnaryReactor* version(grpc::CallbackServerContext* ctx,
                                    const falco::version::request* request,
                                    falco::version::response* response) override;

 private:
  ApiContext* api_;
};

class FalcoLegacyOutputService final : public falco::output::service::CallbackService {
 public:
  explicit FalcoLegacyOutputService(ApiContext* api) : api_(api) {}
  grpc::ServerWriteReactor<falco::output::response>* subscribe(
      grpc::CallbackServerContext* ctx, const falco::output::request* request) override;

 private:
  ApiContext* api_;
};

// Splits "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]" (missing parts are 0/"").
struct Semver {
  uint32_t major = 0, minor = 0, patch = 0;
  std::string prerelease, build;
};
Semver ParseSemver(std::string_view v);

}  // namespace saker::api
