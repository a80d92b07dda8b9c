#pragma once
// Refunds of checkout sessions (refunds/refund.hpp): created by the merchant, paid by the
// treasury's wallet through their EIP-681 URI, and proven on chain by the watcher.
//   POST /api/v1/checkout_sessions/{id}/refunds    create (Idempotency-Key honoured)
//   GET  /api/v1/checkout_sessions/{id}/refunds    the session's, newest first
//   GET  /api/v1/refunds, /api/v1/refunds/{id}     all, newest first; one (a pending one is
//                                                  checked against the chain, throttled)
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/message.hpp"

#include <string>

namespace paylinks::api {

[[nodiscard]] engine::Task<http::Response>
create_refund(engine::Context& ctx, const http::Request& request, std::string session_id);
[[nodiscard]] engine::Task<http::Response>
list_session_refunds(engine::Context& ctx, const http::Request& request, std::string session_id);
[[nodiscard]] engine::Task<http::Response> list_refunds(engine::Context& ctx,
                                                        const http::Request& request);
[[nodiscard]] engine::Task<http::Response>
retrieve_refund(engine::Context& ctx, const http::Request& request, std::string id);
/// POST /api/v1/refunds/{id}/verify {"transactionHash"}: proves it by that receipt.
[[nodiscard]] engine::Task<http::Response>
verify_refund(engine::Context& ctx, const http::Request& request, std::string id);

} // namespace paylinks::api
