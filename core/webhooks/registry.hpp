#pragma once
// The endpoint registry: one KV key holding every webhook endpoint, so that finding where an
// event goes costs one read (usually answered inside the instance, see read_cache.hpp)
// rather than a list of we/ and a read per endpoint, and so that an event no endpoint wants
// starts no delivery at all.
//
// The we/<id> records stay the truth. Every endpoint change rewrites the registry from a
// fresh read of it; two changes at two locations within KV's consistency window can each
// write a registry without the other's change, so the cron rebuilds it from the records
// when it is missing or unreadable, and every kHealEveryMs otherwise (heal_registry).
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/webhooks/endpoint.hpp"

#include <optional>
#include <string>
#include <vector>

namespace paylinks::webhooks {

inline constexpr std::string_view kRegistryKey = "cfg/webhook_endpoints";
/// How old a copy of the registry may be when deciding where an event goes (seconds).
inline constexpr int kRegistryCacheTtlSeconds = 60;
inline constexpr std::int64_t kHealEveryMs = 60 * 60 * 1000;

/// The registry's text for these endpoints: a JSON array of their stored forms, by id.
[[nodiscard]] std::string registry_text(std::vector<Endpoint> endpoints);
/// The endpoints of a registry text; nullopt when it is not one.
[[nodiscard]] std::optional<std::vector<Endpoint>> read_registry(std::string_view text);

struct RegistryRead {
    bool ok = true;                                 ///< false: KV failed (error says how)
    std::optional<std::vector<Endpoint>> endpoints; ///< nullopt: missing or unreadable
    std::string error;
};
/// The registry, allowing a copy up to kRegistryCacheTtlSeconds old.
[[nodiscard]] engine::Task<RegistryRead> load_registry(engine::Context& ctx);

/// False only when this instance holds a fresh copy of the registry and no active endpoint
/// in it wants `event_type`; asks nothing of KV.
[[nodiscard]] bool may_want(engine::Context& ctx, std::string_view event_type);

/// Puts `endpoint` (or, when `removed`, takes it out) in the registry. A failure is the
/// error text; the record is written already and the cron's heal will catch up.
[[nodiscard]] engine::Task<std::optional<std::string>>
update_registry(engine::Context& ctx, const Endpoint& endpoint, bool removed);

struct HealReport {
    bool checked = false;   ///< the records were listed and compared
    bool rewritten = false; ///< the registry differed and was written anew
    std::size_t endpoints = 0;
    std::optional<std::string> fault;
};
/// The cron's part: rebuilds the registry from the we/ records when it is missing, or when
/// kHealEveryMs has passed on the wall clock's own grid (the tick of each whole hour), and writes it only
/// if it differs.
[[nodiscard]] engine::Task<HealReport> heal_registry(engine::Context& ctx);

/// Every endpoint record (a list of we/ and a read of each), and whether all were read.
struct EndpointRecords {
    std::vector<Endpoint> all;
    bool complete = true;
};
[[nodiscard]] engine::Task<EndpointRecords> list_endpoint_records(engine::Context& ctx);

} // namespace paylinks::webhooks
