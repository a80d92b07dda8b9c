#pragma once
// The merchant dashboard's stylesheet and script, compiled into the core and served at
// GET /assets/dashboard.css and /assets/dashboard.js. The dashboard page also links the
// checkout pages' stylesheet (colours, buttons, type), so these hold only what the dashboard
// adds. Written for page_csp(): no inline code, every request to the page's own origin, and
// every API string reaches the page through textContent (never as markup).
#include <string_view>

namespace paylinks::pages {

[[nodiscard]] std::string_view dashboard_css() noexcept;
[[nodiscard]] std::string_view dashboard_js() noexcept;

/// "/assets/dashboard.css?v=<8 hex digits of a hash of dashboard_css()>".
[[nodiscard]] std::string_view dashboard_css_href() noexcept;
/// "/assets/dashboard.js?v=<8 hex digits of a hash of dashboard_js()>".
[[nodiscard]] std::string_view dashboard_js_href() noexcept;

} // namespace paylinks::pages
