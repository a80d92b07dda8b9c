#pragma once
// /api/v1/payment_links — create, list, retrieve, update, delete (docs/openapi.yaml).
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/message.hpp"
#include "core/links/link.hpp"

#include <variant>

namespace paylinks::api {

using engine::Context;
using engine::Task;

[[nodiscard]] Task<http::Response> create_link(Context& ctx, const http::Request& request);
[[nodiscard]] Task<http::Response> list_links(Context& ctx, const http::Request& request);
[[nodiscard]] Task<http::Response> retrieve_link(Context& ctx, const http::Request& request,
                                                 std::string id);
[[nodiscard]] Task<http::Response> update_link(Context& ctx, const http::Request& request,
                                               std::string id);
[[nodiscard]] Task<http::Response> delete_link(Context& ctx, const http::Request& request,
                                               std::string id);

/// Loads a link by id; nullopt if absent, an error if storage failed or the record is corrupt.
[[nodiscard]] Task<std::variant<std::optional<links::Link>, http::ApiError>>
load_link(Context& ctx, std::string id, bool fresh);

/// The absolute origin for links in responses: PUBLIC_BASE_URL, else the request's origin.
[[nodiscard]] std::string public_base_url(const Context& ctx, const http::Request& request);

} // namespace paylinks::api
