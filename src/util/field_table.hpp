// A struct's field list written once. FieldTable<S>::kFields is a constexpr
// tuple of Field<&S::member> entries, each with the member's serialized key
// and what a reader does when that key is absent; every serializer of S
// (JSON, CBOR, both directions) walks that one tuple instead of naming the
// fields again. Each entry has its own type, so a serializer can single out
// one member at compile time (kSameMember) while staying a plain loop.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace ktstr {

template <class P>
struct MemberPointer;
template <class S, class T>
struct MemberPointer<T S::*> {
  using Struct = S;
  using Value = T;
};

// What a reader does when a field's key is missing from its input.
enum class Absent {
  kRequired,  // the JSON reader fails (nlohmann's out_of_range)
  kDefault,   // the field gets its default (the value in S{})
};

template <auto M>
struct Field {
  using Struct = typename MemberPointer<decltype(M)>::Struct;
  using Value = typename MemberPointer<decltype(M)>::Value;
  static constexpr auto kMember = M;
  std::string_view key;
  Absent absent = Absent::kRequired;
};

template <auto M>
constexpr Field<M> required_field(std::string_view key) {
  return {key, Absent::kRequired};
}
template <auto M>
constexpr Field<M> defaulted_field(std::string_view key) {
  return {key, Absent::kDefault};
}

// Specialised next to each struct that has one: `static constexpr std::tuple kFields{...}`.
template <class S>
struct FieldTable;

template <class S>
inline constexpr bool kHasFieldTable = requires {
  FieldTable<S>::kFields;
};

template <class S>
inline constexpr size_t kFieldCount = std::tuple_size_v<decltype(FieldTable<S>::kFields)>;

// True when A and B name the same member (and so have the same type).
template <auto A, auto B>
inline constexpr bool kSameMember = false;
template <auto A>
inline constexpr bool kSameMember<A, A> = true;

// Shape tests for the value types serializers handle generically.
template <class T>
inline constexpr bool kIsOptional = false;
template <class T>
inline constexpr bool kIsOptional<std::optional<T>> = true;
template <class T>
inline constexpr bool kIsVector = false;
template <class T>
inline constexpr bool kIsVector<std::vector<T>> = true;
template <class T>
inline constexpr bool kIsRecordVector = false;
template <class T>
inline constexpr bool kIsRecordVector<std::vector<T>> = kHasFieldTable<T>;

// Calls f(field) for each entry of S's table, in table order.
template <class S, class F>
constexpr void for_each_field(F&& f) {
  std::apply([&](const auto&... field) { (f(field), ...); }, FieldTable<S>::kFields);
}

}  // namespace ktstr
