#pragma once

// Saker's v1 API: alerts and events subscribe, status, rules.

#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/events.grpc.pb.h"
#include "saker/v1/rules.grpc.pb.h"
#include "saker/v1/status.grpc.pb.h"
#include "server/api/api_context.h"

namespace saker::api {

class AlertServiceImpl final : public saker::alerts::v1::AlertService::CallbackService {
 public:
  explicit AlertServiceImpl(ApiContext* api) : api_(api) {}
  grpc::ServerWriteReactor<saker::alerts::v1::SubscribeResponse>* Subscribe(
      grpc::CallbackServerContext* ctx,
      const saker::alerts::v1::SubscribeRequest* request) override;

 private:
  ApiContext* api_;
};

class EventServiceImpl final : public saker::events::v1::EventService::CallbackService {
 public:
  explicit EventServiceImpl(ApiContext* api) : api_(api) {}
  grpc::ServerWriteReactor<saker::events::v1::SubscribeResponse>* Subscribe(
      grpc::CallbackServerContext* ctx,
      const saker::events::v1::SubscribeRequest* request) override;

 private:
  ApiContext* api_;
};

class StatusServiceImpl final : public saker::status::v1::StatusService::CallbackService {
 public:
  explicit StatusServiceImpl(ApiContext* api) : api_(api) {}
  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* ctx,
                                      const saker::status::v1::GetStatusRequest* request,
                                      saker::status::v1::GetStatusResponse* response) override;

 private:
  ApiContext* api_;
};

class RuleServiceImpl final : public saker::rules::v1::RuleService::CallbackService {
 public:
  explicit RuleServiceImpl(ApiContext* api) : api_(api) {}
  grpc::ServerUnaryReactor* ListRules(grpc::CallbackServerContext* ctx,
                                      const saker::rules::v1::ListRulesRequest* request,
                                      saker::rules::v1::ListRulesResponse* response) override;
  grpc::ServerUnaryReactor* ReloadRules(grpc::CallbackServerContext* ctx,
                                        const saker::rules::v1::ReloadRulesRequest* request,
                                        saker::rules::v1::ReloadRulesResponse* response) override;

 private:
  ApiContext* api_;
};

}  // namespace saker::api
