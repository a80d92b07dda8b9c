#include "core/pages/layout.hpp"

#include "core/pages/assets.hpp"
#include "core/pages/html.hpp"

namespace paylinks::pages::detail {

void open_document(std::string& out, const DocumentHead& head) {
    out += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
           "<meta name=\"color-scheme\" content=\"light dark\">"
           "<meta name=\"robots\" content=\"noindex,nofollow\">"
           "<meta name=\"referrer\" content=\"no-referrer\">"
           "<title>";
    append_escaped(out, head.title);
    out += "</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"";
    out += checkout_css_href();
    out += "\">";
    if (head.script) {
        out += "<script src=\"";
        out += checkout_js_href();
        out += "\" defer></script>";
    }
    out += head.extra;
    out += "</head><body>";
}

void close_document(std::string& out) {
    out += "</body></html>\n";
}

std::string join(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (const std::string_view part : parts)
        size += part.size();
    std::string out;
    out.reserve(size);
    for (const std::string_view part : parts)
        out += part;
    return out;
}

} // namespace paylinks::pages::detail
