#pragma once
// /api/v1/webhook_endpoints: create, list, retrieve, update, delete, rotate the secret.
// Every change is written to the endpoint registry first (webhooks/registry.hpp).
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/message.hpp"

namespace paylinks::api {

using engine::Context;
using engine::Task;

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
