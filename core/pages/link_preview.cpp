#include "core/pages/link_preview.hpp"

#include "core/pages/html.hpp"
#include "core/pages/layout.hpp"

namespace paylinks::pages {

namespace {

/// At most `limit` code points of UTF-8 text, cut on a code point boundary, with "…" when cut.
std::string shorten(std::string_view text, std::size_t limit) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if ((byte & 0xC0) == 0x80) continue; // continuation byte
        if (count == limit) {
            std::string_view kept = text.substr(0, i);
            while (!kept.empty() &&
                   (kept.back() == ' ' || kept.back() == '\n' || kept.back() == '\t'))
                kept.remove_suffix(1);
            return detail::join({kept, "…"});
        }
        ++count;
    }
    return std::string(text);
}

void meta(std::string& out, std::string_view attribute, std::string_view name,
          std::string_view content) {
    out += "<meta ";
    out += attribute;
    out += "=\"";
    out += name;
    out += "\" content=\"";
    append_escaped(out, content);
    out += "\">";
}

} // namespace

std::string render_link_preview(std::string_view title, std::optional<std::string_view> description,
                                std::string_view price_text, std::string_view canonical_url) {
    std::string summary(price_text);
    if (description && !description->empty()) {
        summary += " — ";
        summary += shorten(*description, 200);
    }
    const bool canonical = is_http_url(canonical_url);

    std::string head;
    meta(head, "name", "description", summary);
    meta(head, "property", "og:type", "website");
    meta(head, "property", "og:title", title);
    meta(head, "property", "og:description", summary);
    if (canonical) {
        meta(head, "property", "og:url", canonical_url);
        head += "<link rel=\"canonical\" href=\"";
        append_escaped(head, canonical_url);
        head += "\">";
    }
    meta(head, "name", "twitter:card", "summary");
    meta(head, "name", "twitter:title", title);
    meta(head, "name", "twitter:description", summary);

    std::string out;
    out.reserve(1536 + head.size() + 2 * title.size());
    const std::string document_title = detail::join({title, " · ", price_text});
    detail::open_document(out, {.title = document_title, .script = false, .extra = head});
    out += "<div class=\"wrap narrow\"><main class=\"card\"><header><h1>";
    append_escaped(out, title);
    out += "</h1>";
    if (description && !description->empty()) {
        out += "<p class=\"desc\">";
        append_escaped(out, *description);
        out += "</p>";
    }
    out += "<p class=\"price\">";
    append_escaped(out, price_text);
    out += "</p></header>";
    if (canonical) {
        out += "<p class=\"go\"><a class=\"btn\" href=\"";
        append_escaped(out, canonical_url);
        out += "\">Continue to payment</a></p>";
    }
    out += "</main><footer class=\"foot\"><p>Pay with a stablecoin · Powered by paylinks</p>"
           "</footer></div>";
    detail::close_document(out);
    return out;
}

} // namespace paylinks::pages
