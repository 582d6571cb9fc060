//! OpenAPI schemas (feature `openapi`, the server's only) for the types whose wire form is not derived: chrono's
//! weekdays, chrono-tz's time zones and the triage red flag. The app never compiles this.

use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, ToArray};
use utoipa::{PartialSchema, ToSchema};

/// A day of the week as chrono writes it ("Mon" … "Sun").
pub struct WeekdayName;

impl PartialSchema for WeekdayName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .enum_values(Some(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]))
            .description(Some("A day of the week."))
            .into()
    }
}

impl ToSchema for WeekdayName {
    fn name() -> Cow<'static, str> {
        "Weekday".into()
    }
}

/// Days of the week, as a list.
pub struct WeekdayNames;

impl PartialSchema for WeekdayNames {
    fn schema() -> RefOr<Schema> {
        WeekdayName::schema().to_array().into()
    }
}

impl ToSchema for WeekdayNames {}

/// An IANA time zone name ("America/New_York"): one chrono-tz knows.
pub struct TimeZoneName;

impl PartialSchema for TimeZoneName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())))
            .description(Some("An IANA time zone name."))
            .into()
    }
}

impl ToSchema for TimeZoneName {
    fn name() -> Cow<'static, str> {
        "TimeZone".into()
    }
}

impl PartialSchema for crate::triage::RedFlag {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Object))
            .description(Some("A red flag: `fever` with `celsius_tenths`, or the id of a yes/no question answered yes."))
            .property("flag", ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)))
            .required("flag")
            .property("celsius_tenths", ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)).format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int32))))
            .into()
    }
}

impl ToSchema for crate::triage::RedFlag {}

/// A list of fixed-length tuples (`[kind, count]`), as serde writes `Vec<(A, B)>`: each an array of exactly that
/// many items, any item one of the tuple's types (not `prefixItems`: schemathesis cannot read it).
fn tuples(items: Vec<RefOr<Schema>>) -> Schema {
    let len = items.len();
    let item = items.into_iter().fold(utoipa::openapi::schema::AnyOfBuilder::new(), |any, schema| any.item(schema));
    let tuple = utoipa::openapi::schema::ArrayBuilder::new().items(item).min_items(Some(len)).max_items(Some(len));
    Schema::Array(utoipa::openapi::schema::ArrayBuilder::new().items(tuple).build())
}

fn count() -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)).minimum(Some(0)).into()
}

/// `Vec<(InterventionKind, InterventionOutcome, u32)>`
pub fn intervention_counts() -> Schema {
    use crate::intervention::{InterventionKind, InterventionOutcome};
    tuples(vec![InterventionKind::schema(), InterventionOutcome::schema(), count()])
}

/// `Vec<(PdcBand, u32)>`
pub fn pdc_band_counts() -> Schema {
    tuples(vec![crate::worklist::PdcBand::schema(), count()])
}

/// `Vec<(Worklist, u32)>`
pub fn worklist_counts() -> Schema {
    tuples(vec![crate::worklist::Worklist::schema(), count()])
}
