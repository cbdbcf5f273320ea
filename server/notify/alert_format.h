// Small pure helpers shared by the notification payloads: the label
// fingerprint (Prometheus common/model LabelSet.Fingerprint: FNV-1a 64 over
// the sorted names and values, each followed by 0xff) that identifies an
// alert everywhere, and the time formats of the wire protocols.
// Thread-safe (stateless).
#pragma once

#include <cstdint>
#include <string>

#include "engine/base/labels.h"

namespace vigil::notify {

// Alertmanager's fingerprint of `labels` (the FNV offset basis for an
// empty set, as in common/model).
uint64_t LabelFingerprint(const Labels& labels);
// The fingerprint as 16 lower-case hex digits, as Alertmanager prints it.
std::string FingerprintHex(uint64_t fingerprint);

// "2026-11-27T21:00:05.123Z": RFC 3339 in UTC with exactly 3 fraction
// digits (go-openapi strfmt.DateTime, Alertmanager API v2).
std::string FormatRfc3339Millis(int64_t unix_ms);
// Go's time.Time JSON form (RFC3339Nano in UTC: the fraction without
// trailing zeros, none when whole seconds): "2026-11-27T21:00:05.12Z".
std::string FormatRfc3339Nano(int64_t unix_ms);
// Go's zero time, what Alertmanager shows as the end of a firing alert.
inline constexpr const char* kZeroTime = "0001-01-01T00:00:00Z";

}  // namespace vigil::notify
