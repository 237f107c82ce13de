#pragma once

#include <string>
#include <string_view>

#include "output.pb.h"
#include "outputs.pb.h"
#include "server/api/records.h"

namespace saker::api {

// Field 3: SYSCALL for `syscall`, K8S_AUDIT, INTERNAL, else PLUGIN.
falco::schema::source FalcoSourceEnum(std::string_view source);

void FillFalcoResponse(const AlertRecord& r, const std::string& hostname,
                       falco::outputs::response* out);
void FillFalcoLegacyResponse(const AlertRecord& r, const std::string& hostname,
                             falco::output::response* out);

}  // namespace saker::api
