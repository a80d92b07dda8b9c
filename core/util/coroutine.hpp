#pragma once
// C++20 coroutines under one name. Debian's Emscripten ships a libc++ that only has the
// Coroutines TS header; clang 14 accepts either, so the core spells them `coro::`.
#if __has_include(<coroutine>)
#include <coroutine>
namespace paylinks::coro {
using std::coroutine_handle;
using std::noop_coroutine;
using std::suspend_always;
using std::suspend_never;
} // namespace paylinks::coro
#else
#include <experimental/coroutine>
namespace paylinks::coro {
using std::experimental::coroutine_handle;
using std::experimental::noop_coroutine;
using std::experimental::suspend_always;
using std::experimental::suspend_never;
} // namespace paylinks::coro
#endif
