#pragma once
// A link's sales: how `maxPayments` is counted without compare-and-set.
//
// Workers KV has no counter and no compare-and-set, so a link's count is not a number that
// writers increment. Each session of a link that becomes fulfilled (paid, overpaid,
// paid_late) leaves a marker key, `sold/{link id}/{session id}`, written by whichever save
// records that transition: the key is the session's, so a second writer of the same fact
// writes the same key and nothing is counted twice. A link's count is a KV list of its
// markers, bounded by what the caller needs to know (maxPayments for the gate, up to 1000
// for the API object). Markers are never deleted: a count only grows, so an instance that
// has seen a link sold out remembers it and lists no more for it (SharedState::link_sales).
//
// The bound this gives: a session opens only if its count, read just before, is below
// maxPayments. Sessions opened before the sale that reached the limit was recorded (and, at
// another Cloudflare location, before that marker was visible there: up to 60 s) may still
// be paid, so fulfilled sessions never exceed maxPayments by more than those sessions.
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/error.hpp"
#include "core/links/link.hpp"
#include "core/sessions/session.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace paylinks::links {

inline constexpr std::string_view kSalePrefix = "sold/";
/// The most sales one KV list counts; maxPayments is at most this (api/validate.hpp).
inline constexpr int kSalesListLimit = 1000;

/// `sold/{link id}/`: the prefix of one link's markers.
[[nodiscard]] std::string sales_prefix(std::string_view link_id);
/// `sold/{link id}/{session id}`.
[[nodiscard]] std::string sale_key(std::string_view link_id, std::string_view session_id);

/// Whether saving `session` over a record in state `previous` records a sale: a link's
/// session that becomes fulfilled for the first time. A reorged session paid again was
/// counted when it was first fulfilled, and a reorg does not give its place back.
[[nodiscard]] bool records_sale(const sessions::Session& session,
                                std::optional<sessions::Status> previous) noexcept;
/// The marker write for such a save.
[[nodiscard]] engine::Effect sale_write(const sessions::Session& session);
/// Whether `effect` is a marker write (a busy refusal of one means another writer wrote it).
[[nodiscard]] bool is_sale_write(const engine::Effect& effect);

/// The list that counts a link's sales up to `at_most` (1..kSalesListLimit), for batching, and
/// its reading (nullopt: KV failed, `error` says how).
[[nodiscard]] engine::Effect sales_list(std::string_view link_id, int at_most);
[[nodiscard]] std::optional<std::size_t> read_sales(engine::Context& ctx,
                                                    const std::string& link_id, const Json& result,
                                                    std::string& error);

/// Counts the link's sales up to `at_most` (1..kSalesListLimit) with one KV list.
[[nodiscard]] engine::Task<std::variant<std::size_t, http::ApiError>>
count_sales(engine::Context& ctx, std::string link_id, int at_most);

/// Whether no more sessions may be opened from `link`: it has maxPayments and that many
/// sales. A link without maxPayments costs nothing; one this instance has seen sold out
/// costs nothing either; otherwise one KV list.
[[nodiscard]] engine::Task<std::variant<bool, http::ApiError>> sold_out(engine::Context& ctx,
                                                                        const Link& link);

/// The API object's completedSessions: counted (one list) for a link with maxPayments,
/// nullopt for one without.
[[nodiscard]] engine::Task<std::variant<std::optional<std::size_t>, http::ApiError>>
completed_sessions(engine::Context& ctx, const Link& link);

/// The refusal of a session for a sold-out link (409 link_sold_out).
[[nodiscard]] http::ApiError sold_out_error(const Link& link);

} // namespace paylinks::links
