#pragma once
// The customer's side: /l/{slug} opens a session, /c/{id} is the hosted checkout page,
// /c/{id}/status its live state, /c/{id}/verify a customer's pointer to their transfer,
// and /assets/… the page's stylesheet and script.
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/message.hpp"

namespace paylinks::api {

[[nodiscard]] engine::Task<http::Response>
visit_link(engine::Context& ctx, const http::Request& request, std::string slug);
[[nodiscard]] engine::Task<http::Response>
checkout_page(engine::Context& ctx, const http::Request& request, std::string id);
[[nodiscard]] engine::Task<http::Response>
checkout_status(engine::Context& ctx, const http::Request& request, std::string id);
[[nodiscard]] engine::Task<http::Response>
verify_payment(engine::Context& ctx, const http::Request& request, std::string id);
[[nodiscard]] http::Response serve_asset(const http::Request& request, std::string_view name);

/// Link-preview crawlers (Slack, X, Facebook, Discord, Telegram, WhatsApp, …) by User-Agent.
[[nodiscard]] bool is_link_preview_bot(std::string_view user_agent) noexcept;

/// An HTML page with the pages' security headers (CSP, no framing, no referrer, no-store).
[[nodiscard]] http::Response page_response(int status, std::string html);

/// An HTML error page with the pages' headers.
[[nodiscard]] http::Response page_error(int status, std::string_view heading,
                                        std::string_view message);

} // namespace paylinks::api
