//! `/lots/{id}/bids`: a lot's bid history.

use super::*;

pub fn decode_bids(v: &Value) -> Result<BidsPage, DecodeError> {
    let o = Obj::root(v).map_err(page_error)?;
    let lot_id = check_id(o.str("lot_id").map_err(page_error)?)
        .map_err(|p| DecodeError(format!("lot_id: {p}")))?;
    let arr = o.array("bids").map_err(page_error)?;
    let mut issues = Issues::default();
    if arr.len() > MAX_BIDS_PER_PAGE {
        issues.push(issue(
            Some(&lot_id),
            "bids",
            &format!(
                "{} bids in one page; the first {MAX_BIDS_PER_PAGE} are kept",
                arr.len()
            ),
        ));
    }
    let mut bids = Vec::with_capacity(arr.len().min(MAX_BIDS_PER_PAGE));
    for (i, item) in arr.iter().take(MAX_BIDS_PER_PAGE).enumerate() {
        let one = (|| {
            let map = item
                .as_object()
                .ok_or_else(|| issue(Some(&lot_id), &format!("bids[{i}]"), "not an object"))?;
            let b = Obj {
                map,
                lot_id: Some(&lot_id),
                prefix: format!("bids[{i}]."),
            };
            Ok::<_, DataIssue>(Bid {
                seq: b.u64("seq")?,
                at: b.time("at")?,
                amount: b.money("amount")?,
                bidder: b.text("bidder", MAX_NAME)?,
            })
        })();
        match one {
            Ok(b) => bids.push(b),
            Err(e) => issues.push(e),
        }
    }
    Ok(BidsPage {
        server_time: server_time(v),
        lot_id,
        bids,
        issues: issues.finish(),
    })
}
