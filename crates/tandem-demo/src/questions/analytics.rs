//! Aggregations: GROUP BY, HAVING, top-N, date filters and multi-table rollups.

use super::q;
use crate::model::DemoQuestion;

pub(super) fn questions() -> Vec<DemoQuestion> {
    vec![
        q(
            "d23",
            "Who are our top 5 customers by order value in 2024?",
            &["sales_order", "crm_customer"],
            "SELECT c.customer_name, SUM(o.total_amount) AS order_value FROM sales_order AS o \
             JOIN crm_customer AS c ON c.customer_id = o.customer_id \
             WHERE o.order_date BETWEEN '2024-01-01' AND '2024-12-31' AND o.order_status <> 'Cancelled' \
             GROUP BY c.customer_id, c.customer_name ORDER BY order_value DESC LIMIT 5",
        ),
        q(
            "d24",
            "What was the revenue by product category in 2024?",
            &["sales_order_line", "sales_order", "prd_product", "prd_product_category"],
            "SELECT pc.category_name, SUM(ol.line_amount) AS revenue FROM sales_order_line AS ol \
             JOIN sales_order AS o ON o.order_id = ol.order_id JOIN prd_product AS p ON p.product_id = ol.product_id \
             JOIN prd_product_category AS pc ON pc.category_id = p.category_id \
             WHERE o.order_date BETWEEN '2024-01-01' AND '2024-12-31' AND o.order_status <> 'Cancelled' \
             GROUP BY pc.category_name ORDER BY revenue DESC",
        ),
        q(
            "d25",
            "How many orders came through each sales channel?",
            &["sales_order", "sales_channel"],
            "SELECT ch.channel_name, COUNT(*) AS order_count FROM sales_order AS o \
             JOIN sales_channel AS ch ON ch.channel_id = o.channel_id GROUP BY ch.channel_name ORDER BY order_count DESC",
        ),
        q(
            "d26",
            "Which customer countries have placed more than 50 orders?",
            &["sales_order", "crm_customer", "geo_country"],
            "SELECT g.country_name, COUNT(*) AS order_count FROM sales_order AS o \
             JOIN crm_customer AS c ON c.customer_id = o.customer_id JOIN geo_country AS g ON g.country_id = c.country_id \
             GROUP BY g.country_name HAVING COUNT(*) > 50 ORDER BY order_count DESC",
        ),
        q(
            "d27",
            "What was the average order value per customer segment in 2023?",
            &["sales_order", "crm_customer"],
            "SELECT c.segment, AVG(o.total_amount) AS avg_order_value, COUNT(*) AS orders FROM sales_order AS o \
             JOIN crm_customer AS c ON c.customer_id = o.customer_id \
             WHERE strftime('%Y', o.order_date) = '2023' AND o.order_status <> 'Cancelled' \
             GROUP BY c.segment ORDER BY avg_order_value DESC",
        ),
        q(
            "d28",
            "How many active employees are there in each department?",
            &["hr_employee", "hr_department"],
            "SELECT d.department_name, COUNT(*) AS headcount FROM hr_employee AS e \
             JOIN hr_department AS d ON d.department_id = e.department_id \
             WHERE e.employment_status = 'Active' GROUP BY d.department_name ORDER BY headcount DESC",
        ),
        q(
            "d29",
            "What was the total gross payroll per department in 2024?",
            &["pay_payslip", "pay_payroll_run", "hr_employee", "hr_department"],
            "SELECT d.department_name, SUM(ps.gross_pay) AS gross_payroll FROM pay_payslip AS ps \
             JOIN pay_payroll_run AS r ON r.payroll_run_id = ps.payroll_run_id \
             JOIN hr_employee AS e ON e.employee_id = ps.employee_id JOIN hr_department AS d ON d.department_id = e.department_id \
             WHERE r.pay_date BETWEEN '2024-01-01' AND '2024-12-31' GROUP BY d.department_name ORDER BY gross_payroll DESC",
        ),
        q(
            "d30",
            "Which carrier handled the most shipments in 2024?",
            &["ship_shipment", "ship_carrier"],
            "SELECT ca.carrier_name, COUNT(*) AS shipments FROM ship_shipment AS s \
             JOIN ship_carrier AS ca ON ca.carrier_id = s.carrier_id \
             WHERE s.ship_date BETWEEN '2024-01-01' AND '2024-12-31' GROUP BY ca.carrier_name ORDER BY shipments DESC LIMIT 1",
        ),
        q(
            "d31",
            "What is the average delivery time in days for each carrier?",
            &["ship_shipment", "ship_carrier"],
            "SELECT ca.carrier_name, AVG(julianday(s.delivered_date) - julianday(s.ship_date)) AS avg_delivery_days \
             FROM ship_shipment AS s JOIN ship_carrier AS ca ON ca.carrier_id = s.carrier_id \
             WHERE s.delivered_date IS NOT NULL GROUP BY ca.carrier_name ORDER BY avg_delivery_days",
        ),
        q(
            "d32",
            "What is the average customer satisfaction score for each ticket category?",
            &["sup_ticket", "sup_ticket_category"],
            "SELECT tc.category_name, AVG(t.satisfaction_score) AS avg_csat, COUNT(t.satisfaction_score) AS responses \
             FROM sup_ticket AS t JOIN sup_ticket_category AS tc ON tc.ticket_category_id = t.ticket_category_id \
             GROUP BY tc.category_name ORDER BY avg_csat",
        ),
        q(
            "d33",
            "Which products have the most Product Defect tickets? Show the top 10.",
            &["sup_ticket", "sup_ticket_category", "prd_product"],
            "SELECT p.product_name, COUNT(*) AS defect_tickets FROM sup_ticket AS t \
             JOIN sup_ticket_category AS tc ON tc.ticket_category_id = t.ticket_category_id \
             JOIN prd_product AS p ON p.product_id = t.product_id \
             WHERE tc.category_name = 'Product Defect' GROUP BY p.product_name ORDER BY defect_tickets DESC LIMIT 10",
        ),
        q(
            "d34",
            "What is the total amount of overdue invoices by customer country?",
            &["fin_invoice", "crm_customer", "geo_country"],
            "SELECT g.country_name, SUM(i.invoice_amount) AS overdue_amount FROM fin_invoice AS i \
             JOIN crm_customer AS c ON c.customer_id = i.customer_id JOIN geo_country AS g ON g.country_id = c.country_id \
             WHERE i.invoice_status = 'Overdue' GROUP BY g.country_name ORDER BY overdue_amount DESC",
        ),
        q(
            "d35",
            "What were the top 10 suppliers by purchase order value in 2023?",
            &["purch_purchase_order", "purch_supplier"],
            "SELECT su.supplier_name, SUM(po.total_amount) AS po_value FROM purch_purchase_order AS po \
             JOIN purch_supplier AS su ON su.supplier_id = po.supplier_id \
             WHERE po.order_date BETWEEN '2023-01-01' AND '2023-12-31' AND po.po_status <> 'Cancelled' \
             GROUP BY su.supplier_name ORDER BY po_value DESC LIMIT 10",
        ),
        q(
            "d36",
            "What is the open pipeline amount by opportunity stage?",
            &["crm_opportunity"],
            "SELECT stage, COUNT(*) AS opportunities, SUM(amount) AS pipeline_amount FROM crm_opportunity \
             WHERE stage NOT IN ('Closed Won', 'Closed Lost') GROUP BY stage ORDER BY pipeline_amount DESC",
        ),
        q(
            "d37",
            "Which five sales reps won the most deals in 2024?",
            &["crm_opportunity", "hr_employee"],
            "SELECT e.first_name, e.last_name, COUNT(*) AS won_deals, SUM(o.amount) AS won_amount FROM crm_opportunity AS o \
             JOIN hr_employee AS e ON e.employee_id = o.owner_id \
             WHERE o.stage = 'Closed Won' AND o.expected_close_date BETWEEN '2024-01-01' AND '2024-12-31' \
             GROUP BY e.employee_id, e.first_name, e.last_name ORDER BY won_deals DESC LIMIT 5",
        ),
        q(
            "d38",
            "How many leads did each 2024 marketing campaign generate, and how many converted?",
            &["mkt_lead", "mkt_campaign"],
            "SELECT c.campaign_name, COUNT(*) AS leads, SUM(CASE WHEN l.lead_status = 'Converted' THEN 1 ELSE 0 END) AS converted \
             FROM mkt_lead AS l JOIN mkt_campaign AS c ON c.campaign_id = l.campaign_id \
             WHERE c.start_date BETWEEN '2024-01-01' AND '2024-12-31' GROUP BY c.campaign_name ORDER BY leads DESC",
        ),
        q(
            "d39",
            "Compare actual spend with budget for each marketing campaign that started in 2023.",
            &["mkt_campaign", "mkt_campaign_spend"],
            "SELECT c.campaign_name, c.budget_amount, SUM(s.spend_amount) AS actual_spend FROM mkt_campaign AS c \
             JOIN mkt_campaign_spend AS s ON s.campaign_id = c.campaign_id \
             WHERE c.start_date BETWEEN '2023-01-01' AND '2023-12-31' \
             GROUP BY c.campaign_id, c.campaign_name, c.budget_amount ORDER BY actual_spend DESC",
        ),
        q(
            "d40",
            "How many orders did we receive each month in 2024?",
            &["sales_order"],
            "SELECT strftime('%m', order_date) AS order_month, COUNT(*) AS orders FROM sales_order \
             WHERE order_date BETWEEN '2024-01-01' AND '2024-12-31' GROUP BY order_month ORDER BY order_month",
        ),
        q(
            "d41",
            "What is the average annual salary for each job title among current employees?",
            &["hr_employee", "hr_job_title"],
            "SELECT j.title_name, AVG(e.annual_salary) AS avg_salary, COUNT(*) AS employees FROM hr_employee AS e \
             JOIN hr_job_title AS j ON j.job_title_id = e.job_title_id \
             WHERE e.employment_status <> 'Terminated' GROUP BY j.title_name ORDER BY avg_salary DESC",
        ),
        q(
            "d42",
            "What were the refunds for returns in 2023, by return reason?",
            &["sales_return"],
            "SELECT return_reason, COUNT(*) AS returns, SUM(refund_amount) AS refunded FROM sales_return \
             WHERE return_date BETWEEN '2023-01-01' AND '2023-12-31' GROUP BY return_reason ORDER BY refunded DESC",
        ),
        q(
            "d43",
            "How many shipments went to each region in 2024?",
            &["ship_shipment", "geo_country", "geo_region"],
            "SELECT rg.region_name, COUNT(*) AS shipments FROM ship_shipment AS s \
             JOIN geo_country AS g ON g.country_id = s.destination_country_id JOIN geo_region AS rg ON rg.region_id = g.region_id \
             WHERE s.ship_date BETWEEN '2024-01-01' AND '2024-12-31' GROUP BY rg.region_name ORDER BY shipments DESC",
        ),
        q(
            "d44",
            "How many billable hours were booked on each project in 2024?",
            &["proj_timesheet_entry", "proj_project"],
            "SELECT p.project_name, SUM(t.hours) AS billable_hours FROM proj_timesheet_entry AS t \
             JOIN proj_project AS p ON p.project_id = t.project_id \
             WHERE t.is_billable = 1 AND t.work_date BETWEEN '2024-01-01' AND '2024-12-31' \
             GROUP BY p.project_name ORDER BY billable_hours DESC",
        ),
        q(
            "d45",
            "How many units did each plant complete in 2024, and what was its scrap rate?",
            &["mfg_work_order", "mfg_plant"],
            "SELECT pl.plant_name, SUM(w.quantity_completed) AS completed_units, \
             ROUND(100.0 * SUM(w.quantity_scrapped) / SUM(w.quantity_planned), 2) AS scrap_rate_pct \
             FROM mfg_work_order AS w JOIN mfg_plant AS pl ON pl.plant_id = w.plant_id \
             WHERE w.work_order_status = 'Completed' AND w.due_date BETWEEN '2024-01-01' AND '2024-12-31' \
             GROUP BY pl.plant_name ORDER BY completed_units DESC",
        ),
        q(
            "d46",
            "On average, how many days do customers in each segment take to pay their invoices?",
            &["fin_payment", "fin_invoice", "crm_customer"],
            "SELECT c.segment, AVG(julianday(p.payment_date) - julianday(i.invoice_date)) AS avg_days_to_pay \
             FROM fin_payment AS p JOIN fin_invoice AS i ON i.invoice_id = p.invoice_id \
             JOIN crm_customer AS c ON c.customer_id = i.customer_id GROUP BY c.segment ORDER BY avg_days_to_pay",
        ),
        q(
            "d47",
            "How much revenue did each Eco Friendly product bring in during 2024?",
            &["prd_product", "prd_product_tag_map", "prd_product_tag", "sales_order_line", "sales_order"],
            "SELECT p.product_name, SUM(ol.line_amount) AS revenue FROM prd_product AS p \
             JOIN prd_product_tag_map AS tm ON tm.product_id = p.product_id JOIN prd_product_tag AS t ON t.tag_id = tm.tag_id \
             JOIN sales_order_line AS ol ON ol.product_id = p.product_id JOIN sales_order AS o ON o.order_id = ol.order_id \
             WHERE t.tag_name = 'Eco Friendly' AND o.order_date BETWEEN '2024-01-01' AND '2024-12-31' \
             AND o.order_status <> 'Cancelled' GROUP BY p.product_name ORDER BY revenue DESC",
        ),
        q(
            "d48",
            "What was the total freight cost per warehouse in 2024?",
            &["ship_shipment", "inv_warehouse"],
            "SELECT w.warehouse_name, SUM(s.freight_cost) AS freight_cost FROM ship_shipment AS s \
             JOIN inv_warehouse AS w ON w.warehouse_id = s.warehouse_id \
             WHERE s.ship_date BETWEEN '2024-01-01' AND '2024-12-31' GROUP BY w.warehouse_name ORDER BY freight_cost DESC",
        ),
        q(
            "d49",
            "For each sales rep with a 2024 quota, how does the quota compare with the value of their 2024 orders?",
            &["sales_quota", "hr_employee", "sales_order"],
            "SELECT e.first_name, e.last_name, q.quota, COALESCE(s.sold, 0) AS sold FROM \
             (SELECT employee_id, SUM(quota_amount) AS quota FROM sales_quota WHERE quota_year = 2024 GROUP BY employee_id) AS q \
             JOIN hr_employee AS e ON e.employee_id = q.employee_id LEFT JOIN \
             (SELECT sales_rep_id, SUM(total_amount) AS sold FROM sales_order \
             WHERE order_date BETWEEN '2024-01-01' AND '2024-12-31' AND order_status <> 'Cancelled' GROUP BY sales_rep_id) AS s \
             ON s.sales_rep_id = q.employee_id ORDER BY sold DESC",
        ),
        q(
            "d50",
            "How many tickets did each support agent resolve in 2024, and with what average satisfaction score?",
            &["sup_ticket", "hr_employee"],
            "SELECT e.first_name, e.last_name, COUNT(*) AS resolved_tickets, AVG(t.satisfaction_score) AS avg_csat \
             FROM sup_ticket AS t JOIN hr_employee AS e ON e.employee_id = t.assigned_agent_id \
             WHERE t.resolved_at BETWEEN '2024-01-01 00:00:00' AND '2024-12-31 23:59:59' \
             GROUP BY e.employee_id, e.first_name, e.last_name ORDER BY resolved_tickets DESC LIMIT 10",
        ),
    ]
}
