//! The vtep process: CLI, configuration, EAL and port bring-up, the
//! control thread, show commands and the control socket.

#![forbid(unsafe_code)]

pub mod app;
pub mod bringup;
pub mod cli;
pub mod config;
pub mod ctl;
pub mod gateway;
pub mod ports;
pub mod protocols;
pub mod show;
pub mod stats;
pub mod switch;
