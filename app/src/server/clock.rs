//! All application time comes from one clock handed to the state, so deadlines can be tested
//! by moving the clock rather than sleeping.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Real time plus an adjustable offset: time keeps flowing, and a test can jump ahead
/// (past a bid deadline, say) without waiting. Only built in test mode.
#[derive(Default)]
pub struct TestClock {
    offset_ms: AtomicI64,
}

impl TestClock {
    pub fn advance_ms(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn set(&self, at: DateTime<Utc>) {
        let offset = at.timestamp_millis() - Utc::now().timestamp_millis();
        self.offset_ms.store(offset, Ordering::SeqCst);
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::milliseconds(self.offset_ms())
    }
}
