#include "core/api/auth.hpp"

#include "core/crypto/hmac.hpp"

namespace paylinks::api {

using http::ErrorCode;

bool has_credentials(const http::Request& request) noexcept {
    return request.header("authorization") != nullptr;
}

MaybeError authenticate(const http::Request& request, const config::Config& config) {
    const auto* header = request.header("authorization");
    if (!header)
        return ApiError{ErrorCode::api_key_missing,
                        "No API key provided: send Authorization: Bearer <secret key>", ""};
    std::string_view value = *header;
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
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
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    if (key.empty() || !crypto::constant_time_equal(key, config.api_key))
        return ApiError{ErrorCode::api_key_invalid, "Invalid API key provided", ""};
    return std::nullopt;
}

} // namespace paylinks::api
