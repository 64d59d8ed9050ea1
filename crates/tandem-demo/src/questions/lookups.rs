//! Lookups, filters and joins of two to four tables.

use super::q;
use crate::model::DemoQuestion;

pub(super) fn questions() -> Vec<DemoQuestion> {
    vec![
        q(
            "d01",
            "How many customers do we have in Germany?",
            &["crm_customer", "geo_country"],
            "SELECT COUNT(*) AS customer_count FROM crm_customer AS c \
             JOIN geo_country AS g ON g.country_id = c.country_id WHERE g.country_name = 'Germany'",
        ),
        q(
            "d02",
            "List the products in the Laptops category with their list price, most expensive first.",
            &["prd_product", "prd_product_category"],
            "SELECT p.product_name, p.list_price FROM prd_product AS p \
             JOIN prd_product_category AS pc ON pc.category_id = p.category_id \
             WHERE pc.category_name = 'Laptops' ORDER BY p.list_price DESC",
        ),
        q(
            "d03",
            "Who are our contacts at Acme Corporation, and what are their email addresses?",
            &["crm_contact", "crm_customer"],
            "SELECT ct.first_name, ct.last_name, ct.email FROM crm_contact AS ct \
             JOIN crm_customer AS c ON c.customer_id = ct.customer_id WHERE c.customer_name = 'Acme Corporation'",
        ),
        q(
            "d04",
            "Which employees were hired in 2023?",
            &["hr_employee"],
            "SELECT first_name, last_name, hire_date FROM hr_employee \
             WHERE hire_date BETWEEN '2023-01-01' AND '2023-12-31' ORDER BY hire_date",
        ),
        q(
            "d05",
            "Which employees have the SQL skill, and at what proficiency level?",
            &["hr_employee", "hr_employee_skill", "hr_skill"],
            "SELECT e.first_name, e.last_name, es.proficiency_level FROM hr_employee AS e \
             JOIN hr_employee_skill AS es ON es.employee_id = e.employee_id \
             JOIN hr_skill AS s ON s.skill_id = es.skill_id \
             WHERE s.skill_name = 'SQL' ORDER BY es.proficiency_level DESC, e.last_name",
        ),
        q(
            "d06",
            "Which customers have never placed an order?",
            &["crm_customer", "sales_order"],
            "SELECT c.customer_name, c.customer_since FROM crm_customer AS c \
             WHERE NOT EXISTS (SELECT 1 FROM sales_order AS o WHERE o.customer_id = c.customer_id) \
             ORDER BY c.customer_name",
        ),
        q(
            "d07",
            "Which products have never been ordered?",
            &["prd_product", "sales_order_line"],
            "SELECT p.sku, p.product_name, p.launch_date FROM prd_product AS p \
             LEFT JOIN sales_order_line AS ol ON ol.product_id = p.product_id \
             WHERE ol.order_line_id IS NULL",
        ),
        q(
            "d08",
            "Which products are below their reorder point, and in which warehouse?",
            &["inv_stock_level", "inv_warehouse", "prd_product"],
            "SELECT w.warehouse_name, p.product_name, s.quantity_on_hand, s.reorder_point FROM inv_stock_level AS s \
             JOIN inv_warehouse AS w ON w.warehouse_id = s.warehouse_id \
             JOIN prd_product AS p ON p.product_id = s.product_id \
             WHERE s.quantity_on_hand < s.reorder_point ORDER BY w.warehouse_name, p.product_name",
        ),
        q(
            "d09",
            "How many support tickets are still open or in progress?",
            &["sup_ticket"],
            "SELECT COUNT(*) AS open_tickets FROM sup_ticket WHERE ticket_status IN ('Open', 'In Progress')",
        ),
        q(
            "d10",
            "What was the euro to US dollar exchange rate at the end of 2024?",
            &["ref_exchange_rate"],
            "SELECT rate_to_usd FROM ref_exchange_rate WHERE currency_code = 'EUR' AND rate_date = '2024-12-31'",
        ),
        q(
            "d11",
            "List our Mid-Market customers in Germany with their account manager.",
            &["crm_customer", "geo_country", "hr_employee"],
            "SELECT c.customer_name, c.city, e.first_name || ' ' || e.last_name AS account_manager \
             FROM crm_customer AS c JOIN geo_country AS g ON g.country_id = c.country_id \
             LEFT JOIN hr_employee AS e ON e.employee_id = c.account_manager_id \
             WHERE g.country_name = 'Germany' AND c.segment = 'Mid-Market' ORDER BY c.customer_name",
        ),
        q(
            "d12",
            "Which sales territories is each sales rep assigned to?",
            &["sales_rep_territory", "hr_employee", "sales_territory"],
            "SELECT e.first_name, e.last_name, t.territory_name FROM sales_rep_territory AS rt \
             JOIN hr_employee AS e ON e.employee_id = rt.employee_id \
             JOIN sales_territory AS t ON t.territory_id = rt.territory_id ORDER BY e.last_name, t.territory_name",
        ),
        q(
            "d13",
            "How much did customers pay by credit card in 2024?",
            &["fin_payment"],
            "SELECT SUM(payment_amount) AS paid_by_card FROM fin_payment \
             WHERE payment_method = 'Credit Card' AND payment_date BETWEEN '2024-01-01' AND '2024-12-31'",
        ),
        q(
            "d14",
            "What was our total revenue from orders placed in 2023, excluding cancelled orders?",
            &["sales_order"],
            "SELECT SUM(total_amount) AS revenue FROM sales_order \
             WHERE order_date >= '2023-01-01' AND order_date < '2024-01-01' AND order_status <> 'Cancelled'",
        ),
        q(
            "d15",
            "How many orders and how much revenue came from orders that used the Black Friday 2023 promotion?",
            &["sales_order", "sales_order_promotion", "sales_promotion"],
            "SELECT COUNT(*) AS orders, SUM(o.total_amount) AS revenue FROM sales_order AS o \
             JOIN sales_order_promotion AS op ON op.order_id = o.order_id \
             JOIN sales_promotion AS p ON p.promotion_id = op.promotion_id \
             WHERE p.promotion_name = 'Black Friday 2023'",
        ),
        q(
            "d16",
            "Which managers have the most direct reports?",
            &["hr_employee"],
            "SELECT m.first_name, m.last_name, COUNT(*) AS direct_reports FROM hr_employee AS e \
             JOIN hr_employee AS m ON m.employee_id = e.manager_id \
             GROUP BY m.employee_id, m.first_name, m.last_name ORDER BY direct_reports DESC LIMIT 5",
        ),
        q(
            "d17",
            "Which employees are staffed on more than one project?",
            &["proj_project_member", "hr_employee"],
            "SELECT e.first_name, e.last_name, COUNT(*) AS projects FROM proj_project_member AS pm \
             JOIN hr_employee AS e ON e.employee_id = pm.employee_id \
             GROUP BY e.employee_id, e.first_name, e.last_name HAVING COUNT(*) > 1 ORDER BY projects DESC",
        ),
        q(
            "d18",
            "Which employees had the most failed sign-ins in the fourth quarter of 2024?",
            &["aud_login_event", "hr_employee"],
            "SELECT e.first_name, e.last_name, COUNT(*) AS failed_logins FROM aud_login_event AS l \
             JOIN hr_employee AS e ON e.employee_id = l.employee_id \
             WHERE l.was_successful = 0 AND l.login_at >= '2024-10-01' \
             GROUP BY e.employee_id, e.first_name, e.last_name ORDER BY failed_logins DESC LIMIT 10",
        ),
        q(
            "d19",
            "How much product revenue was posted to the general ledger in each fiscal year?",
            &["fin_gl_journal_line", "fin_gl_account", "fin_gl_journal_entry", "fin_fiscal_period"],
            "SELECT fp.fiscal_year, SUM(jl.credit_amount) - SUM(jl.debit_amount) AS product_revenue \
             FROM fin_gl_journal_line AS jl JOIN fin_gl_account AS a ON a.gl_account_id = jl.gl_account_id \
             JOIN fin_gl_journal_entry AS je ON je.journal_entry_id = jl.journal_entry_id \
             JOIN fin_fiscal_period AS fp ON fp.fiscal_period_id = je.fiscal_period_id \
             WHERE a.account_name = 'Product Revenue' GROUP BY fp.fiscal_year ORDER BY fp.fiscal_year",
        ),
        q(
            "d20",
            "What is the total acquisition cost of fixed assets in use, by asset category?",
            &["ast_fixed_asset", "ast_asset_category"],
            "SELECT ac.asset_category_name, COUNT(*) AS assets, SUM(a.acquisition_cost) AS total_cost \
             FROM ast_fixed_asset AS a JOIN ast_asset_category AS ac ON ac.asset_category_id = a.asset_category_id \
             WHERE a.asset_status = 'In Use' GROUP BY ac.asset_category_name ORDER BY total_cost DESC",
        ),
        q(
            "d21",
            "Which suppliers are based in China?",
            &["purch_supplier", "geo_country"],
            "SELECT s.supplier_name, s.payment_terms_days FROM purch_supplier AS s \
             JOIN geo_country AS g ON g.country_id = s.country_id WHERE g.country_name = 'China' ORDER BY s.supplier_name",
        ),
        q(
            "d22",
            "Which shipments are currently delayed or in transit, and with which carrier?",
            &["ship_shipment", "ship_carrier", "sales_order"],
            "SELECT o.order_number, c.carrier_name, s.ship_date, s.shipment_status FROM ship_shipment AS s \
             JOIN ship_carrier AS c ON c.carrier_id = s.carrier_id JOIN sales_order AS o ON o.order_id = s.order_id \
             WHERE s.shipment_status IN ('Delayed', 'In Transit') ORDER BY s.ship_date",
        ),
    ]
}
