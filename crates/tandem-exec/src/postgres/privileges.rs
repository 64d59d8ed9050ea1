//! What the sandbox's PostgreSQL role and login can read beyond the catalog.

use std::time::Duration;

use tokio_postgres::Client;

use super::error::map_pg;
use super::session::{Settings, begin};
use crate::{ExecError, PredefinedRole, PrivilegeFinding, PrivilegeReport};

/// The role statements run as (after the configured `SET ROLE`) and the login, which a
/// statement could switch back to with `set_config('role', …)` if the validator let that
/// through: whether each is a superuser, and which predefined roles it is a member of. A
/// superuser is a member of everything, so only that is reported for one.
const PRIVILEGES: &str = "\
SELECT r.rolname::text, r.rolsuper, g.rolname::text
FROM pg_roles r
LEFT JOIN pg_roles g ON g.rolname::text = ANY($1::text[]) AND NOT r.rolsuper AND pg_has_role(r.oid, g.oid, 'MEMBER')
WHERE r.rolname IN (current_user, session_user)
ORDER BY r.rolname = current_user DESC, r.rolname, g.rolname";

pub(crate) async fn read_privileges(
    client: &mut Client,
    settings: &Settings,
    timeout: Duration,
) -> Result<PrivilegeReport, ExecError> {
    let pg = |error| map_pg(error, timeout, &settings.target);
    let transaction = begin(client, settings, timeout).await?;
    let names: Vec<&str> = PredefinedRole::ALL.iter().map(|role| role.name()).collect();
    let rows = transaction.query(PRIVILEGES, &[&names]).await.map_err(pg)?;
    let user: String =
        transaction.query_one("SELECT current_user::text", &[]).await.map_err(pg)?.try_get(0).map_err(pg)?;
    transaction.rollback().await.map_err(pg)?;
    let mut findings = Vec::new();
    for row in &rows {
        let role: String = row.try_get(0).map_err(pg)?;
        let superuser: bool = row.try_get(1).map_err(pg)?;
        let member_of: Option<String> = row.try_get(2).map_err(pg)?;
        let finding = if superuser {
            PrivilegeFinding::Superuser { role }
        } else if let Some(member_of) = member_of.as_deref().and_then(PredefinedRole::from_name) {
            PrivilegeFinding::PredefinedRole { role, member_of }
        } else {
            continue;
        };
        if !findings.contains(&finding) {
            findings.push(finding);
        }
    }
    Ok(PrivilegeReport { user, findings })
}
