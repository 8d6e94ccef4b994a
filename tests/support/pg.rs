//! A real PostgreSQL for the tests: Debian's `postgresql` package, `initdb`
//! into a temporary directory owned by the `postgres` user, `pg_ctl` on a
//! free loopback port (PostgreSQL refuses to run as root, so every server
//! command runs through `runuser -u postgres --`), password authentication
//! (scram-sha-256) so that a wrong password is a real refusal. Stopped and
//! removed when dropped.
//!
//! [`Pg::start`] returns None, after saying the test is skipped, when
//! PostgreSQL is not installed; under `CI=true` a missing PostgreSQL fails
//! the test instead (`bash .ci/run` installs it).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The superuser's password in every test cluster.
pub const PASSWORD: &str = "s3cret-Pa55word";
pub const USER: &str = "postgres";

/// A running test cluster.
pub struct Pg {
    pub bin: PathBuf,
    pub dir: PathBuf,
    pub port: u16,
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has `pg_ctl`.
pub fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("pg_ctl").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

use super::http::free_port;

fn id_of(flag: &str) -> u32 {
    let out = Command::new("id")
        .args([flag, USER])
        .output()
        .expect("id postgres");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the postgres user's id")
}

/// Runs `program args…` as the postgres user; panics with its output on failure.
fn as_postgres(program: &Path, args: &[&str]) {
    let out = Command::new("runuser")
        .args(["-u", USER, "--"])
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("runuser");
    assert!(
        out.status.success(),
        "{} {args:?} failed: {}{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Pg {
    /// Starts a fresh cluster, or says why the test is skipped.
    pub fn start(test: &str) -> Option<Pg> {
        let Some(bin) = bin_dir() else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("PostgreSQL is not installed (bash .ci/run installs Debian's postgresql)");
            }
            eprintln!(
                "SKIPPED {test}: PostgreSQL is not installed (apt-get install postgresql; bash .ci/run does)"
            );
            return None;
        };
        let dir = std::env::temp_dir().join(format!(
            "lotwatch-pg-{test}-{}-{}",
            std::process::id(),
            fastrand::u32(..)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("pg temp dir");
        let (uid, gid) = (id_of("-u"), id_of("-g"));
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).expect("chown pg dir");
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, PASSWORD).expect("pwfile");
        std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid)).expect("chown pwfile");
        let data = dir.join("data");
        as_postgres(
            &bin.join("initdb"),
            &[
                "-D",
                &data.to_string_lossy(),
                "-U",
                USER,
                "--auth=scram-sha-256",
                &format!("--pwfile={}", pwfile.display()),
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        let pg = Pg {
            bin,
            dir,
            port: free_port(),
        };
        pg.start_again();
        Some(pg)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// `pg_ctl start` (waits until it accepts connections).
    pub fn start_again(&self) {
        // Another address than loopback, when `listen_also` named one.
        let also = std::fs::read_to_string(self.dir.join("listen_also")).unwrap_or_default();
        let listen = if also.is_empty() {
            "127.0.0.1".to_string()
        } else {
            format!("127.0.0.1,{also}")
        };
        let opts = format!(
            "-p {} -k {} -c listen_addresses={listen} -c max_connections=100",
            self.port,
            self.dir.display()
        );
        as_postgres(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-l",
                &self.dir.join("server.log").to_string_lossy(),
                "-o",
                &opts,
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
    }

    /// `pg_ctl stop -m fast` (disconnects every client).
    pub fn stop(&self) {
        as_postgres(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
    }

    /// The URL of database `db` with the right password.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates database `db` and returns its URL.
    pub fn create_db(&self, db: &str) -> String {
        let out = Command::new(self.bin.join("createdb"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                db,
            ])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .expect("createdb");
        assert!(
            out.status.success(),
            "createdb {db}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.url(db)
    }

    /// Runs SQL through `psql` on `db`; its standard output.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                "-d",
                db,
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Turns TLS on with a certificate for `localhost` signed by a test CA
    /// (openssl, which Debian's postgresql brings through ssl-cert), and
    /// restarts the server. Returns the CA's PEM file.
    pub fn enable_tls(&self) -> PathBuf {
        let tls = self.dir.join("tls");
        std::fs::create_dir_all(&tls).expect("tls dir");
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(&tls)
                .output()
                .expect("openssl");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=lotwatch test CA",
        ]);
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        std::fs::write(
            tls.join("ext.cnf"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .expect("ext");
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ]);
        let data = self.data();
        let (uid, gid) = (id_of("-u"), id_of("-g"));
        for f in ["server.crt", "server.key"] {
            let to = data.join(f);
            std::fs::copy(tls.join(f), &to).expect("copy cert");
            std::os::unix::fs::chown(&to, Some(uid), Some(gid)).expect("chown cert");
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        let conf = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).expect("postgresql.conf");
        text.push_str("\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
        std::fs::write(&conf, text).expect("postgresql.conf");
        self.stop();
        self.start_again();
        tls.join("ca.pem")
    }

    /// Listens on `ip` too (an address of this machine that is not
    /// loopback), with password logins allowed from it, and restarts.
    pub fn listen_also(&self, ip: &str) {
        std::fs::write(self.dir.join("listen_also"), ip).expect("listen_also");
        let hba = self.data().join("pg_hba.conf");
        let mut text = std::fs::read_to_string(&hba).expect("pg_hba.conf");
        text.push_str(&format!("\nhost all all {ip}/32 scram-sha-256\n"));
        std::fs::write(&hba, text).expect("pg_hba.conf");
        self.stop();
        self.start_again();
    }

    /// The server's log so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", USER, "--"])
            .arg(self.bin.join("pg_ctl"))
            .args([
                "-D",
                &self.data().to_string_lossy(),
                "-m",
                "immediate",
                "stop",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
