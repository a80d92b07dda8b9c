#pragma once
// The document skeleton the hosted pages share: doctype, head (charset, viewport, colour
// schemes, the stylesheet and optionally the script, both versioned by content hash so the
// core can serve them with long cache lifetimes), and the closing tags.
#include <initializer_list>
#include <string>
#include <string_view>

namespace paylinks::pages::detail {

struct DocumentHead {
    std::string_view title; ///< plain text; escaped here
    bool script = false;    ///< load /assets/checkout.js (deferred)
    std::string_view extra; ///< trusted markup appended inside <head>
};

/// Appends everything up to and including the opening <body> tag.
void open_document(std::string& out, const DocumentHead& head);

/// Appends "</body></html>".
void close_document(std::string& out);

/// The parts, concatenated (one allocation; far less code than chains of operator+).
[[nodiscard]] std::string join(std::initializer_list<std::string_view> parts);

} // namespace paylinks::pages::detail
