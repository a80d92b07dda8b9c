#include "core/pages/assets.hpp"

#include "core/pages/versioned_href.hpp"

#include <cstddef>
#include <cstdint>

namespace paylinks::pages {

namespace {

// Written for page_csp(): nothing inline, so every style and behaviour lives in
// assets/checkout.css and assets/checkout.js (plain CSS and dependency-free ES2020, minified
// by the build).
// clang-format off
constexpr std::string_view kCss =
#include "checkout_css.inc"
;
constexpr std::string_view kJs =
#include "checkout_js.inc"
;
// clang-format on

constexpr std::string_view kCsp =
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

constexpr VersionedHref kCssHref = versioned("/assets/checkout.css", kCss);
constexpr VersionedHref kJsHref = versioned("/assets/checkout.js", kJs);

} // namespace

std::string_view checkout_css() noexcept {
    return kCss;
}
std::string_view checkout_js() noexcept {
    return kJs;
}
std::string_view checkout_css_href() noexcept {
    return kCssHref.view();
}
std::string_view checkout_js_href() noexcept {
    return kJsHref.view();
}
std::string_view page_csp() noexcept {
    return kCsp;
}

} // namespace paylinks::pages
