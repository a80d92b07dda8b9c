#pragma once
// /api/v1/events (list, retrieve with deliveries, resend) and /api/v1/webhook_endpoints.
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/message.hpp"

namespace paylinks::api {

using engine::Context;
using engine::Task;

[[nodiscard]] Task<http::Response> list_events(Context& ctx, const http::Request& request);
[[nodiscard]] Task<http::Response> retrieve_event(Context& ctx, const http::Request& request,
                                                  std::string id);
[[nodiscard]] Task<http::Response> resend_event(Context& ctx, const http::Request& request,
                                                std::string id);

[[nodiscard]] Task<http::Response> create_webhook_endpoint(Context& ctx,
                                                           const http::Request& request);
[[nodiscard]] Task<http::Response> list_webhook_endpoints(Context& ctx,
                                                          const http::Request& request);
[[nodiscard]] Task<http::Response>
retrieve_webhook_endpoint(Context& ctx, const http::Request& request, std::string id);
[[nodiscard]] Task<http::Response>
update_webhook_endpoint(Context& ctx, const http::Request& request, std::string id);
[[nodiscard]] Task<http::Response>
delete_webhook_endpoint(Context& ctx, const http::Request& request, std::string id);
[[nodiscard]] Task<http::Response> rotate_webhook_secret(Context& ctx, const http::Request& request,
                                                         std::string id);

} // namespace paylinks::api
