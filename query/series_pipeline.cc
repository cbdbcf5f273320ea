#include "query/series_pipeline.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace vigil::query {

struct SeriesPipeline::Batch {
  std::vector<PipelineItem> items;
  std::vector<uint8_t> skipped;  // not computed because an item had failed
  bool done = false;
  Batch() { items.reserve(kBatchSeries); }  // items never move: views into their bytes stay valid
};

// Shared with helper tasks, which may start after the pipeline is gone: they
// then find `closed` and leave without touching compute/sink.
struct SeriesPipeline::State {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Batch*> queue;                  // pushed, not started
  std::deque<std::unique_ptr<Batch>> order;  // pushed, not yet sunk, in feed order
  bool draining = false;
  bool closed = false;
  std::atomic<bool> abandoned{false};  // destroyed without Finish: sink nothing more
  size_t helpers = 0;      // submitted and not exited
  size_t running = 0;      // helpers inside their loop
  std::atomic<bool> failed{false};
  bool gap = false;        // a skipped item was reached: sink nothing more
  Status first_error;
  const ComputeFn* compute = nullptr;
  const SinkFn* sink = nullptr;

  void Process(Batch* b) {
    thread_local std::vector<Point> scratch;
    b->skipped.assign(b->items.size(), 0);
    for (size_t i = 0; i < b->items.size(); ++i) {
      PipelineItem& item = b->items[i];
      if (failed.load(std::memory_order_relaxed)) {
        b->skipped[i] = 1;
        continue;
      }
      item.status = (*compute)(item, &scratch);
      if (!item.status.ok()) failed.store(true, std::memory_order_relaxed);
      std::string().swap(item.bytes);  // the encoded copy is no longer needed
    }
  }

  // Marks b computed and sinks every leading computed batch, in order. One
  // thread drains at a time; the others only mark.
  void Complete(Batch* b) {
    std::unique_lock<std::mutex> lk(mu);
    b->done = true;
    if (draining) return;
    draining = true;
    while (!order.empty() && order.front()->done) {
      std::unique_ptr<Batch> batch = std::move(order.front());
      order.pop_front();
      lk.unlock();
      for (size_t i = 0; i < batch->items.size(); ++i) {
        PipelineItem& item = batch->items[i];
        if (!first_error.ok() || abandoned.load(std::memory_order_relaxed)) break;
        if (batch->skipped[i]) {
          gap = true;
          continue;
        }
        if (!item.status.ok()) {
          first_error = item.status;
          failed.store(true, std::memory_order_relaxed);
          break;
        }
        if (gap) continue;
        Status st = (*sink)(item);
        if (!st.ok()) {
          first_error = st;
          failed.store(true, std::memory_order_relaxed);
        }
      }
      batch.reset();
      lk.lock();
    }
    draining = false;
    cv.notify_all();
  }

  // Processes queued batches until none is left (the caller holds lk).
  void RunQueue(std::unique_lock<std::mutex>& lk) {
    while (!queue.empty()) {
      Batch* b = queue.front();
      queue.pop_front();
      lk.unlock();
      Process(b);
      Complete(b);
      lk.lock();
    }
  }
};

SeriesPipeline::SeriesPipeline(TaskPool* pool, size_t threads, uint64_t min_work_per_series, ComputeFn compute,
                               SinkFn sink)
    : compute_(std::move(compute)),
      sink_(std::move(sink)),
      can_parallel_(pool != nullptr && threads > 1),
      min_work_(min_work_per_series),
      threads_(threads),
      pool_(pool) {
  if (can_parallel_ && min_work_ == 0) StartParallel();
}

void SeriesPipeline::StartParallel() {
  parallel_ = true;
  state_ = std::make_shared<State>();
  state_->compute = &compute_;
  state_->sink = &sink_;
  pending_ = std::make_unique<Batch>();
}

SeriesPipeline::~SeriesPipeline() {
  if (!state_) return;
  std::unique_lock<std::mutex> lk(state_->mu);
  if (state_->closed) return;
  // Abandoned (an early return in the caller): drop unstarted batches and
  // wait for running helpers, which use compute/sink.
  state_->abandoned.store(true);
  state_->failed.store(true);
  state_->queue.clear();
  state_->cv.wait(lk, [&] { return state_->running == 0 && !state_->draining; });
  state_->closed = true;
}

bool SeriesPipeline::Add(const Series& s) {
  if (!parallel_) {
    if (!serial_status_.ok()) return false;
    item_.labels = s.labels();
    item_.chunks = std::span<const ChunkView>(s.chunks());
    serial_status_ = compute_(item_, &scratch_);
    if (serial_status_.ok()) serial_status_ = sink_(item_);
    if (!serial_status_.ok()) return false;
    if (can_parallel_ && probed_ < kProbeSeries) {
      work_ += item_.decoded + item_.points;
      if (++probed_ == kProbeSeries && work_ >= min_work_ * kProbeSeries) StartParallel();
    }
    return true;
  }
  if (state_->failed.load(std::memory_order_relaxed)) return false;
  PipelineItem& item = pending_->items.emplace_back();
  item.labels = s.labels();
  const std::vector<ChunkView>& chunks = s.chunks();
  size_t total = 0;
  for (const ChunkView& c : chunks) total += c.bytes.size();
  item.bytes.reserve(total);
  for (const ChunkView& c : chunks) item.bytes.append(c.bytes);
  item.owned_chunks = chunks;
  size_t off = 0;
  for (ChunkView& c : item.owned_chunks) {
    size_t len = c.bytes.size();
    c.bytes = std::string_view(item.bytes.data() + off, len);
    off += len;
  }
  item.chunks = std::span<const ChunkView>(item.owned_chunks);
  if (pending_->items.size() == kBatchSeries) Push();
  return true;
}

void SeriesPipeline::Push() {
  State& st = *state_;
  std::unique_lock<std::mutex> lk(st.mu);
  Batch* b = pending_.release();
  st.order.emplace_back(b);
  st.queue.push_back(b);
  pushed_any_ = true;
  if (st.helpers + 1 < threads_) {
    ++st.helpers;
    pool_->Submit([s = state_] {
      std::unique_lock<std::mutex> l(s->mu);
      if (!s->closed) {
        ++s->running;
        s->RunQueue(l);
        --s->running;
      }
      --s->helpers;
      s->cv.notify_all();
    });
  }
  // Helpers lag: the feeding thread computes the oldest batch itself.
  while (st.queue.size() > 2 * threads_) {
    Batch* own = st.queue.front();
    st.queue.pop_front();
    lk.unlock();
    st.Process(own);
    st.Complete(own);
    lk.lock();
  }
  lk.unlock();
  pending_ = std::make_unique<Batch>();
}

Status SeriesPipeline::Finish() {
  if (!parallel_) return serial_status_;
  State& st = *state_;
  if (!pending_->items.empty()) {
    if (!pushed_any_) {
      // Small input: one batch, computed here without waking any helper.
      std::unique_lock<std::mutex> lk(st.mu);
      Batch* b = pending_.release();
      st.order.emplace_back(b);
      lk.unlock();
      st.Process(b);
      st.Complete(b);
    } else {
      Push();
    }
  }
  std::unique_lock<std::mutex> lk(st.mu);
  st.RunQueue(lk);
  st.cv.wait(lk, [&] { return st.order.empty() && !st.draining && st.running == 0; });
  st.closed = true;
  if (st.first_error.ok() && st.gap) return Status::Internal("series pipeline skipped items without an error");
  return st.first_error;
}

}  // namespace vigil::query
