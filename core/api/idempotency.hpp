#pragma once
// Idempotency-Key: a create retried with the same key and the same body answers the first
// response again; the same key with another body is refused (409). Records live 24 hours.
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/message.hpp"

#include <optional>
#include <string>
#include <variant>

namespace paylinks::api {

inline constexpr std::int64_t kIdempotencyTtlSeconds = 24 * 60 * 60;

struct IdempotencySlot {
    std::string kv_key;      ///< where the first response is kept
    std::string fingerprint; ///< hash of the request body
};

/// The slot for this request, nothing when it has no Idempotency-Key, or the error for a
/// malformed key (1–255 printable ASCII characters).
[[nodiscard]] std::variant<std::monostate, IdempotencySlot, http::ApiError>
idempotency_slot(const http::Request& request, std::string_view scope);

/// 409 for a request whose key is still being processed by a twin (Stripe's behaviour).
[[nodiscard]] http::Response idempotency_in_use_response();

/// The stored response to replay, a 409 for a reused key, or nothing for a first attempt.
[[nodiscard]] engine::Task<std::optional<http::Response>> replay_if_seen(engine::Context& ctx,
                                                                         IdempotencySlot slot);

/// The effect that remembers `response` for later replays (5xx answers are not remembered:
/// the retry should get another chance).
[[nodiscard]] std::optional<engine::Effect> remember_response(const IdempotencySlot& slot,
                                                              const http::Response& response);

} // namespace paylinks::api
