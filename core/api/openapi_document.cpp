#include "core/api/openapi_document.hpp"

namespace paylinks::api {
namespace {

// If-None-Match is "*" or a list of entity tags, each possibly weak (W/"…"): the document's
// tag matches any of them (RFC 9110 §13.1.2 compares weakly for GET).
bool names_etag(std::string_view header, std::string_view etag) {
    while (!header.empty()) {
        auto comma = header.find(',');
        auto item = header.substr(0, comma);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        if (item.starts_with("W/")) item.remove_prefix(2);
        if (item == "*" || item == etag) return true;
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return false;
}

} // namespace

http::Response serve_openapi_document(const http::Request& request) {
    const auto etag = openapi_document_etag();
    // It changes only with a deployment: caches may keep it briefly and revalidate by ETag.
    std::vector<std::pair<std::string, std::string>> headers{
        {"etag", std::string(etag)},
        {"cache-control", "public, max-age=300"},
        {"access-control-allow-origin", "*"}};
    if (const auto* wanted = request.header(http::RequestHeader::if_none_match);
        wanted && names_etag(*wanted, etag))
        return http::Response{304, std::move(headers), ""};
    headers.emplace(headers.begin(), "content-type", "application/json; charset=utf-8");
    return http::Response{200, std::move(headers), std::string(openapi_document_json())};
}

} // namespace paylinks::api
