// Between the generated messages and the SDK's types (internal).
#pragma once

#include "clients/cpp/options.h"
#include "clients/cpp/types.h"
#include "saker/v1/alerts.pb.h"
#include "saker/v1/events.pb.h"
#include "saker/v1/rules.pb.h"
#include "saker/v1/status.pb.h"

namespace saker::client::internal {

Alert FromProto(const saker::alerts::v1::Alert& a);
Event FromProto(const saker::events::v1::Event& e);
Gap FromProto(const saker::alerts::v1::Gap& g);
Gap FromProto(const saker::events::v1::Gap& g);
Rule FromProto(const saker::rules::v1::Rule& r);
Status FromProto(const saker::status::v1::GetStatusResponse& s);

saker::alerts::v1::SubscribeRequest ToProto(const AlertSubscribeOptions& o, const StartAt& start);
saker::events::v1::SubscribeRequest ToProto(const EventSubscribeOptions& o, const StartAt& start);

}  // namespace saker::client::internal
