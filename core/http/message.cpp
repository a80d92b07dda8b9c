#include "core/http/message.hpp"

#include "core/util/ascii.hpp"

#include <algorithm>
#include <limits>

namespace paylinks::http {

const std::string* Request::header(RequestHeader name) const noexcept {
    const auto& value = headers[static_cast<std::size_t>(name)];
    return value ? &*value : nullptr;
}

namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The slot of a header the core reads, by its name in any case; nullopt for any other.
std::optional<std::size_t> request_header_slot(std::string_view name) noexcept {
    for (std::size_t slot = 0; slot < kRequestHeaderNames.size(); ++slot) {
        auto wanted = kRequestHeaderNames[slot];
        if (name.size() == wanted.size() && starts_with_ci(name, wanted)) return slot;
    }
    return std::nullopt;
}

// Splits an absolute URL into origin, path and query without interpreting them further.
bool split_url(std::string_view url, Request& out) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return false;
    auto path_start = url.find('/', scheme_end + 3);
    auto query_start = url.find('?', scheme_end + 3);
    if (path_start == std::string_view::npos || path_start > query_start) {
        out.origin = std::string(url.substr(0, std::min(query_start, url.size())));
        out.path = "/";
    } else {
        out.origin = std::string(url.substr(0, path_start));
        out.path = std::string(url.substr(path_start, query_start - path_start));
    }
    if (query_start != std::string_view::npos) {
        auto fragment = url.find('#', query_start);
        out.query = parse_query(url.substr(query_start + 1, fragment - query_start - 1));
    }
    return true;
}

} // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            int hi = hex_value(text[i + 1]);
            int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        auto amp = query.find('&');
        auto part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        auto raw_name = part.substr(0, eq);
        auto raw_value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
        auto name = percent_decode(raw_name, true);
        auto value = percent_decode(raw_value, true);
        out.emplace_back(name ? *name : std::string(raw_name),
                         value ? *value : std::string(raw_value));
    }
    return out;
}

std::optional<Request> read_request(const Json& start) {
    auto request = start.find("request");
    if (request == start.end() || !request->is_object()) return std::nullopt;
    Request out;
    auto method = request->find("method");
    auto url = request->find("url");
    if (method == request->end() || !method->is_string() || url == request->end() ||
        !url->is_string())
        return std::nullopt;
    out.method = method->get<std::string>();
    for (auto& c : out.method)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    out.url = url->get<std::string>();
    if (!split_url(out.url, out)) return std::nullopt;
    auto headers = request->find("headers");
    if (headers != request->end() && headers->is_object()) {
        for (const auto& [name, value] : headers->items()) {
            auto slot = request_header_slot(name);
            if (slot && value.is_string()) out.headers[*slot] = value.get<std::string>();
        }
    }
    auto body = request->find("body");
    if (body != request->end() && body->is_string()) out.body = body->get<std::string>();
    out.body_size = out.body.size();
    auto body_size = request->find("bodySize");
    if (body_size != request->end() && body_size->is_number_unsigned())
        out.body_size = std::max(out.body_size, fits<std::size_t>(*body_size)
                                                    ? body_size->get<std::size_t>()
                                                    : std::numeric_limits<std::size_t>::max());
    if (body != request->end() && body->is_null() && out.body_size > 0) out.body_is_utf8 = false;
    return out;
}

Json to_outcome(Response response) {
    // Built in place: every request ends here, and the body is moved, never copied.
    JsonObject headers;
    headers.reserve(response.headers.size());
    for (auto& header : response.headers) {
        // A header set twice keeps its last value.
        auto same = std::find_if(headers.begin(), headers.end(), [&](const JsonMember& member) {
            return member.first == header.first;
        });
        if (same != headers.end())
            same->second = std::move(header.second);
        else
            headers.emplace_back(std::move(header.first), std::move(header.second));
    }
    JsonObject members;
    members.reserve(3);
    members.emplace_back("status", response.status);
    members.emplace_back("headers", Json(std::move(headers)));
    members.emplace_back("body", std::move(response.body));
    JsonObject outcome;
    outcome.emplace_back("response", Json(std::move(members)));
    return Json(std::move(outcome));
}

Response json_response(int status, const Json& body) {
    return json_response(status, dump_json(body));
}

Response json_response(int status, std::string body_json) {
    return Response{
        status,
        {{"content-type", "application/json; charset=utf-8"}, {"cache-control", "no-store"}},
        std::move(body_json)};
}

Response error_response(const ApiError& error) {
    return json_response(error_status(error.code), error_body(error));
}

Response html_response(int status, std::string html) {
    return Response{status, {{"content-type", "text/html; charset=utf-8"}}, std::move(html)};
}

} // namespace paylinks::http
