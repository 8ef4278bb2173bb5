//! Integration tests of the reference service over real HTTP on 127.0.0.1:0.

/// Login, SMS codes, token expiry, refresh rotation and reuse.
mod auth;
/// Bad input answers a 4xx with a JSON code, never a 500.
mod bad_input;
/// 查验 by the receipt's elements, and its rate limit.
mod check;
/// Claims: lifecycle, concurrency, idempotency, isolation, bad input.
mod claims;
/// 我要咨询: threads between a receipt's payer and its issuer, and no one else.
mod consultations;
/// Fault injection switches.
mod faults;
/// Hand-off codes: a logged-in citizen's one-time code for a kiosk.
mod handoff;
/// Each citizen reads only their own receipts and changes.
mod isolation;
/// Issuing, reversing (冲红) and exchanging (换开) while wallets are connected.
mod issuer;
/// The login cannot be brute-forced nor used to flood a phone: limits per ID
/// number and per address, with 429 and Retry-After.
mod login_limits;
/// The committed OpenAPI document matches the served one.
mod openapi;
/// 换开纸质票据 at an issuer's kiosk: once, by the present payer, taken back only by
/// the same kiosk within minutes.
mod paper;
/// Paging: stable, resumable, and every served receipt verifies.
mod receipts;
/// Starting a service and logging in as a demo citizen.
mod support;
/// The trust bundle and issuer revocation.
mod trust;
