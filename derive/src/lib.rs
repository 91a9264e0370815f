//! `#[derive(FromValue)]` and `#[derive(ToArgs)]` for
//! [anyredis](https://docs.rs/anyredis): structs with named fields read from
//! a hash reply (`HGETALL`, a RESP3 map or RESP2's flat field/value array)
//! and written as field/value pairs (`HSET key f1 v1 f2 v2 ...`).
//!
//! Use them through anyredis's `derive` feature: `use anyredis::{FromValue, ToArgs};`.
//!
//! Field attributes, `#[redis(...)]`:
//! - `rename = "name"`: the hash field's name (default: the Rust field's name);
//! - `default`: a missing field takes `Default::default()` instead of being an error;
//! - `skip`: not read (takes `Default::default()`) and not written.
//!
//! `Option<T>` fields may be missing (they are `None`), and `None` is not
//! written. Every other field must be present; an error names the struct and
//! the missing or wrong field. Written fields must be single arguments
//! (`anyredis::ToSingleArg`: strings, numbers, bytes, ...).

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Field, Fields, LitStr, Type};

/// Reads a struct from a map reply. See the crate docs for the attributes.
#[proc_macro_derive(FromValue, attributes(redis))]
pub fn derive_from_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    from_value(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Writes a struct as field/value pairs. See the crate docs for the attributes.
#[proc_macro_derive(ToArgs, attributes(redis))]
pub fn derive_to_args(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    to_args(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// One field and what its attributes say.
struct FieldSpec<'a> {
    ident: &'a syn::Ident,
    name: LitStr,
    optional: bool,
    default: bool,
    skip: bool,
}

fn fields(input: &DeriveInput) -> syn::Result<Vec<FieldSpec<'_>>> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "FromValue and ToArgs derive only for structs with named fields",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "FromValue and ToArgs derive only for structs with named fields (a hash's fields need names)",
        ));
    };
    named.named.iter().map(field_spec).collect()
}

fn field_spec(field: &Field) -> syn::Result<FieldSpec<'_>> {
    let ident = field
        .ident
        .as_ref()
        .ok_or_else(|| syn::Error::new_spanned(field, "a field without a name"))?;
    let plain = ident.to_string();
    let mut spec = FieldSpec {
        ident,
        name: LitStr::new(plain.strip_prefix("r#").unwrap_or(&plain), Span::call_site()),
        optional: is_option(&field.ty),
        default: false,
        skip: false,
    };
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("redis")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                spec.name = meta.value()?.parse()?;
                Ok(())
            } else if meta.path.is_ident("default") {
                spec.default = true;
                Ok(())
            } else if meta.path.is_ident("skip") {
                spec.skip = true;
                Ok(())
            } else {
                Err(meta.error("unknown redis attribute: expected `rename = \"...\"`, `default` or `skip`"))
            }
        })?;
    }
    Ok(spec)
}

/// Whether the type is written `Option<...>` (any path ending in `Option`).
fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|last| last.ident == "Option" && !last.arguments.is_empty()),
        Type::Group(group) => is_option(&group.elem),
        Type::Paren(paren) => is_option(&paren.elem),
        _ => false,
    }
}

fn from_value(input: &DeriveInput) -> syn::Result<Tokens> {
    let fields = fields(input)?;
    let ty = &input.ident;
    let type_name = LitStr::new(&ty.to_string(), Span::call_site());
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let read = fields.iter().filter(|f| !f.skip).collect::<Vec<_>>();
    let slots = read
        .iter()
        .enumerate()
        .map(|(i, _)| syn::Ident::new(&format!("__field{i}"), Span::call_site()))
        .collect::<Vec<_>>();
    let names = read.iter().map(|f| &f.name).collect::<Vec<_>>();
    let mut inits = Vec::new();
    for field in &fields {
        let ident = field.ident;
        if field.skip {
            inits.push(quote!(#ident: ::core::default::Default::default()));
            continue;
        }
        let index = read.iter().position(|r| r.ident == ident).unwrap_or_default();
        let Some(slot) = slots.get(index) else {
            continue;
        };
        let name = &field.name;
        let optional = field.optional;
        inits.push(if field.default {
            quote!(#ident: ::anyredis::value::__derive::field_or_default(#slot, #type_name, #name)?)
        } else {
            quote!(#ident: ::anyredis::value::__derive::field(#slot, #type_name, #name, #optional)?)
        });
    }
    Ok(quote! {
        impl #impl_generics ::anyredis::FromValue for #ty #ty_generics #where_clause {
            fn from_value(
                value: ::anyredis::Value,
            ) -> ::core::result::Result<Self, ::anyredis::value::ConversionError> {
                #(let mut #slots: ::core::option::Option<::anyredis::Value> = ::core::option::Option::None;)*
                for (key, value) in ::anyredis::value::__derive::pairs(value, #type_name)? {
                    match &key[..] {
                        #(k if k == #names.as_bytes() => #slots = ::core::option::Option::Some(value),)*
                        _ => {}
                    }
                }
                ::core::result::Result::Ok(#ty { #(#inits,)* })
            }
        }
    })
}

fn to_args(input: &DeriveInput) -> syn::Result<Tokens> {
    let fields = fields(input)?;
    let ty = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let writes = fields.iter().filter(|f| !f.skip).map(|field| {
        let ident = field.ident;
        let name = &field.name;
        if field.optional {
            quote! {
                if let ::core::option::Option::Some(value) = &self.#ident {
                    ::anyredis::value::__derive::write_field(out, #name, value);
                }
            }
        } else {
            quote!(::anyredis::value::__derive::write_field(out, #name, &self.#ident);)
        }
    });
    Ok(quote! {
        impl #impl_generics ::anyredis::ToArgs for #ty #ty_generics #where_clause {
            fn write_args(&self, out: &mut ::anyredis::value::Args) {
                #(#writes)*
            }
        }
    })
}
