//! Rate limits. Per client address: in memory, in one-minute windows (a cheap first
//! gate). Per ID number: in the store, over the last hour, so that neither a restart
//! nor a new SMS code forgets a failure. ID numbers are counted by hash, known or
//! not, so a limit answers the same whether or not the number has an account.

use crate::keys::sha256_hex;
use sqlx::SqliteConnection;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The login limits. `Default` is what a real deployment uses, and what every test
/// runs with.
#[derive(Debug, Clone)]
pub struct AuthLimits {
    /// Least time between two SMS codes for one ID number while the earlier one is
    /// unused.
    pub sms_interval: Duration,
    /// SMS codes per ID number per hour that did not lead to a login.
    pub sms_per_hour: u32,
    /// Wrong codes per ID number per hour; then logins for it are refused until the
    /// oldest failure is an hour old. A new code does not reset it.
    pub failures_per_hour: u32,
    /// SMS requests per client address (an IPv6 /64) per minute.
    pub sms_per_address_minute: u32,
    /// Login attempts per client address per minute.
    pub logins_per_address_minute: u32,
}

impl Default for AuthLimits {
    fn default() -> AuthLimits {
        AuthLimits {
            sms_interval: Duration::from_secs(60),
            sms_per_hour: 5,
            failures_per_hour: 10,
            sms_per_address_minute: 20,
            logins_per_address_minute: 60,
        }
    }
}

/// A refusal: try again after this many seconds (the `Retry-After` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Entries kept before windows that have ended are dropped.
const PRUNE_AT: usize = 4096;
const MINUTE: Duration = Duration::from_secs(60);

/// Counts events per key in fixed windows of one period.
pub struct Windows<K> {
    period: Duration,
    counts: Mutex<HashMap<K, (Instant, u32)>>,
}

impl<K: Hash + Eq> Windows<K> {
    pub fn new(period: Duration) -> Windows<K> {
        Windows {
            period,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one more event for `key`; refused once the window holds more than
    /// `limit`.
    pub fn admit(&self, key: K, limit: u32) -> Result<(), RetryAfter> {
        self.admit_at(key, limit, Instant::now())
    }

    fn admit_at(&self, key: K, limit: u32, now: Instant) -> Result<(), RetryAfter> {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if counts.len() >= PRUNE_AT {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.period);
        }
        let entry = counts.entry(key).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.period {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 <= limit {
            Ok(())
        } else {
            let left = self.period.saturating_sub(now.duration_since(entry.0));
            Err(RetryAfter(left.as_secs().max(1)))
        }
    }

    /// Whether `key`'s current window already holds more than `limit`, without
    /// counting.
    pub fn is_over(&self, key: &K, limit: u32) -> bool {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        counts.get(key).is_some_and(|(start, n)| {
            Instant::now().duration_since(*start) < self.period && *n > limit
        })
    }

    /// Keys currently remembered.
    pub fn len(&self) -> usize {
        self.counts.lock().map(|c| c.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Counts requests per client address in one-minute windows. IPv6 addresses count
/// per /64, the block one subscriber gets, so changing address within it does not
/// buy more tries.
pub struct AddressWindow(Windows<IpAddr>);

impl Default for AddressWindow {
    fn default() -> AddressWindow {
        AddressWindow(Windows::new(MINUTE))
    }
}

impl AddressWindow {
    pub fn admit(&self, ip: IpAddr, limit: u32) -> Result<(), RetryAfter> {
        self.0.admit(bucket(ip), limit)
    }
}

/// The address a limit counts: IPv4 as is (also when mapped into IPv6), IPv6 by /64.
pub fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(prefix.into())
            }
        },
    }
}

/// What is counted per ID number.
#[derive(Debug, Clone, Copy)]
pub enum IdEvent {
    SmsSent,
    WrongCode,
}

impl IdEvent {
    fn as_str(self) -> &'static str {
        match self {
            IdEvent::SmsSent => "sms",
            IdEvent::WrongCode => "failure",
        }
    }
}

const HOUR_SECS: i64 = 3600;

/// The key an ID number is counted under.
pub fn id_key(id_number: &str) -> String {
    sha256_hex(&format!("auth-limit\0{id_number}"))
}

/// The events of one kind for an ID number in the hour before `now`: how many, and
/// the times of the oldest and the newest.
pub async fn recent(
    conn: &mut SqliteConnection,
    key: &str,
    event: IdEvent,
    now: i64,
) -> Result<(u32, Option<i64>, Option<i64>), sqlx::Error> {
    let (count, oldest, newest): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT count(*), min(at), max(at) FROM auth_events WHERE id_key = ? AND kind = ? AND at > ?",
    )
    .bind(key)
    .bind(event.as_str())
    .bind(now - HOUR_SECS)
    .fetch_one(&mut *conn)
    .await?;
    Ok((u32::try_from(count).unwrap_or(u32::MAX), oldest, newest))
}

/// Refused while `limit` events of the hour are held: until the oldest leaves it.
pub async fn within_hourly(
    conn: &mut SqliteConnection,
    key: &str,
    event: IdEvent,
    limit: u32,
    now: i64,
) -> Result<Result<(), RetryAfter>, sqlx::Error> {
    let (count, oldest, _) = recent(conn, key, event, now).await?;
    Ok(match (count >= limit, oldest) {
        (true, Some(oldest)) => Err(RetryAfter((oldest + HOUR_SECS - now).max(1) as u64)),
        _ => Ok(()),
    })
}

/// Counts one event, and forgets every event older than an hour.
pub async fn record(
    conn: &mut SqliteConnection,
    key: &str,
    event: IdEvent,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM auth_events WHERE at <= ?")
        .bind(now - HOUR_SECS)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO auth_events (id_key, kind, at) VALUES (?, ?, ?)")
        .bind(key)
        .bind(event.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// After a successful login: the person holds the phone, nothing to hold against.
pub async fn forget(conn: &mut SqliteConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM auth_events WHERE id_key = ?")
        .bind(key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:fffe".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(bucket(a), bucket(b));
        assert_ne!(bucket(a), bucket(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(bucket(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_window_refuses_past_its_limit_and_says_how_long_to_wait() {
        let window = AddressWindow::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(window.admit(ip, 3), Ok(()));
        }
        let RetryAfter(wait) = window.admit(ip, 3).unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(window.admit("192.0.2.2".parse().unwrap(), 3), Ok(()));
    }

    #[test]
    fn keys_whose_window_ended_are_forgotten() {
        let window = Windows::new(MINUTE);
        let start = Instant::now();
        for i in 0..PRUNE_AT as u128 {
            let ip = IpAddr::V6(((i << 64) | 1).into());
            window.admit_at(bucket(ip), 10, start).unwrap();
        }
        assert_eq!(window.len(), PRUNE_AT);
        let later = start + Duration::from_secs(61);
        window
            .admit_at("192.0.2.1".parse().unwrap(), 10, later)
            .unwrap();
        assert_eq!(window.len(), 1);
    }

    #[test]
    fn a_window_over_its_limit_says_so_without_counting() {
        let window: Windows<()> = Windows::new(MINUTE);
        assert!(!window.is_over(&(), 2));
        for _ in 0..3 {
            let _ = window.admit((), 2);
        }
        assert!(window.is_over(&(), 2));
        assert!(!window.is_over(&(), 3));
    }
}
