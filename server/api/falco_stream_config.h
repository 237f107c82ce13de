#pragma once

// What Falco's three alert streams (outputs.sub, outputs.get and the legacy
// output.subscribe) share: every alert, no gap notices (Falco's wire has
// none), OK when the server stops. They differ only in where they start and
// whether they end once caught up.

#include <grpcpp/grpcpp.h>

#include "server/api/access.h"
#include "server/api/api_context.h"
#include "server/api/stream_pump.h"

namespace saker::api {

inline StreamPump<AlertRecord>::Config FalcoStreamConfig(ApiContext* api,
                                                        grpc::CallbackServerContext* ctx,
                                                        StartAt start,
                                                        bool finish_when_caught_up) {
  return StreamPump<AlertRecord>::Config{
      .ring = api->alerts,
      .registry = &api->registry,
      .start = start,
      .finish_when_caught_up = finish_when_caught_up,
      .gap_notices = false,
      .kind = StreamKind::kFalco,
      .peer = ctx->peer(),
      .identity = Access::IdentityOf(ctx),
      .stop_status = grpc::Status::OK,
  };
}

}  // namespace saker::api
