// Result<T>: the project's error-return type.
//
// Debian 12 ships no tl::expected package, so this is a small std::variant
// based stand-in with the subset of the tl::expected/std::expected surface we
// use (has_value, value, error, operator*, operator->, bool conversion).
// Recoverable failures return Result; exceptions never cross a module edge.
#pragma once

#include <cerrno>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/core.h>

namespace ktstr {

// What kind of failure this is; the CLI maps it to an exit code (cli.md).
enum class ErrorKind {
  kInvalidInput,  // bad flag, config or scenario file: exit 2
  kEnvironment,   // missing privilege, controller, kernel, KVM: exit 3
  kRuntime,       // a syscall or child failed while running: exit 1
};

struct Error {
  ErrorKind kind = ErrorKind::kRuntime;
  std::string message;  // complete sentence for the user, includes the fix
  int err = 0;          // errno, 0 when not from a syscall
  std::string context;  // path, group, file:line, ... (may be empty)
  int problems = 1;     // > 1 when the message lists several (combine_problems)

  // "context: message (strerror)" as shown to users.
  std::string describe() const;
};

template <class E>
struct Unexpected {
  E value;
};

inline Unexpected<Error> make_error(ErrorKind kind, std::string message, int err = 0,
                                    std::string context = {}) {
  return {Error{kind, std::move(message), err, std::move(context)}};
}
inline Unexpected<Error> invalid_input(std::string message, std::string context = {}) {
  return make_error(ErrorKind::kInvalidInput, std::move(message), 0, std::move(context));
}
inline Unexpected<Error> environment_error(std::string message, int err = 0,
                                           std::string context = {}) {
  return make_error(ErrorKind::kEnvironment, std::move(message), err, std::move(context));
}
// A syscall failed; captures errno at the call.
inline Unexpected<Error> sys_error(std::string what, std::string context = {}) {
  int e = errno;
  return make_error(ErrorKind::kRuntime, std::move(what), e, std::move(context));
}
inline Unexpected<Error> unexpected(Error e) {
  return {std::move(e)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(const T& v) : v_(std::in_place_index<0>, v) {}  // NOLINT(google-explicit-constructor)
  Result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT
  template <class U, class = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                              !std::is_same_v<std::decay_t<U>, Result>>>
  Result(U&& v) : v_(std::in_place_index<0>, T(std::forward<U>(v))) {}             // NOLINT
  Result(Unexpected<Error> e) : v_(std::in_place_index<1>, std::move(e.value)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error& error() { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected<Error> e) : err_(std::move(e.value)), ok_(false) {}  // NOLINT
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const {}
  const Error& error() const { return err_; }
  Error& error() { return err_; }

 private:
  Error err_;
  bool ok_ = true;
};

using Status = Result<void>;

// Several independent problems as one error of the first one's kind: the
// message is "N problems:" and one described problem per indented line, so
// a user fixes them all in one round. One problem is returned unchanged.
Error combine_problems(const std::vector<Error>& all);

// Prefixes more context to an error travelling up ("cgroup cg_0: ...").
inline Error with_context(Error e, const std::string& outer) {
  e.context = e.context.empty() ? outer : outer + ": " + e.context;
  return e;
}

}  // namespace ktstr

// Propagate an error from an expression returning Result<...>.
#define KTSTR_TRY(expr)                                                  \
  do {                                                                   \
    auto&& ktstr_try_r_ = (expr);                                        \
    if (!ktstr_try_r_) return ::ktstr::unexpected(ktstr_try_r_.error()); \
  } while (0)
