#include "server/api/access.h"

#include <grpcpp/security/auth_context.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace saker::api {
namespace {

bool IsUnixPeer(const grpc::CallbackServerContext* ctx) {
  return absl::StartsWith(ctx->peer(), "unix:");
}

}  // namespace

grpc::Status Access::Check(const grpc::CallbackServerContext* ctx, std::string_view service) const {
  if (IsUnixPeer(ctx)) {
    return grpc::Status::OK;
  }
  auto it = allow_.find(service);
  if (it == allow_.end()) {
    return grpc::Status::OK;
  }
  auto auth = ctx->auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    for (const char* prop : {"x509_common_name", "x509_subject_alternative_name"}) {
      for (const auto& v : auth->FindPropertyValues(prop)) {
        if (it->second.count(std::string(v.data(), v.size())) != 0) {
          return grpc::Status::OK;
        }
      }
    }
  }
  return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                      absl::StrCat("client identity not allowed for ", std::string(service)));
}

std::string Access::IdentityOf(const grpc::CallbackServerContext* ctx) {
  auto auth = ctx->auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return "";
  }
  for (const char* prop : {"x509_common_name", "x509_subject_alternative_name"}) {
    auto values = auth->FindPropertyValues(prop);
    if (!values.empty()) {
      return std::string(values.front().data(), values.front().size());
    }
  }
  return "";
}

}  // namespace saker::api
