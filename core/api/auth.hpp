#pragma once
// API-key authentication: `Authorization: Bearer <secret key>`, compared in constant time.
#include "core/api/validate.hpp"
#include "core/config/config.hpp"
#include "core/http/message.hpp"

namespace paylinks::api {

[[nodiscard]] MaybeError authenticate(const http::Request& request, const config::Config& config);
/// Whether the request carries a non-blank Authorization header (public endpoints accept an
/// anonymous caller but still reject a wrong key).
[[nodiscard]] bool has_credentials(const http::Request& request) noexcept;

} // namespace paylinks::api
