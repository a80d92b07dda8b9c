#pragma once
// The API's error model: every failure is one of these codes, each with a stable string
// (part of the public contract, never renamed), an HTTP status and the error type that
// status implies (the Error schema of docs/openapi.yaml: errors always have this shape).
#include "core/util/json.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace paylinks::http {

enum class ErrorCode : std::uint8_t {
    // 400
    json_invalid,
    body_not_object,
    parameter_unknown,
    parameter_missing,
    parameter_invalid,
    parameter_immutable,
    amount_invalid,
    currency_invalid,
    currency_unpriced, ///< a supported currency with no rate source configured
    title_invalid,
    description_invalid,
    url_invalid,
    slug_invalid,
    expires_at_invalid,
    limit_invalid,
    cursor_invalid,
    metadata_invalid,
    email_invalid,
    idempotency_key_invalid,
    transaction_hash_invalid,
    rate_unavailable,
    transaction_not_payment,
    transaction_not_sweep, ///< reverted, or it did not flush a named session to the treasury
    address_invalid,
    refund_amount_too_large, ///< more than the session has left to refund
    transaction_not_refund,  ///< no Transfer in it of exactly the refund
    // 401
    api_key_missing,
    api_key_invalid,
    // 404 / 405
    resource_missing,
    route_missing,
    method_not_allowed,
    // 409 / 410
    slug_taken,
    idempotency_key_reused,
    idempotency_key_in_use,
    link_inactive,
    link_sold_out,
    session_not_expirable,
    session_not_refundable, ///< nothing confirmed is left to refund
    transaction_not_found,
    // 413 / 415 / 429
    body_too_large,
    content_type_unsupported,
    rate_limited,
    // 5xx
    configuration_invalid,
    storage_unavailable,
    upstream_unavailable,
    internal_error,
};

struct ErrorInfo {
    std::string_view code; ///< stable snake_case string
    int status;
};

[[nodiscard]] ErrorInfo error_info(ErrorCode code) noexcept;
[[nodiscard]] std::string_view error_code_string(ErrorCode code) noexcept;
[[nodiscard]] int error_status(ErrorCode code) noexcept;
/// invalid_request_error, authentication_error, rate_limit_error or api_error.
[[nodiscard]] std::string_view error_type_for_status(int status) noexcept;

struct ApiError {
    ErrorCode code;
    std::string message;
    std::string param; ///< empty when no single parameter is at fault
};

[[nodiscard]] Json error_body(const ApiError& error);

} // namespace paylinks::http
