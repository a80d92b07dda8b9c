#pragma once
// /api/v1/events: list, retrieve (with its deliveries), resend.
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

} // namespace paylinks::api
