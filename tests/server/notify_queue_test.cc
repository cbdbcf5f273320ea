// The notifier's pieces without threads or sockets: DeliveryQueue (order,
// capacity in alerts, one delivery per target at a time, superseding) and
// RepeatTracker (what is due, in flight, delivered, abandoned), plus
// ClassifyAnswer's retry table and ReceiverRoute.
#include <gtest/gtest.h>

#include "server/notify/alert_format.h"
#include "server/notify/delivery_queue.h"
#include "server/notify/receiver_route.h"
#include "server/notify/repeat_tracker.h"
#include "tests/server/notify_test_util.h"
#include "tests/testutil/testutil.h"

namespace vigil::notify {
namespace {

using testing::MakeAlert;

Delivery D(const std::string& target, int64_t enqueued_ms, size_t alerts, std::vector<uint64_t> fps = {}) {
  Delivery d;
  d.target = target;
  d.enqueued_ms = enqueued_ms;
  d.next_attempt_ms = enqueued_ms;
  d.alert_count = alerts;
  for (uint64_t fp : fps) d.tracked.push_back({fp, false});
  return d;
}

TEST(NotifyQueueTest, OrderCapacityAndBusyTargets) {
  DeliveryQueue q(5);
  EXPECT_TRUE(q.Push(D("a", 10, 2)).empty());
  EXPECT_TRUE(q.Push(D("b", 20, 2)).empty());
  EXPECT_TRUE(q.Push(D("a", 5, 1)).empty());  // a retry keeps its original place
  EXPECT_EQ(q.alerts(), 5u);
  std::vector<Delivery> dropped = q.Push(D("c", 30, 2));  // 7 > 5: the oldest go until it fits
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_EQ(dropped[0].enqueued_ms, 5);
  EXPECT_EQ(dropped[1].enqueued_ms, 10);
  EXPECT_EQ(q.alerts(), 4u);
  EXPECT_TRUE(q.Push(D("c", 40, 1)).empty());
  EXPECT_EQ(q.alerts(), 5u);
  EXPECT_EQ(q.Push(D("big", 50, 9)).size(), 3u);  // alone over capacity: the others go, it stays
  EXPECT_EQ(q.deliveries(), 1u);
  EXPECT_EQ(q.TakeReady(100)->target, "big");
  q.Release("big");
  (void)q.Push(D("b", 20, 2));
  (void)q.Push(D("c", 30, 2));
  (void)q.Push(D("c", 40, 1));

  std::optional<Delivery> first = q.TakeReady(100);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->target, "b");
  std::optional<Delivery> second = q.TakeReady(100);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->target, "c");
  EXPECT_FALSE(q.TakeReady(100).has_value());  // the other "c" waits: c is busy
  q.Release("c");
  ASSERT_TRUE(q.TakeReady(100).has_value());
  EXPECT_EQ(q.deliveries(), 0u);
}

TEST(NotifyQueueTest, NotReadyBeforeNextAttempt) {
  DeliveryQueue q(10);
  Delivery d = D("a", 0, 1);
  d.next_attempt_ms = 500;
  (void)q.Push(d);
  EXPECT_FALSE(q.TakeReady(499).has_value());
  EXPECT_EQ(q.NextAttemptMs(), std::optional<int64_t>(500));
  EXPECT_TRUE(q.TakeReady(500).has_value());
}

TEST(NotifyQueueTest, SupersededBySameTargetCoveringAlerts) {
  DeliveryQueue q(100);
  (void)q.Push(D("am1", 1, 2, {1, 2}));
  (void)q.Push(D("am1", 2, 2, {2, 3}));
  (void)q.Push(D("am2", 3, 1, {1}));
  EXPECT_EQ(q.RemoveSupersededBy(D("am1", 9, 2, {1, 2})), 2u);  // only the first: same target, all covered
  EXPECT_EQ(q.deliveries(), 2u);
  EXPECT_EQ(q.alerts(), 3u);
}

TEST(NotifyQueueTest, RepeatTrackerLifecycle) {
  RepeatTracker t;
  const int64_t repeat = 1000;
  rules::AlertNotice a = MakeAlert({{"alertname", "A"}}, {}, 1);
  rules::AlertNotice resolved = a;
  resolved.resolved = true;
  const TrackedAlert fired{LabelFingerprint(a.labels), false};
  const TrackedAlert gone{LabelFingerprint(a.labels), true};

  EXPECT_TRUE(t.TakeDue({resolved}, 0, repeat, true).empty());  // never told it fired
  EXPECT_EQ(t.TakeDue({a}, 0, repeat, true).size(), 1u);
  EXPECT_TRUE(t.TakeDue({a}, 0, repeat, true).empty());  // in flight
  t.Abandoned({fired});
  EXPECT_EQ(t.TakeDue({a}, 10, repeat, true).size(), 1u);  // given up: due again
  t.Delivered({fired}, 100);
  EXPECT_TRUE(t.TakeDue({a}, 1099, repeat, true).empty());
  EXPECT_EQ(t.TakeDue({a}, 1100, repeat, true).size(), 1u);  // repeat interval since the success
  t.Delivered({fired}, 1100);
  EXPECT_EQ(t.TakeDue({resolved}, 1200, repeat, true).size(), 1u);
  t.Delivered({gone}, 1200);
  EXPECT_EQ(t.size(), 0u);  // forgotten after the resolve
  EXPECT_TRUE(t.TakeDue({resolved}, 1300, repeat, true).empty());

  EXPECT_EQ(t.TakeDue({a}, 2000, repeat, false).size(), 1u);
  t.Delivered({fired}, 2000);
  EXPECT_TRUE(t.TakeDue({resolved}, 2100, repeat, false).empty());  // send_resolved: false
  EXPECT_EQ(t.size(), 0u);

  EXPECT_EQ(t.TakeDue({a}, 3000, repeat, true).size(), 1u);
  t.Delivered({fired}, 3000);
  // Not seen for longer than kForgetAfterMs: forgotten, so new again.
  const int64_t later = 3000 + RepeatTracker::kForgetAfterMs + 60'001;
  EXPECT_TRUE(t.TakeDue({}, later, 100 * RepeatTracker::kForgetAfterMs, true).empty());
  EXPECT_EQ(t.size(), 0u);
}

TEST(NotifyQueueTest, ClassifyAnswer) {
  struct Case {
    TargetKind kind;
    int status;
    std::string body;
    Outcome want;
  } cases[] = {
      {TargetKind::kAlertmanager, 200, "", Outcome::kDelivered},
      {TargetKind::kAlertmanager, 400, "\"bad\"", Outcome::kFailed},
      {TargetKind::kAlertmanager, 500, "", Outcome::kRetry},
      {TargetKind::kAlertmanager, 0, "", Outcome::kRetry},
      {TargetKind::kWebhook, 204, "", Outcome::kDelivered},
      {TargetKind::kWebhook, 429, "", Outcome::kFailed},
      {TargetKind::kWebhook, 503, "", Outcome::kRetry},
      {TargetKind::kSlack, 200, "ok", Outcome::kDelivered},
      {TargetKind::kSlack, 200, "invalid_payload", Outcome::kFailed},
      {TargetKind::kSlack, 204, "", Outcome::kFailed},
      {TargetKind::kSlack, 429, "rate_limited", Outcome::kRetry},
      {TargetKind::kSlack, 500, "rollup_error", Outcome::kRetry},
      {TargetKind::kSlack, 410, "channel_is_archived", Outcome::kFailed},
      {TargetKind::kPagerDuty, 202, "{}", Outcome::kDelivered},
      {TargetKind::kPagerDuty, 400, "{}", Outcome::kFailed},
      {TargetKind::kPagerDuty, 429, "{}", Outcome::kRetry},
      {TargetKind::kPagerDuty, 502, "", Outcome::kRetry},
      {TargetKind::kPagerDuty, 0, "", Outcome::kRetry},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(static_cast<int>(c.kind)) + " " + std::to_string(c.status) + " " + c.body);
    HttpAnswer answer;
    answer.status = c.status;
    answer.body = c.body;
    if (c.status == 0) answer.transport_error = "Couldn't connect to server";
    EXPECT_EQ(ClassifyAnswer(c.kind, answer).outcome, c.want);
  }
}

TEST(NotifyQueueTest, ReceiverRoute) {
  ReceiverConfig r;
  r.match = {{"severity", "critical"}};
  r.match_re = {{"service", "api|web"}, {"team", ".*"}};  // ".*" also matches a missing label
  ASSERT_OK_AND_ASSIGN(ReceiverRoute route, ReceiverRoute::Compile(r));
  struct Case {
    Labels labels;
    bool want;
  } cases[] = {
      {Labels::FromStrings({{"severity", "critical"}, {"service", "api"}}), true},
      {Labels::FromStrings({{"severity", "critical"}, {"service", "web"}, {"team", "x"}}), true},
      {Labels::FromStrings({{"severity", "critical"}, {"service", "apix"}}), false},  // anchored
      {Labels::FromStrings({{"severity", "warning"}, {"service", "api"}}), false},
      {Labels::FromStrings({{"service", "api"}}), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.labels.ToString());
    EXPECT_EQ(route.Matches(c.labels), c.want);
  }
  r.match_re = {{"x", "(("}};
  EXPECT_FALSE(ReceiverRoute::Compile(r).ok());
}

}  // namespace
}  // namespace vigil::notify
