#pragma once
// The names the API, its pages and its documentation share — session statuses with their
// labels and meanings, event types, currencies, networks — as one JSON document built from
// the tables that define them (sessions/session.cpp, events/event.cpp, money/fiat.hpp,
// config/config.cpp). The dashboard reads it from its page; the build writes README's and
// docs/openapi.yaml's lists from it (scripts/build/catalog-docs.mjs), so none is a copy.
#include <string>

namespace paylinks::catalog {

/// {"statuses":[{name,label,tone,fulfilled,refund,meaning}] (refund: a status refunds give
///  the merchant's object, not a payment state), "eventTypes":[{type,when}],
///  "currencies":[{code,exponent}], "defaultCurrency", "networks":[{name,displayName,chainId,usdc,
///  explorerTxUrl,confirmations}]}, compact, in each table's order. The same text every call.
[[nodiscard]] const std::string& catalog_json();

/// The same without the prose (statuses' `meaning`, event types' `when`): what the dashboard
/// page carries, which needs the names, labels and tones only.
[[nodiscard]] const std::string& page_catalog_json();

} // namespace paylinks::catalog
