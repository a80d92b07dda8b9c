#pragma once
// GET /api/v1/openapi.json: the OpenAPI 3.1 document of this API. Its source is
// docs/openapi.yaml; the build converts it to JSON and embeds it (scripts/openapi/embed.mjs
// writes openapi_document_data.cpp into the build tree), so the answer is the document the
// repository holds, byte for byte the same in every build.
#include "core/http/message.hpp"

#include <string_view>

namespace paylinks::api {

/// The document as compact JSON (generated).
[[nodiscard]] std::string_view openapi_document_json() noexcept;
/// Its strong ETag: the quoted SHA-256 of the JSON, in hex (generated).
[[nodiscard]] std::string_view openapi_document_etag() noexcept;

/// 200 with the document and its ETag, or 304 when If-None-Match names that ETag.
[[nodiscard]] http::Response serve_openapi_document(const http::Request& request);

} // namespace paylinks::api
