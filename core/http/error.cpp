#include "core/http/error.hpp"

#include <array>

namespace paylinks::http {
namespace {

using enum ErrorCode;

struct Row {
    ErrorCode code;
    ErrorInfo info;
};

// One row per code, in enum order (checked below), so a lookup is an index.
constexpr std::array kErrorTable{
    Row{json_invalid, {"json_invalid", 400}},
    Row{body_not_object, {"body_not_object", 400}},
    Row{parameter_unknown, {"parameter_unknown", 400}},
    Row{parameter_missing, {"parameter_missing", 400}},
    Row{parameter_invalid, {"parameter_invalid", 400}},
    Row{parameter_immutable, {"parameter_immutable", 400}},
    Row{amount_invalid, {"amount_invalid", 400}},
    Row{currency_invalid, {"currency_invalid", 400}},
    Row{currency_unpriced, {"currency_unpriced", 400}},
    Row{title_invalid, {"title_invalid", 400}},
    Row{description_invalid, {"description_invalid", 400}},
    Row{url_invalid, {"url_invalid", 400}},
    Row{slug_invalid, {"slug_invalid", 400}},
    Row{expires_at_invalid, {"expires_at_invalid", 400}},
    Row{limit_invalid, {"limit_invalid", 400}},
    Row{cursor_invalid, {"cursor_invalid", 400}},
    Row{metadata_invalid, {"metadata_invalid", 400}},
    Row{email_invalid, {"email_invalid", 400}},
    Row{idempotency_key_invalid, {"idempotency_key_invalid", 400}},
    Row{transaction_hash_invalid, {"transaction_hash_invalid", 400}},
    Row{rate_unavailable, {"rate_unavailable", 400}},
    Row{transaction_not_payment, {"transaction_not_payment", 400}},
    Row{transaction_not_sweep, {"transaction_not_sweep", 400}},
    Row{address_invalid, {"address_invalid", 400}},
    Row{refund_amount_too_large, {"refund_amount_too_large", 400}},
    Row{transaction_not_refund, {"transaction_not_refund", 400}},
    Row{api_key_missing, {"api_key_missing", 401}},
    Row{api_key_invalid, {"api_key_invalid", 401}},
    Row{resource_missing, {"resource_missing", 404}},
    Row{route_missing, {"route_missing", 404}},
    Row{method_not_allowed, {"method_not_allowed", 405}},
    Row{slug_taken, {"slug_taken", 409}},
    Row{idempotency_key_reused, {"idempotency_key_reused", 409}},
    Row{idempotency_key_in_use, {"idempotency_key_in_use", 409}},
    Row{link_inactive, {"link_inactive", 409}},
    Row{link_sold_out, {"link_sold_out", 409}},
    Row{session_not_expirable, {"session_not_expirable", 409}},
    Row{session_not_refundable, {"session_not_refundable", 409}},
    Row{transaction_not_found, {"transaction_not_found", 404}},
    Row{body_too_large, {"body_too_large", 413}},
    Row{content_type_unsupported, {"content_type_unsupported", 415}},
    Row{rate_limited, {"rate_limited", 429}},
    Row{configuration_invalid, {"configuration_invalid", 500}},
    Row{storage_unavailable, {"storage_unavailable", 503}},
    Row{upstream_unavailable, {"upstream_unavailable", 502}},
    Row{internal_error, {"internal_error", 500}},
};

constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < kErrorTable.size(); ++i)
        if (static_cast<std::size_t>(kErrorTable[i].code) != i) return false;
    return true;
}
static_assert(table_in_enum_order(), "kErrorTable rows must follow ErrorCode's order");
static_assert(kErrorTable.size() == static_cast<std::size_t>(internal_error) + 1,
              "every ErrorCode needs a row");

} // namespace

ErrorInfo error_info(ErrorCode code) noexcept {
    return kErrorTable[static_cast<std::size_t>(code)].info;
}
std::string_view error_code_string(ErrorCode code) noexcept {
    return error_info(code).code;
}
int error_status(ErrorCode code) noexcept {
    return error_info(code).status;
}

std::string_view error_type_for_status(int status) noexcept {
    if (status == 401) return "authentication_error";
    if (status == 429) return "rate_limit_error";
    if (status >= 500) return "api_error";
    return "invalid_request_error";
}

Json error_body(const ApiError& error) {
    auto info = error_info(error.code);
    Json inner{{"type", error_type_for_status(info.status)},
               {"code", info.code},
               {"message", error.message}};
    if (!error.param.empty()) inner["param"] = error.param;
    return Json{{"error", std::move(inner)}};
}

} // namespace paylinks::http
