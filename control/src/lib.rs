//! The vtep process: CLI, configuration, EAL and port bring-up, the
//! control thread, show commands and the control socket.
pub mod config;
