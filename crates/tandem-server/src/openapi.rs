//! The OpenAPI description served at `/openapi.json`, generated from the handlers'
//! annotations so it cannot drift from the routes.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, ErrorDetail};
use crate::routes::sessions::{AskRequest, ConfirmRequest};
use crate::routes::system::Health;
use crate::service::{AnswerColumn, Applied, Migration, Preview, QualityCheck, TurnError, TurnStatus};
use crate::view::{AnswerPage, TurnView};

#[derive(OpenApi)]
#[openapi(
    info(title = "tandem", description = "Questions about a database answered with a plan a person confirms before the large model writes SQL."),
    paths(
        crate::routes::sessions::ask,
        crate::routes::sessions::follow_up,
        crate::routes::sessions::confirm,
        crate::routes::sessions::cancel,
        crate::routes::sessions::latest,
        crate::routes::sessions::settled,
        crate::routes::sessions::turns,
        crate::routes::sessions::csv,
        crate::routes::sessions::apply,
        crate::routes::sessions::export,
        crate::routes::sessions::revise,
        crate::routes::sessions::migration,
        crate::routes::events::events,
        crate::routes::system::healthz,
        crate::routes::system::readyz,
        crate::routes::system::metrics,
    ),
    components(schemas(AskRequest, ConfirmRequest, TurnView, AnswerPage, AnswerColumn, Preview, QualityCheck, Applied, Migration,
        TurnError, TurnStatus, ErrorBody, ErrorDetail, Health)),
    modifiers(&Security),
    security(("bearer" = []), ("api_key" = [])),
)]
pub(crate) struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components
            .add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))));
    }
}
