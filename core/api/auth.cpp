#include "core/api/auth.hpp"

#include "core/crypto/hmac.hpp"

namespace paylinks::api {

using http::ErrorCode;

namespace {

// The Authorization header without surrounding spaces; empty when absent or blank, which
// HTTP stacks do not agree on forwarding, so both mean "no credentials".
std::string_view authorization(const http::Request& request) noexcept {
    const auto* header = request.header(http::RequestHeader::authorization);
    std::string_view value = header ? std::string_view(*header) : std::string_view{};
    auto space = [](char c) { return c == ' ' || c == '\t'; };
    while (!value.empty() && space(value.front()))
        value.remove_prefix(1);
    while (!value.empty() && space(value.back()))
        value.remove_suffix(1);
    return value;
}

} // namespace

bool has_credentials(const http::Request& request) noexcept {
    return !authorization(request).empty();
}

MaybeError authenticate(const http::Request& request, const config::Config& config) {
    std::string_view value = authorization(request);
    if (value.empty())
        return ApiError{ErrorCode::api_key_missing,
                        "No API key provided: send Authorization: Bearer <secret key>", ""};
    constexpr std::string_view kScheme = "bearer ";
    bool bearer = value.size() > kScheme.size();
    for (std::size_t i = 0; bearer && i < kScheme.size(); ++i) {
        char c = value[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        bearer = c == kScheme[i];
    }
    if (!bearer)
        return ApiError{ErrorCode::api_key_invalid,
                        "The Authorization header must be: Bearer <secret key>", ""};
    auto key = value.substr(kScheme.size());
    while (!key.empty() && key.front() == ' ')
        key.remove_prefix(1);
    while (!key.empty() && key.back() == ' ')
        key.remove_suffix(1);
    if (key.empty() || !crypto::constant_time_equal(key, config.api_key))
        return ApiError{ErrorCode::api_key_invalid, "Invalid API key provided", ""};
    return std::nullopt;
}

} // namespace paylinks::api
