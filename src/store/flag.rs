//! Flags: both backends store them as 0/1 integers, and the Any driver reads a `bool`
//! only from a boolean column, so row fields that are flags decode through these.

use sqlx::Any;

/// A 0/1 integer column read as a flag: both backends store flags as integers, and the
/// Any driver reads a `bool` only from a boolean column. Use with
/// `#[sqlx(try_from = "Flag")]` on a `bool` field.
pub(super) struct Flag(bool);

/// The same for a nullable flag (`Option<bool>`, `#[sqlx(try_from = "MaybeFlag")]`).
pub(super) struct MaybeFlag(Option<bool>);

impl sqlx::Type<Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<Any>>::compatible(ty)
    }
}

impl sqlx::Type<Any> for MaybeFlag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(Flag(<i64 as sqlx::Decode<Any>>::decode(value)? != 0))
    }
}

impl<'r> sqlx::Decode<'r, Any> for MaybeFlag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        use sqlx::ValueRef;
        if value.is_null() {
            return Ok(MaybeFlag(None));
        }
        Ok(MaybeFlag(Some(
            <i64 as sqlx::Decode<Any>>::decode(value)? != 0,
        )))
    }
}

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0
    }
}

impl From<MaybeFlag> for Option<bool> {
    fn from(flag: MaybeFlag) -> Option<bool> {
        flag.0
    }
}
