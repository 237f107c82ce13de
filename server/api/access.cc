#include "server/api/access.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/security/auth_context.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "output.grpc.pb.h"
#include "outputs.grpc.pb.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/events.grpc.pb.h"
#include "saker/v1/rules.grpc.pb.h"
#include "saker/v1/status.grpc.pb.h"
#include "version.grpc.pb.h"

namespace saker::api {
namespace {

bool IsUnixPeer(const grpc::CallbackServerContext* ctx) {
  return absl::StartsWith(ctx->peer(), "unix:");
}

}  // namespace

const std::vector<std::string>& AccessControlledServices() {
  static const std::vector<std::string>* const kNames = [] {
    auto* v = new std::vector<std::string>{
        falco::outputs::service::service_full_name(),
        falco::version::service::service_full_name(),
        falco::output::service::service_full_name(),
        saker::alerts::v1::AlertService::service_full_name(),
        saker::events::v1::EventService::service_full_name(),
        saker::status::v1::StatusService::service_full_name(),
        saker::rules::v1::RuleService::service_full_name(),
    };
    std::sort(v->begin(), v->end());
    return v;
  }();
  return *kNames;
}

absl::Status CheckServiceName(std::string_view name, std::string_view where) {
  const size_t slash = name.find('/');
  const std::string service(name.substr(0, slash));
  const auto& known = AccessControlledServices();
  if (std::find(known.begin(), known.end(), service) == known.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(where), ": unknown service \"", service,
                     "\" (an allow-list for it would protect nothing); expected one of: ",
                     absl::StrJoin(known, ", "), " (or SERVICE/METHOD)"));
  }
  if (slash == std::string_view::npos) {
    return absl::OkStatus();
  }
  const std::string method(name.substr(slash + 1));
  const google::protobuf::ServiceDescriptor* d =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  if (d != nullptr && d->FindMethodByName(method) != nullptr) {
    return absl::OkStatus();
  }
  std::vector<std::string> methods;
  for (int i = 0; d != nullptr && i < d->method_count(); ++i) {
    methods.push_back(absl::StrCat(service, "/", d->method(i)->name()));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(where), ": unknown method \"", std::string(name),
                   "\" (an allow-list for it would protect nothing); expected one of: ",
                   absl::StrJoin(methods, ", ")));
}

absl::Status Access::Replace(AllowList allow) {
  for (const auto& [service, ids] : allow) {
    if (auto st = CheckServiceName(service, "allow-list"); !st.ok()) {
      return st;
    }
  }
  auto next = std::make_shared<const AllowList>(std::move(allow));
  absl::MutexLock l(&mu_);
  allow_ = std::move(next);
  return absl::OkStatus();
}

grpc::Status Access::Check(const grpc::CallbackServerContext* ctx, std::string_view service,
                           std::string_view method) const {
  if (IsUnixPeer(ctx)) {
    return grpc::Status::OK;
  }
  std::shared_ptr<const AllowList> allow;
  {
    absl::MutexLock l(&mu_);
    allow = allow_;
  }
  auto it = allow->find(absl::StrCat(std::string(service), "/", std::string(method)));
  if (it == allow->end()) {
    it = allow->find(service);
  }
  if (it == allow->end()) {
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
                      absl::StrCat("client identity not allowed for ", it->first));
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
