#include "core/api/validate.hpp"

#include "core/net/outbound_url.hpp"
#include "core/util/time.hpp"

namespace paylinks::api {

using http::ErrorCode;

std::size_t utf8_length(std::string_view text) noexcept {
    std::size_t count = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++count;
    return count;
}

bool has_control_characters(std::string_view text, bool allow_newlines) noexcept {
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20) {
            if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) continue;
            return true;
        }
        if (c == 0x7F) return true;
        // C1 controls are U+0080–U+009F, encoded as C2 80 … C2 9F.
        if (c == 0xC2 && i + 1 < text.size()) {
            auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9F) return true;
        }
        // Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) can disguise text.
        if (c == 0xE2 && i + 2 < text.size()) {
            auto b1 = static_cast<unsigned char>(text[i + 1]);
            auto b2 = static_cast<unsigned char>(text[i + 2]);
            if (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) return true;
            if (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return true;
        }
    }
    return false;
}

bool is_acceptable_redirect_url(std::string_view url, bool allow_local_http) noexcept {
    // The same reading of scheme, credentials, host and port as outbound URLs get; a redirect
    // sends the customer's own browser, so the host's address is not judged.
    const auto parsed = net::parse_http_url(url);
    const auto* ok = std::get_if<net::ParsedUrl>(&parsed);
    if (ok == nullptr) return false;
    if (!ok->https) return allow_local_http && net::is_local_http_exception(*ok);
    return true;
}

ApiError missing(const char* param) {
    return ApiError{ErrorCode::parameter_missing, std::string(param) + " is required", param};
}

ApiError invalid(ErrorCode code, std::string param, std::string message) {
    return ApiError{code, std::move(message), std::move(param)};
}

MaybeError reject_unknown_fields(const Json& body, std::span<const std::string_view> allowed,
                                 std::span<const std::string_view> immutable) {
    for (const auto& [name, value] : body.items()) {
        (void)value;
        bool known = false;
        for (auto a : allowed)
            known = known || a == name;
        if (known) continue;
        for (auto a : immutable) {
            if (a == name)
                return ApiError{ErrorCode::parameter_immutable, name + " cannot be changed", name};
        }
        return ApiError{ErrorCode::parameter_unknown, "Unknown parameter: " + name, name};
    }
    return std::nullopt;
}

MaybeError check_title(const Json& value, const char* param, bool required_nonempty) {
    if (!value.is_string())
        return invalid(ErrorCode::title_invalid, param, std::string(param) + " must be a string");
    const auto& text = value.get_ref<const std::string&>();
    auto length = utf8_length(text);
    if ((required_nonempty && length == 0) || length > 200)
        return invalid(ErrorCode::title_invalid, param,
                       std::string(param) + " must be 1 to 200 characters");
    if (has_control_characters(text, false))
        return invalid(ErrorCode::title_invalid, param,
                       std::string(param) + " must not contain control characters");
    bool blank = true;
    for (char c : text)
        blank = blank && c == ' ';
    if (blank)
        return invalid(ErrorCode::title_invalid, param, std::string(param) + " must not be blank");
    return std::nullopt;
}

MaybeError check_description(const Json& value, const char* param) {
    if (value.is_null()) return std::nullopt;
    if (!value.is_string())
        return invalid(ErrorCode::description_invalid, param,
                       std::string(param) + " must be a string or null");
    const auto& text = value.get_ref<const std::string&>();
    if (utf8_length(text) > 500)
        return invalid(ErrorCode::description_invalid, param,
                       std::string(param) + " must be at most 500 characters");
    if (has_control_characters(text, true))
        return invalid(ErrorCode::description_invalid, param,
                       std::string(param) + " must not contain control characters");
    return std::nullopt;
}

MaybeError check_metadata(const Json& value, const char* param) {
    const std::string name(param);
    if (!value.is_object())
        return invalid(ErrorCode::metadata_invalid, name,
                       name + " must be an object of string values");
    if (value.size() > 50)
        return invalid(ErrorCode::metadata_invalid, name, name + " has at most 50 keys");
    for (const auto& [key, item] : value.items()) {
        if (key.empty() || utf8_length(key) > 40 || has_control_characters(key, false))
            return invalid(ErrorCode::metadata_invalid, name,
                           name + " keys must be 1 to 40 characters");
        if (!item.is_string() || utf8_length(item.get_ref<const std::string&>()) > 500)
            return invalid(ErrorCode::metadata_invalid, name,
                           name + "[" + key + "] must be a string of at most 500 characters");
    }
    return std::nullopt;
}

MaybeError check_max_payments(const Json& value, const char* param) {
    if (value.is_null()) return std::nullopt;
    // One KV list of up to 1000 keys counts a link's sales (links/link_sales.hpp).
    if (!value.is_number_integer() || !fits<std::int64_t>(value) || value.get<std::int64_t>() < 1 ||
        value.get<std::int64_t>() > kMaxPaymentsLimit)
        return invalid(ErrorCode::parameter_invalid, param,
                       std::string(param) + " must be an integer from 1 to " +
                           std::to_string(kMaxPaymentsLimit) + ", or null");
    return std::nullopt;
}

MaybeError check_redirect_url(const Json& value, const char* param, bool allow_local_http) {
    if (value.is_null()) return std::nullopt;
    if (!value.is_string() ||
        !is_acceptable_redirect_url(value.get_ref<const std::string&>(), allow_local_http))
        return invalid(ErrorCode::url_invalid, param,
                       std::string(param) +
                           " must be an absolute https:// URL of at most 2048 characters "
                           "without credentials" +
                           (allow_local_http ? " (or http://localhost / http://127.0.0.1)" : ""));
    return std::nullopt;
}

std::optional<TimestampField> read_timestamp(const Json& body, const char* param) {
    TimestampField field;
    auto it = body.find(param);
    if (it == body.end()) return field;
    field.present = true;
    if (it->is_null()) return field;
    if (it->is_string()) {
        auto parsed = time::parse_iso8601(it->get_ref<const std::string&>());
        if (!parsed) return std::nullopt;
        field.unix_ms = *parsed;
        return field;
    }
    if (it->is_number_integer()) {
        if (!fits<std::int64_t>(*it)) return std::nullopt;
        auto seconds = it->get<std::int64_t>();
        if (seconds < 0 || seconds > 253402300799) return std::nullopt; // up to year 9999
        field.unix_ms = seconds * 1000;
        return field;
    }
    return std::nullopt;
}

MaybeError check_priced_currency(const config::Config& config, const std::string& code,
                                 const char* param) {
    if (config::rate_source_kind(config, code) != config::RateSourceKind::unavailable)
        return std::nullopt;
    return invalid(ErrorCode::currency_unpriced, param,
                   "No exchange rate is configured for " + code +
                       ": set RATE_FEEDS (a price feed of " + code + " in USD, e.g. {\"" + code +
                       "\":\"0x…\"}) or RATES (a fixed rate, e.g. {\"" + code +
                       "\":\"1.08\"}), or price in USD");
}

} // namespace paylinks::api
