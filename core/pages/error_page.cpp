#include "core/pages/error_page.hpp"

#include "core/pages/html.hpp"
#include "core/pages/layout.hpp"

namespace paylinks::pages {

std::string render_error_page(int status, std::string_view heading, std::string_view message) {
    std::string out;
    out.reserve(1024 + 2 * (heading.size() + message.size()));
    detail::open_document(out, {.title = heading, .script = false, .extra = {}});
    out += "<div class=\"wrap narrow\"><main class=\"card error\"><h1>";
    append_escaped(out, heading);
    out += "</h1>";
    if (!message.empty()) {
        out += "<p class=\"desc\">";
        append_escaped(out, message);
        out += "</p>";
    }
    out += "</main><footer class=\"foot\"><p>Error ";
    out += std::to_string(status);
    out += " · Powered by paylinks</p></footer></div>";
    detail::close_document(out);
    return out;
}

} // namespace paylinks::pages
