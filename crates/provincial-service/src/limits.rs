//! Rate limits, all in the store so that instances over one database count
//! together and a restart forgets nothing. Per client address (and per citizen for
//! hand-off codes): fixed windows. Per ID number: over the last hour, so that a new
//! SMS code forgets no failure. ID numbers are counted by hash, known or
//! not, so a limit answers the same whether or not the number has an account.

use crate::keys::sha256_hex;
use sqlx::{AnyConnection, AnyPool};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

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

/// Windows that ended are deleted once in this many admissions.
const PRUNE_EVERY: u32 = 1000;
const MINUTE: Duration = Duration::from_secs(60);

/// Counts events per key in fixed windows of one period, in the store
/// (`rate_windows`): instances over one database share the count, and a restart
/// forgets nothing.
pub struct Windows {
    name: &'static str,
    period: Duration,
    admitted: AtomicU32,
}

impl Windows {
    pub fn new(name: &'static str, period: Duration) -> Windows {
        Windows {
            name,
            period,
            admitted: AtomicU32::new(0),
        }
    }

    /// Counts one more event for `key`; refused once the window holds more than
    /// `limit`.
    pub async fn admit(
        &self,
        db: &AnyPool,
        key: &str,
        limit: u32,
    ) -> Result<Result<(), RetryAfter>, sqlx::Error> {
        self.admit_at(db, key, limit, now_secs()).await
    }

    async fn admit_at(
        &self,
        db: &AnyPool,
        key: &str,
        limit: u32,
        now: i64,
    ) -> Result<Result<(), RetryAfter>, sqlx::Error> {
        let ended = now - self.period.as_secs() as i64;
        if self.admitted.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            sqlx::query("DELETE FROM rate_windows WHERE name = $1 AND started <= $2")
                .bind(self.name)
                .bind(ended)
                .execute(db)
                .await?;
        }
        // One statement: two instances counting at once each see the other's count.
        let (started, count): (i64, i64) = sqlx::query_as(
            "INSERT INTO rate_windows (name, key, started, count) VALUES ($1, $2, $3, 1)
             ON CONFLICT (name, key) DO UPDATE SET
                 count = CASE WHEN rate_windows.started <= $4 THEN 1 ELSE rate_windows.count + 1 END,
                 started = CASE WHEN rate_windows.started <= $5 THEN excluded.started ELSE rate_windows.started END
             RETURNING started, count",
        )
        .bind(self.name)
        .bind(key)
        .bind(now)
        .bind(ended)
        .bind(ended)
        .fetch_one(db)
        .await?;
        Ok(if count <= i64::from(limit) {
            Ok(())
        } else {
            let left = started + self.period.as_secs() as i64 - now;
            Err(RetryAfter(left.max(1) as u64))
        })
    }

    /// Whether `key`'s current window already holds more than `limit`, without
    /// counting.
    pub async fn is_over(&self, db: &AnyPool, key: &str, limit: u32) -> Result<bool, sqlx::Error> {
        let ended = now_secs() - self.period.as_secs() as i64;
        let count: Option<i64> = sqlx::query_scalar(
            "SELECT count FROM rate_windows WHERE name = $1 AND key = $2 AND started > $3",
        )
        .bind(self.name)
        .bind(key)
        .bind(ended)
        .fetch_optional(db)
        .await?;
        Ok(count.is_some_and(|n| n > i64::from(limit)))
    }
}

/// Counts requests per client address in one-minute windows. IPv6 addresses count
/// per /64, the block one subscriber gets, so changing address within it does not
/// buy more tries.
pub struct AddressWindow(Windows);

impl AddressWindow {
    pub fn new(name: &'static str) -> AddressWindow {
        AddressWindow(Windows::new(name, MINUTE))
    }

    pub async fn admit(
        &self,
        db: &AnyPool,
        ip: IpAddr,
        limit: u32,
    ) -> Result<Result<(), RetryAfter>, sqlx::Error> {
        self.0.admit(db, &bucket(ip).to_string(), limit).await
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
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
    conn: &mut AnyConnection,
    key: &str,
    event: IdEvent,
    now: i64,
) -> Result<(u32, Option<i64>, Option<i64>), sqlx::Error> {
    let (count, oldest, newest): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT count(*), min(at), max(at) FROM auth_events WHERE id_key = $1 AND kind = $2 AND at > $3",
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
    conn: &mut AnyConnection,
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
    conn: &mut AnyConnection,
    key: &str,
    event: IdEvent,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM auth_events WHERE at <= $1")
        .bind(now - HOUR_SECS)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO auth_events (id_key, kind, at) VALUES ($1, $2, $3)")
        .bind(key)
        .bind(event.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// After a successful login: the person holds the phone, nothing to hold against.
pub async fn forget(conn: &mut AnyConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM auth_events WHERE id_key = $1")
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

    async fn store() -> crate::store::Store {
        crate::store::connect(&crate::StoreAt::Memory)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_window_refuses_past_its_limit_and_says_how_long_to_wait() {
        let store = store().await;
        let window = AddressWindow::new("test");
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(window.admit(&store.pool, ip, 3).await.unwrap(), Ok(()));
        }
        let RetryAfter(wait) = window.admit(&store.pool, ip, 3).await.unwrap().unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        let other = "192.0.2.2".parse().unwrap();
        assert_eq!(window.admit(&store.pool, other, 3).await.unwrap(), Ok(()));
    }

    #[tokio::test]
    async fn a_window_starts_again_when_its_period_has_passed() {
        let store = store().await;
        let window = Windows::new("test", MINUTE);
        assert_eq!(
            window.admit_at(&store.pool, "k", 1, 1000).await.unwrap(),
            Ok(())
        );
        assert_eq!(
            window.admit_at(&store.pool, "k", 1, 1030).await.unwrap(),
            Err(RetryAfter(30))
        );
        // A minute after the window began, a new one: counted from 1.
        assert_eq!(
            window.admit_at(&store.pool, "k", 1, 1060).await.unwrap(),
            Ok(())
        );
        assert_eq!(
            window.admit_at(&store.pool, "k", 1, 1061).await.unwrap(),
            Err(RetryAfter(59))
        );
    }

    #[tokio::test]
    async fn windows_that_ended_are_deleted_in_time() {
        let store = store().await;
        let window = Windows::new("test", MINUTE);
        for i in 0..PRUNE_EVERY - 1 {
            window
                .admit_at(&store.pool, &i.to_string(), 10, 1000)
                .await
                .unwrap()
                .unwrap();
        }
        let count = || sqlx::query_scalar::<_, i64>("SELECT count(*) FROM rate_windows");
        assert_eq!(
            count().fetch_one(&store.pool).await.unwrap(),
            i64::from(PRUNE_EVERY - 1)
        );
        window
            .admit_at(&store.pool, "late", 10, 1061)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(count().fetch_one(&store.pool).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_window_over_its_limit_says_so_without_counting() {
        let store = store().await;
        let window = Windows::new("test", MINUTE);
        assert!(!window.is_over(&store.pool, "", 2).await.unwrap());
        for _ in 0..3 {
            let _ = window.admit(&store.pool, "", 2).await.unwrap();
        }
        assert!(window.is_over(&store.pool, "", 2).await.unwrap());
        assert!(!window.is_over(&store.pool, "", 3).await.unwrap());
    }
}
