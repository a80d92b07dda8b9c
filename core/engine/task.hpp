#pragma once
// Task<T>: a lazily started coroutine that produces one T.
//
// Handlers are written as straight-line coroutines; whenever one needs I/O it awaits an
// effect batch (see effects.hpp), which suspends the whole chain of awaiting tasks and hands
// control back to the engine, which later resumes the innermost suspended coroutine.
//
// Symmetric transfer would need wasm tail calls, which the shipped toolchain does not
// enable, so a task hands control back in the classic way: awaiting a task runs it at once;
// if it finishes without suspending, the awaiter simply carries on; if it suspended, it
// resumes its awaiter when it finishes later. The stack never holds more than one chain.
#include "core/util/coroutine.hpp"

#include <cstdlib>
#include <optional>
#include <utility>

namespace paylinks::engine {

// clang 14 turns a resume() that ends an await_suspend into a wasm tail call, a feature
// the shipped toolchain does not enable; resuming through an opaque call prevents that.
[[gnu::noinline]] inline void resume_opaque(coro::coroutine_handle<> handle) noexcept {
    handle.resume();
}

template<class T>
class [[nodiscard]] Task {
public:
    struct promise_type {
        std::optional<T> value;
        coro::coroutine_handle<> continuation;
        bool running_inline = false; ///< still inside the awaiter's await_suspend

        Task get_return_object() noexcept {
            return Task{coro::coroutine_handle<promise_type>::from_promise(*this)};
        }
        coro::suspend_always initial_suspend() noexcept { return {}; }

        struct FinalAwaiter {
            bool await_ready() noexcept { return false; }
            void await_suspend(coro::coroutine_handle<promise_type> self) noexcept {
                auto& promise = self.promise();
                if (!promise.running_inline && promise.continuation)
                    resume_opaque(promise.continuation);
            }
            void await_resume() noexcept {}
        };
        FinalAwaiter final_suspend() noexcept { return {}; }

        template<class U>
        void return_value(U&& result) {
            value.emplace(std::forward<U>(result));
        }
        // Built without exceptions: nothing can reach here.
        void unhandled_exception() noexcept { std::abort(); }
    };

    using Handle = coro::coroutine_handle<promise_type>;

    Task(Task&& other) noexcept
        : handle_(std::exchange(other.handle_, {})) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            if (handle_) handle_.destroy();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() {
        if (handle_) handle_.destroy();
    }

    // Awaiting a task starts it; the awaiter stays suspended only if the task did.
    bool await_ready() const noexcept { return false; }
    bool await_suspend(coro::coroutine_handle<> awaiter) noexcept {
        auto& promise = handle_.promise();
        promise.continuation = awaiter;
        promise.running_inline = true;
        resume_opaque(handle_);
        promise.running_inline = false;
        return !handle_.done();
    }
    T await_resume() noexcept { return std::move(*handle_.promise().value); }

    // For the engine, which drives the outermost task by hand.
    [[nodiscard]] Handle handle() const noexcept { return handle_; }
    [[nodiscard]] bool done() const noexcept { return handle_.done(); }
    [[nodiscard]] T take_result() noexcept { return std::move(*handle_.promise().value); }

private:
    explicit Task(Handle handle) noexcept
        : handle_(handle) {}
    Handle handle_;
};

} // namespace paylinks::engine
