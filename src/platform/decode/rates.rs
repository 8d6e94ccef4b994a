//! `/rates`: the platform's own exchange-rate table.

use super::*;

pub fn decode_rates(v: &Value) -> Result<PlatformRates, DecodeError> {
    let o = Obj::root(v).map_err(page_error)?;
    let date_s = o.str("date").map_err(page_error)?;
    let date: jiff::civil::Date = date_s.parse().map_err(|_| {
        DecodeError(format!(
            "date: not a YYYY-MM-DD date: {:?}",
            clean(date_s, 20)
        ))
    })?;
    let source = o.text("source", 40).map_err(page_error)?;
    let base = o.str("base").map_err(page_error)?;
    if base != "KZT" {
        return Err(DecodeError(format!(
            "base: expected KZT, got {:?}",
            clean(base, 8)
        )));
    }
    let map = o
        .map
        .get("rates")
        .and_then(Value::as_object)
        .ok_or_else(|| DecodeError("rates: missing or not an object".into()))?;
    let mut issues = Issues::default();
    let mut rates = BTreeMap::new();
    for (code, val) in map.iter() {
        let Some(cur) = Currency::from_code(code) else {
            continue;
        };
        if cur == Currency::Kzt {
            continue;
        }
        match val
            .as_str()
            .ok_or("not a decimal string")
            .and_then(|s| Rate::parse(s).ok_or("not a positive decimal string"))
        {
            Ok(r) => {
                rates.insert(cur, r);
            }
            Err(p) => issues.push(issue(None, &format!("rates.{}", cur.code()), p)),
        }
    }
    Ok(PlatformRates {
        server_time: server_time(v),
        source,
        date,
        rates,
        issues: issues.finish(),
    })
}
