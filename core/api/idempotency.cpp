#include "core/api/idempotency.hpp"

#include "core/crypto/hex.hpp"
#include "core/crypto/sha256.hpp"
#include "core/store/listing.hpp"

namespace paylinks::api {

using http::ApiError;
using http::ErrorCode;

std::variant<std::monostate, IdempotencySlot, ApiError>
idempotency_slot(const http::Request& request, std::string_view scope) {
    const auto* key = request.header(http::RequestHeader::idempotency_key);
    if (!key) return std::monostate{};
    bool printable = !key->empty() && key->size() <= 255;
    for (unsigned char c : *key)
        printable = printable && c >= 0x20 && c < 0x7F;
    if (!printable)
        return ApiError{ErrorCode::idempotency_key_invalid,
                        "Idempotency-Key must be 1 to 255 printable ASCII characters",
                        "Idempotency-Key"};
    std::string scoped(scope);
    scoped += '\n';
    scoped += *key;
    return IdempotencySlot{"idem/" + crypto::hex_encode(crypto::sha256(scoped)),
                           crypto::hex_encode(crypto::sha256(request.body))};
}

engine::Task<std::optional<http::Response>> replay_if_seen(engine::Context& ctx,
                                                           IdempotencySlot slot) {
    auto stored = engine::read_kv_value(co_await ctx.perform(engine::kv_get(slot.kv_key)));
    if (!stored.ok) co_return http::error_response(store::storage_error(stored.error));
    if (!stored.value) co_return std::nullopt;
    auto record = parse_json(*stored.value);
    if (!record || !record->is_object()) co_return std::nullopt; // unreadable: treat as new
    auto fingerprint = record->find("fingerprint");
    auto status = record->find("status");
    auto body = record->find("body");
    if (fingerprint == record->end() || !fingerprint->is_string() || status == record->end() ||
        !fits<int>(*status) || body == record->end() || !body->is_string())
        co_return std::nullopt;
    if (*fingerprint != slot.fingerprint)
        co_return http::error_response(
            ApiError{ErrorCode::idempotency_key_reused,
                     "This Idempotency-Key was already used with a different request body",
                     "Idempotency-Key"});
    http::Response replay{status->get<int>(),
                          {{"content-type", "application/json; charset=utf-8"},
                           {"cache-control", "no-store"},
                           {"idempotent-replayed", "true"}},
                          body->get<std::string>()};
    co_return replay;
}

http::Response idempotency_in_use_response() {
    return http::error_response(ApiError{
        ErrorCode::idempotency_key_in_use,
        "A request with this Idempotency-Key is still in progress; retry once it has finished",
        "Idempotency-Key"});
}

std::optional<engine::Effect> remember_response(const IdempotencySlot& slot,
                                                const http::Response& response) {
    if (response.status >= 500) return std::nullopt;
    Json record{
        {"fingerprint", slot.fingerprint}, {"status", response.status}, {"body", response.body}};
    return engine::kv_put(slot.kv_key, dump_json(record), std::nullopt, kIdempotencyTtlSeconds);
}

} // namespace paylinks::api
