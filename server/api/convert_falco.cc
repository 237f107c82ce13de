#include "server/api/convert_falco.h"

#include "server/api/message_reuse.h"

namespace saker::api {
namespace {

template <class Response>
void FillCommon(const AlertRecord& r, const std::string& hostname, Response* out) {
  auto* t = out->mutable_time();
  t->set_seconds(r.time_ns / 1000000000);
  t->set_nanos(static_cast<int32_t>(r.time_ns % 1000000000));
  out->set_priority(static_cast<falco::schema::priority>(r.priority));
  out->set_rule(r.rule);
  out->set_output(r.output);
  AssignFieldMap(r.output_fields, nullptr, out->mutable_output_fields());
  out->set_hostname(hostname);
}

}  // namespace

falco::schema::source FalcoSourceEnum(std::string_view source) {
  if (source == "syscall") {
    return falco::schema::SYSCALL;
  }
  if (source == "k8s_audit") {
    return falco::schema::K8S_AUDIT;
  }
  if (source == "internal") {
    return falco::schema::INTERNAL;
  }
  return falco::schema::PLUGIN;
}

void FillFalcoResponse(const AlertRecord& r, const std::string& hostname,
                       falco::outputs::response* out) {
  FillCommon(r, hostname, out);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  out->set_source_deprecated(FalcoSourceEnum(r.source));
#pragma GCC diagnostic pop
  out->set_source(r.source);
  out->clear_tags();
  for (const std::string& tag : r.tags) {
    out->add_tags(tag);
  }
}

void FillFalcoLegacyResponse(const AlertRecord& r, const std::string& hostname,
                             falco::output::response* out) {
  FillCommon(r, hostname, out);
  out->set_source(FalcoSourceEnum(r.source));
}

}  // namespace saker::api
