//! The warehouse's table definitions, one file per enterprise module.

mod assets;
mod audit;
mod codes;
mod crm;
mod derived;
mod dw;
mod ecommerce;
mod esg;
mod finance;
mod geo;
mod hr;
mod inventory;
mod it;
mod legal;
mod logistics;
mod loyalty;
mod manufacturing;
mod marketing;
mod payroll;
mod platform;
mod procurement;
mod product;
mod projects;
mod purchasing;
mod reporting;
mod sales;
mod support;

use crate::schema::{TableDef, link};

/// Every table, in creation order (operational modules, code lists, derived, analytical,
/// platform), with foreign keys linked to their targets.
pub(crate) fn all() -> Vec<TableDef> {
    let modules: [fn() -> Vec<TableDef>; 22] = [
        geo::tables,
        hr::tables,
        payroll::tables,
        finance::tables,
        product::tables,
        purchasing::tables,
        inventory::tables,
        crm::tables,
        sales::tables,
        logistics::tables,
        support::tables,
        marketing::tables,
        manufacturing::tables,
        projects::tables,
        assets::tables,
        audit::tables,
        procurement::tables,
        it::tables,
        legal::tables,
        esg::tables,
        ecommerce::tables,
        loyalty::tables,
    ];
    let mut tables: Vec<TableDef> = modules.iter().flat_map(|module| module()).collect();
    tables.extend(codes::tables());
    let derived = derived::tables(&tables);
    tables.extend(derived);
    tables.extend(dw::tables());
    tables.extend(reporting::tables());
    tables.extend(platform::tables());
    link(&mut tables);
    tables
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::schema::unresolved;

    #[test]
    fn names_are_unique_and_keys_resolve() {
        let tables = all();
        let mut seen = HashSet::new();
        for t in &tables {
            assert!(seen.insert(t.name.as_str()), "duplicate table {}", t.name);
            let mut columns = HashSet::new();
            for c in &t.columns {
                assert!(columns.insert(c.name.as_str()), "duplicate column {}.{}", t.name, c.name);
            }
            for k in &t.primary_key {
                assert!(t.column(k).is_some(), "{} key {k} is not a column", t.name);
            }
        }
        assert_eq!(unresolved(&tables), Vec::<String>::new());
        assert!((450..=600).contains(&tables.len()), "{} tables", tables.len());
    }
}
