#pragma once
// /api/v1/sweeps (record, list, retrieve) and /api/v1/balances: what `make sweep` collected
// into the treasury, checked on chain, and what is still waiting at deposit addresses.
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/eth/address.hpp"
#include "core/http/message.hpp"
#include "core/num/uint256.hpp"

#include <optional>
#include <string>

namespace paylinks::api {

using engine::Context;
using engine::Task;

/// How far GET /api/v1/balances looks, so that one request costs a known amount: at most
/// kBalanceListCalls KV lists of sweeps and as many of sessions (1000 keys each), and
/// balanceOf for at most kMaxBalanceChecks fulfilled sessions, kBalanceCallsPerBatch to a
/// JSON-RPC batch (one subrequest each). Beyond them the answer says `complete: false`.
inline constexpr int kBalanceListCalls = 5;
inline constexpr std::size_t kMaxBalanceChecks = 500;
inline constexpr std::size_t kBalanceCallsPerBatch = 100;

[[nodiscard]] Task<http::Response> record_sweep(Context& ctx, const http::Request& request);
[[nodiscard]] Task<http::Response> list_sweeps(Context& ctx, const http::Request& request);
[[nodiscard]] Task<http::Response> retrieve_sweep(Context& ctx, const http::Request& request,
                                                  std::string id);
[[nodiscard]] Task<http::Response> show_balances(Context& ctx, const http::Request& request);

/// eth_call data of ERC-20 balanceOf(owner).
[[nodiscard]] std::string balance_of_calldata(const eth::Address& owner);
/// An eth_call answer holding one uint256 word; nullopt when it is anything else.
[[nodiscard]] std::optional<num::uint256> read_uint256_word(const Json& result);
/// An eth_call answer holding one address word (high 12 bytes zero).
[[nodiscard]] std::optional<eth::Address> read_address_word(const Json& result);

} // namespace paylinks::api
