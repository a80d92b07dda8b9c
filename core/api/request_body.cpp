#include "core/api/request_body.hpp"

namespace paylinks::api {

using http::ApiError;
using http::ErrorCode;

int json_nesting_depth(std::string_view text, int limit) noexcept {
    int depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"')
            in_string = true;
        else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit) return deepest;
        } else if (c == ']' || c == '}')
            --depth;
    }
    return deepest;
}

namespace {

bool is_json_media_type(const std::string* content_type) {
    if (!content_type) return false;
    std::string_view value = *content_type;
    auto semicolon = value.find(';');
    auto media = value.substr(0, semicolon);
    while (!media.empty() && media.back() == ' ')
        media.remove_suffix(1);
    while (!media.empty() && media.front() == ' ')
        media.remove_prefix(1);
    std::string lowered(media);
    for (auto& c : lowered)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return lowered == "application/json";
}

} // namespace

std::variant<Json, ApiError> read_json_body(const http::Request& request) {
    if (request.body_size > kMaxBodyBytes)
        return ApiError{ErrorCode::body_too_large, "Request bodies are limited to 65536 bytes", ""};
    bool blank = request.body_is_utf8;
    for (char c : request.body)
        blank = blank && (c == ' ' || c == '\n' || c == '\r' || c == '\t');
    if (blank) return Json::object();
    if (!is_json_media_type(request.header(http::RequestHeader::content_type)))
        return ApiError{ErrorCode::content_type_unsupported,
                        "Send the body as JSON with Content-Type: application/json", ""};
    // RFC 8259 §8.1: JSON exchanged between systems is UTF-8.
    if (!request.body_is_utf8)
        return ApiError{ErrorCode::json_invalid, "The request body is not valid UTF-8", ""};
    if (json_nesting_depth(request.body, kMaxJsonDepth) > kMaxJsonDepth)
        return ApiError{ErrorCode::json_invalid, "The JSON body is nested too deeply", ""};
    auto parsed = parse_json(request.body);
    if (!parsed) return ApiError{ErrorCode::json_invalid, "The request body is not valid JSON", ""};
    if (!parsed->is_object())
        return ApiError{ErrorCode::body_not_object, "The request body must be a JSON object", ""};
    return std::move(*parsed);
}

} // namespace paylinks::api
