#pragma once
// The HTML error page of the public routes (unknown, inactive or expired link, unknown
// session …), in the checkout page's visual language.
#include <string>
#include <string_view>

namespace paylinks::pages {

/// A complete document: heading as the single h1, the message below it, the status code in
/// small print. Both texts are escaped.
[[nodiscard]] std::string render_error_page(int status, std::string_view heading,
                                            std::string_view message);

} // namespace paylinks::pages
