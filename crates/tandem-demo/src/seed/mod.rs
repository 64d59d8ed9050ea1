//! Generated rows for the core tables, coherent across modules and reproducible from a seed.
//!
//! Steps run in foreign-key order and record what later steps need (ids, dates, amounts) in
//! [`World`]; each step draws from its own random stream (see [`crate::random`]).

mod catalog;
mod customers;
mod fulfilment;
mod geo;
mod ledger;
mod marketing;
mod names;
mod operations;
mod orders;
mod payroll;
mod people;
mod projects;
mod service;

use crate::date::Day;
use crate::random::Gen;
use crate::value::TableData;

/// First and last day of the order history.
pub(crate) const HISTORY_START: (i64, i64, i64) = (2022, 1, 1);
pub(crate) const HISTORY_END: (i64, i64, i64) = (2024, 12, 31);

pub(crate) fn history_start() -> Day {
    Day::ymd(HISTORY_START.0, HISTORY_START.1, HISTORY_START.2)
}

pub(crate) fn history_end() -> Day {
    Day::ymd(HISTORY_END.0, HISTORY_END.1, HISTORY_END.2)
}

#[derive(Debug, Clone)]
pub(crate) struct Country {
    pub(crate) id: i64,
    pub(crate) iso: &'static str,
    pub(crate) region_id: i64,
    pub(crate) currency: &'static str,
    pub(crate) tax_pct: i64,
    pub(crate) cities: &'static [&'static str],
}

#[derive(Debug, Clone)]
pub(crate) struct Employee {
    pub(crate) id: i64,
    pub(crate) department_id: i64,
    pub(crate) hire: Day,
    pub(crate) termination: Option<Day>,
    pub(crate) salary: i64,
}

impl Employee {
    /// Whether the employee was on the payroll on `day`.
    pub(crate) fn employed_on(&self, day: Day) -> bool {
        self.hire <= day && self.termination.is_none_or(|t| t >= day)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub(crate) id: i64,
    pub(crate) category: usize,
    pub(crate) price: i64,
    pub(crate) cost: i64,
    pub(crate) launch: Day,
    /// Last day it can be ordered (discontinued products stop early).
    pub(crate) available_until: Day,
    pub(crate) weight_hg: i64,
}

impl Product {
    pub(crate) fn orderable_on(&self, day: Day) -> bool {
        self.launch <= day && day <= self.available_until
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Customer {
    pub(crate) id: i64,
    pub(crate) country: usize,
    pub(crate) segment: &'static str,
    pub(crate) manager_id: Option<i64>,
    pub(crate) orders: bool,
    pub(crate) first_contact_id: i64,
    pub(crate) n_contacts: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub(crate) id: i64,
    pub(crate) customer: usize,
    pub(crate) date: Day,
    pub(crate) status: &'static str,
    /// Subtotal less the promotion discount, before tax.
    pub(crate) net: i64,
    pub(crate) tax: i64,
    pub(crate) total: i64,
    pub(crate) weight_hg: i64,
}

/// What earlier steps produced that later steps refer to.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub(crate) seed: u64,
    pub(crate) out: Vec<TableData>,
    pub(crate) countries: Vec<Country>,
    pub(crate) n_cost_centers: usize,
    pub(crate) employees: Vec<Employee>,
    pub(crate) n_suppliers: usize,
    pub(crate) products: Vec<Product>,
    /// `(warehouse_id, region_id)`.
    pub(crate) warehouses: Vec<(i64, i64)>,
    pub(crate) customers: Vec<Customer>,
    pub(crate) orders: Vec<Order>,
    /// `(shipment ship day, order index)` per shipped order, by order.
    pub(crate) shipped: Vec<(Day, usize)>,
    pub(crate) n_carriers: usize,
}

impl World {
    /// The random stream for one step.
    pub(crate) fn stream(&self, stream: u64) -> Gen {
        Gen::new(self.seed, stream)
    }

    pub(crate) fn emit(&mut self, data: TableData) {
        self.out.push(data);
    }

    /// Ids of employees in a department who were employed on `day`.
    pub(crate) fn staff(&self, department_id: i64, day: Day) -> Vec<i64> {
        self.employees.iter().filter(|e| e.department_id == department_id && e.employed_on(day)).map(|e| e.id).collect()
    }
}

/// All generated rows, in an order that satisfies every foreign key.
pub(crate) fn all(seed: u64) -> Vec<TableData> {
    let mut world = World { seed, ..World::default() };
    geo::generate(&mut world);
    people::generate(&mut world);
    payroll::generate(&mut world);
    catalog::generate(&mut world);
    customers::generate(&mut world);
    orders::generate(&mut world);
    fulfilment::generate(&mut world);
    ledger::generate(&mut world);
    service::generate(&mut world);
    marketing::generate(&mut world);
    projects::generate(&mut world);
    operations::generate(&mut world);
    world.out
}
