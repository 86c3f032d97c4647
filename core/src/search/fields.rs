//! `Field` and `Fields`: where a query matched, for the viewer to say
//! "matched in output".

/// A field a query can match in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Type,
    Id,
    Model,
    Provider,
    Session,
    User,
    Tags,
    Input,
    Output,
    Metadata,
    StatusMessage,
}

impl Field {
    /// Every field, in the order [`Fields::iter`] gives them.
    pub const ALL: [Field; 12] = [
        Field::Name,
        Field::Type,
        Field::Id,
        Field::Model,
        Field::Provider,
        Field::Session,
        Field::User,
        Field::Tags,
        Field::Input,
        Field::Output,
        Field::Metadata,
        Field::StatusMessage,
    ];

    /// Its name in a sentence: "matched in status message".
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Type => "type",
            Field::Id => "id",
            Field::Model => "model",
            Field::Provider => "provider",
            Field::Session => "session",
            Field::User => "user",
            Field::Tags => "tags",
            Field::Input => "input",
            Field::Output => "output",
            Field::Metadata => "metadata",
            Field::StatusMessage => "status message",
        }
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// A set of fields: where a trace or an observation matched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fields(u16);

impl Fields {
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, field: Field) -> bool {
        self.0 & field.bit() != 0
    }

    /// The fields in the set, in [`Field::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    fn insert(&mut self, field: Field) {
        self.0 |= field.bit();
    }
}

impl FromIterator<Field> for Fields {
    fn from_iter<I: IntoIterator<Item = Field>>(fields: I) -> Fields {
        let mut set = Fields::default();
        for field in fields {
            set.insert(field);
        }
        set
    }
}
