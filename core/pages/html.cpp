#include "core/pages/html.hpp"

#include "core/util/ascii.hpp"

namespace paylinks::pages {

void append_escaped(std::string& out, std::string_view text) {
    out.reserve(out.size() + text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out.push_back(c);
        }
    }
}

std::string escape_html(std::string_view text) {
    std::string out;
    append_escaped(out, text);
    return out;
}

bool is_http_url(std::string_view url) noexcept {
    std::size_t rest = 0;
    if (starts_with_ci(url, "https://"))
        rest = 8;
    else if (starts_with_ci(url, "http://"))
        rest = 7;
    else
        return false;
    if (rest >= url.size() || url[rest] == '/' || url[rest] == '?' || url[rest] == '#')
        return false; // no host
    for (const char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '\\') return false;
    }
    return true;
}

} // namespace paylinks::pages
