//! The typed words of `actions` rows (`domain::ActionKind` and its kin) as TEXT
//! columns on both backends: bound as their text form and read back through it, so
//! the stored values are the words every version wrote. A word this version does not
//! know reads as `Other`, never as an error that would drop the row or the query.

use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Encode, Type};

use crate::domain::{ActionActor, ActionKind, ActionState, ActionTrigger};

macro_rules! text_column {
    ($($name:ident),+) => {$(
        impl Type<Any> for $name {
            fn type_info() -> AnyTypeInfo {
                <str as Type<Any>>::type_info()
            }

            fn compatible(ty: &AnyTypeInfo) -> bool {
                <str as Type<Any>>::compatible(ty)
            }
        }

        impl Encode<'_, Any> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <Any as sqlx::Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                <String as Encode<Any>>::encode(self.as_str().to_string(), buf)
            }
        }

        impl<'r> Decode<'r, Any> for $name {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok($name::parse(<&str as Decode<Any>>::decode(value)?))
            }
        }
    )+};
}

text_column!(ActionKind, ActionTrigger, ActionState, ActionActor);
