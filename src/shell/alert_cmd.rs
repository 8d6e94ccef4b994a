//! `--on-alert CMD`: runs the user's command for each alert with the alert as
//! plain arguments after a `--` (`-- kind lot_id lot_number message`: the
//! server's words are never options), never through a shell, and in the
//! environment `LOTWATCH_ALERT_KIND`, `LOTWATCH_ALERT_LOT`,
//! `LOTWATCH_ALERT_LOT_ID` and `LOTWATCH_ALERT_MESSAGE`. The command's
//! environment is this process's without its secrets (`shell::secrets`).
//! CMD itself is split like a shell word list (`shlex`), once, at start. At
//! most `MAX_RUNNING` run at once (further alerts are skipped and logged);
//! each is killed after `TIMEOUT`.

use crate::app::alerts::Alert;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

pub const MAX_RUNNING: usize = 4;
pub const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct AlertCommand {
    program: String,
    /// Arguments given in CMD, before the alert's own.
    base: Vec<String>,
    slots: Arc<Semaphore>,
    timeout: Duration,
}

impl AlertCommand {
    /// Splits CMD into a program and its arguments.
    pub fn parse(cmd: &str) -> Result<AlertCommand, String> {
        let words = shlex::split(cmd).ok_or_else(|| format!("cannot split --on-alert {cmd:?}"))?;
        let mut it = words.into_iter();
        let program = it
            .next()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| "--on-alert needs a command".to_string())?;
        Ok(AlertCommand {
            program,
            base: it.collect(),
            slots: Arc::new(Semaphore::new(MAX_RUNNING)),
            timeout: TIMEOUT,
        })
    }

    #[cfg(test)]
    pub fn with_timeout(mut self, timeout: Duration) -> AlertCommand {
        self.timeout = timeout;
        self
    }

    #[cfg(test)]
    pub fn program(&self) -> &str {
        &self.program
    }

    /// Every argument the program gets for `alert`, in order: CMD's own,
    /// `--`, then the alert's.
    pub fn argv(&self, alert: &Alert) -> Vec<String> {
        self.base
            .iter()
            .cloned()
            .chain(std::iter::once("--".to_string()))
            .chain(alert.args().iter().map(|a| a.to_string()))
            .collect()
    }

    /// The alert as variables, beside the arguments (no parsing needed).
    fn alert_env(alert: &Alert) -> [(&'static str, String); 4] {
        // A variable cannot hold NUL; the sanitized text has none anyway.
        let v = |s: &str| s.replace('\0', "");
        [
            ("LOTWATCH_ALERT_KIND", alert.kind.as_str().to_string()),
            ("LOTWATCH_ALERT_LOT", v(&alert.lot_number)),
            ("LOTWATCH_ALERT_LOT_ID", v(&alert.lot_id)),
            ("LOTWATCH_ALERT_MESSAGE", v(&alert.message)),
        ]
    }

    /// Starts the command for `alert` on the runtime and returns at once;
    /// the returned handle ends when the command does (or is killed), and
    /// is None when `MAX_RUNNING` are already running.
    pub fn spawn(&self, alert: &Alert) -> Option<tokio::task::JoinHandle<()>> {
        let Ok(permit) = self.slots.clone().try_acquire_owned() else {
            tracing::warn!("--on-alert: {MAX_RUNNING} still running, skipping one");
            return None;
        };
        let mut cmd = tokio::process::Command::new(&self.program);
        cmd.args(self.argv(alert))
            .env_clear()
            .envs(crate::shell::secrets::child_env())
            .envs(AlertCommand::alert_env(alert))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        let timeout = self.timeout;
        let program = self.program.clone();
        Some(tokio::spawn(async move {
            let _permit = permit;
            match cmd.spawn() {
                Err(e) => tracing::warn!("--on-alert {program:?}: {e}"),
                Ok(mut child) => match tokio::time::timeout(timeout, child.wait()).await {
                    Ok(Ok(status)) if !status.success() => {
                        tracing::info!("--on-alert {program:?} exited {status}")
                    }
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!("--on-alert {program:?}: {e}"),
                    Err(_) => {
                        tracing::warn!("--on-alert {program:?} timed out: killed");
                        let _ = child.kill().await;
                    }
                },
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::alerts::AlertKind;

    #[test]
    fn splits_the_command_once_and_appends_the_alert() {
        let c = AlertCommand::parse(r#"notify-send -u "critical" "lot alert""#).expect("valid");
        assert_eq!(c.program(), "notify-send");
        let a = Alert {
            kind: AlertKind::Outbid,
            lot_id: "1".into(),
            lot_number: "401102".into(),
            what: None,
            message: "x; rm -rf / $(id) 'q\"".into(),
        };
        assert_eq!(
            c.argv(&a),
            [
                "-u",
                "critical",
                "lot alert",
                "--",
                "outbid",
                "1",
                "401102",
                "x; rm -rf / $(id) 'q\""
            ]
        );
    }

    #[test]
    fn refuses_empty_or_unbalanced() {
        assert!(AlertCommand::parse("").is_err());
        assert!(AlertCommand::parse("   ").is_err());
        assert!(AlertCommand::parse("echo \"open").is_err());
    }
}
