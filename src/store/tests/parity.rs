//! Schema parity between the backends (issue 19). The tables and columns come from
//! the live schema (`pragma_table_info` on SQLite, `information_schema.columns` on
//! Postgres), so a migration that adds a table or a column fails here until
//! `parity_rows.rs` gives it a value. For every table, on one connection: a row with
//! every nullable column null, then a row with every column set, written with the same
//! statement (on Postgres it is prepared and cached with the first row's parameter
//! types, which is how a NULL float broke every later check), each read back and
//! compared. Then the two schemas are compared: same columns, same kind of value
//! (integer, float, text), same nullability.

use std::collections::BTreeMap;

use sqlx::pool::PoolConnection;
use sqlx::{Any, AssertSqlSafe, Row};

use super::parity_rows::{GENERATED_POSTGRES_COLUMNS, POSTGRES_ONLY_TABLES, ROWS};
use crate::store::{Backend, nullable_real};

/// A column's value in the full row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum V {
    I(i64),
    R(f64),
    T(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Int,
    Real,
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Column {
    family: Family,
    nullable: bool,
}

/// (table, column) → what the live schema says about it.
type Schema = BTreeMap<(String, String), Column>;

/// A value as written and as read back; `None` is NULL.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    I(Option<i64>),
    R(Option<f64>),
    T(Option<String>),
}

impl V {
    fn family(self) -> Family {
        match self {
            V::I(_) => Family::Int,
            V::R(_) => Family::Real,
            V::T(_) => Family::Text,
        }
    }

    fn cell(self, null: bool) -> Cell {
        match self {
            V::I(v) => Cell::I((!null).then_some(v)),
            V::R(v) => Cell::R((!null).then_some(v)),
            V::T(v) => Cell::T((!null).then(|| v.to_owned())),
        }
    }
}

#[tokio::test]
async fn every_column_of_every_table_round_trips_on_both_backends() {
    let mut schemas = Vec::new();
    for store in crate::store::test_stores().await {
        let mut conn = store.pool.acquire().await.expect("a connection");
        let schema = schema(&mut conn, store.backend).await;
        check_coverage(&schema, store.backend);
        for (table, values) in ROWS {
            if schema.keys().any(|(t, _)| t == table) {
                round_trip(&mut conn, &schema, store.backend, table, values).await;
            }
        }
        schemas.push(schema);
    }
    if let [sqlite, postgres] = &schemas[..] {
        compare(sqlite, postgres);
    }
}

/// The tables and columns of the live schema, the store's bookkeeping left out.
async fn schema(conn: &mut PoolConnection<Any>, backend: Backend) -> Schema {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT m.name, p.name, p.type, p.\"notnull\" = 0 AND p.pk = 0
             FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT),
                    CAST(data_type AS TEXT), CAST(CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS BIGINT)
             FROM information_schema.columns WHERE table_schema = current_schema()"
        }
    };
    // Nullability as 0/1 on both: SQLite has no boolean.
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(sql)
        .fetch_all(&mut **conn)
        .await
        .expect("read the schema");
    rows.into_iter()
        .filter(|(table, ..)| !table.starts_with("_sqlx") && !table.starts_with("sqlite_"))
        .map(|(table, column, ty, nullable)| {
            let family = match (backend, ty.to_ascii_lowercase().as_str()) {
                (Backend::Sqlite, "integer") | (Backend::Postgres, "bigint") => Family::Int,
                (Backend::Sqlite, "real") | (Backend::Postgres, "double precision") => Family::Real,
                (_, "text") => Family::Text,
                // An `integer` on Postgres is 32 bits: SQLite's INTEGER is BIGINT there.
                _ => panic!("{backend:?}: {table}.{column} has type {ty}, not one the store uses"),
            };
            let nullable = nullable != 0;
            ((table, column), Column { family, nullable })
        })
        .collect()
}

/// Every table and column of the schema has a value in `ROWS`, of its kind, and every
/// value in `ROWS` has its column.
fn check_coverage(schema: &Schema, backend: Backend) {
    let generated = |t: &str, c: &str| {
        backend == Backend::Postgres && GENERATED_POSTGRES_COLUMNS.contains(&(t, c))
    };
    for ((table, column), col) in schema {
        if generated(table, column) {
            continue;
        }
        let Some((_, values)) = ROWS.iter().find(|(t, _)| t == table) else {
            panic!("{backend:?}: table {table} has no row in src/store/tests/parity_rows.rs");
        };
        let Some((_, value)) = values.iter().find(|(c, _)| c == column) else {
            panic!("{backend:?}: {table}.{column} has no value in src/store/tests/parity_rows.rs");
        };
        assert_eq!(
            value.family(),
            col.family,
            "{backend:?}: {table}.{column}: the test's value is not of the column's kind"
        );
    }
    for (table, values) in ROWS {
        let present = schema.keys().any(|(t, _)| t == table);
        if !present {
            assert!(
                backend == Backend::Sqlite && POSTGRES_ONLY_TABLES.contains(table),
                "{backend:?}: no table {table}"
            );
            continue;
        }
        for (column, _) in *values {
            assert!(
                schema.contains_key(&(table.to_string(), column.to_string())),
                "{backend:?}: parity_rows.rs has {table}.{column}, the schema does not"
            );
        }
    }
    if backend == Backend::Postgres {
        for (table, column) in GENERATED_POSTGRES_COLUMNS {
            assert!(
                schema.contains_key(&(table.to_string(), column.to_string())),
                "no generated {table}.{column} on Postgres any more"
            );
        }
    }
}

/// Writes the null row, then the full row, of `table` with one statement on one
/// connection, reading each back.
async fn round_trip(
    conn: &mut PoolConnection<Any>,
    schema: &Schema,
    backend: Backend,
    table: &str,
    values: &[(&str, V)],
) {
    let names: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
    let mut n = 0;
    let placeholders: Vec<String> = values
        .iter()
        .map(|(_, v)| match v {
            // A float goes in as the store binds one: its value and its presence.
            V::R(_) => {
                n += 2;
                format!("CASE WHEN ${n} <> 0 THEN ${} END", n - 1)
            }
            _ => {
                n += 1;
                format!("${n}")
            }
        })
        .collect();
    let names = names.join(", ");
    let insert = format!(
        "INSERT INTO {table} ({names}) VALUES ({})",
        placeholders.join(", ")
    );
    for which in ["nullable columns null", "every column set"] {
        let cells: Vec<Cell> = values
            .iter()
            .map(|(column, v)| {
                let nullable = schema[&(table.to_owned(), column.to_string())].nullable;
                v.cell(which.ends_with("null") && nullable)
            })
            .collect();
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut **conn)
            .await
            .expect("empty the table");
        let mut query = sqlx::query(AssertSqlSafe(insert.clone()));
        for cell in &cells {
            query = match cell {
                Cell::I(v) => query.bind(*v),
                Cell::R(v) => {
                    let (value, present) = nullable_real(*v);
                    query.bind(value).bind(present)
                }
                Cell::T(v) => query.bind(v.clone()),
            };
        }
        if let Err(e) = query.execute(&mut **conn).await {
            panic!("{backend:?}: {table}, {which}: {e}");
        }
        let rows = sqlx::query(AssertSqlSafe(format!("SELECT {names} FROM {table}")))
            .fetch_all(&mut **conn)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: read {table} back: {e}"));
        assert_eq!(rows.len(), 1, "{backend:?}: {table}, {which}");
        let read: Vec<Cell> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| read_cell(&rows[0], i, cell))
            .collect();
        assert_eq!(read, cells, "{backend:?}: {table}, {which}");
    }
}

fn read_cell(row: &sqlx::any::AnyRow, i: usize, like: &Cell) -> Cell {
    fn get<'r, T: sqlx::Decode<'r, Any> + sqlx::Type<Any>>(
        row: &'r sqlx::any::AnyRow,
        i: usize,
    ) -> T {
        row.try_get(i).unwrap_or_else(|e| panic!("column {i}: {e}"))
    }
    match like {
        Cell::I(_) => Cell::I(get(row, i)),
        Cell::R(_) => Cell::R(get(row, i)),
        Cell::T(_) => Cell::T(get(row, i)),
    }
}

/// The same columns on both, of the same kind and nullability, but for what only
/// Postgres has (the leader row, the generated `row_ref`).
fn compare(sqlite: &Schema, postgres: &Schema) {
    for (key, col) in sqlite {
        assert_eq!(
            postgres.get(key),
            Some(col),
            "{}.{} differs between SQLite and Postgres",
            key.0,
            key.1
        );
    }
    for (table, column) in postgres.keys() {
        let only_here = POSTGRES_ONLY_TABLES.contains(&table.as_str())
            || GENERATED_POSTGRES_COLUMNS.contains(&(table.as_str(), column.as_str()));
        assert!(
            only_here || sqlite.contains_key(&(table.clone(), column.clone())),
            "{table}.{column} is on Postgres only"
        );
    }
}
