//! Name resolution through aliases, CTEs, subqueries, joins and set operations.

use tandem_core::Dialect::{Mysql, Postgres, Sqlite};
use tandem_core::TableName;
use tandem_sql::{Policy, Scope};

use crate::support::check;

#[test]
fn resolves_valid_shapes() {
    for sql in [
        "SELECT T1.Name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.Singer_ID = T2.Singer_ID",
        "SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)",
        "SELECT s.Name FROM singer s WHERE EXISTS (SELECT 1 FROM singer_in_concert c WHERE c.Singer_ID = s.Singer_ID)",
        "WITH a AS (SELECT Country, count(*) AS n FROM singer GROUP BY Country), b AS (SELECT * FROM a WHERE n > 1) SELECT Country, n FROM b ORDER BY n DESC",
        "SELECT x.c FROM (SELECT Country AS c FROM singer) AS x",
        "SELECT c FROM (SELECT Country FROM singer) AS x(c)",
        "SELECT Country FROM (SELECT Country, count(*) FROM singer GROUP BY Country)",
        "SELECT Name FROM singer UNION SELECT Name FROM stadium ORDER BY Name",
        "SELECT Name AS n FROM singer EXCEPT SELECT Name FROM stadium ORDER BY n",
        "SELECT Singer_ID, Name FROM singer JOIN singer_in_concert USING (Singer_ID)",
        "SELECT concert_ID FROM concert NATURAL JOIN singer_in_concert",
        "SELECT Country, count(*) AS n FROM singer GROUP BY Country HAVING n > 1 ORDER BY n",
        "SELECT age * 2 AS double_age FROM singer ORDER BY double_age",
        "SELECT Name, rank() OVER (PARTITION BY Country ORDER BY Age DESC) AS r FROM singer",
        "SELECT count(*) FILTER (WHERE Age > 30) FROM singer",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n",
        "SELECT CASE WHEN Age > 30 THEN 'old' ELSE 'young' END, CAST(Age AS TEXT), lower(Name) FROM singer",
        "SELECT rowid, Name FROM singer WHERE Country = \"France\"",
        "SELECT * FROM json_each('[1,2]') AS j WHERE j.value > 1",
        "SELECT s.* FROM singer s",
        "SELECT main.singer.Name FROM main.singer",
        "VALUES (1, 'a'), (2, 'b')",
    ] {
        let got = crate::support::outcome(Sqlite, sql, None);
        assert!(got.starts_with("ok "), "{sql}\n{got}");
    }
    for sql in [
        "SELECT \"Country\", percentile_cont(0.5) WITHIN GROUP (ORDER BY \"Age\") FROM singer GROUP BY 1",
        "SELECT s.\"Name\", l.n FROM singer s CROSS JOIN LATERAL (SELECT count(*) AS n FROM singer_in_concert c WHERE c.\"Singer_ID\" = s.\"Singer_ID\") l",
        "SELECT EXTRACT(YEAR FROM order_date) FROM \"Orders\"",
        "SELECT \"OrderID\" FROM \"Orders\" FETCH FIRST 5 ROWS ONLY",
    ] {
        let got = crate::support::outcome(Postgres, sql, None);
        assert!(got.starts_with("ok "), "{sql}\n{got}");
    }
}

#[test]
fn normalises_text_and_caps_rows() {
    check(Sqlite, "select name from singer -- trailing\n", "ok SELECT name FROM singer LIMIT 100");
    check(
        Sqlite,
        "SELECT Name FROM singer WHERE Country = \"France\" LIMIT 5",
        "ok SELECT Name FROM singer WHERE Country = 'France' LIMIT 5",
    );
    check(Sqlite, "SELECT Name FROM singer LIMIT 5000", "ok SELECT Name FROM singer LIMIT 100");
    check(Mysql, "SELECT Name FROM singer LIMIT 10, 5000", "ok SELECT Name FROM singer LIMIT 10, 100");
}

#[test]
fn reports_unknown_names_with_close_matches_and_fixes() {
    check(Sqlite, "SELECT nmae FROM singer", "unknown_column `nmae` [\"Name\"] fix=SELECT Name FROM singer");
    check(Sqlite, "SELECT Name FROM singers", "unknown_table `singers` [\"singer\"] fix=SELECT Name FROM singer");
    check(
        Sqlite,
        "SELECT T1.Name FROM singer AS T1 JOIN concert AS T2 ON T1.Singer_ID = T2.Singer_ID",
        "unknown_column `Singer_ID` [\"singer.Singer_ID\", \"singer_in_concert.Singer_ID\"]",
    );
    check(
        Sqlite,
        "SELECT singer.Name FROM singer AS s",
        "unknown_qualifier `singer` [\"s.Name\"] fix=SELECT s.Name FROM singer AS s",
    );
    check(
        Sqlite,
        "SELECT T3.Age FROM singer AS T1",
        "unknown_qualifier `T3` [\"T1.Age\"] fix=SELECT T1.Age FROM singer AS T1",
    );
    check(
        Sqlite,
        "SELECT Name FROM singer AS a JOIN stadium AS b ON a.Singer_ID = b.Stadium_ID",
        "ambiguous_column `Name` [\"a.Name\", \"b.Name\"]",
    );
    check(
        Sqlite,
        "SELECT Singer_ID FROM singer AS a JOIN singer_in_concert AS b ON a.Singer_ID = b.Singer_ID",
        "ambiguous_column `Singer_ID` [\"a.Singer_ID\", \"b.Singer_ID\"] fix=SELECT a.Singer_ID FROM singer AS a JOIN singer_in_concert AS b ON a.Singer_ID = b.Singer_ID",
    );
    check(
        Sqlite,
        "SELECT concert_Name FROM singer",
        "unknown_column `concert_Name` [\"Name\", \"concert.concert_Name\"]",
    );
    check(Sqlite, "SELECT x FROM (SELECT Name FROM singer) AS d", "unknown_column `x`");
    // Mixed-up aliases: the one other relation with the column is meant (not in ON, where
    // that would join a table to itself — see `Singer_ID` above).
    check(
        Sqlite,
        "SELECT T1.Name FROM singer_in_concert AS T1 JOIN singer AS T2 ON T1.Singer_ID = T2.Singer_ID",
        "unknown_column `Name` [\"T2.Name\", \"stadium.Name\", \"singer.Name\"] fix=SELECT T2.Name FROM singer_in_concert AS T1 JOIN singer AS T2 ON T1.Singer_ID = T2.Singer_ID",
    );
    // Only a table the query does not read has the column: a join is missing.
    check(
        Sqlite,
        "SELECT T1.Name FROM singer_in_concert AS T1 WHERE T1.concert_ID = 1",
        "missing_join `Name` [\"stadium.Name\", \"singer.Name\"]",
    );
    // With a plan, its tables come first among the places the column lives.
    let scope = Scope { tables: vec![TableName::new("singer_in_concert"), TableName::new("singer")], filters: vec![] };
    assert_eq!(
        crate::support::outcome(
            Sqlite,
            "SELECT T1.Name FROM singer_in_concert AS T1",
            Some(Policy::new(Sqlite).with_max_rows(100).with_scope(scope))
        ),
        "missing_join `Name` [\"singer.Name\", \"stadium.Name\"]"
    );
    check(Postgres, "SELECT \"Name\" FROM singer WHERE \"France\" = \"Country\"", "unknown_column `\"France\"`");
}

#[test]
fn quoting_follows_the_dialect() {
    check(
        Postgres,
        "SELECT OrderID FROM \"Orders\"",
        "needs_quoting `OrderID` [\"\\\"OrderID\\\"\"] fix=SELECT \"OrderID\" FROM \"Orders\"",
    );
    check(Postgres, "SELECT 1 FROM Orders", "needs_quoting `Orders` [\"\\\"Orders\\\"\"] fix=SELECT 1 FROM \"Orders\"");
    check(Mysql, "SELECT 1 FROM orders", "needs_quoting `orders` [\"Orders\"] fix=SELECT 1 FROM Orders");
    check(Sqlite, "SELECT orderid FROM orders", "ok SELECT orderid FROM orders LIMIT 100");
}
