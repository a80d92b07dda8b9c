#pragma once
// HTML text helpers for the hosted pages: escaping and defensive URL checks. Every piece of
// merchant or customer text that reaches a page goes through escape_html.
#include <string>
#include <string_view>

namespace paylinks::pages {

/// Escapes & < > " ' (as &amp; &lt; &gt; &quot; &#39;). The result is safe as element text
/// and inside a double- or single-quoted attribute value; nothing else is changed.
[[nodiscard]] std::string escape_html(std::string_view text);

/// escape_html, appended to `out`.
void append_escaped(std::string& out, std::string_view text);

/// True for an absolute "http://" or "https://" URL (scheme in any case) with a host and no
/// whitespace or control characters — the only URLs the pages put into an href.
[[nodiscard]] bool is_http_url(std::string_view url) noexcept;

} // namespace paylinks::pages
