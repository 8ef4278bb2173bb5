//! The desktop app's commands, called as plain functions against the built-in demo
//! service (the real reference service over HTTP on 127.0.0.1), a real SQLCipher
//! wallet and the OS keyring of the test session.

/// Backups into a chosen folder, and 从备份恢复.
mod backups;
/// Generated TypeScript declarations match the committed ones.
mod bindings;
/// First run, login, sync, search, detail, files, claims: the paths the UI takes.
mod commands;
/// Errors reach the UI as stable codes, and bad input loses nothing.
mod errors;
/// Kiosk rules: the config and its PIN hash, sessions in memory, the operator log.
mod kiosk;
/// Shared set-up.
mod support;
