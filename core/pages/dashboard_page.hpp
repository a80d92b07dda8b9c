#pragma once
// GET /dashboard: the merchant dashboard. A static shell (sign-in form, the four sections'
// headings, forms and empty lists); /assets/dashboard.js signs in with the secret API key
// (kept in sessionStorage, for the tab's life) and drives everything through the JSON API.
// The page holds no merchant data, so it is the same for every request.
#include <string>

namespace paylinks::pages {

[[nodiscard]] std::string render_dashboard_page();

} // namespace paylinks::pages
