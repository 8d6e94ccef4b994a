//! The `[layout]` and `[columns]` tables of the config file: the layout
//! chosen, the user's own `[layout.NAME]` tables and the lots pane's
//! columns, checked as the file is read.

use crate::app::screens::{BUILT_IN, Column, Layout};
use serde::{Deserialize, Deserializer};

/// The layout chosen and the user's own.
#[derive(Default, Debug, Clone, PartialEq)]
pub struct LayoutConfig {
    pub chosen: Option<String>,
    pub user: Vec<Layout>,
}

/// The `[columns]` table.
#[derive(Deserialize, Default, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ColumnsConfig {
    #[serde(default, deserialize_with = "de_columns")]
    pub lots: Option<Vec<Column>>,
}

/// User layouts a file may define.
const MAX_USER_LAYOUTS: usize = 32;

pub(super) fn de_columns<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Column>>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    Column::parse_list(&names)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

pub(super) fn de_layout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<LayoutConfig>, D::Error> {
    use serde::de::Error;
    let known = |user: &[Layout]| {
        let mut v: Vec<String> = BUILT_IN.iter().map(|s| s.to_string()).collect();
        v.extend(user.iter().map(|l| l.name.clone()));
        v.join(", ")
    };
    let table = match toml::Value::deserialize(d)? {
        toml::Value::String(name) => {
            if Layout::built_in(&name).is_none() {
                return Err(D::Error::custom(format!(
                    "unknown layout {name:?}, expected one of {} (or your own in [layout.NAME])",
                    known(&[])
                )));
            }
            return Ok(Some(LayoutConfig {
                chosen: Some(name),
                user: Vec::new(),
            }));
        }
        toml::Value::Table(t) => t,
        _ => {
            return Err(D::Error::custom(
                "expected a layout's name, or [layout.NAME] tables",
            ));
        }
    };
    let mut out = LayoutConfig::default();
    for (name, v) in &table {
        if name == "use" {
            let Some(s) = v.as_str() else {
                return Err(D::Error::custom("layout.use: expected a layout's name"));
            };
            out.chosen = Some(s.to_string());
            continue;
        }
        let toml::Value::Table(spec) = v else {
            return Err(D::Error::custom(format!(
                "layout.{name}: expected a table with panes = [...] and sizes = [...]"
            )));
        };
        if let Some(k) = spec.keys().find(|k| *k != "panes" && *k != "sizes") {
            return Err(D::Error::custom(format!(
                "layout.{name}: unknown key `{k}`, expected `panes` and `sizes`"
            )));
        }
        let panes: Vec<String> = spec
            .get("panes")
            .and_then(|p| p.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .ok_or_else(|| {
                D::Error::custom(format!("layout.{name}: expected panes = [\"lots\", ...]"))
            })?;
        let sizes: Vec<u16> = spec
            .get("sizes")
            .and_then(|p| p.as_array())
            .map(|a| {
                a.iter()
                    .map(|x| {
                        x.as_integer()
                            .and_then(|i| u16::try_from(i).ok())
                            .unwrap_or(0)
                    })
                    .collect()
            })
            .ok_or_else(|| {
                D::Error::custom(format!(
                    "layout.{name}: expected sizes = [60, 40, ...]: one per pane"
                ))
            })?;
        out.user
            .push(Layout::user(name, &panes, &sizes).map_err(D::Error::custom)?);
        if out.user.len() > MAX_USER_LAYOUTS {
            return Err(D::Error::custom(format!(
                "more than {MAX_USER_LAYOUTS} layouts"
            )));
        }
    }
    if let Some(name) = &out.chosen
        && Layout::built_in(name).is_none()
        && !out.user.iter().any(|l| &l.name == name)
    {
        return Err(D::Error::custom(format!(
            "unknown layout {name:?}, expected one of {}",
            known(&out.user)
        )));
    }
    Ok(Some(out))
}
