#pragma once

// Authorisation by client identity. On the unix socket, file permissions are
// the control and every call is allowed. On mutual-TLS TCP, a service with an
// allow-list only admits clients whose certificate CN or a SAN is listed; a
// service without one admits every client whose certificate verified.
//
// The list can be replaced while calls run (a configuration reload): each
// call checks against the list in force when it starts. Only the services
// below can be listed: an unknown name (a typo would leave the service it
// meant to protect open) is refused.

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace saker::api {

// Service full name ("saker.rules.v1.RuleService") or method
// ("saker.rules.v1.RuleService/ReloadRules") -> client identities (CNs or
// SANs: DNS, URI, email, IP). A method's entry, when there is one, decides
// for that method instead of its service's.
using AllowList = std::map<std::string, std::set<std::string>, std::less<>>;

// The full names of the services an allow-list can name, from the generated
// service classes (so they cannot drift from the protos), sorted.
const std::vector<std::string>& AccessControlledServices();

// OK when `name` is one of AccessControlledServices(), or SERVICE/METHOD
// with a method of one (from the generated descriptor pool); else
// INVALID_ARGUMENT naming it and listing the valid names. `where` prefixes
// the message (e.g. "FILE:LINE:COL: saker.api.allow").
absl::Status CheckServiceName(std::string_view name, std::string_view where);

class Access {
 public:
  Access() : allow_(std::make_shared<const AllowList>()) {}
  // Replaces the whole list (validated first: on error the list in force
  // stays). Calls already admitted are not re-checked.
  absl::Status Replace(AllowList allow) ABSL_LOCKS_EXCLUDED(mu_);
  // `method`: the bare name ("ReloadRules").
  grpc::Status Check(const grpc::CallbackServerContext* ctx, std::string_view service,
                     std::string_view method) const ABSL_LOCKS_EXCLUDED(mu_);

  // The identity a status report shows: the CN, else the first SAN.
  static std::string IdentityOf(const grpc::CallbackServerContext* ctx);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const AllowList> allow_ ABSL_GUARDED_BY(mu_);
};

}  // namespace saker::api
