#pragma once

// Authorisation by client identity. On the unix socket, file permissions are
// the control and every call is allowed. On mutual-TLS TCP, a service with an
// allow-list only admits clients whose certificate CN or a SAN is listed; a
// service without one admits every client whose certificate verified.

#include <map>
#include <set>
#include <string>
#include <string_view>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

namespace saker::api {

class Access {
 public:
  // service: full name, e.g. "saker.rules.v1.RuleService" or
  // "falco.outputs.service"; identities: CNs or SANs (DNS, URI, email, IP).
  void Allow(const std::string& service, std::set<std::string> identities) {
    allow_[service] = std::move(identities);
  }
  grpc::Status Check(const grpc::CallbackServerContext* ctx, std::string_view service) const;

  // The identity a status report shows: the CN, else the first SAN.
  static std::string IdentityOf(const grpc::CallbackServerContext* ctx);

 private:
  std::map<std::string, std::set<std::string>, std::less<>> allow_;
};

}  // namespace saker::api
