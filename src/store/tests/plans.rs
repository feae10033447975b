//! Query plans (issue 25): every statement the store runs for one Space, once per Space
//! per cycle or per page, must find its rows through an index. A statement that scans
//! a table growing with the number of Spaces makes storing a cycle O(N²): at 10,000
//! Spaces, `space_id = $1 COLLATE NOCASE` against the binary primary key cost 1.1 ms a
//! lookup. The texts are the store's own (its constants and SQL builders), so a query
//! changed in the code is the query checked here.
//!
//! SQLite: `EXPLAIN QUERY PLAN` must say `SEARCH`, never `SCAN <table>`. Postgres
//! seq-scans small tables whatever the indexes, so the plan is asked with
//! `enable_seqscan = off`: a `Seq Scan` then means no index can serve the query.

use sqlx::Row;

use crate::store::{
    Backend, Store, actions, audit, cycle, incidents, space_writes, spaces, stats, uptime,
};

/// Tables with rows per Space (or per Space and time): a scan of one is O(N).
const GROWING: &[&str] = &[
    "spaces",
    "checks",
    "rollup_hourly",
    "rollup_daily",
    "incidents",
    "actions",
    "usage_hourly",
];

/// A statement, and the kind of each parameter (`t` text, `i` integer, `f` real),
/// so Postgres can plan it with values of the right types.
struct PerSpace {
    name: &'static str,
    sql: String,
    params: &'static str,
}

fn q(name: &'static str, sql: impl Into<String>, params: &'static str) -> PerSpace {
    PerSpace {
        name,
        sql: sql.into(),
        params,
    }
}

/// Every per-Space statement: the cycle's writes first (three rows of a batch, each
/// row's parameters repeated), then the per-Space reads.
fn per_space(backend: Backend) -> Vec<PerSpace> {
    vec![
        q("checks: insert", cycle::insert_checks_sql(3), "titttifiti"),
        q(
            "rollup_hourly: add",
            cycle::rollups_sql("rollup_hourly", 3),
            "tiiifi",
        ),
        q(
            "rollup_daily: add",
            cycle::rollups_sql("rollup_daily", 3),
            "tiiifi",
        ),
        q("usage: previous check", cycle::previous_sql(3), "t"),
        q("usage: add", cycle::add_usage_sql(3), "titi"),
        q(
            "spaces: upsert",
            cycle::upsert_spaces_sql(3),
            "ttittttiitttttiitit",
        ),
        q(
            "spaces: save memory",
            space_writes::save_memory_sql(3),
            "tiiitii",
        ),
        q("spaces: drift", space_writes::set_drift_sql(3), "tii"),
        q("spaces: gave up", space_writes::set_gave_up_sql(3), "ti"),
        q(
            "spaces: last visit",
            space_writes::set_last_visit_sql(3),
            "ti",
        ),
        q("spaces: incident", spaces::SET_INCIDENT, "it"),
        q("spaces: one", spaces::select_one(), "t"),
        q("spaces: some", spaces::select_some(3), "t"),
        q("spaces: ref", audit::space_ref_sql(backend), "t"),
        q("incidents: open", incidents::OPEN, "titttttt"),
        q("incidents: close", incidents::close_sql(), "itt"),
        q("incidents: of a Space", incidents::of_space_sql(), "ti"),
        q("incidents: since", stats::incidents_since_sql(), "tii"),
        q("actions: auto repairs", actions::AUTO_REPAIRS, "ti"),
        q("actions: last switch", actions::last_switch_sql(), "t"),
        q("actions: of a Space", actions::of_space_sql(), "ti"),
        q("actions: since", stats::actions_since_sql(), "tii"),
        q("rollup_daily: of a Space", uptime::DAILY_OF_SPACE, "ti"),
    ]
}

/// The lines of the plan of `query` that read a growing table without an index.
async fn scans(store: &Store, query: &PerSpace) -> Vec<String> {
    let mut connection = store.pool.acquire().await.expect("a connection");
    let (prefix, column) = match store.backend() {
        Backend::Sqlite => ("EXPLAIN QUERY PLAN ", 3),
        Backend::Postgres => {
            sqlx::raw_sql("SET enable_seqscan = off")
                .execute(&mut *connection)
                .await
                .expect("set enable_seqscan");
            ("EXPLAIN ", 0)
        }
    };
    let sql = format!("{prefix}{}", query.sql);
    let mut explain = sqlx::query(sqlx::AssertSqlSafe(sql));
    // A batch's statement takes each row's kinds again: bind as many as it numbers.
    for kind in query.params.chars().cycle().take(placeholders(&query.sql)) {
        explain = match kind {
            't' => explain.bind("alice/app"),
            'i' => explain.bind(0_i64),
            _ => explain.bind(0.0_f64),
        };
    }
    let rows = explain
        .fetch_all(&mut *connection)
        .await
        .unwrap_or_else(|e| panic!("{}: cannot explain: {e}", query.name));
    let lines: Vec<String> = rows
        .iter()
        .map(|row| row.get::<String, _>(column))
        .collect();
    let mut found: Vec<String> = lines
        .iter()
        .filter(|line| reads_beyond_the_space(line))
        .cloned()
        .collect();
    found.extend(unbounded_index_scans(&lines));
    found
}

/// Postgres's index scans of a growing table with no `Index Cond` at all: the index
/// walked end to end in place of the forbidden `Seq Scan` (what
/// `space_id = $1 COLLATE NOCASE` gets from an index on `(space_id, opened_ms)`).
fn unbounded_index_scans(lines: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    // An index scan of a growing table whose condition is not seen yet.
    let mut open: Option<&String> = None;
    for line in lines {
        let text = line.trim_start().trim_start_matches("->").trim_start();
        if text.starts_with("Index Cond: ") {
            open = None;
        } else if text.contains("(cost=") {
            // A new plan node: the one before it ended.
            found.extend(open.take().cloned());
            let index_scan = text.starts_with("Index Scan") || text.starts_with("Index Only Scan");
            let table = text.split(" on ").nth(1).and_then(first_word);
            if index_scan && table.is_some_and(|t| GROWING.contains(&t)) {
                open = Some(line);
            }
        }
    }
    found.extend(open.cloned());
    found
}

/// Whether a plan line reads more of a growing table than one Space's rows: SQLite's
/// `SCAN t` (with or without an index walked end to end) or a `SEARCH t` on another
/// column than the Space (`bucket_ms>?`: every Space's recent days); Postgres's
/// `Seq Scan on t`, or an index condition that does not name the Space.
fn reads_beyond_the_space(line: &str) -> bool {
    let line = line.trim_start().trim_start_matches("->").trim_start();
    if let Some(condition) = line.strip_prefix("Index Cond: ") {
        return !condition.contains("space_id");
    }
    if let Some(rest) = line.strip_prefix("SEARCH ")
        && first_word(rest).is_some_and(|t| GROWING.contains(&t))
    {
        return !rest.contains("space_id=");
    }
    let scanned = line
        .strip_prefix("SCAN ")
        .or_else(|| line.strip_prefix("Seq Scan on "))
        .and_then(first_word);
    scanned.is_some_and(|t| GROWING.contains(&t))
}

/// The highest `$N` of a statement.
fn placeholders(sql: &str) -> usize {
    sql.split('$')
        .skip(1)
        .filter_map(|rest| {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            rest[..digits].parse().ok()
        })
        .max()
        .unwrap_or(0)
}

fn first_word(text: &str) -> Option<&str> {
    text.split_whitespace().next()
}

#[tokio::test]
async fn no_per_space_statement_scans_a_growing_table() {
    // Both backends are looked at before failing, so one run names every scan.
    let mut failures = Vec::new();
    for store in crate::store::test_stores().await {
        for query in per_space(store.backend()) {
            for line in scans(&store, &query).await {
                failures.push(format!("{:?}, {}: {line}", store.backend(), query.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "statements run per Space read beyond that Space's rows:\n{}",
        failures.join("\n")
    );
}

#[test]
fn plan_lines_that_read_beyond_one_space_are_recognised() {
    for (line, beyond) in [
        ("SCAN spaces", true),
        ("SCAN actions USING INDEX actions_open", true),
        ("SCAN meta", false),
        ("  ->  Seq Scan on rollup_daily  (cost=1.00..2.00)", true),
        (
            "SEARCH rollup_daily USING INDEX rollup_daily_by_time (bucket_ms>?)",
            true,
        ),
        (
            "SEARCH spaces USING INDEX sqlite_autoindex_spaces_1 (space_id=?)",
            false,
        ),
        (
            "Index Scan using spaces_pkey on spaces  (cost=0.15..8.17)",
            false,
        ),
        ("  Index Cond: (space_id = $1)", false),
        ("  Index Cond: (bucket_ms >= $2)", true),
        ("USE TEMP B-TREE FOR ORDER BY", false),
    ] {
        assert_eq!(reads_beyond_the_space(line), beyond, "{line}");
    }
}

#[test]
fn index_scans_without_a_condition_are_recognised() {
    let plan = |lines: &[&str]| -> Vec<String> { lines.iter().map(|l| l.to_string()).collect() };
    let walked = plan(&[
        "Limit  (cost=0.15..8.17 rows=1 width=8)",
        "  ->  Index Scan Backward using incidents_by_space on incidents  (cost=0.15..80.00)",
        "        Filter: ((space_id)::text = ($1)::text COLLATE nocase)",
    ]);
    assert_eq!(unbounded_index_scans(&walked).len(), 1);
    let bounded = plan(&[
        "Index Scan using spaces_pkey on spaces  (cost=0.15..8.17 rows=1 width=8)",
        "  Index Cond: (space_id = $1)",
        "Index Scan using sessions_by_seen on sessions  (cost=0.15..8.17 rows=1 width=8)",
    ]);
    assert!(unbounded_index_scans(&bounded).is_empty());
}

/// The check above goes red on a case-insensitive comparison: no index serves
/// `space_id = $1 COLLATE NOCASE` since ids are stored in one case (0015 / 0007 dropped
/// the `nocase` indexes), so such a query scans, on both backends.
#[tokio::test]
async fn a_nocase_lookup_is_caught() {
    for store in crate::store::test_stores().await {
        for (name, sql) in [
            ("spaces", spaces::select_one()),
            ("incidents", incidents::of_space_sql()),
            ("actions", actions::of_space_sql()),
        ] {
            let nocase = q(
                "nocase",
                sql.replacen("space_id = $1", "space_id = $1 COLLATE NOCASE", 1),
                "ti",
            );
            assert!(
                nocase.sql.contains("COLLATE NOCASE"),
                "{name}: {}",
                nocase.sql
            );
            assert!(
                !scans(&store, &nocase).await.is_empty(),
                "{:?}, {name}: a COLLATE NOCASE lookup was not flagged",
                store.backend()
            );
        }
    }
}

/// No statement of the store compares ids case-insensitively: every Space-keyed
/// column holds `SpaceId::key`, so `COLLATE NOCASE` or `lower(` in a query means a
/// lookup no index serves (the plan check above sees only the statements it lists).
#[test]
fn no_store_query_folds_case() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src/store") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            let lower = code.to_ascii_lowercase();
            if !code.starts_with("//")
                && (lower.contains("collate nocase") || lower.contains("lower("))
            {
                found.push(format!("{}:{}: {code}", path.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "case-folding SQL:\n{}", found.join("\n"));
}
