#pragma once
// The engine: the core's only entry points, driven by the shim.
//
// Theory of operation. The shim calls start() with a request (or a cron tick), the time
// and fresh entropy. The engine creates an exchange, runs its handler coroutine until it
// either finishes — the answer is {"exchange":N,"response":…} — or awaits effects, in
// which case the answer is {"exchange":N,"effects":[…]}. The shim performs those effects
// (concurrently) and calls resume() with their results; the engine hands them to the
// waiting coroutine and runs it again, until it finishes. Many exchanges may be open at
// once, because the worker serves concurrent requests from one instance; they share
// nothing but the configuration. The engine never blocks, never reads a clock, never
// draws randomness and never performs I/O itself.
#include "core/config/config.hpp"
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace paylinks::engine {

class Exchange {
public:
    Exchange(std::uint32_t id, std::int64_t now_ms, std::array<std::uint8_t, 32> entropy,
             const config::Config& config, SharedState& shared)
        : id_(id)
        , context_(now_ms, entropy, config, shared, this) {}

    [[nodiscard]] std::uint32_t id() const noexcept { return id_; }
    [[nodiscard]] Context& context() noexcept { return context_; }

    // Called by EffectBatch: park the waiting coroutine with its effects.
    void suspend_on(std::vector<Effect> effects, coro::coroutine_handle<> waiter) noexcept {
        awaited_ = effects.size();
        pending_ = std::move(effects);
        waiter_ = waiter;
    }
    std::vector<Json> take_results() noexcept { return std::move(results_); }

    // Called by the engine.
    void run(Task<Json> root) noexcept;
    [[nodiscard]] bool finished() const noexcept { return root_ && root_->done(); }
    [[nodiscard]] Json take_outcome() noexcept { return root_->take_result(); }
    [[nodiscard]] const std::vector<Effect>& pending() const noexcept { return pending_; }
    [[nodiscard]] std::vector<Effect> take_pending() noexcept { return std::move(pending_); }
    /// The batch with the shim, as the read cache noted it.
    [[nodiscard]] IssuedBatch& issued() noexcept { return issued_; }
    [[nodiscard]] std::size_t awaited_count() const noexcept { return awaited_; }
    void deliver(std::vector<Json> results) noexcept;

private:
    std::uint32_t id_;
    Context context_;
    std::optional<Task<Json>> root_;
    std::vector<Effect> pending_;
    std::vector<Json> results_;
    IssuedBatch issued_;
    std::size_t awaited_ = 0;
    coro::coroutine_handle<> waiter_;
};

class Engine {
public:
    /// Reads the worker's environment (vars and secrets as strings). A bad configuration is
    /// remembered and reported by every request, so it is loud but never a crash.
    std::string configure(std::string_view env_json);
    std::string start(std::string_view input_json);
    std::string resume(std::string_view input_json);

    [[nodiscard]] std::size_t open_exchanges() const noexcept { return exchanges_.size(); }

private:
    std::string advance(std::map<std::uint32_t, std::unique_ptr<Exchange>>::iterator it);

    config::Config config_;
    SharedState shared_;
    std::map<std::uint32_t, std::unique_ptr<Exchange>> exchanges_;
    std::uint32_t next_id_ = 1;
};

} // namespace paylinks::engine
