#pragma once
// The service as a whole: one coroutine per HTTP request and one per cron tick. This is
// where a request is authenticated against the configuration, routed, and answered.
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/message.hpp"

namespace paylinks::app {

/// Handles one request; the outcome is {"response":{…}} for the shim.
[[nodiscard]] engine::Task<Json> serve_http(engine::Context& ctx, http::Request request);

/// Handles one cron tick; the outcome is {"result":{…}} summarising what was done.
[[nodiscard]] engine::Task<Json> run_scheduled(engine::Context& ctx, std::string cron);

/// Delivers one event to the webhook endpoints that want it (a follow-up of the exchange
/// that created the event); the outcome is {"result":{…}}.
[[nodiscard]] engine::Task<Json> run_delivery(engine::Context& ctx, std::string event_id);

} // namespace paylinks::app
