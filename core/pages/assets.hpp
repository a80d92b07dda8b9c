#pragma once
// The hosted pages' only stylesheet and script, compiled into the core. The core serves them
// at GET /assets/checkout.css and /assets/checkout.js; the pages link them with a content
// hash in the query ("?v=…"), so they may be cached for a year (immutable).
#include <string_view>

namespace paylinks::pages {

[[nodiscard]] std::string_view checkout_css() noexcept;
[[nodiscard]] std::string_view checkout_js() noexcept;

/// "/assets/checkout.css?v=<8 hex digits of a hash of checkout_css()>" — the href the pages use.
[[nodiscard]] std::string_view checkout_css_href() noexcept;
/// "/assets/checkout.js?v=<8 hex digits of a hash of checkout_js()>" — the src the pages use.
[[nodiscard]] std::string_view checkout_js_href() noexcept;

/// The Content-Security-Policy header value the pages are written for: no inline script,
/// style or event handler; everything from the page's own origin; no framing.
[[nodiscard]] std::string_view page_csp() noexcept;

} // namespace paylinks::pages
