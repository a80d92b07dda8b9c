#include "core/pages/dashboard_assets.hpp"

#include "core/pages/versioned_href.hpp"

#include <cstddef>
#include <cstdint>

namespace paylinks::pages {

namespace {

// Written for page_csp() and on top of checkout_css() (its colour variables, .btn, .card,
// .row, .facts, .sr-only …): assets/dashboard.css and assets/dashboard.js, plain CSS and
// dependency-free ES2020, minified by the build.
// clang-format off
constexpr std::string_view kCss =
#include "dashboard_css.inc"
;
constexpr std::string_view kJs =
#include "dashboard_js.inc"
;
// clang-format on

constexpr VersionedHref kCssHref = versioned("/assets/dashboard.css", kCss);
constexpr VersionedHref kJsHref = versioned("/assets/dashboard.js", kJs);

} // namespace

std::string_view dashboard_css() noexcept {
    return kCss;
}
std::string_view dashboard_js() noexcept {
    return kJs;
}
std::string_view dashboard_css_href() noexcept {
    return kCssHref.view();
}
std::string_view dashboard_js_href() noexcept {
    return kJsHref.view();
}

} // namespace paylinks::pages
