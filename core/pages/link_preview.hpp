#pragma once
// What HEAD requests and link-preview bots (Slack, X, Facebook, Discord, Telegram, WhatsApp …)
// get for /l/{slug}: Open Graph and Twitter card metadata plus a minimal page. Rendering it
// creates no session.
#include <optional>
#include <string>
#include <string_view>

namespace paylinks::pages {

/// og:title/twitter:title = title; og:description/twitter:description = price_text, then the
/// description (shortened to 200 characters); og:url and <link rel=canonical> = canonical_url
/// when it is an http(s) URL. Every input is escaped.
[[nodiscard]] std::string render_link_preview(std::string_view title,
                                              std::optional<std::string_view> description,
                                              std::string_view price_text,
                                              std::string_view canonical_url);

} // namespace paylinks::pages
