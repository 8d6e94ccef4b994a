//! A transaction of the shared journal's writer whose statements are
//! prepared once per connection and kept (a query by its text alone is
//! parsed and described again each time: one more round trip).

use tokio_postgres::types::ToSql;
use tokio_postgres::{Error, Row, Statement, Transaction};

/// Statements prepared once per connection: a query by its text alone is
/// parsed and described again each time (one more round trip).
pub(super) type Cache = std::cell::RefCell<std::collections::HashMap<&'static str, Statement>>;

/// A transaction whose statements come from the connection's cache.
pub(super) struct Tx<'a> {
    pub tx: &'a Transaction<'a>,
    pub cache: &'a Cache,
}

impl Tx<'_> {
    pub async fn st(&self, sql: &'static str) -> Result<Statement, Error> {
        if let Some(st) = self.cache.borrow().get(sql) {
            return Ok(st.clone());
        }
        let st = self.tx.prepare(sql).await?;
        self.cache.borrow_mut().insert(sql, st.clone());
        Ok(st)
    }

    pub async fn execute(
        &self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, Error> {
        self.tx.execute(&self.st(sql).await?, params).await
    }

    pub async fn query(
        &self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, Error> {
        self.tx.query(&self.st(sql).await?, params).await
    }

    pub async fn query_one(
        &self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, Error> {
        self.tx.query_one(&self.st(sql).await?, params).await
    }

    pub async fn query_opt(
        &self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, Error> {
        self.tx.query_opt(&self.st(sql).await?, params).await
    }
}
