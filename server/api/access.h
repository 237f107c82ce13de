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

// Service full name -> client identities (CNs or SANs: DNS, URI, email, IP).
using AllowList = std::map<std::string, std::set<std::string>, std::less<>>;

// The full names of the services an allow-list can name, from the generated
// service classes (so they cannot drift from the protos), sorted.
const std::vector<std::string>& AccessControlledServices();

// OK when every service in `services` is one of AccessControlledServices();
// else INVALID_ARGUMENT naming the first unknown one and listing the valid
// names. `where` prefixes the message (e.g. "FILE:LINE:COL: saker.api.allow").
absl::Status CheckServiceName(std::string_view service, std::string_view where);

class Access {
 public:
  Access() : allow_(std::make_shared<const AllowList>()) {}
  // Replaces the whole list (validated first: on error the list in force
  // stays). Calls already admitted are not re-checked.
  absl::Status Replace(AllowList allow) ABSL_LOCKS_EXCLUDED(mu_);
  grpc::Status Check(const grpc::CallbackServerContext* ctx, std::string_view service) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // The identity a status report shows: the CN, else the first SAN.
  static std::string IdentityOf(const grpc::CallbackServerContext* ctx);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const AllowList> allow_ ABSL_GUARDED_BY(mu_);
};

}  // namespace saker::api
