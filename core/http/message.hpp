#pragma once
// HTTP requests and responses as the core sees them: already read off the wire by the shim,
// handed over as JSON, and answered as JSON.
#include "core/http/error.hpp"
#include "core/util/json.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paylinks::http {

/// The request headers the core reads. Only these cross the boundary: the shim asks for the
/// list (the configure answer's "requestHeaders") and forwards no others, so a request costs
/// the same whatever else the client sent.
enum class RequestHeader : std::uint8_t {
    authorization,
    content_type,
    idempotency_key,
    user_agent,
    cookie,
    sec_fetch_dest,
    cf_connecting_ip,
    if_none_match
};

/// Wire names (lower case), in RequestHeader order.
/// cf-connecting-ip is the client's address as Cloudflare saw it, the rate limits' key.
inline constexpr std::array<std::string_view, 8> kRequestHeaderNames{
    "authorization", "content-type",   "idempotency-key",  "user-agent",
    "cookie",        "sec-fetch-dest", "cf-connecting-ip", "if-none-match"};
static_assert(kRequestHeaderNames.size() ==
              static_cast<std::size_t>(RequestHeader::if_none_match) + 1);

struct Request {
    std::string method; ///< upper case
    std::string url;    ///< as received
    std::string origin; ///< scheme://host[:port]
    std::string path;   ///< raw (still percent-encoded); the router decodes segments
    std::vector<std::pair<std::string, std::string>> query; ///< decoded, in order
    std::array<std::optional<std::string>, kRequestHeaderNames.size()>
        headers; ///< by RequestHeader
    std::string body;
    std::size_t body_size = 0; ///< the full size, even if the shim passed less
    /// False when the body's bytes are not UTF-8: the shim then passes `"body": null`
    /// rather than a text with replacement characters the client never sent.
    bool body_is_utf8 = true;

    // What admission (app.cpp, before the handler runs) decided about the caller.
    /// A valid secret key was presented: the caller is the merchant, held to no anonymous
    /// limit. Public routes set it too when they were sent a valid key.
    bool keyed = false;
    /// False when the session's chain-check limit is spent: the handler answers from the
    /// stored state rather than asking the chain.
    bool chain_check_allowed = true;

    /// The header's value, or nullptr when the request had none.
    [[nodiscard]] const std::string* header(RequestHeader name) const noexcept;
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

/// Reads `{"request":{"method","url","headers","body","bodySize"?}}` of a start message.
/// Header names match case-insensitively; headers not in kRequestHeaderNames are dropped.
[[nodiscard]] std::optional<Request> read_request(const Json& start);

/// The response as the shim expects it: {"response":{"status","headers","body"}}.
[[nodiscard]] Json to_outcome(Response response);

[[nodiscard]] Response json_response(int status, const Json& body);
/// The same, for a body that is JSON text already.
[[nodiscard]] Response json_response(int status, std::string body_json);
[[nodiscard]] Response error_response(const ApiError& error);
[[nodiscard]] Response html_response(int status, std::string html);

/// Splits "a=1&b=%20x" into decoded pairs ('+' is a space). Malformed escapes stay literal.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);
/// Percent-decodes; nullopt on a malformed escape.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
[[nodiscard]] std::string percent_encode(std::string_view text);

} // namespace paylinks::http
