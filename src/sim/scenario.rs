//! Auction-day scenarios: the JSON file format, loading with validation that
//! names the file and what is wrong, the embedded June 2025 day, and a
//! generator of large days for performance work.

use crate::domain::{License, LicenseKind, Money, SoftClose};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::Path;

/// The built-in demo day, so that the binary stands alone.
const JUNE_2025_JSON: &str = include_str!("../../assets/scenarios/june-2025.json");
/// A short day of six lots for tests.
const TEST_SMALL_JSON: &str = include_str!("../../assets/scenarios/test-small.json");

/// Caps that keep a scenario (possibly from an untrusted file) bounded.
const MAX_SCENARIO_LOTS: usize = 100_000;
const MAX_SCENARIO_BYTES: u64 = 64 * 1024 * 1024;
const MAX_SCENARIO_TEXT: usize = 512;

/// A scenario that failed to load: which source, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ScenarioError {
    pub source_name: String,
    pub message: String,
}

/// One auction day, validated. Times are offsets in seconds from the day's
/// start; the engine maps them onto the clock (and compresses them by speed).
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub auction: AuctionInfo,
    /// Delay between a lot's close and its protocol (sold/unsold), seconds.
    pub protocol_delay_s: u32,
    pub lots: Vec<LotSpec>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionInfo {
    pub id: String,
    pub title: String,
    pub venue: String,
}

/// A planned suspension: `after_s` after the lot opens, for `for_s` seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuspendSpec {
    pub after_s: u32,
    pub for_s: u32,
    pub notice: String,
    pub resume_notice: String,
}

/// A planned cancellation at `at_s` (before the lot opens).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelSpec {
    pub at_s: u32,
    pub notice: String,
}

/// A planned postponement at `at_s` (before the lot opens): the opening and
/// the close move `by_s` later, announced by a `lot` event and a notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostponeSpec {
    pub at_s: u32,
    pub by_s: u32,
    pub notice: String,
}

/// One lot as the scenario plans it.
#[derive(Clone, Debug, PartialEq)]
pub struct LotSpec {
    pub id: String,
    pub number: String,
    pub name: String,
    pub region: String,
    pub minerals: Vec<String>,
    pub license: License,
    pub reserves: String,
    pub starting_bonus: Money,
    pub min_increment: Money,
    pub guarantee: Money,
    pub participation_fee: Money,
    pub min_participants: u32,
    pub participants: u32,
    pub opens_at_s: u32,
    pub duration_s: u32,
    pub soft_close: SoftClose,
    /// How far above the start the richest bidder will go, in percent; 0
    /// means nobody bids.
    pub appetite_pct: u32,
    pub cancel: Option<CancelSpec>,
    pub suspend: Option<SuspendSpec>,
    pub postpone: Option<PostponeSpec>,
    /// The site (`serve --site`) lists the lot from this offset on; before
    /// it the lot is absent from the list and its page is a 404, as a lot
    /// the site publishes during the day. 0: listed from the start. The
    /// API simulator has every lot from the start.
    pub listed_at_s: u32,
}

// ---- the file format ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileScenario {
    #[serde(default)]
    #[allow(dead_code)]
    note: String,
    auction: AuctionInfo,
    protocol_delay_s: u32,
    lots: Vec<FileLot>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLicense {
    kind: String,
    term_years: u32,
    area_km2: Option<String>,
    blocks: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSoftClose {
    window_s: u32,
    extend_s: u32,
    max_extensions: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSuspend {
    after_s: u32,
    for_s: u32,
    notice: String,
    resume_notice: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCancel {
    at_s: u32,
    notice: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePostpone {
    at_s: u32,
    by_s: u32,
    notice: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLot {
    id: String,
    number: String,
    name: String,
    region: String,
    minerals: Vec<String>,
    license: FileLicense,
    #[serde(default)]
    reserves: String,
    starting_bonus: String,
    min_increment: String,
    guarantee: String,
    participation_fee: String,
    min_participants: u32,
    participants: u32,
    opens_at_s: u32,
    duration_s: u32,
    soft_close: FileSoftClose,
    appetite_pct: u32,
    #[serde(default)]
    cancel: Option<FileCancel>,
    #[serde(default)]
    suspend: Option<FileSuspend>,
    #[serde(default)]
    postpone: Option<FilePostpone>,
    #[serde(default)]
    listed_at_s: u32,
}

impl Scenario {
    /// The built-in June 2025 day.
    pub fn june_2025() -> Scenario {
        Scenario::from_json("assets/scenarios/june-2025.json", JUNE_2025_JSON)
            .expect("the embedded june-2025 scenario is validated by a unit test")
    }

    /// The small test day.
    pub fn test_small() -> Scenario {
        Scenario::from_json("assets/scenarios/test-small.json", TEST_SMALL_JSON)
            .expect("the embedded test-small scenario is validated by a unit test")
    }

    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let name = path.display().to_string();
        let err = |m: String| ScenarioError {
            source_name: name.clone(),
            message: m,
        };
        let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read: {e}")))?;
        if meta.len() > MAX_SCENARIO_BYTES {
            return Err(err(format!(
                "file is {} bytes, more than the {MAX_SCENARIO_BYTES} allowed",
                meta.len()
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        Scenario::from_json(&name, &text)
    }

    /// Parses and validates scenario JSON; `source_name` is used in errors.
    fn from_json(source_name: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let err = |m: String| ScenarioError {
            source_name: source_name.to_string(),
            message: m,
        };
        let file: FileScenario =
            serde_json::from_str(text).map_err(|e| err(format!("not a valid scenario: {e}")))?;
        if file.lots.is_empty() {
            return Err(err("the scenario has no lots".into()));
        }
        if file.lots.len() > MAX_SCENARIO_LOTS {
            return Err(err(format!(
                "{} lots, more than the {MAX_SCENARIO_LOTS} allowed",
                file.lots.len()
            )));
        }
        check_text("auction.id", &file.auction.id, 64).map_err(err)?;
        check_text("auction.title", &file.auction.title, MAX_SCENARIO_TEXT).map_err(err)?;
        check_text("auction.venue", &file.auction.venue, MAX_SCENARIO_TEXT).map_err(err)?;
        let mut lots = Vec::with_capacity(file.lots.len());
        let mut ids = std::collections::HashSet::new();
        for (i, fl) in file.lots.into_iter().enumerate() {
            let label = format!(
                "lot #{} (id {:?})",
                i + 1,
                fl.id.chars().take(64).collect::<String>()
            );
            let lot = convert_lot(fl).map_err(|m| err(format!("{label}: {m}")))?;
            if !ids.insert(lot.id.clone()) {
                return Err(err(format!("{label}: the id is used twice")));
            }
            lots.push(lot);
        }
        Ok(Scenario {
            auction: file.auction,
            protocol_delay_s: file.protocol_delay_s,
            lots,
        })
    }

    /// The earliest opening, seconds from the day's start.
    pub fn first_open_s(&self) -> u32 {
        self.lots.iter().map(|l| l.opens_at_s).min().unwrap_or(0)
    }

    /// A generated day of `n` lots (for performance work): waves of 50 lots
    /// every 20 minutes, 30-minute lots, the same mix of outcomes as a real
    /// day, deterministic for a given `seed`.
    pub fn generated(n: usize, seed: u64) -> Scenario {
        let mut rng = fastrand::Rng::with_seed(seed);
        let regions = [
            "Abai",
            "Akmola",
            "Aktobe",
            "Karaganda",
            "Kostanay",
            "Pavlodar",
            "Ulytau",
            "East Kazakhstan",
        ];
        let minerals = [
            "gold",
            "copper",
            "coal",
            "tungsten",
            "lithium",
            "rare-earths",
            "zinc",
        ];
        let lots = (0..n)
            .map(|i| {
                let start = Money::from_tenge(rng.i64(5_000_000..=3_000_000_000) / 1000 * 1000);
                let exploration = rng.bool();
                LotSpec {
                    id: format!("G{:06}", i + 1),
                    number: format!("G{:06}", i + 1),
                    name: format!("Участок Қаратау-{}", i + 1),
                    region: regions[i % regions.len()].into(),
                    minerals: vec![minerals[rng.usize(..minerals.len())].into()],
                    license: if exploration {
                        License {
                            kind: LicenseKind::Exploration,
                            term_years: 6,
                            area_km2: None,
                            blocks: Some(rng.u32(1..=40)),
                        }
                    } else {
                        License {
                            kind: LicenseKind::Production,
                            term_years: 25,
                            area_km2: Some(Decimal::new(rng.i64(10..=5000), 2)),
                            blocks: None,
                        }
                    },
                    reserves: String::new(),
                    starting_bonus: start,
                    min_increment: start.scale(5, 100),
                    guarantee: start,
                    participation_fee: Money::from_tenge(393_200),
                    min_participants: 2,
                    participants: if i % 17 == 5 { 1 } else { rng.u32(2..=6) },
                    opens_at_s: (i / 50) as u32 * 1200,
                    duration_s: 1800,
                    soft_close: SoftClose {
                        window_s: 300,
                        extend_s: 300,
                        max_extensions: Some(6),
                    },
                    appetite_pct: if i % 11 == 3 { 0 } else { rng.u32(10..=60) },
                    cancel: None,
                    suspend: None,
                    postpone: None,
                    listed_at_s: 0,
                }
            })
            .collect();
        Scenario {
            auction: AuctionInfo {
                id: "kz-subsoil-generated".into(),
                title: format!("Generated auction day, {n} lots"),
                venue: "lotwatch simulator".into(),
            },
            protocol_delay_s: 120,
            lots,
        }
    }
}

fn check_text(field: &str, s: &str, max_chars: usize) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err(format!("{field} is empty"));
    }
    if s.chars().count() > max_chars {
        return Err(format!("{field} is longer than {max_chars} characters"));
    }
    if s.chars().any(char::is_control) {
        return Err(format!("{field} contains control characters"));
    }
    Ok(())
}

fn money(field: &str, s: &str) -> Result<Money, String> {
    Money::parse(s).map_err(|e| format!("{field}: {e}"))
}

fn convert_lot(fl: FileLot) -> Result<LotSpec, String> {
    check_text("id", &fl.id, 64)?;
    check_text("number", &fl.number, 64)?;
    check_text("name", &fl.name, MAX_SCENARIO_TEXT)?;
    check_text("region", &fl.region, MAX_SCENARIO_TEXT)?;
    if !fl.reserves.is_empty() {
        check_text("reserves", &fl.reserves, MAX_SCENARIO_TEXT)?;
    }
    if fl.minerals.is_empty() || fl.minerals.len() > 16 {
        return Err("minerals must list 1 to 16 names".into());
    }
    for m in &fl.minerals {
        check_text("minerals", m, 64)?;
        if m.chars().any(|c| c.is_uppercase()) {
            return Err(format!("mineral {m:?} must be lower-case"));
        }
    }
    let kind = match fl.license.kind.as_str() {
        "exploration" => LicenseKind::Exploration,
        "production" => LicenseKind::Production,
        other => {
            return Err(format!(
                "license.kind {other:?} is neither exploration nor production"
            ));
        }
    };
    if !(1..=25).contains(&fl.license.term_years) {
        return Err(format!(
            "license.term_years {} is outside 1..=25",
            fl.license.term_years
        ));
    }
    let area_km2 = match &fl.license.area_km2 {
        None => None,
        Some(a) => {
            let d: Decimal = a
                .parse()
                .map_err(|_| format!("license.area_km2 {a:?} is not a decimal"))?;
            if d <= Decimal::ZERO {
                return Err(format!("license.area_km2 {a:?} must be positive"));
            }
            Some(d)
        }
    };
    if kind == LicenseKind::Exploration && fl.license.blocks.is_none_or(|b| b == 0) {
        return Err("an exploration licence needs a positive number of blocks".into());
    }
    if kind == LicenseKind::Production && area_km2.is_none() {
        return Err("a production licence needs area_km2".into());
    }
    let starting_bonus = money("starting_bonus", &fl.starting_bonus)?;
    let min_increment = money("min_increment", &fl.min_increment)?;
    let guarantee = money("guarantee", &fl.guarantee)?;
    let participation_fee = money("participation_fee", &fl.participation_fee)?;
    if starting_bonus <= Money::ZERO {
        return Err("starting_bonus must be positive".into());
    }
    if min_increment <= Money::ZERO {
        return Err("min_increment must be positive".into());
    }
    if fl.min_participants == 0 {
        return Err("min_participants must be at least 1".into());
    }
    if fl.participants > 99 {
        return Err(format!("participants {} is more than 99", fl.participants));
    }
    if fl.duration_s == 0 {
        return Err("duration_s must be positive".into());
    }
    let sc = fl.soft_close;
    if sc.window_s == 0 || sc.extend_s == 0 {
        return Err("soft_close.window_s and extend_s must be positive".into());
    }
    if fl.appetite_pct > 1000 {
        return Err(format!(
            "appetite_pct {} is more than 1000",
            fl.appetite_pct
        ));
    }
    let cancel = match fl.cancel {
        None => None,
        Some(c) => {
            if c.at_s >= fl.opens_at_s {
                return Err(format!(
                    "cancel.at_s {} is not before opens_at_s {}",
                    c.at_s, fl.opens_at_s
                ));
            }
            check_text("cancel.notice", &c.notice, MAX_SCENARIO_TEXT)?;
            Some(CancelSpec {
                at_s: c.at_s,
                notice: c.notice,
            })
        }
    };
    let suspend = match fl.suspend {
        None => None,
        Some(s) => {
            if s.after_s == 0 || s.after_s >= fl.duration_s {
                return Err(format!(
                    "suspend.after_s {} must fall inside the lot's duration",
                    s.after_s
                ));
            }
            if s.for_s == 0 {
                return Err("suspend.for_s must be positive".into());
            }
            check_text("suspend.notice", &s.notice, MAX_SCENARIO_TEXT)?;
            check_text("suspend.resume_notice", &s.resume_notice, MAX_SCENARIO_TEXT)?;
            Some(SuspendSpec {
                after_s: s.after_s,
                for_s: s.for_s,
                notice: s.notice,
                resume_notice: s.resume_notice,
            })
        }
    };
    let postpone = match fl.postpone {
        None => None,
        Some(p) => {
            if p.at_s >= fl.opens_at_s {
                return Err(format!(
                    "postpone.at_s {} is not before opens_at_s {}",
                    p.at_s, fl.opens_at_s
                ));
            }
            if p.by_s == 0 {
                return Err("postpone.by_s must be positive".into());
            }
            check_text("postpone.notice", &p.notice, MAX_SCENARIO_TEXT)?;
            Some(PostponeSpec {
                at_s: p.at_s,
                by_s: p.by_s,
                notice: p.notice,
            })
        }
    };
    if cancel.is_some() && (suspend.is_some() || postpone.is_some()) {
        return Err("a cancelled lot cannot also be suspended or postponed".into());
    }
    if fl.listed_at_s > fl.opens_at_s {
        return Err(format!(
            "listed_at_s {} is after opens_at_s {}: a lot is listed before it opens",
            fl.listed_at_s, fl.opens_at_s
        ));
    }
    Ok(LotSpec {
        id: fl.id,
        number: fl.number,
        name: fl.name,
        region: fl.region,
        minerals: fl.minerals,
        license: License {
            kind,
            term_years: fl.license.term_years,
            area_km2,
            blocks: fl.license.blocks,
        },
        reserves: fl.reserves,
        starting_bonus,
        min_increment,
        guarantee,
        participation_fee,
        min_participants: fl.min_participants,
        participants: fl.participants,
        opens_at_s: fl.opens_at_s,
        duration_s: fl.duration_s,
        soft_close: SoftClose {
            window_s: sc.window_s,
            extend_s: sc.extend_s,
            max_extensions: sc.max_extensions,
        },
        appetite_pct: fl.appetite_pct,
        cancel,
        suspend,
        postpone,
        listed_at_s: fl.listed_at_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_scenarios_are_valid() {
        let june = Scenario::june_2025();
        assert_eq!(june.lots.len(), 50);
        assert_eq!(june.lots.iter().filter(|l| l.cancel.is_some()).count(), 1);
        assert_eq!(june.lots.iter().filter(|l| l.suspend.is_some()).count(), 1);
        assert_eq!(june.lots.iter().filter(|l| l.postpone.is_some()).count(), 1);
        assert!(
            june.lots
                .iter()
                .filter(|l| l.participants < l.min_participants)
                .count()
                >= 2
        );
        let min = june
            .lots
            .iter()
            .map(|l| l.starting_bonus)
            .min()
            .expect("test input is valid");
        let max = june
            .lots
            .iter()
            .map(|l| l.starting_bonus)
            .max()
            .expect("test input is valid");
        assert!(min <= Money::from_tenge(10_000_000) && max >= Money::from_tenge(1_000_000_000));
        assert!(
            june.lots
                .iter()
                .all(|l| l.participation_fee == Money::from_tenge(393_200))
        );
        let small = Scenario::test_small();
        assert!(small.lots.len() <= 8);
    }

    #[test]
    fn june_names_use_kazakh_letters() {
        let june = Scenario::june_2025();
        let all: String = june.lots.iter().map(|l| l.name.as_str()).collect();
        for c in ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'] {
            assert!(all.to_lowercase().contains(c), "no {c} in any lot name");
        }
    }

    #[test]
    fn errors_name_the_source_and_the_lot() {
        let mut v: serde_json::Value =
            serde_json::from_str(TEST_SMALL_JSON).expect("test input is valid");
        v["lots"][1]["min_increment"] = "0".into();
        let e = Scenario::from_json("x.json", &v.to_string()).unwrap_err();
        assert_eq!(e.source_name, "x.json");
        assert!(
            e.message.contains("lot #2") && e.message.contains("min_increment"),
            "{e}"
        );

        let mut v: serde_json::Value =
            serde_json::from_str(TEST_SMALL_JSON).expect("test input is valid");
        v["lots"][0]["starting_bonus"] = "1,000".into();
        assert!(
            Scenario::from_json("x", &v.to_string())
                .unwrap_err()
                .message
                .contains("starting_bonus")
        );

        let mut v: serde_json::Value =
            serde_json::from_str(TEST_SMALL_JSON).expect("test input is valid");
        v["lots"][1]["id"] = v["lots"][0]["id"].clone();
        assert!(
            Scenario::from_json("x", &v.to_string())
                .unwrap_err()
                .message
                .contains("twice")
        );

        let mut v: serde_json::Value =
            serde_json::from_str(TEST_SMALL_JSON).expect("test input is valid");
        v["lots"][0]["listed_at_s"] = (v["lots"][0]["opens_at_s"].as_u64().unwrap_or(0) + 1).into();
        assert!(
            Scenario::from_json("x", &v.to_string())
                .unwrap_err()
                .message
                .contains("listed_at_s")
        );

        let e = Scenario::from_json("x", "{\"lots\": 3}").unwrap_err();
        assert!(e.message.contains("not a valid scenario"));
        let e = Scenario::load(Path::new("/nonexistent/day.json")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/nonexistent/day.json: cannot read")
        );
    }

    #[test]
    fn generated_is_deterministic_and_sized() {
        let a = Scenario::generated(10_000, 1);
        assert_eq!(a.lots.len(), 10_000);
        assert_eq!(a, Scenario::generated(10_000, 1));
    }
}
